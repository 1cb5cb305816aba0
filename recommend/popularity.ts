import type { ShopperEvent, Store } from "../store/types.ts";
import { POPULARITY_WEIGHTS } from "./profile.ts";

/**
 * Type-weighted interaction counts over a recent window ("popular right now"), all-time when the
 * window is empty. The store aggregates; this caches the answer for a few minutes and adds events
 * recorded by this process as they come, so a busy shop does not re-aggregate per request and a
 * purchase shows up at once.
 */
export class Popularity {
  private cache: { at: number; ranked: { id: string; score: number }[]; scores: Map<string, number>; recent: boolean } | undefined;

  constructor(
    private readonly store: Store,
    private readonly windowDays: number,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /** Items by popularity, best first; `recent` says whether they come from the recent window. */
  async ranked(now = Date.now()): Promise<{ items: { id: string; score: number }[]; recent: boolean }> {
    if (!this.cache || now - this.cache.at > this.ttlMs) {
      let scores = await this.store.shoppers.itemPopularity({ ...POPULARITY_WEIGHTS }, now - this.windowDays * 86_400_000);
      let recent = true;
      if (scores.size === 0) {
        scores = await this.store.shoppers.itemPopularity({ ...POPULARITY_WEIGHTS });
        recent = false;
      }
      this.cache = { at: now, scores, ranked: sortScores(scores), recent };
    }
    return { items: this.cache.ranked, recent: this.cache.recent };
  }

  /** Counts events just stored, by the store's own rule (a rating counts when ≥ 4). */
  record(events: ShopperEvent[]): void {
    if (!this.cache) return;
    if (!this.cache.recent) {
      // The all-time fallback was in use because nothing was recent; now something is.
      this.cache = undefined;
      return;
    }
    for (const e of events) {
      const w = e.type === "rating" ? ((e.value ?? 0) >= 4 ? POPULARITY_WEIGHTS.rating : 0) : POPULARITY_WEIGHTS[e.type];
      if (w > 0) this.cache.scores.set(e.itemId, (this.cache.scores.get(e.itemId) ?? 0) + w);
    }
    this.cache.ranked = sortScores(this.cache.scores);
  }

  invalidate(): void {
    this.cache = undefined;
  }
}

function sortScores(scores: Map<string, number>): { id: string; score: number }[] {
  return [...scores.entries()].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}
