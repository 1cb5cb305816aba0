/**
 * One item's row of the co-occurrence matrix: the items it co-occurred with, an open-addressing
 * hash table on typed arrays. A million pairs cost ~40 MB here against ~150 MB as Map entries with
 * boxed numbers, and scoring walks the arrays without allocating.
 *
 * Per neighbour: the summed weight product Σ_u w_u(i)·w_u(j), how many distinct shoppers had both
 * (support), and how many bought both (for "shoppers who bought X also bought this"). A pair whose
 * support falls to zero stays as a dead entry until the next growth drops it, so a shopper who is
 * forgotten and comes back does not churn the table.
 */
export class PairRow {
  keys: Int32Array;
  weight: Float64Array;
  support: Uint32Array;
  bought: Uint32Array;
  /** Slots in use, dead ones included (they count towards the load factor). */
  private used = 0;

  constructor(capacity = 8) {
    this.keys = new Int32Array(capacity).fill(-1);
    this.weight = new Float64Array(capacity);
    this.support = new Uint32Array(capacity);
    this.bought = new Uint32Array(capacity);
  }

  get capacity(): number {
    return this.keys.length;
  }

  private find(key: number): number {
    const mask = this.keys.length - 1;
    let i = Math.imul(key, 0x9e3779b1) & mask;
    for (;;) {
      const k = this.keys[i];
      if (k === key || k === -1) return i;
      i = (i + 1) & mask;
    }
  }

  /** Adds to the pair with `key` (creating it); support and bought change by the given deltas. */
  add(key: number, weight: number, support: number, bought: number): void {
    if ((this.used + 1) * 10 > this.keys.length * 7) this.grow();
    const i = this.find(key);
    if (this.keys[i] === -1) {
      this.keys[i] = key;
      this.used++;
    }
    const s = this.support[i] + support;
    this.support[i] = Math.max(0, s);
    const b = this.bought[i] + bought;
    this.bought[i] = Math.max(0, b);
    // Float sums of adds and subtracts leave crumbs; a pair nobody supports weighs nothing.
    this.weight[i] = this.support[i] === 0 ? 0 : this.weight[i] + weight;
  }

  /** Index of `key` in the arrays, or -1. */
  indexOf(key: number): number {
    const i = this.find(key);
    return this.keys[i] === key ? i : -1;
  }

  private grow(): void {
    const { keys, weight, support, bought } = this;
    let live = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1 && support[i] > 0) live++;
    let cap = this.keys.length;
    while ((live + 1) * 10 > cap * 5) cap *= 2;
    this.keys = new Int32Array(cap).fill(-1);
    this.weight = new Float64Array(cap);
    this.support = new Uint32Array(cap);
    this.bought = new Uint32Array(cap);
    this.used = 0;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === -1 || support[i] === 0) continue;
      const j = this.find(keys[i]);
      this.keys[j] = keys[i];
      this.weight[j] = weight[i];
      this.support[j] = support[i];
      this.bought[j] = bought[i];
      this.used++;
    }
  }

  /** Approximate bytes held (for describe()). */
  get bytes(): number {
    return this.keys.length * (4 + 8 + 4 + 4);
  }
}
