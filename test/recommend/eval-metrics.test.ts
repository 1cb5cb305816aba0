import { describe, expect, it } from "vitest";
import type { FileEvent } from "../../recommend/eval/events-file.ts";
import { gini, intraListDiversity, listMetrics, MetricsAccumulator, novelty } from "../../recommend/eval/metrics.ts";
import { crossDomainSplit, isPositive, leaveLastOut, timeOrder } from "../../recommend/eval/split.ts";
import type { EventType } from "../../store/types.ts";

describe("evaluation metrics on hand-computed cases", () => {
  it("one relevant item at rank 3 of 4", () => {
    const m = listMetrics(["a", "b", "c", "d"], new Set(["c"]), 4);
    expect(m.precision).toBe(0.25);
    expect(m.recall).toBe(1);
    expect(m.ndcg).toBeCloseTo(1 / Math.log2(4), 12); // 0.5
    expect(m.hit).toBe(1);
    expect(m.rr).toBeCloseTo(1 / 3, 12);
  });

  it("several relevant items, some outside the list", () => {
    const m = listMetrics(["a", "b", "c", "d", "e"], new Set(["a", "d", "x"]), 5);
    expect(m.precision).toBeCloseTo(0.4, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    // DCG = 1/log2(2) + 1/log2(5); IDCG = 1/log2(2) + 1/log2(3) + 1/log2(4).
    expect(m.ndcg).toBeCloseTo((1 + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3) + 0.5), 12);
    expect(m.ndcg).toBeCloseTo(0.671389, 5);
    expect(m.rr).toBe(1);
  });

  it("a miss scores zero everywhere, and only the first K count", () => {
    expect(listMetrics(["a", "b"], new Set(["z"]), 2)).toEqual({ precision: 0, recall: 0, ndcg: 0, hit: 0, rr: 0 });
    expect(listMetrics(["a", "b", "z"], new Set(["z"]), 2).hit).toBe(0);
  });

  it("intra-list diversity is 1 − mean pairwise cosine", () => {
    const d = intraListDiversity([Float32Array.from([1, 0]), Float32Array.from([0, 1]), Float32Array.from([2, 2])]);
    // cosines 0, √½, √½ → mean 0.4714
    expect(d).toBeCloseTo(1 - (2 * Math.SQRT1_2) / 3, 6);
    expect(intraListDiversity([Float32Array.from([1, 0])])).toBeNull();
  });

  it("novelty is the mean −log2 of the share of training users who touched each item", () => {
    const users: Record<string, number> = { a: 2, b: 1, c: 0 };
    // a: −log2(2/4) = 1, b: −log2(1/4) = 2, c (nobody: counts as one) = 2
    expect(novelty(["a", "b", "c"], (i) => users[i] ?? 0, 4)).toBeCloseTo(5 / 3, 12);
  });

  it("Gini of exposure: 0 when equal, (n−1)/n when one item takes everything", () => {
    expect(gini([3, 3, 3])).toBe(0);
    expect(gini([0, 0, 0, 4])).toBeCloseTo(0.75, 12);
    expect(gini([1, 2, 3])).toBeCloseTo(4 / 18, 12);
    expect(gini([])).toBe(0);
  });

  it("accumulates coverage, exposure Gini over items and brands, and the means over users", () => {
    const acc = new MetricsAccumulator(2, () => undefined, () => 1, 10);
    acc.add(["a", "b"], new Set(["b"]));
    acc.add(["a", "c"], new Set(["x"]));
    const brand: Record<string, string> = { a: "X", b: "X", c: "Y" };
    const r = acc.result(["a", "b", "c", "d", "e"], (id) => brand[id]);
    expect(r.hitRate).toBe(0.5);
    expect(r.precision).toBe(0.25);
    expect(r.mrr).toBe(0.25);
    expect(r.coverage).toBeCloseTo(3 / 5, 12);
    // exposure a 2, b 1, c 1, d 0, e 0 → sorted [0,0,1,1,2]: Σ(2i−n−1)x = 10, / (5·4)
    expect(r.giniItems).toBeCloseTo(0.5, 12);
    // brands X 3, Y 1 → (−1·1 + 1·3) / (2·4)
    expect(r.giniBrands).toBeCloseTo(0.25, 12);
    expect(r.novelty).toBeCloseTo(-Math.log2(1 / 10), 12);
    expect(acc.result(["a"], () => undefined).giniBrands).toBeNull();
  });
});

let line = 0;
const ev = (userId: string, itemId: string, type: EventType, ts: number, value?: number): FileEvent => ({ userId, itemId, type, ts, value, line: ++line });

describe("evaluation protocols", () => {
  it("counts purchase, cart, favourite and rating ≥ 4 as positive", () => {
    expect(isPositive({ type: "purchase" })).toBe(true);
    expect(isPositive({ type: "cart" })).toBe(true);
    expect(isPositive({ type: "favourite" })).toBe(true);
    expect(isPositive({ type: "rating", value: 4 })).toBe(true);
    expect(isPositive({ type: "rating", value: 3 })).toBe(false);
    expect(isPositive({ type: "view" })).toBe(false);
  });

  it("leave-last-out: the last positive is the test item; earlier events are the history; later ones are not trained on", () => {
    const events = timeOrder([
      ev("u1", "A", "view", 1),
      ev("u1", "B", "purchase", 2),
      ev("u1", "D", "view", 3),
      ev("u1", "C", "view", 4),
      ev("u1", "D", "cart", 5),
      ev("u1", "E", "view", 6),
      ev("u2", "A", "purchase", 1),
      ev("u2", "B", "rating", 2, 3),
      ev("u3", "A", "rating", 9, 5),
      ev("u3", "B", "rating", 9, 4),
    ]);
    const split = leaveLastOut(events);
    expect(split.skipped).toBe(1); // u2: one positive
    const u1 = split.tests.find((t) => t.userId === "u1")!;
    expect([...u1.relevant]).toEqual(["D"]);
    expect(u1.now).toBe(5);
    // The earlier view of D would give the answer away: it is not in the history, nor trained on.
    expect(u1.history.map((e) => e.itemId)).toEqual(["A", "B", "C"]);
    // Same timestamp: the file's order decides which came last.
    const u3 = split.tests.find((t) => t.userId === "u3")!;
    expect([...u3.relevant]).toEqual(["B"]);
    const trained = split.train.map((e) => `${e.userId}:${e.itemId}`);
    expect(trained).toEqual(["u1:A", "u2:A", "u1:B", "u2:B", "u1:C", "u3:A"]);
    expect(split.positives).toMatch(/^purchase/);
  });

  it("a click log without purchases uses views as positives", () => {
    const split = leaveLastOut(timeOrder([ev("u", "A", "view", 1), ev("u", "B", "view", 2), ev("u", "C", "view", 3)]));
    expect(split.positives).toMatch(/^view/);
    expect([...split.tests[0]!.relevant]).toEqual(["C"]);
  });

  it("cross-domain: holds back a category with ≥ 2 positives elsewhere, trains on the rest of the shopper", () => {
    const category: Record<string, string> = { s1: "shoes", s2: "shoes", s3: "shoes", e1: "electronics", e2: "electronics", b1: "books" };
    const events = timeOrder([
      ev("u", "s1", "purchase", 1),
      ev("u", "e1", "purchase", 2),
      ev("u", "s2", "cart", 3),
      ev("u", "e2", "view", 4),
      ev("u", "s3", "view", 5),
      ev("v", "s1", "purchase", 1),
      ev("v", "b1", "view", 2),
    ]);
    const split = crossDomainSplit(events, (id) => category[id]);
    // u: electronics (1 positive) can be held back (2 positives in shoes); shoes cannot (1 elsewhere).
    expect(split.tests).toHaveLength(1);
    const t = split.tests[0]!;
    expect(t).toMatchObject({ userId: "u", category: "electronics", now: 6 });
    expect([...t.relevant]).toEqual(["e1"]);
    expect(t.history.map((e) => e.itemId)).toEqual(["s1", "s2", "s3"]);
    expect(split.train.map((e) => `${e.userId}:${e.itemId}`)).toEqual(["u:s1", "v:s1", "v:b1", "u:s2", "u:s3"]);
    expect(split.skipped).toBe(1);
  });
});
