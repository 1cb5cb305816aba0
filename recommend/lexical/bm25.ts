import type { SlotFilter, SlotHit } from "../vectors/exact.ts";
import { TopK } from "../vectors/topk.ts";

/**
 * Okapi BM25 over slots. A document is a bag of (term, weighted tf): the caller folds field boosts
 * into tf (a title word counts 3×), which is the usual BM25F simplification. Postings are typed
 * arrays per term id; the filter's predicate is checked per posting, inside the scoring loop, so a
 * filtered query never ranks products it would then throw away.
 */

class Posting {
  slots: Int32Array = new Int32Array(4);
  tfs: Float32Array = new Float32Array(4);
  n = 0;

  /** Around saved arrays (views into one buffer); the first push past them copies. */
  static of(slots: Int32Array, tfs: Float32Array): Posting {
    const p = new Posting();
    p.slots = slots;
    p.tfs = tfs;
    p.n = slots.length;
    return p;
  }

  push(slot: number, tf: number): void {
    if (this.n === this.slots.length) {
      const s = new Int32Array(Math.max(4, this.n * 2));
      s.set(this.slots);
      const t = new Float32Array(Math.max(4, this.n * 2));
      t.set(this.tfs);
      this.slots = s;
      this.tfs = t;
    }
    this.slots[this.n] = slot;
    this.tfs[this.n] = tf;
    this.n++;
  }

  /** Drops the given slots, keeping order. */
  drop(gone: Set<number>): void {
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      if (gone.has(this.slots[r])) continue;
      this.slots[w] = this.slots[r];
      this.tfs[w] = this.tfs[r];
      w++;
    }
    this.n = w;
  }
}

export interface Bm25Options {
  k1?: number;
  b?: number;
}

export interface LexicalHit extends SlotHit {
  /** Which of the query's groups the document matched (indexes into the groups given to search). */
  matched: number[];
}

export class Bm25Index {
  private readonly termIds = new Map<string, number>();
  private readonly termNames: string[] = [];
  private readonly postings: Posting[] = [];
  /** Per slot: its distinct term ids, to unindex it and to say which query words it matched. */
  private docTerms: (Int32Array | undefined)[] = [];
  private docLength = new Float32Array(1024);
  private totalLength = 0;
  private docs = 0;
  // Per-slot scratch for search, all zero between searches.
  private scores = new Float64Array(1024);
  private alt = new Float64Array(0);
  private best = new Float64Array(0);
  private state = new Int8Array(0);
  private readonly k1: number;
  private readonly b: number;

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
  }

  get size(): number {
    return this.docs;
  }

  /**
   * The index as bytes, so a restart of a large catalogue reads it instead of tokenising every
   * product again: a JSON header (terms, sizes) then the postings and per-document arrays.
   */
  serialize(): Buffer {
    const terms = this.termNames.length;
    const slots = this.docTerms.length;
    let postingTotal = 0;
    for (const p of this.postings) postingTotal += p.n;
    let docTotal = 0;
    for (const d of this.docTerms) docTotal += d?.length ?? 0;
    const postingOffsets = new Int32Array(terms + 1);
    const postingSlots = new Int32Array(postingTotal);
    const postingTfs = new Float32Array(postingTotal);
    let at = 0;
    this.postings.forEach((p, i) => {
      postingSlots.set(p.slots.subarray(0, p.n), at);
      postingTfs.set(p.tfs.subarray(0, p.n), at);
      at += p.n;
      postingOffsets[i + 1] = at;
    });
    // -1 offsets mark slots without a document.
    const docOffsets = new Int32Array(slots + 1);
    const docIds = new Int32Array(docTotal);
    const present = new Uint8Array(slots);
    at = 0;
    this.docTerms.forEach((d, i) => {
      if (d) {
        docIds.set(d, at);
        at += d.length;
        present[i] = 1;
      }
      docOffsets[i + 1] = at;
    });
    const header = Buffer.from(JSON.stringify({ version: 1, k1: this.k1, b: this.b, terms: this.termNames, slots, docs: this.docs, totalLength: this.totalLength }));
    const parts = [postingOffsets, postingSlots, postingTfs, docOffsets, docIds, this.docLength.subarray(0, slots)];
    const pad = (4 - ((8 + header.length) % 4)) % 4;
    const head = Buffer.alloc(8 + header.length + pad, 0x20);
    head.write("BM25", 0, "latin1");
    head.writeUInt32LE(header.length + pad, 4);
    header.copy(head, 8);
    return Buffer.concat([head, ...parts.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)), Buffer.from(present)]);
  }

  static deserialize(bytes: Buffer): Bm25Index {
    if (bytes.toString("latin1", 0, 4) !== "BM25") throw new Error("not a serialised BM25 index");
    const len = bytes.readUInt32LE(4);
    const h = JSON.parse(bytes.toString("utf8", 8, 8 + len)) as { version: number; k1: number; b: number; terms: string[]; slots: number; docs: number; totalLength: number };
    if (h.version !== 1) throw new Error(`unsupported BM25 index version ${h.version}`);
    // One aligned copy; every array below is a view into it.
    const body = new Uint8Array(bytes.length - 8 - len);
    body.set(bytes.subarray(8 + len));
    let off = 0;
    const ints = (n: number) => {
      const a = new Int32Array(body.buffer, off, n);
      off += n * 4;
      return a;
    };
    const floats = (n: number) => {
      const a = new Float32Array(body.buffer, off, n);
      off += n * 4;
      return a;
    };
    const terms = h.terms.length;
    const postingOffsets = ints(terms + 1);
    const total = postingOffsets[terms];
    const postingSlots = ints(total);
    const postingTfs = floats(total);
    const docOffsets = ints(h.slots + 1);
    const docIds = ints(docOffsets[h.slots]);
    const docLength = floats(h.slots);
    const present = body.subarray(off, off + h.slots);
    if (off + h.slots !== body.length) throw new Error("serialised BM25 index has the wrong length");
    const index = new Bm25Index({ k1: h.k1, b: h.b });
    h.terms.forEach((t, i) => {
      index.termIds.set(t, i);
      index.termNames.push(t);
      index.postings.push(Posting.of(postingSlots.subarray(postingOffsets[i], postingOffsets[i + 1]), postingTfs.subarray(postingOffsets[i], postingOffsets[i + 1])));
    });
    index.docTerms = Array.from({ length: h.slots }, (_, i) => (present[i] ? docIds.subarray(docOffsets[i], docOffsets[i + 1]) : undefined));
    index.docLength = new Float32Array(Math.max(1024, h.slots));
    index.docLength.set(docLength);
    index.scores = new Float64Array(index.docLength.length);
    index.docs = h.docs;
    index.totalLength = h.totalLength;
    return index;
  }

  private termId(term: string, create: boolean): number {
    let id = this.termIds.get(term);
    if (id === undefined && create) {
      id = this.postings.length;
      this.termIds.set(term, id);
      this.termNames.push(term);
      this.postings.push(new Posting());
    }
    return id ?? -1;
  }

  private ensure(n: number): void {
    if (n <= this.docLength.length) return;
    let cap = this.docLength.length;
    while (cap < n) cap *= 2;
    const d = new Float32Array(cap);
    d.set(this.docLength);
    this.docLength = d;
    this.scores = new Float64Array(cap);
  }

  /** Indexes (or re-indexes) documents. Replacing many at once costs one pass per affected term. */
  upsert(docs: { slot: number; terms: Map<string, number> }[]): void {
    this.removeSlots(docs.map((d) => d.slot).filter((s) => this.docTerms[s] !== undefined));
    for (const { slot, terms } of docs) {
      this.ensure(slot + 1);
      const ids: number[] = [];
      let length = 0;
      for (const [term, tf] of terms) {
        if (tf <= 0) continue;
        const id = this.termId(term, true);
        this.postings[id]!.push(slot, tf);
        ids.push(id);
        length += tf;
      }
      this.docTerms[slot] = Int32Array.from(ids);
      this.docLength[slot] = length;
      this.totalLength += length;
      this.docs++;
    }
  }

  removeSlots(slots: number[]): void {
    const gone = new Set(slots.filter((s) => this.docTerms[s] !== undefined));
    if (gone.size === 0) return;
    const touched = new Set<number>();
    for (const s of gone) {
      for (const id of this.docTerms[s]!) touched.add(id);
      this.totalLength -= this.docLength[s];
      this.docLength[s] = 0;
      this.docTerms[s] = undefined;
      this.docs--;
    }
    for (const id of touched) this.postings[id]!.drop(gone);
  }

  has(slot: number): boolean {
    return this.docTerms[slot] !== undefined;
  }

  /** Document frequency of a term (0 when unknown). */
  df(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.postings[id]!.n;
  }

  idf(term: string): number {
    const df = this.df(term);
    return Math.log(1 + (this.docs - df + 0.5) / (df + 0.5));
  }

  /** The distinct terms of a document. */
  termsOf(slot: number): string[] {
    const ids = this.docTerms[slot];
    return ids ? Array.from(ids, (id) => this.termNames[id]!) : [];
  }

  /** Whether the document contains the term. */
  contains(slot: number, term: string): boolean {
    const id = this.termIds.get(term);
    const ids = this.docTerms[slot];
    if (id === undefined || !ids) return false;
    for (let i = 0; i < ids.length; i++) if (ids[i] === id) return true;
    return false;
  }

  /**
   * Top-k documents for a query of groups, restricted to slots the filter accepts. A group is a list
   * of alternatives, an alternative a list of terms: a document scores Σ over groups of the best
   * alternative's Σ of term scores (see analyzeQuery). Plain terms: `[[["red"]], [["dress"]]]`.
   * `matched` lists the groups (by index) the document matched at all.
   */
  search(groups: string[][][], k: number, filter: SlotFilter = {}): LexicalHit[] {
    if (k <= 0 || this.docs === 0) return [];
    const n = this.docLength.length;
    if (this.alt.length < n) {
      this.alt = new Float64Array(n);
      this.best = new Float64Array(n);
      this.state = new Int8Array(n);
    }
    const { scores, alt, best, state } = this;
    const avg = this.totalLength / this.docs;
    const { k1, b } = this;
    let mask: Uint8Array | undefined;
    if (filter.exact && filter.bits) mask = filter.bits;
    else if (filter.candidates) {
      mask = new Uint8Array(n);
      for (let i = 0; i < filter.candidates.length; i++) mask[filter.candidates[i]] = 1;
    }
    // With the exact bits the mask is the whole filter: no predicate call per document.
    const accept = filter.exact && filter.bits ? undefined : filter.accept;
    // state: 0 not seen, 1 accepted, -1 rejected — the predicate runs once per document.
    const seen: number[] = [];
    for (const alternatives of groups) {
      const groupTouched: number[] = [];
      for (const terms of alternatives) {
        const altTouched: number[] = [];
        for (const term of terms) {
          const id = this.termIds.get(term);
          if (id === undefined) continue;
          const p = this.postings[id]!;
          if (p.n === 0) continue;
          const idf = Math.log(1 + (this.docs - p.n + 0.5) / (p.n + 0.5));
          for (let i = 0; i < p.n; i++) {
            const slot = p.slots[i];
            let st = state[slot];
            if (st === 0) {
              st = (mask && !mask[slot]) || (accept && !accept(slot)) ? -1 : 1;
              state[slot] = st;
              seen.push(slot);
            }
            if (st < 0) continue;
            if (alt[slot] === 0) altTouched.push(slot);
            const tf = p.tfs[i];
            alt[slot] += idf * ((tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * this.docLength[slot]) / avg)));
          }
        }
        for (const slot of altTouched) {
          if (best[slot] === 0) groupTouched.push(slot);
          if (alt[slot] > best[slot]) best[slot] = alt[slot];
          alt[slot] = 0;
        }
      }
      for (const slot of groupTouched) {
        scores[slot] += best[slot];
        best[slot] = 0;
      }
    }
    const top = new TopK(k);
    for (const slot of seen) {
      if (scores[slot] > 0) top.push(slot, scores[slot]);
      scores[slot] = 0;
      state[slot] = 0;
    }
    // Which groups each winner matched, from its own term list (k documents, not every candidate).
    const groupIds = groups.map((alternatives) => alternatives.flat().map((t) => this.termIds.get(t) ?? -1));
    return top.sorted().map(({ slot, score }) => {
      const own = this.docTerms[slot]!;
      const matched: number[] = [];
      groupIds.forEach((ids, g) => {
        if (ids.some((id) => id >= 0 && own.includes(id))) matched.push(g);
      });
      return { slot, score, matched };
    });
  }

  /** Search with plain terms, each its own group (a term given twice weighs twice). */
  searchTerms(terms: string[], k: number, filter: SlotFilter = {}): LexicalHit[] {
    return this.search(
      terms.map((t) => [[t]]),
      k,
      filter,
    );
  }
}
