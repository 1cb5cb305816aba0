/**
 * Recommender figures on a generated catalogue (no pass/fail): built-in embedding throughput,
 * catalogue import rate into the embedded store, start-up with the saved index, HNSW build time and
 * recall@10 against exact search, and top-10 retrieval latency (p50/p95/p99) — vector-only HNSW,
 * hybrid search without and with filters, profile recommendations.
 *
 *   npx tsx bench/recommend.ts [--count 100000] [--queries 300] [--dims 128]
 */
import { Shoppers } from "../shoppers/index.ts";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { iterateCatalogEntries } from "../recommend/demo/index.ts";
import { BuiltinEmbedder } from "../recommend/embedders/builtin.ts";
import { importCatalog } from "../recommend/import.ts";
import { productText } from "../recommend/product-text.ts";
import { createRecommender } from "../recommend/recommender.ts";
import type { Filters } from "../recommend/types.ts";
import { ExactIndex } from "../recommend/vectors/exact.ts";
import { HnswIndex } from "../recommend/vectors/hnsw.ts";
import { createStore } from "../store/index.ts";

process.env.CONCIERGE_QUIET ??= "1";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const count = arg("count", 100_000);
const queryCount = arg("queries", 300);
const dims = arg("dims", 128);

const line = (label: string, value: string) => console.log(`${label.padEnd(46)} ${value}`);
const ms = (x: number) => `${x.toFixed(2)} ms`;
function percentiles(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return `p50 ${ms(at(0.5))}  p95 ${ms(at(0.95))}  p99 ${ms(at(0.99))}  (n=${s.length})`;
}
async function timeEach<T>(items: T[], fn: (item: T) => unknown): Promise<number[]> {
  const out: number[] = [];
  for (const item of items) {
    const t = performance.now();
    await fn(item);
    out.push(performance.now() - t);
  }
  return out;
}

console.log(`recommender benchmark: ${count} generated products, ${dims}-d built-in embedder, ${cpus().length} cores, node ${process.version}`);
const entries = [...iterateCatalogEntries({ count, seed: 42 })];
const products = entries.map((e) => e.product);
const texts = products.map(productText);

// Queries a shopper might type: sub-type names in both languages, some with an adjective.
const names = [...new Map(entries.map((e) => [e.subtype.id, e.subtype])).values()];
const queries = Array.from({ length: queryCount }, (_, i) => {
  const s = names[i % names.length]!;
  const f = s.features[i % s.features.length]!;
  return i % 3 === 2 ? s.zh : i % 3 === 1 ? `${f.en} ${s.en}` : s.en;
});

// 1. Embedding throughput (fit on the catalogue, then fold in).
{
  const sample = texts.slice(0, Math.min(20_000, count));
  const t0 = performance.now();
  const embedder = BuiltinEmbedder.fit(sample, { dimensions: dims });
  const fit = (performance.now() - t0) / 1000;
  const batch = texts.slice(0, Math.min(5000, count));
  const t1 = performance.now();
  embedder.embedSync(batch);
  const perSecond = batch.length / ((performance.now() - t1) / 1000);
  const q = await timeEach(queries.slice(0, 100), (text) => embedder.embedSync([text]));
  line(`built-in fit on ${sample.length} products`, `${fit.toFixed(1)} s (vocabulary ${embedder.vocabularySize}, ${embedder.dimensions} dims)`);
  line("built-in embedding throughput (product texts)", `${Math.round(perSecond)} texts/s`);
  line("built-in query embedding latency", percentiles(q));
}

// 2. Import into the embedded store through the recommender (fit, embed, save, index, save graph).
const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-bench-rec-"));
const store = createStore({ dataDir });
await store.init();
try {
  const rec = createRecommender({ store, dataDir, progress: false, builtin: { dimensions: dims } });
  const t0 = performance.now();
  const result = await importCatalog({ store, recommender: rec, products });
  const seconds = (performance.now() - t0) / 1000;
  line(`import ${count} products (first import, fit included)`, `${seconds.toFixed(1)} s = ${Math.round(count / seconds)} products/s`);
  const changed = products.slice(0, Math.min(1000, count)).map((p) => ({ ...p, title: `${p.title} (2025 edition)` }));
  const t1 = performance.now();
  const again = await importCatalog({ store, recommender: rec, products: [...changed, ...products.slice(changed.length)] });
  const reSeconds = (performance.now() - t1) / 1000;
  line(`re-import, ${again.updated} changed of ${count}`, `${reSeconds.toFixed(1)} s = ${Math.round(count / reSeconds)} products/s checked`);
  void result;

  // 3. Start-up from the store with the saved graph.
  const t2 = performance.now();
  const restarted = createRecommender({ store, dataDir, progress: false });
  await restarted.load();
  const info = restarted.describe();
  line(`start-up at ${info.products} products (vector index ${info.vectorIndex})`, `${((performance.now() - t2) / 1000).toFixed(1)} s`);

  // 4. HNSW build time and recall@10 against exact search, on the stored vectors.
  const vectors = await store.catalogue.loadVectors(info.embedder!.id);
  const list = [...vectors].map(([id, vector]) => ({ id, vector }));
  const t3 = performance.now();
  const hnsw = new HnswIndex(info.embedder!.dimensions);
  hnsw.add(list);
  line(`HNSW build (${list.length} × ${info.embedder!.dimensions}, M=16, ef_add=128)`, `${((performance.now() - t3) / 1000).toFixed(1)} s`);
  const exact = new ExactIndex(info.embedder!.dimensions);
  exact.add(list);
  const embedder = restarted.embedder!;
  const qv = await embedder.embed(queries);
  let found = 0;
  for (const v of qv) {
    const truth = new Set(exact.search(v, 10).map((h) => h.id));
    found += hnsw.search(v, 10).filter((h) => truth.has(h.id)).length;
  }
  line("HNSW recall@10 vs exact", (found / (qv.length * 10)).toFixed(3));

  // 5. Latency.
  line("top-10 vector-only HNSW", percentiles(await timeEach(qv, (v) => hnsw.search(v, 10))));
  line("top-10 exact brute force (reference)", percentiles(await timeEach(qv.slice(0, 50), (v) => exact.search(v, 10))));
  await restarted.search({ text: "warm up", limit: 10 });
  line("top-10 hybrid search, no filter", percentiles(await timeEach(queries, (text) => restarted.search({ text, limit: 10 }))));
  const filters: Filters[] = [{ priceMax: 100 }, { categories: ["shoes"], priceMax: 150 }, { brands: ["Stridewell"], inStock: true }, { colors: ["red"], categories: ["clothing"] }];
  line(
    "top-10 hybrid search with a filter",
    percentiles(await timeEach(queries, (text) => restarted.search({ text, limit: 10, filters: filters[text.length % filters.length] }))),
  );
  const users = Array.from({ length: 50 }, (_, u) => `bench-user-${u}`);
  const shoppers = new Shoppers({ store: store.shoppers });
  shoppers.useProfileModel(restarted);
  shoppers.useMemory(restarted);
  await shoppers.record(
    users.flatMap((userId, u) =>
      Array.from({ length: 8 }, (_, j) => ({ userId, itemId: products[(u * 97 + j * 13) % count]!.id, type: j % 4 === 0 ? ("cart" as const) : ("view" as const), ts: Date.now() - j * 3_600_000 })),
    ),
  );
  line("top-10 recommend (profile; first + repeat call)", percentiles(await timeEach([...users, ...users], async (u) => restarted.recommend(await shoppers.profile(u), { limit: 10 }))));
} finally {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
}
