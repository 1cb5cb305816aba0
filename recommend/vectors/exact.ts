import type { VectorHit, VectorIndex } from "../types.ts";
import { IdSpace } from "./ids.ts";
import { TopK } from "./topk.ts";

export interface SlotHit {
  slot: number;
  score: number;
}

/** A filter at slot level: the predicate, and when the caller already knows them, the only slots that can pass. */
export interface SlotFilter {
  accept?: (slot: number) => boolean;
  candidates?: ArrayLike<number>;
  /**
   * `candidates` are exactly the slots the filter accepts (computed once per query from facet
   * postings), so a search can scan them without calling `accept` again, and `bits` marks them.
   */
  exact?: boolean;
  bits?: Uint8Array;
}

/** Unit-length copy (cosine = dot product afterwards); the zero vector stays zero. */
export function normalized(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  const out = new Float32Array(v.length);
  if (n <= 1e-20) return out;
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * inv;
  return out;
}

export function dot(a: Float32Array, b: Float32Array, bOffset = 0): number {
  // Four running sums: independent additions pipeline (about twice the single-sum loop's speed).
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = a.length;
  const end = n - (n % 4);
  let i = 0;
  for (; i < end; i += 4) {
    const j = bOffset + i;
    s0 += a[i] * b[j];
    s1 += a[i + 1] * b[j + 1];
    s2 += a[i + 2] * b[j + 2];
    s3 += a[i + 3] * b[j + 3];
  }
  for (; i < n; i++) s0 += a[i] * b[bOffset + i];
  return s0 + s1 + s2 + s3;
}

/**
 * Brute-force cosine search over vectors kept in one growable Float32Array. Exact, so it is the
 * reference for recall checks, the index for small catalogues, and the search over a small filtered
 * candidate set. It also holds the vectors the HNSW index cannot hand back (profiles need them).
 */
export class ExactIndex implements VectorIndex {
  readonly ids: IdSpace;
  private data: Float32Array;
  private live: Uint8Array;
  private count = 0;

  constructor(
    readonly dimensions: number,
    ids: IdSpace = new IdSpace(),
  ) {
    this.ids = ids;
    this.data = new Float32Array(dimensions * 1024);
    this.live = new Uint8Array(1024);
  }

  get size(): number {
    return this.count;
  }

  private ensure(slots: number): void {
    if (slots <= this.live.length) return;
    let cap = this.live.length;
    while (cap < slots) cap *= 2;
    const data = new Float32Array(cap * this.dimensions);
    data.set(this.data);
    const live = new Uint8Array(cap);
    live.set(this.live);
    this.data = data;
    this.live = live;
  }

  /** Adds or replaces; returns the slots written, in order. */
  addSlots(entries: { id: string; vector: Float32Array }[]): number[] {
    const out: number[] = [];
    // Grow once for the batch rather than doubling through it.
    let top = -1;
    for (const { id } of entries) top = Math.max(top, this.ids.slotOf(id) ?? this.ids.size + entries.length);
    this.ensure(top + 1);
    for (const { id, vector } of entries) {
      if (vector.length !== this.dimensions) throw new Error(`vector for ${id} has ${vector.length} dimensions, the index ${this.dimensions}`);
      const slot = this.ids.intern(id);
      this.ensure(slot + 1);
      this.data.set(normalized(vector), slot * this.dimensions);
      if (!this.live[slot]) this.count++;
      this.live[slot] = 1;
      out.push(slot);
    }
    return out;
  }

  add(entries: { id: string; vector: Float32Array }[]): void {
    this.addSlots(entries);
  }

  remove(ids: string[]): void {
    for (const id of ids) {
      const slot = this.ids.slotOf(id);
      if (slot !== undefined && this.live[slot]) {
        this.live[slot] = 0;
        this.count--;
      }
    }
  }

  has(slot: number): boolean {
    return slot < this.live.length && this.live[slot] === 1;
  }

  /** The stored (unit) vector of a slot, as a view; undefined when not indexed. */
  /** The live slots among `slots`, and their (unit-length) vectors copied into one contiguous matrix. */
  gather(slots: ArrayLike<number>): { slots: Int32Array; matrix: Float32Array } {
    const d = this.dimensions;
    const kept = new Int32Array(slots.length);
    let n = 0;
    for (let i = 0; i < slots.length; i++) if (this.has(slots[i])) kept[n++] = slots[i];
    const matrix = new Float32Array(n * d);
    for (let i = 0; i < n; i++) {
      const from = kept[i] * d;
      const to = i * d;
      for (let j = 0; j < d; j++) matrix[to + j] = this.data[from + j];
    }
    return { slots: kept.slice(0, n), matrix };
  }

  vectorOf(slot: number): Float32Array | undefined {
    if (!this.has(slot)) return undefined;
    return this.data.subarray(slot * this.dimensions, (slot + 1) * this.dimensions);
  }

  get(id: string): Float32Array | undefined {
    const slot = this.ids.slotOf(id);
    return slot === undefined ? undefined : this.vectorOf(slot);
  }

  /** Slots that hold a vector. */
  *liveSlots(): Generator<number> {
    for (let s = 0; s < this.ids.size; s++) if (this.live[s]) yield s;
  }

  cosine(query: Float32Array, slot: number): number {
    return this.has(slot) ? dot(query, this.data, slot * this.dimensions) : 0;
  }

  searchSlots(query: Float32Array, k: number, filter: SlotFilter = {}): SlotHit[] {
    const q = normalized(query);
    const top = new TopK(k);
    const d = this.dimensions;
    const visit = (slot: number) => {
      if (!this.live[slot] || (filter.accept && !filter.accept(slot))) return;
      top.push(slot, dot(q, this.data, slot * d));
    };
    if (filter.candidates && filter.exact) {
      const c = filter.candidates;
      for (let i = 0; i < c.length; i++) {
        const s = c[i];
        if (s < this.live.length && this.live[s]) top.push(s, dot(q, this.data, s * d));
      }
    } else if (filter.candidates) {
      for (let i = 0; i < filter.candidates.length; i++) {
        const s = filter.candidates[i];
        if (s < this.live.length) visit(s);
      }
    } else {
      for (let s = 0; s < this.ids.size; s++) visit(s);
    }
    return top.sorted();
  }

  search(query: Float32Array, k: number, accept?: (id: string) => boolean): VectorHit[] {
    const filter: SlotFilter = accept ? { accept: (s) => accept(this.ids.idOf(s)) } : {};
    return this.searchSlots(query, k, filter).map((h) => ({ id: this.ids.idOf(h.slot), score: h.score }));
  }
}
