import { z } from "zod";
import type { Product, ProductRow, Store } from "../store/types.ts";
import { productHash } from "./catalog-file.ts";
import { productText } from "./product-text.ts";
import type { CatalogRecommender } from "./recommender.ts";
import type { Embedder } from "./types.ts";

export interface ImportProgress {
  /** "saving": products written to the store; "embedding": vectors computed (all products after a refit). */
  phase: "saving" | "embedding";
  done: number;
  total: number;
}

export interface ImportCatalogOptions {
  store: Store;
  /** Keeps the running recommender's indexes in step (and fits/refits the built-in embedder). */
  recommender?: CatalogRecommender;
  /** Without a recommender: embed changed products with this and store their vectors. */
  embedder?: Embedder;
  products: AsyncIterable<Product> | Iterable<Product>;
  /** Refit the built-in embedder on the whole catalogue even if it has not drifted. */
  refit?: boolean;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportResult {
  added: number;
  updated: number;
  unchanged: number;
  /** Rows refused here (invalid products); a file parser's own rejects are counted by the caller. */
  failed: number;
  /** The first problems, "products[3] (id "x"): title: …". */
  errors: string[];
  /** Products whose vectors were computed. */
  embedded: number;
  refitted: boolean;
  seconds: number;
}

const productSchema = z.looseObject({
  id: z.string().trim().min(1, "must not be empty").max(200),
  title: z.string().trim().min(1, "must not be empty").max(500),
  description: z.string().optional(),
  category: z.string().optional(),
  brand: z.string().optional(),
  price: z.number().finite().nonnegative().optional(),
  currency: z.string().optional(),
  tags: z.array(z.string()).optional(),
  image: z.string().optional(),
  stock: z.number().finite().optional(),
  color: z.string().optional(),
  sizes: z.array(z.string()).optional(),
  locale: z.string().optional(),
});

const SAVE_BATCH = 1000;

/**
 * Imports products: unchanged ones (same content hash as stored) are skipped; new and changed ones
 * are saved, embedded and indexed. Nothing is deleted — a product missing from the input stays,
 * since a file may be a partial update.
 */
export async function importCatalog(options: ImportCatalogOptions): Promise<ImportResult> {
  const started = performance.now();
  const { store, recommender } = options;
  if (recommender) await recommender.load();
  const stored = await store.catalogue.productHashes();
  const result: ImportResult = { added: 0, updated: 0, unchanged: 0, failed: 0, errors: [], embedded: 0, refitted: false, seconds: 0 };
  const changed = new Map<string, { product: Product; hash: string }>();
  let index = 0;
  for await (const raw of options.products as AsyncIterable<Product>) {
    const at = index++;
    const parsed = productSchema.safeParse(raw);
    if (!parsed.success) {
      result.failed++;
      if (result.errors.length < 100) {
        const id = (raw as { id?: unknown } | null)?.id;
        const where = typeof id === "string" ? `products[${at}] (id ${JSON.stringify(id)})` : `products[${at}]`;
        result.errors.push(`${where}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "product"}: ${i.message}`).join("; ")}`);
      }
      continue;
    }
    const product = parsed.data as Product;
    const hash = productHash(product);
    if (stored.get(product.id) === hash && !changed.has(product.id)) {
      result.unchanged++;
      continue;
    }
    // The same id twice in one input: the later row wins, counted once.
    if (!changed.has(product.id)) {
      if (stored.has(product.id)) result.updated++;
      else result.added++;
    }
    changed.set(product.id, { product, hash });
  }

  const rows: ProductRow[] = [...changed.values()];
  for (let i = 0; i < rows.length; i += SAVE_BATCH) {
    await store.catalogue.upsertProducts(rows.slice(i, i + SAVE_BATCH));
    options.onProgress?.({ phase: "saving", done: Math.min(rows.length, i + SAVE_BATCH), total: rows.length });
  }
  const products = rows.map((r) => r.product);
  if (recommender) {
    const indexed = await recommender.indexProducts(products, {
      hashes: new Map(rows.map((r) => [r.product.id, r.hash])),
      refit: options.refit,
      onProgress: (done, total) => options.onProgress?.({ phase: "embedding", done, total }),
    });
    result.embedded = indexed.embedded;
    result.refitted = indexed.refitted;
  } else if (options.embedder && products.length) {
    const embedder = options.embedder;
    const batch = embedder.tier === "built-in" ? 500 : 64;
    for (let i = 0; i < products.length; i += batch) {
      const part = products.slice(i, i + batch);
      const vectors = await embedder.embed(part.map(productText));
      await store.catalogue.saveVectors(
        embedder.id,
        part.map((p, j) => ({ id: p.id, vector: vectors[j]! })),
      );
      result.embedded += part.length;
      options.onProgress?.({ phase: "embedding", done: result.embedded, total: products.length });
    }
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
