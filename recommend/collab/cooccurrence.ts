import { CONFIG_DEFAULTS } from "../../core/config.ts";
import type { ShopperEvent } from "../../store/types.ts";
import { IdSpace } from "../vectors/ids.ts";
import { PairRow } from "./pair-row.ts";

/**
 * Item-to-item co-occurrence from shopper events ("shoppers who interacted with X also interacted
 * with Y"), kept incrementally as events arrive and exactly reversible, so deleting a shopper takes
 * their every contribution back out.
 *
 * Each shopper has a basket: their `window` most recently touched items, each with a weight — the
 * strongest of their events on it (COOCCURRENCE_WEIGHTS). Two items in one basket co-occur with
 * weight w_u(i)·w_u(j). The similarity of two items is the cosine of their shopper columns,
 *
 *     sim(i, j) = Σ_u w_u(i)·w_u(j) / (‖i‖·‖j‖) · s / (s + shrink)      (s = shoppers who had both)
 *
 * so an item everybody touches is not everybody's neighbour (the norms grow with it), and a pair
 * seen with one or two shoppers counts for less (significance weighting, Herlocker et al. 1999).
 * Pairs with fewer than `minSupport` distinct shoppers are never used: a recommendation must not
 * reveal what one other person did.
 *
 * The window bounds both the work per event (one pass over the basket) and the pairs a long history
 * creates; an item leaving the window takes its pairs with it, so counts always equal a rebuild over
 * the same events in the same order.
 */

/** How much one event says a shopper is into an item, for co-occurrence. A rating of 1–2 still means they tried it. */
export const COOCCURRENCE_WEIGHTS = { view: 1, cart: 2, favourite: 2, purchase: 3 } as const;

export function cooccurrenceWeight(event: Pick<ShopperEvent, "type" | "value">): number {
  if (event.type !== "rating") return COOCCURRENCE_WEIGHTS[event.type];
  const v = event.value;
  if (typeof v !== "number" || !Number.isFinite(v)) return 1;
  return v >= 4 ? 3 : v >= 3 ? 1.5 : 0.5;
}

export interface CooccurrenceOptions {
  /** Items per shopper that pair with each other: the most recently touched (default 100). */
  window?: number;
  /** Distinct shoppers a pair needs before it is used (default 2; k-anonymity for "also bought"). */
  minSupport?: number;
  /** Significance shrinkage: a pair's similarity is scaled by s / (s + shrink) (default 2). */
  shrink?: number;
}

interface Basket {
  items: number[];
  weights: number[];
  bought: boolean[];
}

/** A candidate found through co-occurrence with the shopper's items. */
export interface CollaborativeHit {
  itemId: string;
  /** Σ over the shopper's items of their weight × similarity. */
  score: number;
  /** The shopper's item that contributed most (what the reason names). */
  via: string;
  /** At least minSupport shoppers bought both `via` and this item. */
  boughtTogether: boolean;
}

export class CooccurrenceModel {
  readonly window: number;
  readonly minSupport: number;
  readonly shrink: number;
  private readonly ids = new IdSpace();
  private rows: (PairRow | undefined)[] = [];
  private norm2 = new Float64Array(1024);
  /** Shoppers with the item in their window. */
  private counts = new Int32Array(1024);
  private readonly baskets = new Map<string, Basket>();
  // Scratch for score(): reused between calls, reset through `touched`.
  private acc = new Float64Array(0);
  private best = new Float64Array(0);
  private via = new Int32Array(0);
  private viaBought = new Uint8Array(0);

  constructor(options: CooccurrenceOptions = {}) {
    this.window = Math.max(2, Math.floor(options.window ?? CONFIG_DEFAULTS.recommend.cooccurrence.window));
    this.minSupport = Math.max(1, Math.floor(options.minSupport ?? CONFIG_DEFAULTS.recommend.cooccurrence.minSupport));
    this.shrink = Math.max(0, options.shrink ?? 2);
  }

  /** Shoppers with at least one item counted. */
  get shoppers(): number {
    return this.baskets.size;
  }

  /** Items that have ever been counted. */
  get items(): number {
    return this.ids.size;
  }

  hasShopper(userId: string): boolean {
    return this.baskets.has(userId);
  }

  /** Approximate memory held by the pair rows, in bytes. */
  get bytes(): number {
    let n = this.norm2.byteLength;
    for (const r of this.rows) if (r) n += r.bytes;
    return n;
  }

  private slot(itemId: string): number {
    const s = this.ids.intern(itemId);
    if (s >= this.norm2.length) {
      const cap = Math.max(s + 1, this.norm2.length * 2);
      const grown = new Float64Array(cap);
      grown.set(this.norm2);
      this.norm2 = grown;
      const counts = new Int32Array(cap);
      counts.set(this.counts);
      this.counts = counts;
    }
    return s;
  }

  private row(slot: number): PairRow {
    let r = this.rows[slot];
    if (!r) {
      r = new PairRow();
      this.rows[slot] = r;
    }
    return r;
  }

  /** Adds to the pair (a, b) in both rows. */
  private pair(a: number, b: number, weight: number, support: number, bought: number): void {
    this.row(a).add(b, weight, support, bought);
    this.row(b).add(a, weight, support, bought);
  }

  /** Counts events, in the order given (oldest first: the window keeps each shopper's latest items). */
  add(events: Iterable<Pick<ShopperEvent, "userId" | "itemId" | "type" | "value">>): void {
    for (const e of events) {
      const w = cooccurrenceWeight(e);
      if (w > 0) this.touch(e.userId, this.slot(e.itemId), w, e.type === "purchase");
    }
  }

  private touch(userId: string, item: number, weight: number, purchase: boolean): void {
    let basket = this.baskets.get(userId);
    if (!basket) {
      basket = { items: [], weights: [], bought: [] };
      this.baskets.set(userId, basket);
    }
    const { items, weights, bought } = basket;
    const at = items.indexOf(item);
    if (at >= 0) {
      const oldW = weights[at]!;
      const oldB = bought[at]!;
      const newW = Math.max(oldW, weight);
      const newB = oldB || purchase;
      if (newW !== oldW || newB !== oldB) {
        for (let k = 0; k < items.length; k++) {
          if (k === at) continue;
          this.pair(item, items[k]!, weights[k]! * (newW - oldW), 0, newB && !oldB && bought[k] ? 1 : 0);
        }
        this.norm2[item] += newW * newW - oldW * oldW;
      }
      // Most recently touched last: the window evicts from the front.
      items.splice(at, 1);
      weights.splice(at, 1);
      bought.splice(at, 1);
      items.push(item);
      weights.push(newW);
      bought.push(newB);
      return;
    }
    if (items.length >= this.window) this.evict(basket, 0);
    for (let k = 0; k < items.length; k++) this.pair(item, items[k]!, weights[k]! * weight, 1, purchase && bought[k] ? 1 : 0);
    this.norm2[item] += weight * weight;
    this.counts[item]++;
    items.push(item);
    weights.push(weight);
    bought.push(purchase);
  }

  /** Takes basket entry `at` and all its pairs back out. */
  private evict(basket: Basket, at: number): void {
    const { items, weights, bought } = basket;
    const item = items[at]!;
    const w = weights[at]!;
    for (let k = 0; k < items.length; k++) {
      if (k === at) continue;
      this.pair(item, items[k]!, -w * weights[k]!, -1, bought[at] && bought[k] ? -1 : 0);
    }
    this.norm2[item] = Math.max(0, this.norm2[item] - w * w);
    this.counts[item]--;
    items.splice(at, 1);
    weights.splice(at, 1);
    bought.splice(at, 1);
  }

  /** Removes everything a shopper contributed; true when they had contributed anything. */
  forget(userId: string): boolean {
    const basket = this.baskets.get(userId);
    if (!basket) return false;
    while (basket.items.length) this.evict(basket, basket.items.length - 1);
    this.baskets.delete(userId);
    return true;
  }

  clear(): void {
    this.rows = [];
    this.norm2.fill(0);
    this.counts.fill(0);
    this.baskets.clear();
  }

  /** Shoppers who have the item among their counted items. */
  shoppersOf(itemId: string): number {
    const s = this.ids.slotOf(itemId);
    return s === undefined ? 0 : this.counts[s]!;
  }

  /** Support of a pair: distinct shoppers who had both items in their window. */
  support(a: string, b: string): number {
    const sa = this.ids.slotOf(a);
    const sb = this.ids.slotOf(b);
    if (sa === undefined || sb === undefined) return 0;
    const r = this.rows[sa];
    const i = r ? r.indexOf(sb) : -1;
    return i >= 0 ? r!.support[i] : 0;
  }

  /** At least minSupport shoppers bought both items ("shoppers who bought X also bought this"). */
  boughtTogether(a: string, b: string): boolean {
    const sa = this.ids.slotOf(a);
    const sb = this.ids.slotOf(b);
    if (sa === undefined || sb === undefined) return false;
    const r = this.rows[sa];
    const i = r ? r.indexOf(sb) : -1;
    return i >= 0 && r!.bought[i] >= this.minSupport;
  }

  private sim(r: PairRow, i: number, na: number, b: number): number {
    const s = r.support[i];
    if (s < this.minSupport) return 0;
    const nb = this.norm2[b];
    if (na <= 0 || nb <= 0) return 0;
    return (r.weight[i] / Math.sqrt(na * nb)) * (s / (s + this.shrink));
  }

  /** sim(a, b) as defined above; 0 below minSupport or for unknown items. */
  similarity(a: string, b: string): number {
    const sa = this.ids.slotOf(a);
    const sb = this.ids.slotOf(b);
    if (sa === undefined || sb === undefined) return 0;
    const r = this.rows[sa];
    const i = r ? r.indexOf(sb) : -1;
    return i >= 0 ? this.sim(r!, i, this.norm2[sa], sb) : 0;
  }

  /** The item's most similar items, best first. */
  neighbours(itemId: string, k = 20): { itemId: string; similarity: number; support: number }[] {
    const sa = this.ids.slotOf(itemId);
    const r = sa === undefined ? undefined : this.rows[sa];
    if (!r) return [];
    const out: { itemId: string; similarity: number; support: number }[] = [];
    for (let i = 0; i < r.capacity; i++) {
      const b = r.keys[i];
      if (b < 0) continue;
      const s = this.sim(r, i, this.norm2[sa!], b);
      if (s > 0) out.push({ itemId: this.ids.idOf(b), similarity: s, support: r.support[i] });
    }
    return out.sort((x, y) => y.similarity - x.similarity || (x.itemId < y.itemId ? -1 : 1)).slice(0, k);
  }

  /**
   * Items co-occurring with a shopper's items: score(j) = Σ_i weight(i) · sim(i, j), over their
   * `maxHistory` heaviest items with positive weight. The shopper's own items are included in the
   * result (callers exclude or demote them).
   */
  score(history: { itemId: string; weight: number }[], maxHistory = 50): CollaborativeHit[] {
    const used = history
      .filter((h) => h.weight > 0 && this.ids.slotOf(h.itemId) !== undefined)
      .sort((a, b) => b.weight - a.weight)
      .slice(0, maxHistory);
    if (!used.length) return [];
    const n = this.ids.size;
    if (this.acc.length < n) {
      const cap = Math.max(n, this.acc.length * 2, 1024);
      this.acc = new Float64Array(cap);
      this.best = new Float64Array(cap);
      this.via = new Int32Array(cap);
      this.viaBought = new Uint8Array(cap);
    }
    const touched: number[] = [];
    for (const h of used) {
      const a = this.ids.slotOf(h.itemId)!;
      const r = this.rows[a];
      if (!r) continue;
      const na = this.norm2[a];
      for (let i = 0; i < r.capacity; i++) {
        const b = r.keys[i];
        if (b < 0) continue;
        const s = this.sim(r, i, na, b);
        if (s <= 0) continue;
        const part = h.weight * s;
        if (this.acc[b] === 0) touched.push(b);
        this.acc[b] += part;
        if (part > this.best[b]) {
          this.best[b] = part;
          this.via[b] = a;
          this.viaBought[b] = r.bought[i] >= this.minSupport ? 1 : 0;
        }
      }
    }
    const out: CollaborativeHit[] = touched.map((b) => ({
      itemId: this.ids.idOf(b),
      score: this.acc[b],
      via: this.ids.idOf(this.via[b]),
      boughtTogether: this.viaBought[b] === 1,
    }));
    for (const b of touched) {
      this.acc[b] = 0;
      this.best[b] = 0;
    }
    return out;
  }
}
