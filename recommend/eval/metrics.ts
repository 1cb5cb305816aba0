import { dot } from "../vectors/exact.ts";

/**
 * Offline metrics @K, as RecBole and Microsoft Recommenders define them. Per user, over their top-K
 * list L and their relevant items R (one item in leave-last-out, several in cross-domain):
 *
 *   Precision@K = |L ∩ R| / K
 *   Recall@K    = |L ∩ R| / |R|
 *   NDCG@K      = Σ_{i ∈ L ∩ R} 1/log2(rank_i + 1) / Σ_{r=1..min(K,|R|)} 1/log2(r + 1)
 *   HitRate@K   = 1 when L ∩ R ≠ ∅
 *   MRR@K       = 1 / rank of the first relevant item in L (0 when none)
 *
 * each averaged over users. Over all lists:
 *
 *   coverage   = distinct items recommended / catalogue size
 *   diversity  = mean over lists of 1 − mean pairwise cosine of the items' vectors (intra-list)
 *   novelty    = mean over recommended items of −log2 p(i), p(i) = share of training users who
 *                interacted with i (an item nobody touched counts as one user)
 *   Gini       = Gini coefficient of exposure (how many lists show each item, zeros included; or
 *                per brand): 0 = every item shown equally, 1 = one item takes all the exposure
 */

export interface ListMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  hit: number;
  rr: number;
}

export function listMetrics(list: readonly string[], relevant: ReadonlySet<string>, k: number): ListMetrics {
  const top = list.slice(0, k);
  let hits = 0;
  let dcg = 0;
  let rr = 0;
  top.forEach((id, i) => {
    if (!relevant.has(id)) return;
    hits++;
    dcg += 1 / Math.log2(i + 2);
    if (rr === 0) rr = 1 / (i + 1);
  });
  let idcg = 0;
  for (let r = 0; r < Math.min(k, relevant.size); r++) idcg += 1 / Math.log2(r + 2);
  return {
    precision: hits / k,
    recall: relevant.size ? hits / relevant.size : 0,
    ndcg: idcg > 0 ? dcg / idcg : 0,
    hit: hits > 0 ? 1 : 0,
    rr,
  };
}

/** 1 − mean pairwise cosine of the vectors (unit or not); null for fewer than two vectors. */
export function intraListDiversity(vectors: readonly Float32Array[]): number | null {
  const n = vectors.length;
  if (n < 2) return null;
  const unit = vectors.map((v) => {
    const norm = Math.sqrt(dot(v, v));
    return norm > 0 ? Float32Array.from(v, (x) => x / norm) : v;
  });
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      sum += dot(unit[i]!, unit[j]!);
      pairs++;
    }
  }
  return 1 - sum / pairs;
}

/** Mean self-information −log2 p(i) of the items; `usersOf(i)` training users who touched i, out of `users`. */
export function novelty(items: readonly string[], usersOf: (item: string) => number, users: number): number | null {
  if (!items.length || users <= 0) return null;
  let sum = 0;
  for (const i of items) sum -= Math.log2(Math.max(1, usersOf(i)) / users);
  return sum / items.length;
}

/** Gini coefficient of non-negative values (0 for an empty or all-zero list). */
export function gini(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i]!;
    weighted += (2 * (i + 1) - n - 1) * sorted[i]!;
  }
  return n > 0 && total > 0 ? weighted / (n * total) : 0;
}

export interface SystemResult {
  precision: number;
  recall: number;
  ndcg: number;
  hitRate: number;
  mrr: number;
  coverage: number;
  diversity: number;
  novelty: number;
  giniItems: number;
  /** null when the catalogue has no brands. */
  giniBrands: number | null;
}

/** Sums one system's metrics over users. */
export class MetricsAccumulator {
  private users = 0;
  private sums = { precision: 0, recall: 0, ndcg: 0, hit: 0, rr: 0 };
  private diversitySum = 0;
  private diversityLists = 0;
  private noveltySum = 0;
  private noveltyItems = 0;
  private readonly exposure = new Map<string, number>();

  constructor(
    private readonly k: number,
    private readonly vectorOf: (item: string) => Float32Array | undefined,
    private readonly usersOf: (item: string) => number,
    private readonly trainingUsers: number,
  ) {}

  add(list: readonly string[], relevant: ReadonlySet<string>): void {
    const top = list.slice(0, this.k);
    const m = listMetrics(top, relevant, this.k);
    this.users++;
    this.sums.precision += m.precision;
    this.sums.recall += m.recall;
    this.sums.ndcg += m.ndcg;
    this.sums.hit += m.hit;
    this.sums.rr += m.rr;
    const vectors = top.map(this.vectorOf).filter((v): v is Float32Array => v !== undefined);
    const d = intraListDiversity(vectors);
    if (d !== null) {
      this.diversitySum += d;
      this.diversityLists++;
    }
    const nov = novelty(top, this.usersOf, this.trainingUsers);
    if (nov !== null) {
      this.noveltySum += nov * top.length;
      this.noveltyItems += top.length;
    }
    for (const id of top) this.exposure.set(id, (this.exposure.get(id) ?? 0) + 1);
  }

  /** `catalogue`: every item id that could have been recommended; `brandOf` its brand (undefined for none). */
  result(catalogue: readonly string[], brandOf: (item: string) => string | undefined): SystemResult {
    const u = Math.max(1, this.users);
    const itemExposure = catalogue.map((id) => this.exposure.get(id) ?? 0);
    const brands = new Map<string, number>();
    for (const id of catalogue) {
      const b = brandOf(id);
      if (b !== undefined) brands.set(b, (brands.get(b) ?? 0) + (this.exposure.get(id) ?? 0));
    }
    return {
      precision: this.sums.precision / u,
      recall: this.sums.recall / u,
      ndcg: this.sums.ndcg / u,
      hitRate: this.sums.hit / u,
      mrr: this.sums.rr / u,
      coverage: catalogue.length ? catalogue.filter((id) => (this.exposure.get(id) ?? 0) > 0).length / catalogue.length : 0,
      diversity: this.diversityLists ? this.diversitySum / this.diversityLists : 0,
      novelty: this.noveltyItems ? this.noveltySum / this.noveltyItems : 0,
      giniItems: gini(itemExposure),
      giniBrands: brands.size ? gini([...brands.values()]) : null,
    };
  }
}
