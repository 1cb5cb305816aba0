/**
 * The little dense and sparse linear algebra the built-in embedder needs: a randomized truncated
 * SVD (Halko, Martinsson & Tropp 2011, Algorithm 4.4: subspace iteration) of a sparse TF-IDF matrix.
 * Dense matrices are row-major Float64Array; the sparse one is CSR.
 */
import { mulberry32 } from "../../core/random.ts";

export interface Csr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
}

/** Seeded standard normals (mulberry32 + Box–Muller), so a refit of the same catalogue is the same basis. */
export function gaussian(seed: number): () => number {
  const uniform = mulberry32(seed);
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** A · X, with X dense (A.cols × l); returns A.rows × l. */
export function spmm(a: Csr, x: Float64Array, l: number): Float64Array {
  const y = new Float64Array(a.rows * l);
  for (let i = 0; i < a.rows; i++) {
    const yo = i * l;
    for (let p = a.indptr[i]; p < a.indptr[i + 1]; p++) {
      const v = a.values[p];
      const xo = a.indices[p] * l;
      for (let c = 0; c < l; c++) y[yo + c] += v * x[xo + c];
    }
  }
  return y;
}

/** Aᵀ · Q, with Q dense (A.rows × l); returns A.cols × l. */
export function spmmT(a: Csr, q: Float64Array, l: number): Float64Array {
  const z = new Float64Array(a.cols * l);
  for (let i = 0; i < a.rows; i++) {
    const qo = i * l;
    for (let p = a.indptr[i]; p < a.indptr[i + 1]; p++) {
      const v = a.values[p];
      const zo = a.indices[p] * l;
      for (let c = 0; c < l; c++) z[zo + c] += v * q[qo + c];
    }
  }
  return z;
}

/** Xᵀ X for X (n × l) row-major; returns l × l (full, symmetric). */
export function gram(x: Float64Array, n: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  for (let r = 0; r < n; r++) {
    const o = r * l;
    for (let i = 0; i < l; i++) {
      const xi = x[o + i];
      if (xi === 0) continue;
      const gi = i * l;
      for (let j = i; j < l; j++) g[gi + j] += xi * x[o + j];
    }
  }
  for (let i = 0; i < l; i++) for (let j = 0; j < i; j++) g[i * l + j] = g[j * l + i];
  return g;
}

/**
 * Orthonormalises the columns of X (n × l, row-major) in place by Cholesky QR: R = chol(XᵀX),
 * X ← X R⁻¹. A column that is (numerically) a combination of earlier ones is zeroed instead of
 * failing, so a small catalogue whose rank is below l still works. Call twice (CholeskyQR2) when
 * the result must be orthonormal to working precision.
 */
export function orthonormalizeColumns(x: Float64Array, n: number, l: number): void {
  const g = gram(x, n, l);
  let trace = 0;
  for (let i = 0; i < l; i++) trace += g[i * l + i];
  const tol = Math.max(trace, 1e-300) * 1e-12;
  // Upper-triangular R with G = RᵀR; dropped columns keep a zero row.
  const r = new Float64Array(l * l);
  const keep = new Uint8Array(l);
  for (let j = 0; j < l; j++) {
    let d = g[j * l + j];
    for (let k = 0; k < j; k++) d -= r[k * l + j] * r[k * l + j];
    if (d <= tol) continue;
    keep[j] = 1;
    const rjj = Math.sqrt(d);
    r[j * l + j] = rjj;
    for (let c = j + 1; c < l; c++) {
      let s = g[j * l + c];
      for (let k = 0; k < j; k++) s -= r[k * l + j] * r[k * l + c];
      r[j * l + c] = s / rjj;
    }
  }
  const row = new Float64Array(l);
  for (let i = 0; i < n; i++) {
    const o = i * l;
    for (let j = 0; j < l; j++) {
      if (!keep[j]) {
        row[j] = 0;
        continue;
      }
      let s = x[o + j];
      for (let k = 0; k < j; k++) s -= row[k] * r[k * l + j];
      row[j] = s / r[j * l + j];
    }
    for (let j = 0; j < l; j++) x[o + j] = row[j];
  }
}

/** Eigen-decomposition of a symmetric l × l matrix by cyclic Jacobi; values descending, vectors as columns. */
export function symmetricEigen(m: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < l; i++) {
      diag += a[i * l + i] * a[i * l + i];
      for (let j = i + 1; j < l; j++) off += a[i * l + j] * a[i * l + j];
    }
    if (off <= 1e-24 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < l; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = a[p * l + p];
        const aqq = a[q * l + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + p];
          const akq = a[k * l + q];
          a[k * l + p] = c * akp - s * akq;
          a[k * l + q] = s * akp + c * akq;
        }
        for (let k = 0; k < l; k++) {
          const apk = a[p * l + k];
          const aqk = a[q * l + k];
          a[p * l + k] = c * apk - s * aqk;
          a[q * l + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + p];
          const vkq = v[k * l + q];
          v[k * l + p] = c * vkp - s * vkq;
          v[k * l + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: l }, (_, i) => i).sort((x, y) => a[y * l + y] - a[x * l + x]);
  const values = new Float64Array(l);
  const vectors = new Float64Array(l * l);
  order.forEach((src, dst) => {
    values[dst] = a[src * l + src];
    for (let k = 0; k < l; k++) vectors[k * l + dst] = v[k * l + src];
  });
  return { values, vectors };
}

export interface TruncatedSvd {
  /** Singular values, descending (k of them; fewer when the matrix has lower rank). */
  singular: Float64Array;
  k: number;
  /** Right singular vectors with column j scaled by σ_j^(−exponent): A.cols × k row-major. */
  right: Float64Array;
}

/**
 * Top-k singular values and right singular vectors of A by randomized subspace iteration, the right
 * vectors' columns scaled by σ^(−exponent) (0 for plain V). `oversample` extra directions and
 * `powerIterations` passes sharpen the estimate of a slowly decaying (TF-IDF) spectrum.
 */
export function randomizedSvd(
  a: Csr,
  k: number,
  options: { oversample?: number; powerIterations?: number; seed?: number; exponent?: number } = {},
): TruncatedSvd {
  const l = Math.min(k + (options.oversample ?? 10), a.rows, a.cols);
  const rnd = gaussian(options.seed ?? 42);
  const omega = new Float64Array(a.cols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = rnd();
  let q = spmm(a, omega, l);
  orthonormalizeColumns(q, a.rows, l);
  // Power iterations orthonormalise only the document side: in float64, one pass through AᵀA
  // squares a TF-IDF spectrum's condition (~10²–10³) harmlessly, and skipping the vocabulary-side
  // QR halves the cost of a pass.
  for (let it = 0; it < (options.powerIterations ?? 1); it++) {
    q = spmm(a, spmmT(a, q, l), l);
    orthonormalizeColumns(q, a.rows, l);
  }
  orthonormalizeColumns(q, a.rows, l);
  // B = QᵀA (l × cols); B Bᵀ = (AᵀQ)ᵀ(AᵀQ), whose eigenvectors are B's left singular vectors U_B.
  const { values, vectors } = symmetricEigen(gram(spmmT(a, q, l), a.cols, l), l);
  let rank = 0;
  const top = Math.max(values[0] ?? 0, 0);
  while (rank < Math.min(k, l) && values[rank] > top * 1e-10 && values[rank] > 0) rank++;
  const singular = new Float64Array(rank);
  for (let j = 0; j < rank; j++) singular[j] = Math.sqrt(values[j]);
  // V = Bᵀ U_B Σ⁻¹ = Aᵀ (Q U_B Σ⁻¹): going through the documents (rows ≤ maxFitDocs) instead of the
  // vocabulary costs rows·l·k + nnz·k rather than cols·l·k.
  const exponent = options.exponent ?? 0;
  const w = new Float64Array(a.rows * rank);
  for (let r = 0; r < a.rows; r++) {
    const qo = r * l;
    const wo = r * rank;
    for (let i = 0; i < l; i++) {
      const qv = q[qo + i];
      if (qv === 0) continue;
      const uo = i * l;
      for (let j = 0; j < rank; j++) w[wo + j] += qv * vectors[uo + j];
    }
  }
  for (let j = 0; j < rank; j++) {
    const scale = singular[j] ** (-1 - exponent);
    for (let r = 0; r < a.rows; r++) w[r * rank + j] *= scale;
  }
  return { singular, right: spmmT(a, w, rank), k: rank };
}
