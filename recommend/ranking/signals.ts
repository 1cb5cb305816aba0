import type { ArrivalSignal, PopularitySignal } from "./ranker.ts";

/**
 * The priors as the ranker reads them, built from plain counts: the service builds them from the
 * store's popularity and the catalogue's arrivals, the offline evaluation from its training events.
 */

/** `counts` best first (as Popularity.ranked gives them); ids the catalogue does not know are skipped. */
export function popularitySignal(counts: { id: string; score: number }[], slotOf: (id: string) => number | undefined, recent: boolean): PopularitySignal {
  const slots: number[] = [];
  const scores = new Map<number, number>();
  const max = counts.reduce((m, c) => Math.max(m, c.score), 0);
  const norm = max > 0 ? Math.log1p(max) : 1;
  for (const { id, score } of counts) {
    if (score <= 0) continue;
    const s = slotOf(id);
    if (s === undefined || scores.has(s)) continue;
    slots.push(s);
    scores.set(s, Math.log1p(score) / norm);
  }
  return { scoreOf: (s) => scores.get(s) ?? 0, ranked: () => slots, recent };
}

/**
 * Popularity among the shopper's segment first, the whole shop's after: the segment's items (best
 * first) score 0.5–1 by their log counts, every other item half its global score, so the segment
 * leads and the shop's bestsellers still rank among themselves. `fromSegment` tells the reasons apart.
 */
export function segmentPopularitySignal(segmentItems: { id: string; score: number }[], global: PopularitySignal | null, slotOf: (id: string) => number | undefined): PopularitySignal {
  const own = popularitySignal(segmentItems, slotOf, global?.recent ?? false);
  const mine = new Set(own.ranked());
  return {
    recent: global?.recent ?? false,
    scoreOf: (s) => (mine.has(s) ? 0.5 + 0.5 * own.scoreOf(s) : 0.5 * (global?.scoreOf(s) ?? 0)),
    *ranked() {
      yield* own.ranked();
      if (global) for (const s of global.ranked()) if (!mine.has(s)) yield s;
    },
    fromSegment: (s) => mine.has(s),
  };
}

/** `arrivals`: product id → when it arrived (epoch ms). */
export function arrivalSignal(arrivals: Map<string, number>, slotOf: (id: string) => number | undefined): ArrivalSignal {
  const at = new Map<number, number>();
  for (const [id, ts] of arrivals) {
    const s = slotOf(id);
    if (s !== undefined) at.set(s, ts);
  }
  const newest = [...at.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([s]) => s);
  return { arrivedAt: (s) => at.get(s), newest: () => newest };
}
