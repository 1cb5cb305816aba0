import { describe, expect, it } from "vitest";
import { generateCatalog } from "../../recommend/demo/index.ts";
import { CatalogIndexes } from "../../recommend/indexes.ts";
import { HnswIndex } from "../../recommend/vectors/hnsw.ts";
import { IdSpace } from "../../recommend/vectors/ids.ts";
import type { Filters } from "../../recommend/types.ts";

/**
 * Filters applied inside the search at a size where the graph is walked: a facet filter compiles to
 * the exact set of accepted products once per query, and BM25, the exact scan and the HNSW walk all
 * return only accepted products — the same top 10 as brute force over them.
 */
describe("filters inside the search", () => {
  const products = generateCatalog({ count: 6000, seed: 4 });
  const ids = new IdSpace();
  const state = new CatalogIndexes(ids);
  state.upsertProducts(products);
  let x = 12345;
  const rand = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32 - 0.5;
  };
  const vector = () => Float32Array.from({ length: 24 }, rand);
  // Small thresholds so the walk and the scan of accepted products are both exercised.
  const index = new HnswIndex(24, { ids, exactBelow: 100, exactCandidates: 50, exactScan: 400 });
  index.add(products.map((p) => ({ id: p.id, vector: vector() })));
  const cases: Filters[] = [
    { categories: ["shoes"], priceMax: 150 },
    { categories: ["shoes", "books"] },
    { brands: [products[7]!.brand!], inStock: true },
    { priceMax: 60 },
    { sizes: ["42", "43", "M"] },
  ];

  it.each(cases)("%o: exact candidates, and every search keeps to them", (filters) => {
    const compiled = state.catalog.compile(filters);
    const accepted = products.map((p) => ids.slotOf(p.id)!).filter((s) => compiled.accept(s));
    expect(accepted.length).toBeGreaterThan(0);
    if (compiled.candidates) {
      expect(compiled.exact).toBe(true);
      expect(Array.from(compiled.candidates)).toEqual(accepted.sort((a, b) => a - b));
    }
    const ok = new Set(accepted);
    let found = 0;
    let wanted = 0;
    for (let q = 0; q < 20; q++) {
      const v = vector();
      const hits = index.searchSlots(v, 10, compiled);
      const truth = index.exact.searchSlots(v, 10, { accept: (s) => ok.has(s) });
      expect(hits.every((h) => ok.has(h.slot))).toBe(true);
      expect(hits.length).toBe(Math.min(10, accepted.length));
      expect(new Set(hits.map((h) => h.slot)).size).toBe(hits.length);
      const want = new Set(truth.map((h) => h.slot));
      found += hits.filter((h) => want.has(h.slot)).length;
      wanted += truth.length;
    }
    // The graph walk is approximate (random 24-d vectors are a hard case for it); the scans are exact.
    expect(found / wanted).toBeGreaterThanOrEqual(0.9);
    const lexical = state.lexical.search([[["shoes"]], [["book"]], [["running"]]], 50, compiled);
    expect(lexical.every((h) => ok.has(h.slot))).toBe(true);
  });

  it("a filter nothing meets is empty", () => {
    expect(state.catalog.compile({ categories: ["shoes"], priceMax: 0.01 }).empty).toBe(true);
  });
});
