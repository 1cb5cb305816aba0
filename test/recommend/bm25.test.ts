import { describe, expect, it } from "vitest";
import { Bm25Index } from "../../recommend/lexical/bm25.ts";

const doc = (terms: string[]) => {
  const m = new Map<string, number>();
  for (const t of terms) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
};

function build(): Bm25Index {
  const index = new Bm25Index();
  index.upsert([
    { slot: 0, terms: doc(["run", "shoe", "red"]) },
    { slot: 1, terms: doc(["run", "shoe", "blue", "trail", "grip", "mud", "rock", "waterproof"]) },
    { slot: 2, terms: doc(["hike", "boot"]) },
    { slot: 3, terms: doc(["red", "dress"]) },
    { slot: 4, terms: doc(["连衣裙", "dress"]) },
  ]);
  return index;
}

describe("BM25", () => {
  it("ranks documents matching more (and rarer) query terms higher, shorter ones first on ties", () => {
    const hits = build().searchTerms(["run", "shoe"], 10);
    expect(hits.map((h) => h.slot)).toEqual([0, 1]);
    expect(hits[0]!.matched).toEqual([0, 1]);
  });

  it("filters inside the search", () => {
    const hits = build().searchTerms(["run", "shoe"], 10, { accept: (s) => s !== 0 });
    expect(hits.map((h) => h.slot)).toEqual([1]);
    expect(build().searchTerms(["red"], 10, { candidates: [3] }).map((h) => h.slot)).toEqual([3]);
  });

  it("scores a group by its best alternative, so a literal word and its translation do not add up", () => {
    const index = build();
    // 连衣裙 | dress: the Chinese doc matches both alternatives but only the better one counts.
    const groups = [[["red"]], [["连衣裙"], ["dress"]]];
    const hits = index.search(groups, 10);
    expect(hits[0]!.slot).toBe(3);
    expect(hits[0]!.matched).toEqual([0, 1]);
    expect(hits.find((h) => h.slot === 4)!.matched).toEqual([1]);
  });

  it("re-indexes and removes documents", () => {
    const index = build();
    index.upsert([{ slot: 2, terms: doc(["run", "shoe", "shoe"]) }]);
    expect(index.size).toBe(5);
    expect(index.searchTerms(["boot"], 10)).toEqual([]);
    expect(index.searchTerms(["shoe"], 10).map((h) => h.slot)).toContain(2);
    index.removeSlots([0, 2]);
    expect(index.size).toBe(3);
    expect(index.searchTerms(["run"], 10).map((h) => h.slot)).toEqual([1]);
    expect(index.df("run")).toBe(1);
  });

  it("round-trips through bytes and stays updatable", () => {
    const index = build();
    index.removeSlots([2]);
    const back = Bm25Index.deserialize(index.serialize());
    expect(back.size).toBe(4);
    for (const q of [["run", "shoe"], ["dress"], ["red"], ["boot"]]) expect(back.searchTerms(q, 10)).toEqual(index.searchTerms(q, 10));
    back.upsert([{ slot: 7, terms: doc(["run", "run", "trail"]) }]);
    expect(back.searchTerms(["trail"], 10).map((h) => h.slot)).toEqual([7, 1]);
    back.removeSlots([0]);
    expect(back.searchTerms(["red"], 10).map((h) => h.slot)).toEqual([3]);
    expect(() => Bm25Index.deserialize(Buffer.from("nope!!!!"))).toThrow(/not a serialised/);
  });

  it("returns nothing for unknown terms", () => {
    expect(build().searchTerms(["nothing"], 10)).toEqual([]);
  });
});

describe("a compound a shopper writes as one word", () => {
  it("finds titles that write it as two ('smartwatches' → 'Smart Watch'), not titles that only share a half", async () => {
    const { productTerms } = await import("../../recommend/product-text.ts");
    const { analyzeQuery } = await import("../../recommend/text/tokenize.ts");
    const products = [
      { id: "a", title: "Watch Strap, Black", description: "A smart replacement strap." },
      { id: "b", title: "Kairo Arc 5 Smart Watch, Gold" },
      { id: "c", title: "Smart Plug 2-Pack" },
    ];
    const index = new Bm25Index();
    index.upsert(products.map((p, slot) => ({ slot, terms: productTerms(p).lexical })));
    const groups = analyzeQuery("smartwatches").map((g) => g.alternatives);
    expect(index.search(groups, 10).map((h) => products[h.slot]!.id)).toEqual(["b"]);
  });
});
