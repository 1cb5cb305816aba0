/**
 * Hybrid search latency with and without filters at catalogue scale, broken down by stage (BM25,
 * vector walk, the whole search), on a catalogue kept between runs so a change can be measured
 * before and after without re-importing. Figures only.
 *
 *   nice -n 10 npx tsx bench/retrieval.ts [--count 100000] [--queries 300] [--dir DIR]
 *
 * The first run imports the generated catalogue into DIR (default a fresh temporary directory,
 * removed at the end); with --dir it is kept and later runs start from its saved indexes.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { iterateCatalogEntries } from "../recommend/demo/index.ts";
import { importCatalog } from "../recommend/import.ts";
import { createRecommender } from "../recommend/recommender.ts";
import type { CatalogIndexes } from "../recommend/indexes.ts";
import { analyzeQuery } from "../recommend/text/tokenize.ts";
import type { Filters } from "../recommend/types.ts";
import { createStore } from "../store/index.ts";

process.env.CONCIERGE_QUIET ??= "1";
const opt = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const count = Number(opt("count") ?? 100_000);
const queryCount = Number(opt("queries") ?? 300);
const keep = opt("dir");
const dataDir = keep ?? (await mkdtemp(path.join(tmpdir(), "concierge-bench-retrieval-")));
const fresh = !existsSync(path.join(dataDir, "db"));

const entries = [...iterateCatalogEntries({ count, seed: 42 })];
const names = [...new Map(entries.map((e) => [e.subtype.id, e.subtype])).values()];
const queries = Array.from({ length: queryCount }, (_, i) => {
  const s = names[i % names.length]!;
  const f = s.features[i % s.features.length]!;
  return i % 3 === 2 ? s.zh : i % 3 === 1 ? `${f.en} ${s.en}` : s.en;
});
const FILTERS: { label: string; filters: Filters }[] = [
  { label: "price ≤ 100", filters: { priceMax: 100 } },
  { label: "category shoes, price ≤ 150", filters: { categories: ["shoes"], priceMax: 150 } },
  { label: "brand Stridewell, in stock", filters: { brands: ["Stridewell"], inStock: true } },
  { label: "clothing, red", filters: { colors: ["red"], categories: ["clothing"] } },
];

const store = createStore({ dataDir });
await store.init();
try {
  const rec = createRecommender({ store, dataDir, progress: !process.env.CONCIERGE_QUIET });
  if (fresh) {
    const t = performance.now();
    await importCatalog({ store, recommender: rec, products: entries.map((e) => e.product) });
    console.log(`imported ${count} products in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  await rec.load();
  const state = (rec as unknown as { state: CatalogIndexes }).state;
  const embedder = rec.embedder!;
  console.log(`retrieval at ${state.catalog.size} products, ${embedder.dimensions}-d ${embedder.tier} embedder; ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const at = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(2);
    return `p50 ${at(0.5)}  p95 ${at(0.95)}  p99 ${at(0.99)} ms`;
  };
  const time = async (fn: (q: string, i: number) => unknown) => {
    const out: number[] = [];
    for (let i = 0; i < queries.length; i++) {
      const t = performance.now();
      await fn(queries[i]!, i);
      out.push(performance.now() - t);
    }
    return out;
  };
  const qv = await Promise.all(queries.map(async (q) => (await embedder.embed([q]))[0]!));
  for (let i = 0; i < 30; i++) await rec.search({ text: queries[i]!, limit: 10, filters: FILTERS[i % FILTERS.length]!.filters });
  console.log(`${"hybrid search, no filter".padEnd(34)} ${stats(await time((text) => rec.search({ text, limit: 10 })))}`);
  const all: number[] = [];
  for (const { label, filters } of FILTERS) {
    const compiled = state.catalog.compile(filters);
    const within = compiled.none ? {} : compiled;
    const lexical = await time((q) => state.lexical.search(analyzeQuery(q).map((g) => g.alternatives), 50, within));
    const vector = await time((_q, i) => state.vectors!.searchSlots(qv[i]!, 50, within));
    const whole = await time((text) => rec.search({ text, limit: 10, filters }));
    all.push(...whole);
    console.log(`${`  ${label}`.padEnd(34)} search ${stats(whole)} | BM25 ${stats(lexical)} | vectors ${stats(vector)}`);
  }
  console.log(`${"hybrid search with a filter (all)".padEnd(34)} ${stats(all)}`);
} finally {
  await store.close();
  if (!keep) await rm(dataDir, { recursive: true, force: true });
}
