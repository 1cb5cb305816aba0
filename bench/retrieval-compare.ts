/**
 * Filtered retrieval, before and after a change, interleaved query by query in one process so both
 * versions share the machine's load: catalogue compile + BM25 top-50 + vector top-50 per query, per
 * filter, over generated products with random vectors. Figures only.
 *
 *   mkdir /tmp/before && git archive <rev> recommend store core | tar -x -C /tmp/before
 *   ln -s "$PWD/node_modules" /tmp/before/node_modules
 *   nice -n 10 npx tsx bench/retrieval-compare.ts --before /tmp/before [--count 30000]
 */
import path from "node:path";

const argOf = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const before = argOf("before");
if (!before) throw new Error("--before: the directory of the version to compare with (see the comment at the top)");
const N = Number(argOf("count") ?? 30000);
const roots = { before: path.resolve(before), after: path.resolve(import.meta.dirname, "..") };
// biome-ignore lint/suspicious/noExplicitAny: two versions of the same modules, loaded by path, typed loosely on purpose
type Loose = Record<string, any>;
const mods: Record<string, Loose> = {};
for (const [k, r] of Object.entries(roots)) {
  mods[k] = {
    demo: await import(`${r}/recommend/demo/index.ts`),
    indexes: await import(`${r}/recommend/indexes.ts`),
    hnsw: await import(`${r}/recommend/vectors/hnsw.ts`),
    ids: await import(`${r}/recommend/vectors/ids.ts`),
    tok: await import(`${r}/recommend/text/tokenize.ts`),
  };
}
const products = mods.after.demo.generateCatalog({ count: N, seed: 42 });
let x = 99;
const rand = () => {
  x = (Math.imul(x, 1103515245) + 12345) >>> 0;
  return x / 2 ** 32 - 0.5;
};
const D = 64;
const vecs = products.map(() => Float32Array.from({ length: D }, rand));
const built: Record<string, Loose> = {};
for (const k of ["before", "after"]) {
  const m = mods[k];
  const ids = new m.ids.IdSpace();
  const state = new m.indexes.CatalogIndexes(ids);
  state.upsertProducts(products);
  const t = performance.now();
  const index = new m.hnsw.HnswIndex(D, { ids });
  index.add(products.map((p: { id: string }, i: number) => ({ id: p.id, vector: vecs[i] })));
  console.error(`${k}: built ${N} in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  built[k] = { state, index, tok: m.tok };
}
const FILTERS = [{ priceMax: 100 }, { categories: ["shoes"], priceMax: 150 }, { brands: [products[7].brand], inStock: true }, { colors: ["red"], categories: ["clothing"] }, { categories: ["shoes", "books"] }];
const queries = ["running shoes", "novel", "red dress", "headphones", "trail", "coffee beans", "lego", "lamp"];
const times: Record<string, number[][]> = { before: FILTERS.map(() => []), after: FILTERS.map(() => []) };
for (let rep = 0; rep < 40; rep++) {
  for (let f = 0; f < FILTERS.length; f++) {
    for (const k of rep % 2 ? ["before", "after"] : ["after", "before"]) {
      const { state, index, tok } = built[k];
      const q = queries[(rep + f) % queries.length];
      const qv = vecs[(rep * 7 + f) % N];
      const t = performance.now();
      const c = state.catalog.compile(FILTERS[f]);
      const within = c.none ? {} : c;
      state.lexical.search(tok.analyzeQuery(q).map((g: { alternatives: string[][] }) => g.alternatives), 50, within);
      index.searchSlots(qv, 50, within);
      times[k][f].push(performance.now() - t);
    }
  }
}
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))]!.toFixed(2);
for (let f = 0; f < FILTERS.length; f++) {
  console.log(`${JSON.stringify(FILTERS[f]).padEnd(52)} before p50 ${pct(times.before[f], 0.5)} p95 ${pct(times.before[f], 0.95)} ms | after p50 ${pct(times.after[f], 0.5)} p95 ${pct(times.after[f], 0.95)} ms`);
}
const all = (k: string) => times[k].flat();
console.log(`all filters: before p50 ${pct(all("before"), 0.5)} p95 ${pct(all("before"), 0.95)} ms | after p50 ${pct(all("after"), 0.5)} p95 ${pct(all("after"), 0.95)} ms`);
