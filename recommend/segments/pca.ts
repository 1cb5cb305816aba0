import { type Matrix, matrix } from "./matrix.ts";
import { gaussian, seededRandom } from "./random.ts";

export interface Projection {
  /** rows × components: the rows in the principal subspace. */
  projected: Matrix;
  /** Variance the subspace keeps (mean squared norm of the projected rows). */
  keptVariance: number;
  /** Variance of the input rows about their mean. */
  totalVariance: number;
}

/**
 * Projects rows (centred here) onto their top `components` principal directions by subspace
 * iteration from a seeded random start (Halko, Martinsson & Tropp 2011, with power iterations).
 * Profile vectors have 128–384 dimensions; clustering in ~16 keeps the structure that separates
 * shoppers and makes k-means and the silhouette an order of magnitude cheaper. Euclidean distances
 * within the subspace do not depend on which basis of it is found, so no eigen-decomposition is
 * needed. Rows with no more columns than `components` are only centred.
 */
export function project(x: Matrix, components: number, options: { iterations?: number; seed?: number } = {}): Projection {
  const { rows: n, cols: d } = x;
  const centred = matrix(n, d);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x.data[i * d + j]! / n;
  let totalVariance = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = x.data[i * d + j]! - mean[j]!;
      centred.data[i * d + j] = v;
      totalVariance += (v * v) / n;
    }
  }
  if (d <= components || n === 0) return { projected: centred, keptVariance: totalVariance, totalVariance };

  const m = Math.min(components, n);
  const random = seededRandom(options.seed ?? 1);
  let q = matrix(d, m);
  for (let i = 0; i < q.data.length; i++) q.data[i] = gaussian(random);
  orthonormaliseColumns(q);
  for (let it = 0; it < (options.iterations ?? 6); it++) {
    q = multiplyTransposed(centred, multiply(centred, q));
    orthonormaliseColumns(q);
  }
  const projected = multiply(centred, q);
  let keptVariance = 0;
  for (const v of projected.data) keptVariance += (v * v) / n;
  return { projected, keptVariance, totalVariance };
}

/** a (n × d) · b (d × m). */
function multiply(a: Matrix, b: Matrix): Matrix {
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      const v = a.data[i * a.cols + j]!;
      if (v === 0) continue;
      const bo = j * b.cols;
      const oo = i * b.cols;
      for (let c = 0; c < b.cols; c++) out.data[oo + c] += v * b.data[bo + c]!;
    }
  }
  return out;
}

/** aᵀ (d × n) · y (n × m). */
function multiplyTransposed(a: Matrix, y: Matrix): Matrix {
  const out = matrix(a.cols, y.cols);
  for (let i = 0; i < a.rows; i++) {
    const yo = i * y.cols;
    for (let j = 0; j < a.cols; j++) {
      const v = a.data[i * a.cols + j]!;
      if (v === 0) continue;
      const oo = j * y.cols;
      for (let c = 0; c < y.cols; c++) out.data[oo + c] += v * y.data[yo + c]!;
    }
  }
  return out;
}

/** Modified Gram–Schmidt on the columns; a column that collapses is replaced by zeros. */
function orthonormaliseColumns(q: Matrix): void {
  const { rows, cols, data } = q;
  for (let c = 0; c < cols; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += data[r * cols + c]! * data[r * cols + p]!;
      for (let r = 0; r < rows; r++) data[r * cols + c] -= dot * data[r * cols + p]!;
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += data[r * cols + c]! ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < rows; r++) data[r * cols + c] = norm > 1e-12 ? data[r * cols + c]! / norm : 0;
  }
}
