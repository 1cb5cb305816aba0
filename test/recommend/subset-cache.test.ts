import { describe, expect, it } from "vitest";
import { ExactIndex, normalized } from "../../recommend/vectors/exact.ts";
import { HnswIndex } from "../../recommend/vectors/hnsw.ts";
import { SubsetMatrices } from "../../recommend/vectors/subset-cache.ts";
import { mulberry32 } from "../../core/random.ts";

const D = 32;
const random = mulberry32(7);
const vector = () => Float32Array.from({ length: D }, () => random() - 0.5);

function index(n: number): ExactIndex {
  const exact = new ExactIndex(D);
  exact.add(Array.from({ length: n }, (_, i) => ({ id: `p${i}`, vector: vector() })));
  return exact;
}

describe("native exact search over a filter's products", () => {
  it("finds exactly what the JavaScript scan finds, from a cached contiguous copy", () => {
    const exact = index(3000);
    const candidates = Int32Array.from({ length: 900 }, (_, i) => i * 3 + 1);
    const subsets = new SubsetMatrices(1 << 20);
    for (let q = 0; q < 20; q++) {
      const query = vector();
      const expected = exact.searchSlots(query, 10, { candidates, exact: true });
      for (const found of [subsets.search(exact, normalized(query), 10, candidates), subsets.search(exact, normalized(query), 10, candidates)]) {
        expect(found.map((h) => h.slot)).toEqual(expected.map((h) => h.slot));
        for (const [i, h] of found.entries()) expect(h.score).toBeCloseTo(expected[i].score, 5);
      }
    }
    // More than there are: all of them, best first.
    expect(subsets.search(exact, normalized(vector()), 5000, candidates)).toHaveLength(900);
  });

  it("skips removed products, and answers correctly (uncached) when a set is over its budget", () => {
    const exact = index(500);
    exact.remove(["p2", "p4"]);
    const candidates = Int32Array.from([1, 2, 3, 4, 5]);
    const tiny = new SubsetMatrices(16);
    const found = tiny.search(exact, normalized(vector()), 10, candidates);
    expect(found.map((h) => h.slot).sort()).toEqual([1, 3, 5]);
  });

  it("in the HNSW index, forgets its copies when vectors change, so a changed product is found where it now is", () => {
    const hnsw = new HnswIndex(D, { exactBelow: 0, exactCandidates: 10_000 });
    hnsw.add(Array.from({ length: 2000 }, (_, i) => ({ id: `p${i}`, vector: vector() })));
    const candidates = Int32Array.from({ length: 400 }, (_, i) => i);
    const query = vector();
    const filter = { candidates, exact: true, accept: (s: number) => s < 400 };
    const before = hnsw.searchSlots(query, 3, filter);
    expect(before).toHaveLength(3);
    // p399 becomes the query itself: it must now come first.
    hnsw.add([{ id: "p399", vector: query }]);
    const after = hnsw.searchSlots(query, 3, filter);
    expect(after[0]).toMatchObject({ slot: hnsw.ids.slotOf("p399") });
    expect(after[0].score).toBeCloseTo(1, 5);
  });
});
