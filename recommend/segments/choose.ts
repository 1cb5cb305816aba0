import { type KMeansResult, kmeans } from "./kmeans.ts";
import type { Matrix } from "./matrix.ts";
import { silhouette } from "./silhouette.ts";

export interface ClusterOptions {
  /** Fixed number of segments; chosen by silhouette when omitted. */
  k?: number;
  /** Largest k tried when choosing (default 10; never more than √shoppers). */
  maxK?: number;
  seed?: number;
  restarts?: number;
  /** Rows the silhouette is computed on (a seeded sample beyond it; default 1500). */
  silhouetteSample?: number;
  /** Called after each k-means fit with (fits done, fits planned); awaited, so long runs can yield. */
  onFit?: (done: number, total: number) => void | Promise<void>;
}

export interface Clustering {
  result: KMeansResult;
  chosenBy: "fixed" | "silhouette" | "too-few-shoppers";
  /** Silhouette of the chosen clustering (null for one segment). */
  silhouette: number | null;
  /** Every k tried and its silhouette, when k was chosen. */
  candidates: { k: number; silhouette: number }[];
}

/** Fewer shoppers than this make one segment: two clusters of two say nothing. */
export const MIN_SHOPPERS_TO_SPLIT = 4;

/**
 * k-means on the shopper features. Without --k, every k from 2 to min(maxK, ⌊√n⌋) is fitted and
 * the one with the highest mean silhouette wins (ties to the smaller k): the silhouette rewards
 * tight, well-separated segments without the elbow method's judgement call.
 */
export async function clusterShoppers(points: Matrix, options: ClusterOptions = {}): Promise<Clustering> {
  const n = points.rows;
  const cluster = (k: number) => kmeans(points, { k, seed: options.seed, restarts: options.restarts });
  const sil = (r: KMeansResult) => silhouette(points, r.labels, r.k, { sampleSize: options.silhouetteSample, seed: options.seed });
  if (options.k !== undefined) {
    const k = Math.max(1, Math.min(options.k, n));
    const result = cluster(k);
    await options.onFit?.(1, 1);
    return { result, chosenBy: "fixed", silhouette: k > 1 ? sil(result) : null, candidates: [] };
  }
  if (n < MIN_SHOPPERS_TO_SPLIT) {
    const result = cluster(1);
    await options.onFit?.(1, 1);
    return { result, chosenBy: "too-few-shoppers", silhouette: null, candidates: [] };
  }
  const maxK = Math.max(2, Math.min(options.maxK ?? 10, Math.floor(Math.sqrt(n))));
  const candidates: { k: number; silhouette: number }[] = [];
  let best: { result: KMeansResult; score: number } | undefined;
  for (let k = 2; k <= maxK; k++) {
    const result = cluster(k);
    const score = sil(result);
    candidates.push({ k, silhouette: score });
    if (!best || score > best.score + 1e-9) best = { result, score };
    await options.onFit?.(k - 1, maxK - 1);
  }
  return { result: best!.result, chosenBy: "silhouette", silhouette: best!.score, candidates };
}
