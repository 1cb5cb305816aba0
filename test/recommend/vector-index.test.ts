import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExactIndex } from "../../recommend/vectors/exact.ts";
import { HnswIndex } from "../../recommend/vectors/hnsw.ts";
import { IdSpace } from "../../recommend/vectors/ids.ts";

function randomVectors(n: number, dims: number, seed: number): Float32Array[] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  return Array.from({ length: n }, () => Float32Array.from({ length: dims }, next));
}

const N = 4000;
const DIMS = 24;
const data = randomVectors(N, DIMS, 7);
const queries = randomVectors(50, DIMS, 99);
const entries = data.map((vector, i) => ({ id: `p${i}`, vector }));

describe("exact index", () => {
  it("returns the true nearest by cosine, best first", () => {
    const index = new ExactIndex(3);
    index.add([
      { id: "a", vector: Float32Array.from([1, 0, 0]) },
      { id: "b", vector: Float32Array.from([1, 1, 0]) },
      { id: "c", vector: Float32Array.from([0, 0, 5]) },
    ]);
    const hits = index.search(Float32Array.from([2, 0.1, 0]), 3);
    expect(hits.map((h) => h.id)).toEqual(["a", "b", "c"]);
    expect(hits[2]!.score).toBeCloseTo(0, 5);
    index.remove(["a"]);
    expect(index.size).toBe(2);
    expect(index.search(Float32Array.from([1, 0, 0]), 1)[0]!.id).toBe("b");
    expect(() => index.add([{ id: "d", vector: new Float32Array(2) }])).toThrow(/2 dimensions/);
  });
});

describe("HNSW index", () => {
  const hnsw = new HnswIndex(DIMS, { exactBelow: 0 });
  hnsw.add(entries);
  const exact = new ExactIndex(DIMS);
  exact.add(entries);
  const dir = mkdtempSync(path.join(tmpdir(), "hnsw-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds at least 95% of the exact top-10 on random vectors", () => {
    let found = 0;
    for (const q of queries) {
      const truth = new Set(exact.search(q, 10).map((h) => h.id));
      found += hnsw.search(q, 10).filter((h) => truth.has(h.id)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it("applies a broad filter inside the search: k results, all accepted, near the exact filtered answer", () => {
    const even = (id: string) => Number(id.slice(1)) % 2 === 0;
    let found = 0;
    for (const q of queries) {
      const hits = hnsw.search(q, 10, even);
      expect(hits).toHaveLength(10);
      expect(hits.every((h) => even(h.id))).toBe(true);
      const truth = new Set(exact.search(q, 10, even).map((h) => h.id));
      found += hits.filter((h) => truth.has(h.id)).length;
    }
    expect(found / (queries.length * 10)).toBeGreaterThanOrEqual(0.9);
  });

  it("answers a highly selective filter exactly, never fewer than exist", () => {
    const few = new Set(["p3", "p500", "p1999", "p3998"]);
    const q = queries[0]!;
    const hits = hnsw.search(q, 10, (id) => few.has(id));
    expect(hits.map((h) => h.id).sort()).toEqual([...few].sort());
    expect(hits.map((h) => h.id)).toEqual(exact.search(q, 10, (id) => few.has(id)).map((h) => h.id));
    // Slot-level candidates (from facet postings) take the same path.
    const slots = [...few].map((id) => hnsw.ids.slotOf(id)!);
    expect(hnsw.searchSlots(q, 2, { candidates: slots }).map((h) => hnsw.ids.idOf(h.slot))).toEqual(hits.slice(0, 2).map((h) => h.id));
  });

  it("still answers exactly when the query lies far from everything the filter allows", () => {
    // Two clusters; the filter allows only the one opposite the query, so the graph walk near the
    // query finds none of it and the search falls back to scanning the allowed products.
    const cluster = (sign: number, seed: number) =>
      randomVectors(1500, DIMS, seed).map((v) => {
        v[0] = sign * 5;
        return v;
      });
    const vectors = [...cluster(1, 1), ...cluster(-1, 2)];
    const index = new HnswIndex(DIMS, { exactBelow: 0, exactCandidates: 100 });
    index.add(vectors.map((vector, i) => ({ id: `v${i}`, vector })));
    const reference = new ExactIndex(DIMS);
    reference.add(vectors.map((vector, i) => ({ id: `v${i}`, vector })));
    const far = (id: string) => Number(id.slice(1)) >= 1500;
    const candidates = Array.from({ length: 1500 }, (_, i) => index.ids.slotOf(`v${1500 + i}`)!);
    const query = Float32Array.from({ length: DIMS }, (_, i) => (i === 0 ? 1 : 0));
    const hits = index.searchSlots(query, 10, { accept: (s) => far(index.ids.idOf(s)), candidates });
    expect(hits.map((h) => index.ids.idOf(h.slot))).toEqual(reference.search(query, 10, far).map((h) => h.id));
    // Without candidates the walk widens until it has them (approximate: most of the true top 10).
    const truth = new Set(reference.search(query, 10, far).map((h) => h.id));
    const widened = index.search(query, 10, far);
    expect(widened).toHaveLength(10);
    expect(widened.every((h) => far(h.id))).toBe(true);
    expect(widened.filter((h) => truth.has(h.id)).length).toBeGreaterThanOrEqual(8);
  });

  it("replaces a vector on re-add and forgets removed ones", () => {
    const index = new HnswIndex(DIMS, { exactBelow: 0 });
    index.add(entries.slice(0, 3000));
    const target = queries[1]!;
    index.add([{ id: "p10", vector: target }]);
    expect(index.size).toBe(3000);
    expect(index.search(target, 1)[0]).toMatchObject({ id: "p10" });
    expect(index.search(target, 1)[0]!.score).toBeCloseTo(1, 4);
    index.remove(["p10"]);
    expect(index.size).toBe(2999);
    expect(index.search(target, 20).map((h) => h.id)).not.toContain("p10");
  });

  it("saves and loads the graph with its slot table, and refuses one that disagrees with the vectors", () => {
    const file = path.join(dir, "g.usearch");
    hnsw.save(file);
    const ids = HnswIndex.readIds(file);
    expect(ids?.size).toBe(N);
    const vectors = new Map(entries.map((e) => [e.id, e.vector]));
    const loaded = HnswIndex.load(file, DIMS, vectors, ids!, { exactBelow: 0 });
    expect(loaded?.size).toBe(N);
    const q = queries[2]!;
    expect(loaded!.search(q, 10).map((h) => h.id)).toEqual(hnsw.search(q, 10).map((h) => h.id));
    vectors.set("new-one", q);
    expect(HnswIndex.load(file, DIMS, vectors, HnswIndex.readIds(file)!)).toBeNull();
    expect(HnswIndex.readIds(path.join(dir, "missing.usearch"))).toBeNull();
  });

  it("shares slots with other indexes through one id space", () => {
    const ids = new IdSpace();
    ids.intern("first");
    const index = new HnswIndex(DIMS, { ids });
    index.add([{ id: "second", vector: data[0]! }]);
    expect(ids.slotOf("second")).toBe(1);
    expect(index.exact.vectorOf(1)).toBeDefined();
  });
});
