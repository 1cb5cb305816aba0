/**
 * Keeps the k best (highest score) slots seen, in a binary min-heap on typed arrays: no objects per
 * candidate, which matters when BM25 or an exact scan offers 100k of them.
 */
export class TopK {
  private readonly slots: Int32Array;
  private readonly scores: Float64Array;
  private n = 0;

  constructor(readonly k: number) {
    this.slots = new Int32Array(Math.max(1, k));
    this.scores = new Float64Array(Math.max(1, k));
  }

  get size(): number {
    return this.n;
  }

  /** The score a newcomer must beat once the heap is full. */
  get threshold(): number {
    return this.n < this.k ? Number.NEGATIVE_INFINITY : this.scores[0];
  }

  push(slot: number, score: number): void {
    if (this.k <= 0) return;
    if (this.n < this.k) {
      let i = this.n++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (this.scores[p] <= score) break;
        this.scores[i] = this.scores[p];
        this.slots[i] = this.slots[p];
        i = p;
      }
      this.scores[i] = score;
      this.slots[i] = slot;
      return;
    }
    if (score <= this.scores[0]) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.n) break;
      const r = l + 1;
      const c = r < this.n && this.scores[r] < this.scores[l] ? r : l;
      if (this.scores[c] >= score) break;
      this.scores[i] = this.scores[c];
      this.slots[i] = this.slots[c];
      i = c;
    }
    this.scores[i] = score;
    this.slots[i] = slot;
  }

  /** Best first; ties broken by slot so results are stable. */
  sorted(): { slot: number; score: number }[] {
    const out: { slot: number; score: number }[] = [];
    for (let i = 0; i < this.n; i++) out.push({ slot: this.slots[i], score: this.scores[i] });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }
}
