import { CONFIG_DEFAULTS } from "../../core/config.ts";
import type { ShopperEvent } from "../../store/types.ts";

/**
 * The implicit-feedback matrix X (shoppers × items, 1 where a shopper interacted with an item) and
 * what is learned from it: the item-item Gram matrix G = XᵀX (G_ij = shoppers who had both i and j,
 * G_ii = shoppers who had i), from which both
 *
 *   - EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): the item-item
 *     weights B minimising ‖X − XB‖² + λ‖B‖² subject to diag(B) = 0, in closed form:
 *         P = (G + λI)⁻¹,   B_ij = −P_ij / P_jj (i ≠ j),   B_jj = 0;
 *     a shopper's score for item j is Σ_{i ∈ their items} B_ij;
 *   - item-kNN (the textbook baseline, e.g. Deshpande & Karypis 2004; RecBole's ItemKNN): cosine of
 *     item columns sim(i, j) = G_ij / √(G_ii·G_jj), each item keeping its k nearest; a shopper's
 *     score for j is Σ_{i ∈ their items} sim_k(i, j).
 *
 * Which events count: every interaction (any event type, any rating) by default — X says "touched",
 * as in the usual implicit conversion of rating data — or only positives (`input: "positive"`:
 * purchase, cart, favourite, rating ≥ 4).
 *
 * Scale. G is dense over the `maxItems` items most shoppers touched (default 4,000; the rest of the
 * catalogue is left to the other signals): inverting it costs about n³/2 multiply-adds (≈ 2 s for
 * 1,700 items, ≈ 30 s for 4,000 on one core here) and B takes 4·n² bytes (64 MB at 4,000).
 *
 * Privacy: a weight B_ij between items fewer than `minSupport` shoppers had together is set to 0,
 * as co-occurrence does, so no pick can reveal what one other person did.
 */

export type ImplicitInput = "all" | "positive";

export interface ImplicitOptions {
  /** Items kept in the model: the most-touched (default 4,000). */
  maxItems?: number;
  /** Which events make X (default "all"). */
  input?: ImplicitInput;
}

export function isPositiveEvent(e: Pick<ShopperEvent, "type" | "value">): boolean {
  if (e.type === "rating") return typeof e.value === "number" && e.value >= 4;
  return e.type === "purchase" || e.type === "cart" || e.type === "favourite";
}

function counts(e: Pick<ShopperEvent, "type" | "value">, input: ImplicitInput): boolean {
  return input === "all" || isPositiveEvent(e);
}

/**
 * A shopper's items as model indices, most recent last (events oldest first, as the ranker has them;
 * an item counts at its latest event).
 */
function rowOf(events: Iterable<Pick<ShopperEvent, "itemId" | "type" | "value">>, index: Map<string, number>, input: ImplicitInput): number[] {
  const out = new Set<number>();
  for (const e of events) {
    if (!counts(e, input)) continue;
    const i = index.get(e.itemId);
    if (i === undefined) continue;
    out.delete(i);
    out.add(i);
  }
  return [...out];
}

/**
 * Weight of the shopper's items in the score: 1 each (the model as trained), or, with a recency
 * half-life h, 0.5^(r / h) for the item r places before their latest — what they did last says most
 * about what they do next.
 */
export function recencyWeights(count: number, halfLife?: number): Float64Array {
  const w = new Float64Array(count).fill(1);
  if (halfLife && halfLife > 0 && Number.isFinite(halfLife)) for (let p = 0; p < count; p++) w[p] = 0.5 ** ((count - 1 - p) / halfLife);
  return w;
}

/** X as item lists per shopper, over the kept items, and their Gram matrix. */
/** Each shopper's distinct items (as indexes into `ids`, in order of first appearance), from the events that count. */
function basketsOf(events: Iterable<Pick<ShopperEvent, "userId" | "itemId" | "type" | "value">>, input: ImplicitInput): { ids: string[]; baskets: Map<string, Set<number>> } {
  const itemIds = new Map<string, number>();
  const ids: string[] = [];
  const baskets = new Map<string, Set<number>>();
  for (const e of events) {
    if (!counts(e, input)) continue;
    let i = itemIds.get(e.itemId);
    if (i === undefined) {
      i = ids.length;
      ids.push(e.itemId);
      itemIds.set(e.itemId, i);
    }
    let b = baskets.get(e.userId);
    if (!b) {
      b = new Set();
      baskets.set(e.userId, b);
    }
    b.add(i);
  }
  return { ids, baskets };
}

export class ImplicitData {
  /** Kept item ids, most-touched first; an item's index here is its row/column. */
  readonly items: string[];
  readonly index: Map<string, number>;
  /** G = XᵀX, n × n row-major. */
  readonly gram: Float64Array;
  readonly users: number;
  readonly input: ImplicitInput;
  readonly seconds: number;

  private constructor(items: string[], gram: Float64Array, users: number, input: ImplicitInput, seconds: number) {
    this.items = items;
    this.index = new Map(items.map((id, i) => [id, i]));
    this.gram = gram;
    this.users = users;
    this.input = input;
    this.seconds = seconds;
  }

  get size(): number {
    return this.items.length;
  }

  /** From events (any order; each shopper's distinct items are what counts). */
  static fromEvents(events: Iterable<Pick<ShopperEvent, "userId" | "itemId" | "type" | "value">>, options: ImplicitOptions = {}): ImplicitData {
    const started = performance.now();
    const input = options.input ?? "all";
    const maxItems = Math.max(1, Math.floor(options.maxItems ?? 4000));
    const { ids, baskets } = basketsOf(events, input);
    const users = new Int32Array(ids.length);
    for (const b of baskets.values()) for (const i of b) users[i]!++;
    const order = ids.map((_, i) => i).sort((a, b) => users[b]! - users[a]! || (ids[a]! < ids[b]! ? -1 : 1));
    const kept = order.slice(0, maxItems);
    const to = new Int32Array(ids.length).fill(-1);
    kept.forEach((old, i) => {
      to[old] = i;
    });
    const n = kept.length;
    const gram = new Float64Array(n * n);
    const row: number[] = [];
    for (const b of baskets.values()) {
      row.length = 0;
      for (const old of b) {
        const i = to[old]!;
        if (i >= 0) row.push(i);
      }
      for (let x = 0; x < row.length; x++) {
        const o = row[x]! * n;
        for (let y = 0; y < row.length; y++) gram[o + row[y]!]! += 1;
      }
    }
    return new ImplicitData(
      kept.map((i) => ids[i]!),
      gram,
      baskets.size,
      input,
      (performance.now() - started) / 1000,
    );
  }

  /** A shopper's row of X over the kept items (indices), from their events. */
  rowOf(events: Iterable<Pick<ShopperEvent, "itemId" | "type" | "value">>): number[] {
    return rowOf(events, this.index, this.input);
  }
}

/**
 * In-place inverse of a symmetric positive definite n × n matrix (row-major): Cholesky A = LLᵀ,
 * M = L⁻¹, A⁻¹ = MᵀM — about n³/2 multiply-adds, every inner loop over contiguous memory.
 * Throws when A is not positive definite.
 */
export function invertSpd(a: Float64Array, n: number): void {
  // Cholesky (Banachiewicz, row by row): the lower triangle of `a` becomes L.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = a[ri + j]!;
      let k = 0;
      for (; k + 3 < j; k += 4) {
        s -= a[ri + k]! * a[rj + k]! + a[ri + k + 1]! * a[rj + k + 1]! + a[ri + k + 2]! * a[rj + k + 2]! + a[ri + k + 3]! * a[rj + k + 3]!;
      }
      for (; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error(`matrix is not positive definite (pivot ${i}: ${s})`);
        a[ri + i] = Math.sqrt(s);
      } else {
        a[ri + j] = s / a[rj + j]!;
      }
    }
  }
  // M = L⁻¹ (lower triangular), row by row: M_ij = −(Σ_{k=j}^{i−1} L_ik M_kj) / L_ii, M_ii = 1 / L_ii.
  // Computed into a separate buffer so L stays readable.
  const m = new Float64Array(n * n);
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    // Column j of M: solve L x = e_j for x (x_k = 0 for k < j).
    col.fill(0, j);
    col[j] = 1 / a[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      let k = j;
      for (; k + 3 < i; k += 4) s += a[ri + k]! * col[k]! + a[ri + k + 1]! * col[k + 1]! + a[ri + k + 2]! * col[k + 2]! + a[ri + k + 3]! * col[k + 3]!;
      for (; k < i; k++) s += a[ri + k]! * col[k]!;
      col[i] = -s / a[ri + i]!;
    }
    for (let i = j; i < n; i++) m[i * n + j] = col[i]!;
  }
  // A⁻¹ = MᵀM: (A⁻¹)_ij = Σ_{k ≥ max(i,j)} M_ki M_kj — a rank-1 update per row k of M, upper triangle.
  a.fill(0);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const v = m[rk + i]!;
      if (v === 0) continue;
      const ri = i * n;
      for (let j = i; j <= k; j++) a[ri + j] += v * m[rk + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[i * n + j] = a[j * n + i]!;
}

/** A scored item for a shopper, with the history item that contributed most (for the reason). */
export interface ModelHit {
  itemId: string;
  score: number;
  via: string;
}

export interface ScoreOptions {
  /** Weigh the shopper's items by recency: half-life in items (undefined: all weigh 1). */
  recencyHalfLife?: number;
}

/** An item-item model over implicit feedback: what the ranker's `model` signal reads. */
export interface ItemItemModel {
  readonly name: string;
  /** Items the model knows (its columns). */
  readonly size: number;
  /** Scores of the items the model knows for a shopper with these events, oldest first (their own items included). */
  score(events: Iterable<Pick<ShopperEvent, "itemId" | "type" | "value">>, options?: ScoreOptions): ModelHit[];
  describe(): Record<string, unknown>;
}

/** Dense item-item weights W (row i: what having i adds to each item) scored as Σ_{i ∈ x} W_i. */
class DenseItemItem implements ItemItemModel {
  constructor(
    readonly name: string,
    private readonly data: Pick<ImplicitData, "items" | "index" | "rowOf" | "input">,
    private readonly w: Float32Array,
    private readonly info: Record<string, unknown>,
  ) {}

  get size(): number {
    return this.data.items.length;
  }

  get bytes(): number {
    return this.w.byteLength;
  }

  score(events: Iterable<Pick<ShopperEvent, "itemId" | "type" | "value">>, options: ScoreOptions = {}): ModelHit[] {
    const row = this.data.rowOf(events);
    if (!row.length) return [];
    const weights = recencyWeights(row.length, options.recencyHalfLife);
    const n = this.size;
    const acc = new Float64Array(n);
    const best = new Float64Array(n).fill(Number.NEGATIVE_INFINITY);
    const via = new Int32Array(n);
    for (let p = 0; p < row.length; p++) {
      const i = row[p]!;
      const x = weights[p]!;
      const o = i * n;
      for (let j = 0; j < n; j++) {
        const v = this.w[o + j]! * x;
        if (v === 0) continue;
        acc[j] += v;
        if (v > best[j]!) {
          best[j] = v;
          via[j] = i;
        }
      }
    }
    const out: ModelHit[] = [];
    for (let j = 0; j < n; j++) if (acc[j] !== 0) out.push({ itemId: this.data.items[j]!, score: acc[j]!, via: this.data.items[via[j]!]! });
    return out;
  }

  describe(): Record<string, unknown> {
    return { model: this.name, items: this.size, input: this.data.input, bytes: this.w.byteLength, ...this.info };
  }
}

export interface EaseOptions {
  /** L2 regularisation λ (default 200). */
  lambda?: number;
  /** Pairs fewer shoppers had together get no weight (default 2). */
  minSupport?: number;
}

export interface EaseFit {
  model: ItemItemModel;
  seconds: number;
  /** Bytes held by the fitted weights (B, float32). */
  bytes: number;
  /** Peak bytes of the working matrices while fitting (G + λI and its inverse, float64). */
  peakBytes: number;
}

/**
 * EASE's closed form on a Gram matrix: B = −P / diag(P) with P = (G + λI)⁻¹, zero on the diagonal
 * and between items fewer than `minSupport` shoppers had together. Pure, so a worker can run it.
 */
export function easeWeights(gram: Float64Array, n: number, lambda: number, minSupport: number): { weights: Float32Array; peakBytes: number } {
  const p = Float64Array.from(gram);
  for (let i = 0; i < n; i++) p[i * n + i]! += lambda;
  invertSpd(p, n);
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) {
      if (i === j || gram[o + j]! < minSupport) continue;
      b[o + j] = -p[o + j]! / p[j * n + j]!;
    }
  }
  return { weights: b, peakBytes: p.byteLength + gram.byteLength + b.byteLength };
}

const easeSettings = (options: EaseOptions) => ({
  lambda: options.lambda ?? CONFIG_DEFAULTS.recommend.ease.lambda,
  minSupport: Math.max(1, Math.floor(options.minSupport ?? CONFIG_DEFAULTS.recommend.cooccurrence.minSupport)),
});

function easeFit(data: ImplicitData, options: EaseOptions, computed: { weights: Float32Array; peakBytes: number }, seconds: number): EaseFit {
  const { lambda, minSupport } = easeSettings(options);
  const model = new DenseItemItem("ease", data, computed.weights, { lambda, minSupport, fitSeconds: Number(seconds.toFixed(2)) });
  return { model, seconds, bytes: computed.weights.byteLength, peakBytes: computed.peakBytes };
}

/** Fits EASE on `data` (its Gram matrix is left untouched), in this thread: for batch tools. */
export function fitEase(data: ImplicitData, options: EaseOptions = {}): EaseFit {
  const started = performance.now();
  const { lambda, minSupport } = easeSettings(options);
  const computed = easeWeights(data.gram, data.size, lambda, minSupport);
  return easeFit(data, options, computed, (performance.now() - started) / 1000);
}

/**
 * Fits EASE in a worker thread, so a running service keeps answering while the n³ inversion runs
 * (seconds to minutes for thousands of items). In this thread if no worker can start.
 */
export async function fitEaseInWorker(data: ImplicitData, options: EaseOptions = {}): Promise<EaseFit> {
  const started = performance.now();
  const { lambda, minSupport } = easeSettings(options);
  const { Worker } = await import("node:worker_threads");
  const gram = Float64Array.from(data.gram);
  let worker: InstanceType<typeof Worker>;
  try {
    worker = new Worker(new URL("./ease-worker.mjs", import.meta.url), { workerData: { gram, n: data.size, lambda, minSupport }, transferList: [gram.buffer] });
  } catch {
    return fitEase(data, options);
  }
  const computed = await new Promise<{ weights: Float32Array; peakBytes: number }>((resolve, reject) => {
    worker.once("message", (m: { ok: true; weights: Float32Array; peakBytes: number } | { ok: false; message: string }) => (m.ok ? resolve(m) : reject(new Error(m.message))));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`EASE worker exited with code ${code}`)));
  });
  return easeFit(data, options, computed, (performance.now() - started) / 1000);
}

export interface ItemKnnOptions {
  /** Neighbours kept per item (default 100, as RecBole's ItemKNN). */
  k?: number;
  input?: ImplicitInput;
}

/** Sparse item-item weights: row i holds (neighbour, weight) pairs. */
class SparseItemItem implements ItemItemModel {
  private readonly index: Map<string, number>;
  constructor(
    readonly name: string,
    private readonly items: string[],
    private readonly input: ImplicitInput,
    private readonly cols: Int32Array[],
    private readonly vals: Float32Array[],
    private readonly info: Record<string, unknown>,
  ) {
    this.index = new Map(items.map((id, i) => [id, i]));
  }

  get size(): number {
    return this.items.length;
  }

  score(events: Iterable<Pick<ShopperEvent, "itemId" | "type" | "value">>, options: ScoreOptions = {}): ModelHit[] {
    const row = rowOf(events, this.index, this.input);
    const weights = recencyWeights(row.length, options.recencyHalfLife);
    const acc = new Map<number, { score: number; best: number; via: number }>();
    for (let q = 0; q < row.length; q++) {
      const i = row[q]!;
      const x = weights[q]!;
      const c = this.cols[i]!;
      const v0 = this.vals[i]!;
      const v = x === 1 ? v0 : v0.map((y) => y * x);
      for (let p = 0; p < c.length; p++) {
        const j = c[p]!;
        const a = acc.get(j);
        if (a) {
          a.score += v[p]!;
          if (v[p]! > a.best) {
            a.best = v[p]!;
            a.via = i;
          }
        } else acc.set(j, { score: v[p]!, best: v[p]!, via: i });
      }
    }
    return [...acc].map(([j, a]) => ({ itemId: this.items[j]!, score: a.score, via: this.items[a.via]! }));
  }

  describe(): Record<string, unknown> {
    return { model: this.name, items: this.size, input: this.input, ...this.info };
  }
}

/**
 * Textbook item-kNN over every item (no cap): cosine of binary item columns
 * sim(i, j) = |U_i ∩ U_j| / √(|U_i|·|U_j|), each item keeping its k most similar items; a shopper's
 * score for j is Σ over their items i of sim(i, j) when j is among i's k neighbours.
 */
export function fitItemKnn(events: Iterable<Pick<ShopperEvent, "userId" | "itemId" | "type" | "value">>, options: ItemKnnOptions = {}): ItemItemModel {
  const started = performance.now();
  const k = Math.max(1, Math.floor(options.k ?? 100));
  const input = options.input ?? "all";
  const { ids, baskets } = basketsOf(events, input);
  const n = ids.length;
  const users = new Float64Array(n);
  const pairs: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (const b of baskets.values()) {
    const row = [...b];
    for (const i of row) users[i]!++;
    for (const i of row) {
      const m = pairs[i]!;
      for (const j of row) if (j !== i) m.set(j, (m.get(j) ?? 0) + 1);
    }
  }
  const cols: Int32Array[] = [];
  const vals: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const top = [...pairs[i]!]
      .map(([j, c]) => [j, c / Math.sqrt(users[i]! * users[j]!)] as const)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, k);
    cols.push(Int32Array.from(top.map((t) => t[0])));
    vals.push(Float32Array.from(top.map((t) => t[1])));
    pairs[i] = new Map();
  }
  return new SparseItemItem("itemKnn", ids, input, cols, vals, { k, fitSeconds: Number(((performance.now() - started) / 1000).toFixed(2)) });
}
