import type { Product } from "../store/types.ts";
import { Catalog } from "./catalog.ts";
import { Bm25Index } from "./lexical/bm25.ts";
import { productTerms } from "./product-text.ts";
import { HnswIndex, type HnswOptions } from "./vectors/hnsw.ts";
import type { IdSpace } from "./vectors/ids.ts";

/**
 * Everything search reads, in memory and sharing one slot space: the catalogue's facet columns,
 * BM25 over all fields, BM25 over titles (to find products a message names), and the vector index.
 */
export class CatalogIndexes {
  readonly catalog: Catalog;
  lexical = new Bm25Index();
  titles = new Bm25Index();
  vectors: HnswIndex | null = null;

  constructor(
    readonly ids: IdSpace,
    private readonly hnswOptions: HnswOptions = {},
  ) {
    this.catalog = new Catalog(ids);
  }

  /**
   * Puts products into the catalogue's facet columns only, with BM25 indexes read from disk
   * (saved by a previous run for the same catalogue).
   */
  restore(products: Product[], lexical: Bm25Index, titles: Bm25Index): void {
    this.catalog.upsert(products);
    this.lexical = lexical;
    this.titles = titles;
  }

  /** Puts products into the catalogue and both BM25 indexes (not the vector index). */
  upsertProducts(products: Product[], onProgress?: (done: number) => void): number[] {
    const slots: number[] = [];
    const chunk = 2000;
    for (let start = 0; start < products.length; start += chunk) {
      const part = products.slice(start, start + chunk);
      const partSlots = this.catalog.upsert(part);
      const terms = part.map(productTerms);
      this.lexical.upsert(terms.map((t, i) => ({ slot: partSlots[i]!, terms: t.lexical })));
      this.titles.upsert(terms.map((t, i) => ({ slot: partSlots[i]!, terms: t.title })));
      slots.push(...partSlots);
      onProgress?.(Math.min(products.length, start + chunk));
    }
    return slots;
  }

  removeProducts(ids: string[]): void {
    const slots = this.catalog.remove(ids);
    this.lexical.removeSlots(slots);
    this.titles.removeSlots(slots);
    this.vectors?.remove(ids);
  }

  /** A fresh, empty vector index of the given width (after a refit or an embedder change). */
  resetVectors(dimensions: number): HnswIndex {
    this.vectors = new HnswIndex(dimensions, { ...this.hnswOptions, ids: this.ids });
    return this.vectors;
  }

  get hnsw(): HnswOptions {
    return this.hnswOptions;
  }
}
