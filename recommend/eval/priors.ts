import type { ShopperEvent } from "../../store/types.ts";
import { POPULARITY_WEIGHTS } from "../profile.ts";
import type { ArrivalSignal, PopularitySignal } from "../ranking/ranker.ts";
import { popularitySignal } from "../ranking/signals.ts";

/**
 * The ranker's priors as the service would have seen them at a test case's "now", from training
 * events before it only (so no prior peeks at the future):
 *   - popularity: type-weighted counts over the `windowDays` before now (the store's rule: a rating
 *     counts when ≥ 4), all counts before now when the window is empty — what Popularity does;
 *   - arrivals: an item's first training event stands in for when it joined the catalogue (event
 *     files carry no catalogue dates).
 * Test cases must be asked for in order of time (PopularityClock moves forward only).
 */

const eventPopularity = (e: ShopperEvent) => (e.type === "rating" ? ((e.value ?? 0) >= 4 ? POPULARITY_WEIGHTS.rating : 0) : POPULARITY_WEIGHTS[e.type]);

export class PopularityClock {
  private readonly window = new Map<string, number>();
  private readonly allTime = new Map<string, number>();
  private head = 0;
  private tail = 0;
  private now = Number.NEGATIVE_INFINITY;
  private changed = Number.POSITIVE_INFINITY;
  private mass = 0;
  private signal: PopularitySignal | undefined;

  /** `train` in time order. */
  constructor(
    private readonly train: ShopperEvent[],
    private readonly windowDays: number,
    private readonly slotOf: (id: string) => number | undefined,
  ) {}

  at(now: number): PopularitySignal {
    if (now < this.now) throw new Error("PopularityClock moves forward only: ask in time order");
    this.now = now;
    const from = now - this.windowDays * 86_400_000;
    const bump = (m: Map<string, number>, id: string, w: number) => {
      const v = (m.get(id) ?? 0) + w;
      if (v > 1e-9) m.set(id, v);
      else m.delete(id);
    };
    while (this.head < this.train.length && this.train[this.head]!.ts < now) {
      const e = this.train[this.head++]!;
      const w = eventPopularity(e);
      if (w <= 0) continue;
      bump(this.allTime, e.itemId, w);
      bump(this.window, e.itemId, w);
      this.mass += w;
      this.changed += w;
    }
    while (this.tail < this.head && this.train[this.tail]!.ts < from) {
      const e = this.train[this.tail++]!;
      const w = eventPopularity(e);
      if (w <= 0) continue;
      bump(this.window, e.itemId, -w);
      this.mass -= w;
      this.changed += w;
    }
    // Re-sorting every item per test case is the cost here: re-rank once the window has moved by
    // 1% of its mass (or when it first fills), which cannot change the order noticeably.
    if (!this.signal || this.changed > Math.max(1, 0.01 * this.mass)) {
      const recent = this.window.size > 0;
      const counts = [...(recent ? this.window : this.allTime).entries()].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
      this.signal = popularitySignal(counts, this.slotOf, recent);
      this.changed = 0;
    }
    return this.signal;
  }
}

/** Arrivals from first training events, answering only with what had arrived by `now`. */
export function firstSeenArrivals(train: ShopperEvent[], slotOf: (id: string) => number | undefined): (now: number) => ArrivalSignal {
  const first = new Map<number, number>();
  for (const e of train) {
    const s = slotOf(e.itemId);
    if (s !== undefined && !first.has(s)) first.set(s, e.ts);
  }
  const sorted = [...first.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]);
  const slots = sorted.map(([s]) => s);
  const times = sorted.map(([, t]) => t);
  return (now) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! < now) lo = mid + 1;
      else hi = mid;
    }
    const end = lo;
    return {
      arrivedAt: (s) => {
        const t = first.get(s);
        return t !== undefined && t < now ? t : undefined;
      },
      *newest() {
        for (let i = end - 1; i >= 0; i--) yield slots[i]!;
      },
    };
  };
}
