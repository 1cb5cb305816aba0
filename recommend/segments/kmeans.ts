import { type Matrix, sqDist } from "./matrix.ts";
import { seededRandom } from "./random.ts";

export interface KMeansOptions {
  k: number;
  /** Same seed, same data → same clusters (default 1). */
  seed?: number;
  /** Independent k-means++ starts; the one with the lowest inertia wins (default 5). */
  restarts?: number;
  /** Lloyd iterations per start (default 100); stops earlier once no point changes cluster. */
  maxIterations?: number;
}

export interface KMeansResult {
  k: number;
  /** Cluster of each row. */
  labels: Int32Array;
  /** k × cols. */
  centroids: Matrix;
  /** Sum of squared distances of rows to their centroid. */
  inertia: number;
  iterations: number;
}

/**
 * k-means (Lloyd) with k-means++ seeding (Arthur & Vassilvitskii 2007), best of several seeded
 * restarts. A cluster that empties is re-seeded with the row farthest from its centroid, so the
 * result always has k non-empty clusters when there are at least k distinct rows.
 */
export function kmeans(points: Matrix, options: KMeansOptions): KMeansResult {
  const { rows: n } = points;
  const k = Math.min(options.k, n);
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer (got ${options.k})`);
  const restarts = Math.max(1, options.restarts ?? 5);
  let best: KMeansResult | undefined;
  for (let r = 0; r < restarts; r++) {
    const result = lloyd(points, k, seededRandom((options.seed ?? 1) * 7919 + r), options.maxIterations ?? 100);
    if (!best || result.inertia < best.inertia - 1e-12) best = result;
  }
  return best!;
}

function kmeansPlusPlus(points: Matrix, k: number, random: () => number): Matrix {
  const { rows: n, cols: d, data } = points;
  const centroids: Matrix = { rows: k, cols: d, data: new Float64Array(k * d) };
  const first = Math.floor(random() * n);
  centroids.data.set(data.subarray(first * d, first * d + d), 0);
  const nearest = new Float64Array(n);
  for (let i = 0; i < n; i++) nearest[i] = sqDist(data, i, centroids.data, 0, d);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i]!;
    let pick = 0;
    if (total > 0) {
      // Draw a row with probability proportional to its squared distance to the nearest centre.
      let target = random() * total;
      for (pick = 0; pick < n - 1; pick++) {
        target -= nearest[pick]!;
        if (target < 0) break;
      }
    } else {
      pick = Math.floor(random() * n); // fewer distinct rows than k: duplicates are all that is left
    }
    centroids.data.set(data.subarray(pick * d, pick * d + d), c * d);
    for (let i = 0; i < n; i++) {
      const dist = sqDist(data, i, centroids.data, c, d);
      if (dist < nearest[i]!) nearest[i] = dist;
    }
  }
  return centroids;
}

function lloyd(points: Matrix, k: number, random: () => number, maxIterations: number): KMeansResult {
  const { rows: n, cols: d, data } = points;
  const centroids = kmeansPlusPlus(points, k, random);
  const labels = new Int32Array(n).fill(-1);
  const dist = new Float64Array(n);
  const counts = new Int32Array(k);
  let iterations = 0;
  while (assign(points, centroids, labels, dist) > 0 && iterations < maxIterations) {
    iterations++;
    recomputeCentroids(points, labels, centroids, counts);
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) continue;
      // Re-seed an empty cluster at the worst-served row, which then leaves its old cluster.
      let far = 0;
      for (let i = 1; i < n; i++) if (dist[i]! > dist[far]!) far = i;
      centroids.data.set(data.subarray(far * d, far * d + d), c * d);
      dist[far] = 0;
    }
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDist(data, i, centroids.data, labels[i]!, d);
  return { k, labels, centroids, inertia, iterations };
}

/** Moves each row to its nearest centroid; returns how many rows changed cluster. */
function assign(points: Matrix, centroids: Matrix, labels: Int32Array, dist: Float64Array): number {
  const { rows: n, cols: d, data } = points;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    let bestC = 0;
    let bestD = Number.POSITIVE_INFINITY;
    for (let c = 0; c < centroids.rows; c++) {
      const dd = sqDist(data, i, centroids.data, c, d);
      if (dd < bestD) {
        bestD = dd;
        bestC = c;
      }
    }
    dist[i] = bestD;
    if (labels[i] !== bestC) {
      labels[i] = bestC;
      changed++;
    }
  }
  return changed;
}

function recomputeCentroids(points: Matrix, labels: Int32Array, centroids: Matrix, counts: Int32Array): void {
  const { rows: n, cols: d, data } = points;
  centroids.data.fill(0);
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    counts[c]!++;
    const o = c * d;
    const p = i * d;
    for (let j = 0; j < d; j++) centroids.data[o + j] += data[p + j]!;
  }
  for (let c = 0; c < centroids.rows; c++) {
    if (!counts[c]) continue;
    const inv = 1 / counts[c]!;
    for (let j = 0; j < d; j++) centroids.data[c * d + j] *= inv;
  }
}
