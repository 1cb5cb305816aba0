import type { EventType, ShopperEvent } from "../store/types.ts";

/**
 * A shopper's profile vector: the time-decayed, type-weighted mean of the vectors of the items they
 * interacted with,
 *
 *     profile = normalise( Σ_e  w(e) · 0.5^(age(e) / halfLife) · v(item(e)) )
 *
 * w: view 1, cart 3, favourite 4, purchase 5, rating (value − 3) — so a 5★ rating pulls the profile
 * towards the item (+2), a 1★ rating pushes it away (−2), a 3★ or a rating without value is neutral.
 *
 * Age is measured from the shopper's newest event, not from "now": every weight then shares the
 * same factor 0.5^((now − newest)/halfLife), which the normalisation cancels. So a stored profile
 * never goes stale just because time passed, only when new events arrive — and very old histories
 * do not underflow to zero.
 */

export const EVENT_WEIGHTS: Readonly<Record<Exclude<EventType, "rating">, number>> = {
  view: 1,
  cart: 3,
  favourite: 4,
  purchase: 5,
};

/** Weights the store's popularity counts use: a rating counts there only when ≥ 4 (store rule). */
export const POPULARITY_WEIGHTS: Readonly<Record<EventType, number>> = { ...EVENT_WEIGHTS, rating: 4 };

export function eventWeight(event: Pick<ShopperEvent, "type" | "value">): number {
  if (event.type === "rating") return typeof event.value === "number" && Number.isFinite(event.value) ? event.value - 3 : 0;
  return EVENT_WEIGHTS[event.type];
}

/** 0.5^(age / half-life); a negative age (clock skew) counts as now. */
export function decay(ageMs: number, halfLifeDays: number): number {
  return 0.5 ** (Math.max(0, ageMs) / (halfLifeDays * 86_400_000));
}

export interface Contribution {
  itemId: string;
  /** Summed w · decay over the item's events. */
  weight: number;
  /** The event type that gave the item most of its weight (for "because you viewed …"). */
  strongest: EventType;
}

export interface ProfileResult {
  /** Unit vector, or null when no event touched an item with a vector (or the sum cancels out). */
  vector: Float32Array | null;
  contributions: Contribution[];
}

/**
 * The profile of a shopper from their events; `vectorOf` gives an item's vector (undefined for
 * items no longer in the catalogue, which are skipped).
 */
export function computeProfile(events: ShopperEvent[], vectorOf: (itemId: string) => Float32Array | undefined, halfLifeDays: number, dimensions: number): ProfileResult {
  const sum = new Float64Array(dimensions);
  const contributions: Contribution[] = [];
  for (const c of itemWeights(events, halfLifeDays)) {
    const v = vectorOf(c.itemId);
    if (!v || v.length !== dimensions) continue;
    for (let i = 0; i < dimensions; i++) sum[i] += c.weight * v[i];
    contributions.push(c);
  }
  return { vector: unit(sum), contributions };
}

/**
 * Each item's summed w · decay over the shopper's events (age from their newest event), with the
 * event type that gave it most of its weight; items whose events cancel out are left out.
 */
export function itemWeights(events: ShopperEvent[], halfLifeDays: number): Contribution[] {
  const newest = events.reduce((m, e) => Math.max(m, e.ts), Number.NEGATIVE_INFINITY);
  const byItem = new Map<string, { weight: number; best: number; strongest: EventType }>();
  for (const e of events) {
    const w = eventWeight(e) * decay(newest - e.ts, halfLifeDays);
    if (w === 0) continue;
    const c = byItem.get(e.itemId) ?? { weight: 0, best: 0, strongest: e.type };
    c.weight += w;
    if (Math.abs(w) > Math.abs(c.best)) {
      c.best = w;
      c.strongest = e.type;
    }
    byItem.set(e.itemId, c);
  }
  const out: Contribution[] = [];
  for (const [itemId, c] of byItem) if (c.weight !== 0) out.push({ itemId, weight: c.weight, strongest: c.strongest });
  return out;
}

/** sum / |sum| as Float32, or null for a (near-)zero sum. */
export function unit(sum: Float64Array | Float32Array): Float32Array | null {
  let n = 0;
  for (let i = 0; i < sum.length; i++) n += sum[i] * sum[i];
  if (n <= 1e-18) return null;
  const inv = 1 / Math.sqrt(n);
  return Float32Array.from(sum, (x) => x * inv);
}

/**
 * Stated likes join the event profile at a fixed share: events say what a shopper does, likes what
 * they said, and the first should lead once there are any. With no events the likes are the profile.
 */
export const PREFERENCE_SHARE = 0.3;

export function blendPreferences(events: Float32Array | null, preferences: Float32Array | null): Float32Array | null {
  if (!events) return preferences;
  if (!preferences) return events;
  const sum = new Float64Array(events.length);
  for (let i = 0; i < sum.length; i++) sum[i] = events[i] + PREFERENCE_SHARE * preferences[i];
  return unit(sum);
}
