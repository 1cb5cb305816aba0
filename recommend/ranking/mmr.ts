/**
 * Maximal marginal relevance (Carbonell & Goldstein 1998) with a per-brand cap: picks one item at a
 * time, the one maximising
 *
 *     λ · relevance(j) − (1 − λ) · max_{s picked} similarity(j, s)
 *
 * so a list is not ten near-identical items. Relevance should be in [0, 1] (the caller divides by
 * the best). λ = 1 is relevance order; λ = 0 pure novelty.
 *
 * The brand cap: no brand may take more than `perBrand` places while an item of another (or no)
 * brand is still available; once only capped brands are left they fill the list rather than leave
 * it short (a shopper who filtered to one brand is not the cap's business — callers pass Infinity).
 */

export interface MmrCandidate {
  slot: number;
  relevance: number;
  /** Brand facet id, -1 for none (never capped). */
  brand: number;
}

export interface MmrPick {
  slot: number;
  /** The marginal value when it was picked. */
  value: number;
}

export function selectDiverse(
  candidates: MmrCandidate[],
  k: number,
  lambda: number,
  similarity: (a: number, b: number) => number,
  perBrand = Number.POSITIVE_INFINITY,
): MmrPick[] {
  const n = candidates.length;
  const want = Math.min(k, n);
  const taken = new Uint8Array(n);
  // Highest similarity of each candidate to anything picked so far, updated after each pick.
  const maxSim = new Float64Array(n);
  const brandCount = new Map<number, number>();
  const out: MmrPick[] = [];
  const diverse = lambda < 1;
  while (out.length < want) {
    let best = -1;
    let bestValue = Number.NEGATIVE_INFINITY;
    let fallback = -1;
    let fallbackValue = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const c = candidates[i]!;
      const value = lambda * c.relevance - (1 - lambda) * maxSim[i]!;
      const capped = c.brand >= 0 && (brandCount.get(c.brand) ?? 0) >= perBrand;
      if (capped) {
        if (value > fallbackValue) {
          fallbackValue = value;
          fallback = i;
        }
      } else if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    const pick = best >= 0 ? best : fallback;
    if (pick < 0) break;
    taken[pick] = 1;
    const c = candidates[pick]!;
    out.push({ slot: c.slot, value: best >= 0 ? bestValue : fallbackValue });
    if (c.brand >= 0) brandCount.set(c.brand, (brandCount.get(c.brand) ?? 0) + 1);
    if (diverse) {
      for (let i = 0; i < n; i++) {
        if (taken[i]) continue;
        const s = similarity(c.slot, candidates[i]!.slot);
        if (s > maxSim[i]!) maxSim[i] = s;
      }
    }
  }
  return out;
}
