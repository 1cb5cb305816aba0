import type { ShopperEvent } from "../../store/types.ts";

const DAY_MS = 86_400_000;

/** Recency, frequency, monetary: the classic RFM description of a customer (Hughes 1994). */
export interface Rfm {
  /** Days from the shopper's newest event (any type) to the reference time; never negative. */
  recencyDays: number;
  /** Distinct days (UTC) with any event: how often they come back, not how many clicks one visit made. */
  frequency: number;
  /** Sum of the catalogue prices of their purchases (one unit a purchase event; unknown prices count 0). */
  monetary: number;
  purchases: number;
}

export function rfmOf(events: ShopperEvent[], priceOf: (itemId: string) => number | undefined, asOf: number): Rfm {
  let newest = Number.NEGATIVE_INFINITY;
  const days = new Set<number>();
  let monetary = 0;
  let purchases = 0;
  for (const e of events) {
    if (e.ts > newest) newest = e.ts;
    days.add(Math.floor(e.ts / DAY_MS));
    if (e.type === "purchase") {
      purchases++;
      const price = priceOf(e.itemId);
      if (typeof price === "number" && Number.isFinite(price) && price > 0) monetary += price;
    }
  }
  return {
    recencyDays: events.length ? Math.max(0, (asOf - newest) / DAY_MS) : 0,
    frequency: days.size,
    monetary,
    purchases,
  };
}

export interface Standardised {
  /** rows × 3 (recency, frequency, monetary): log1p, then z-scores. */
  values: Float64Array;
  means: [number, number, number];
  stds: [number, number, number];
}

/**
 * All three are heavy-tailed (a few shoppers buy weekly, most once), so they are log1p-compressed
 * before z-scoring; otherwise one big spender would be a segment of their own. A constant column
 * becomes zeros.
 */
export function standardiseRfm(rfm: Rfm[]): Standardised {
  const n = rfm.length;
  const values = new Float64Array(n * 3);
  rfm.forEach((r, i) => {
    values[i * 3] = Math.log1p(r.recencyDays);
    values[i * 3 + 1] = Math.log1p(r.frequency);
    values[i * 3 + 2] = Math.log1p(r.monetary);
  });
  const means: [number, number, number] = [0, 0, 0];
  const stds: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i * 3 + c]!;
    const mean = n ? sum / n : 0;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (values[i * 3 + c]! - mean) ** 2;
    const std = n ? Math.sqrt(sq / n) : 0;
    means[c] = mean;
    stds[c] = std;
    for (let i = 0; i < n; i++) values[i * 3 + c] = std > 1e-12 ? (values[i * 3 + c]! - mean) / std : 0;
  }
  return { values, means, stds };
}

export function median(values: number[]): number {
  if (!values.length) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
