import { describe, expect, it } from "vitest";
import { blendPreferences, computeProfile, decay, eventWeight, PREFERENCE_SHARE } from "../../recommend/profile.ts";
import type { ShopperEvent } from "../../store/types.ts";

const DAY = 86_400_000;
const vectors: Record<string, Float32Array> = {
  a: Float32Array.from([1, 0, 0]),
  b: Float32Array.from([0, 1, 0]),
  c: Float32Array.from([0, 0, 1]),
};
const ev = (itemId: string, type: ShopperEvent["type"], daysAgo: number, value?: number): ShopperEvent => ({
  userId: "u",
  itemId,
  type,
  value,
  ts: 100 * DAY - daysAgo * DAY,
});

describe("profile", () => {
  it("weights event types: view 1, cart 3, favourite 4, purchase 5, rating value − 3", () => {
    expect(eventWeight({ type: "view" })).toBe(1);
    expect(eventWeight({ type: "cart" })).toBe(3);
    expect(eventWeight({ type: "favourite" })).toBe(4);
    expect(eventWeight({ type: "purchase" })).toBe(5);
    expect(eventWeight({ type: "rating", value: 5 })).toBe(2);
    expect(eventWeight({ type: "rating", value: 1 })).toBe(-2);
    expect(eventWeight({ type: "rating" })).toBe(0);
  });

  it("halves an event's weight every half-life", () => {
    expect(decay(0, 30)).toBe(1);
    expect(decay(30 * DAY, 30)).toBeCloseTo(0.5, 12);
    expect(decay(60 * DAY, 30)).toBeCloseTo(0.25, 12);
    expect(decay(-5 * DAY, 30)).toBe(1);
  });

  it("is the normalised, decayed, type-weighted sum (hand-computed)", () => {
    // a: purchase today → 5; b: cart 30 days before → 3 · 0.5 = 1.5; c: view 60 days before → 0.25.
    const { vector, contributions } = computeProfile([ev("a", "purchase", 0), ev("b", "cart", 30), ev("c", "view", 60)], (id) => vectors[id], 30, 3);
    const norm = Math.hypot(5, 1.5, 0.25);
    expect(Array.from(vector!)).toEqual([5 / norm, 1.5 / norm, 0.25 / norm].map((x) => Math.fround(x)));
    expect(contributions.find((c) => c.itemId === "b")).toEqual({ itemId: "b", weight: 1.5, strongest: "cart" });
  });

  it("sums several events on one item and lets a low rating pull away", () => {
    // a: view (1) + rating 1★ (−2) = −1 ; b: view 1 → profile ∝ (−1, 1, 0).
    const { vector } = computeProfile([ev("a", "view", 0), ev("a", "rating", 0, 1), ev("b", "view", 0)], (id) => vectors[id], 30, 3);
    expect(vector![0]).toBeCloseTo(-Math.SQRT1_2, 6);
    expect(vector![1]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it("does not change direction as time passes (ages are measured from the newest event)", () => {
    const events = [ev("a", "view", 0), ev("b", "purchase", 10)];
    const later = events.map((e) => ({ ...e, ts: e.ts + 365 * DAY }));
    const p1 = computeProfile(events, (id) => vectors[id], 30, 3).vector!;
    const p2 = computeProfile(later, (id) => vectors[id], 30, 3).vector!;
    expect(Array.from(p2)).toEqual(Array.from(p1));
  });

  it("skips items without vectors and is null when nothing is left", () => {
    expect(computeProfile([ev("gone", "purchase", 0)], (id) => vectors[id], 30, 3).vector).toBeNull();
    expect(computeProfile([], (id) => vectors[id], 30, 3).vector).toBeNull();
  });

  it("blends stated likes at a fixed share", () => {
    const blended = blendPreferences(vectors.a!, vectors.b!)!;
    const norm = Math.hypot(1, PREFERENCE_SHARE);
    expect(blended[0]).toBeCloseTo(1 / norm, 6);
    expect(blended[1]).toBeCloseTo(PREFERENCE_SHARE / norm, 6);
    expect(blendPreferences(null, vectors.c!)).toBe(vectors.c);
  });
});
