import { type Matrix, sqDist } from "./matrix.ts";
import { seededRandom } from "./random.ts";

/**
 * Mean silhouette (Rousseeuw 1987) of a clustering: for each row, (b − a) / max(a, b) with a its
 * mean distance to its own cluster and b the smallest mean distance to another cluster; a row alone
 * in its cluster scores 0. Exact over all rows up to `sampleSize`, else over a seeded uniform sample
 * (both the rows scored and the rows they are compared with), as scikit-learn's sample_size does:
 * the exact score is quadratic in the number of shoppers.
 */
export function silhouette(points: Matrix, labels: Int32Array, k: number, options: { sampleSize?: number; seed?: number } = {}): number {
  const n = points.rows;
  const sampleSize = options.sampleSize ?? 1500;
  let idx = Array.from({ length: n }, (_, i) => i);
  if (n > sampleSize) {
    const random = seededRandom(options.seed ?? 1);
    for (let i = 0; i < sampleSize; i++) {
      const j = i + Math.floor(random() * (n - i));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    idx = idx.slice(0, sampleSize);
  }
  const m = idx.length;
  if (m < 2 || k < 2) return 0;
  const sizes = new Int32Array(k);
  for (const i of idx) sizes[labels[i]!]!++;
  const sums = new Float64Array(k);
  let total = 0;
  for (const i of idx) {
    sums.fill(0);
    for (const j of idx) if (j !== i) sums[labels[j]!] += Math.sqrt(sqDist(points.data, i, points.data, j, points.cols));
    const own = labels[i]!;
    if (sizes[own]! <= 1) continue;
    const a = sums[own]! / (sizes[own]! - 1);
    let b = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++) if (c !== own && sizes[c]! > 0) b = Math.min(b, sums[c]! / sizes[c]!);
    if (!Number.isFinite(b)) continue;
    const denom = Math.max(a, b);
    total += denom > 0 ? (b - a) / denom : 0;
  }
  return total / m;
}
