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
