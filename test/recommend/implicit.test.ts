import { describe, expect, it } from "vitest";
import { fitEase, fitEaseInWorker, fitItemKnn, ImplicitData, invertSpd } from "../../recommend/collab/implicit.ts";
import { mulberry32 } from "../../recommend/demo/prng.ts";
import type { ShopperEvent } from "../../store/types.ts";

const purchase = (userId: string, itemId: string, ts = 0): ShopperEvent => ({ userId, itemId, type: "purchase", ts });

describe("invertSpd", () => {
  it("inverts a symmetric positive definite matrix (A·A⁻¹ = I)", () => {
    const n = 37;
    const rnd = mulberry32(5);
    const m = Float64Array.from({ length: n * n }, () => rnd() - 0.5);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j]! += m[k * n + i]! * m[k * n + j]!;
    for (let i = 0; i < n; i++) a[i * n + i]! += 0.5;
    const inv = Float64Array.from(a);
    invertSpd(inv, n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k]! * inv[k * n + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 8);
      }
    expect(() => invertSpd(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(/not positive definite/);
  });
});

describe("EASE", () => {
  // Planted structure: 20 pairs (a_i, b_i); a shopper who buys a_i buys b_i 90% of the time, plus
  // two random items from 200 others. A popular item everybody buys carries no information.
  const rnd = mulberry32(11);
  const events: ShopperEvent[] = [];
  for (let u = 0; u < 600; u++) {
    const pair = Math.floor(rnd() * 20);
    events.push(purchase(`u${u}`, `a${pair}`), purchase(`u${u}`, "popular"));
    if (rnd() < 0.9) events.push(purchase(`u${u}`, `b${pair}`));
    for (let r = 0; r < 2; r++) events.push(purchase(`u${u}`, `noise${Math.floor(rnd() * 200)}`));
  }
  const data = ImplicitData.fromEvents(events);

  it("recovers a planted co-occurrence structure: a_i's best item is b_i", () => {
    const { model, seconds, bytes } = fitEase(data, { lambda: 20 });
    expect(seconds).toBeGreaterThanOrEqual(0);
    expect(bytes).toBe(4 * data.size * data.size);
    for (let i = 0; i < 20; i++) {
      const top = model
        .score([{ itemId: `a${i}`, type: "purchase" }])
        .sort((x, y) => y.score - x.score)
        .map((h) => h.itemId);
      expect(top[0]).toBe(`b${i}`);
      expect(top.indexOf("popular")).not.toBe(0);
    }
  });

  it("fits the same weights in a worker thread as in this one, leaving the Gram matrix untouched", async () => {
    const gram = Float64Array.from(data.gram);
    const here = fitEase(data, { lambda: 20 });
    const there = await fitEaseInWorker(data, { lambda: 20 });
    expect(data.gram).toEqual(gram);
    const scores = (m: typeof here.model) => m.score([{ itemId: "a3", type: "purchase" }, { itemId: "noise7", type: "view" }]);
    expect(scores(there.model)).toEqual(scores(here.model));
    expect(there.bytes).toBe(here.bytes);
  });

  it("keeps no weight between items fewer than minSupport shoppers had together", () => {
    const few = [purchase("x", "p"), purchase("x", "q"), purchase("y", "p"), purchase("y", "r"), purchase("z", "p"), purchase("z", "r")];
    const { model } = fitEase(ImplicitData.fromEvents(few), { lambda: 1, minSupport: 2 });
    const hits = new Map(model.score([{ itemId: "p", type: "purchase" }]).map((h) => [h.itemId, h.score]));
    expect(hits.get("q") ?? 0).toBe(0); // one shopper had p and q: never used
    expect(hits.get("r")).toBeGreaterThan(0); // two had p and r
  });

  it("covers the most-touched items when capped, and weighs recent items more on request", () => {
    const capped = ImplicitData.fromEvents(events, { maxItems: 10 });
    expect(capped.size).toBe(10);
    expect(capped.items[0]).toBe("popular");
    const { model } = fitEase(data, { lambda: 20 });
    const history = [
      { itemId: "a1", type: "purchase" as const },
      { itemId: "a2", type: "purchase" as const },
    ];
    const rank = (h?: number) =>
      model
        .score(history, { recencyHalfLife: h })
        .sort((x, y) => y.score - x.score)
        .map((x) => x.itemId)
        .filter((id) => id === "b1" || id === "b2");
    expect(rank(0.5)[0]).toBe("b2"); // the latest item leads
  });
});

describe("item-kNN", () => {
  it("scores by cosine of binary item columns over every item", () => {
    const events = [purchase("u1", "x"), purchase("u1", "y"), purchase("u2", "x"), purchase("u2", "y"), purchase("u3", "x"), purchase("u3", "z"), purchase("u4", "z")];
    const knn = fitItemKnn(events, { k: 10 });
    const hits = new Map(knn.score([{ itemId: "x", type: "view" }]).map((h) => [h.itemId, h.score]));
    expect(hits.get("y")).toBeCloseTo(2 / Math.sqrt(3 * 2), 6);
    expect(hits.get("z")).toBeCloseTo(1 / Math.sqrt(3 * 2), 6);
    expect(knn.size).toBe(3);
  });
});
