import { describe, expect, it } from "vitest";
import { CooccurrenceModel, cooccurrenceWeight } from "../../recommend/collab/cooccurrence.ts";
import { Rng } from "../../recommend/demo/prng.ts";
import type { EventType, ShopperEvent } from "../../store/types.ts";

const ev = (userId: string, itemId: string, type: EventType = "view", value?: number): ShopperEvent => ({ userId, itemId, type, value, ts: 0 });

/** Every pair's similarity and support, for comparing two models. */
function snapshot(m: CooccurrenceModel, items: string[]): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const a of items) for (const b of items) if (a < b) out[`${a}|${b}`] = [Number(m.similarity(a, b).toFixed(12)), m.support(a, b)];
  return out;
}

describe("item-to-item co-occurrence", () => {
  it("weighs events by type: purchase 3, cart and favourite 2, view 1, a rating by its value", () => {
    expect(cooccurrenceWeight({ type: "purchase" })).toBe(3);
    expect(cooccurrenceWeight({ type: "cart" })).toBe(2);
    expect(cooccurrenceWeight({ type: "favourite" })).toBe(2);
    expect(cooccurrenceWeight({ type: "view" })).toBe(1);
    expect(cooccurrenceWeight({ type: "rating", value: 5 })).toBe(3);
    expect(cooccurrenceWeight({ type: "rating", value: 3 })).toBe(1.5);
    expect(cooccurrenceWeight({ type: "rating", value: 1 })).toBe(0.5);
  });

  it("is the cosine of weighted shopper columns, shrunk by support, on a hand-computed case", () => {
    const events = [ev("u1", "A"), ev("u1", "B", "purchase"), ev("u2", "A", "purchase"), ev("u2", "B", "purchase"), ev("u3", "A"), ev("u3", "C")];
    // W(A,B) = 1·3 + 3·3 = 12 over 2 shoppers; |A|² = 1 + 9 + 1 = 11, |B|² = 9 + 9 = 18.
    const plain = new CooccurrenceModel({ minSupport: 2, shrink: 0 });
    plain.add(events);
    expect(plain.similarity("A", "B")).toBeCloseTo(12 / Math.sqrt(11 * 18), 10);
    expect(plain.similarity("B", "A")).toBeCloseTo(12 / Math.sqrt(11 * 18), 10);
    expect(plain.support("A", "B")).toBe(2);
    const shrunk = new CooccurrenceModel({ minSupport: 2, shrink: 2 });
    shrunk.add(events);
    expect(shrunk.similarity("A", "B")).toBeCloseTo((12 / Math.sqrt(11 * 18)) * (2 / 4), 10);
  });

  it("never uses a pair fewer than minSupport shoppers share: one person's basket is not revealed", () => {
    const m = new CooccurrenceModel({ minSupport: 2, shrink: 0 });
    m.add([ev("u3", "A"), ev("u3", "C"), ev("u1", "A")]);
    expect(m.support("A", "C")).toBe(1);
    expect(m.similarity("A", "C")).toBe(0);
    expect(m.score([{ itemId: "A", weight: 1 }])).toEqual([]);
    const lax = new CooccurrenceModel({ minSupport: 1, shrink: 0 });
    lax.add([ev("u3", "A"), ev("u3", "C"), ev("u1", "A")]);
    expect(lax.similarity("A", "C")).toBeCloseTo(1 / Math.sqrt(2), 10);
  });

  it("does not let an item everybody touches become everybody's neighbour", () => {
    const m = new CooccurrenceModel({ minSupport: 2 });
    for (let u = 0; u < 20; u++) m.add([ev(`u${u}`, "P")]);
    for (let u = 0; u < 5; u++) m.add([ev(`u${u}`, "X"), ev(`u${u}`, "Y")]);
    // X co-occurs with P and with Y equally often (5 shoppers each); Y is specific, P is not.
    expect(m.support("X", "P")).toBe(m.support("X", "Y"));
    expect(m.neighbours("X")[0]!.itemId).toBe("Y");
    // Same counts, but P's column is √(20/5) = 2 times longer.
    expect(m.similarity("X", "Y") / m.similarity("X", "P")).toBeCloseTo(2, 10);
  });

  it("scores a shopper's candidates by Σ weight × similarity and names the item that contributed most", () => {
    const m = new CooccurrenceModel({ minSupport: 2 });
    for (const u of ["a", "b", "c"]) m.add([ev(u, "shoe", "purchase"), ev(u, "socks", "purchase")]);
    for (const u of ["a", "d"]) m.add([ev(u, "tent", "view"), ev(u, "lamp", "view")]);
    const hits = m.score([
      { itemId: "shoe", weight: 5 },
      { itemId: "tent", weight: 1 },
    ]);
    const socks = hits.find((h) => h.itemId === "socks")!;
    expect(socks).toMatchObject({ via: "shoe", boughtTogether: true });
    expect(socks.score).toBeCloseTo(5 * m.similarity("shoe", "socks"), 10);
    const lamp = hits.find((h) => h.itemId === "lamp")!;
    expect(lamp).toMatchObject({ via: "tent", boughtTogether: false });
    // The tent pair has support 2 (a, d) but only views: "looked at", never "bought".
    expect(lamp.score).toBeLessThan(socks.score);
  });

  it("keeps each shopper's last `window` items: an item leaving the window takes its pairs along", () => {
    const m = new CooccurrenceModel({ window: 2, minSupport: 1 });
    m.add([ev("u", "A"), ev("u", "B"), ev("u", "C")]);
    expect(m.support("A", "B")).toBe(0);
    expect(m.support("B", "C")).toBe(1);
    // Touching B again moves it to the front of the window: D then evicts C, not B.
    m.add([ev("u", "B"), ev("u", "D")]);
    expect(m.support("B", "D")).toBe(1);
    expect(m.support("C", "D")).toBe(0);
  });

  it("forgetting a shopper leaves exactly the model of everyone else's events, and says whether they counted", () => {
    const rng = new Rng(5);
    const items = Array.from({ length: 15 }, (_, i) => `i${i}`);
    const types: EventType[] = ["view", "view", "cart", "purchase", "favourite", "rating"];
    const events: ShopperEvent[] = Array.from({ length: 400 }, () => {
      const type = rng.pick(types);
      return ev(`u${rng.int(0, 11)}`, rng.pick(items), type, type === "rating" ? rng.int(1, 5) : undefined);
    });
    const all = new CooccurrenceModel({ window: 6, minSupport: 2 });
    all.add(events);
    const without = new CooccurrenceModel({ window: 6, minSupport: 2 });
    without.add(events.filter((e) => e.userId !== "u3" && e.userId !== "u7"));
    expect(snapshot(all, items)).not.toEqual(snapshot(without, items));
    expect(all.forget("u3")).toBe(true);
    expect(all.forget("u7")).toBe(true);
    expect(all.forget("u7")).toBe(false);
    expect(all.hasShopper("u3")).toBe(false);
    expect(snapshot(all, items)).toEqual(snapshot(without, items));
    for (const i of items) expect(all.shoppersOf(i)).toBe(without.shoppersOf(i));
  });
});
