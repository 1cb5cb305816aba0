import { type Matrix, matrix } from "./matrix.ts";
import { project } from "./pca.ts";
import { type Rfm, standardiseRfm } from "./rfm.ts";

export const DEFAULT_RFM_WEIGHT = 0.5;

export interface FeatureOptions {
  /** Principal components kept of the profile vectors (default 16). */
  components?: number;
  /**
   * Variance of the RFM block relative to the profile block's, whatever the embedder's dimension
   * count (default 0.5). RFM is a continuum while interests form groups: at 1 (equal weight),
   * k-means spent its clusters slicing recency and frequency and recovered 10 synthetic interest
   * groups among 10k shoppers with 52% purity; at 0.5, 99%, and behaviour still separates lapsed
   * from frequent shoppers.
   */
  rfmWeight?: number;
  seed?: number;
}

export interface Features {
  matrix: Matrix;
  /** Columns from the profile block (the rest are the 3 RFM columns). */
  profileColumns: number;
  /** Share of the profile vectors' variance the kept components explain (1 when nothing was dropped). */
  explainedVariance: number;
  /** Factor applied to the z-scored RFM columns to balance the two blocks. */
  rfmScale: number;
  rfmMeans: [number, number, number];
  rfmStds: [number, number, number];
}

/**
 * One row per shopper: [profile vector in its top principal components, recency, frequency,
 * monetary (log1p, z-scored, scaled)]. A shopper without a profile vector (none of their items has
 * a vector) takes the population's mean profile, so only their RFM places them.
 */
export function buildFeatures(profiles: (Float32Array | null)[], rfm: Rfm[], options: FeatureOptions = {}): Features {
  const n = rfm.length;
  if (profiles.length !== n) throw new Error("one profile slot per shopper");
  const dims = profiles.find((p) => p)?.length ?? 0;
  let profileBlock: Matrix = matrix(n, 0);
  let kept = 0;
  let explainedVariance = 1;
  if (dims > 0) {
    const raw = matrix(n, dims);
    const mean = new Float64Array(dims);
    let known = 0;
    for (const p of profiles) {
      if (!p || p.length !== dims) continue;
      known++;
      for (let j = 0; j < dims; j++) mean[j] += p[j]!;
    }
    for (let j = 0; j < dims; j++) mean[j] /= known;
    profiles.forEach((p, i) => {
      const src = p && p.length === dims ? p : mean;
      for (let j = 0; j < dims; j++) raw.data[i * dims + j] = src[j]!;
    });
    const projection = project(raw, options.components ?? 16, { seed: options.seed });
    profileBlock = projection.projected;
    kept = projection.keptVariance;
    explainedVariance = projection.totalVariance > 0 ? projection.keptVariance / projection.totalVariance : 1;
  }
  const z = standardiseRfm(rfm);
  const rfmVariance = z.stds.filter((s) => s > 1e-12).length; // each live z-scored column has variance 1
  const rfmScale = kept > 0 && rfmVariance > 0 ? Math.sqrt(((options.rfmWeight ?? DEFAULT_RFM_WEIGHT) * kept) / rfmVariance) : 1;

  const p = profileBlock.cols;
  const out = matrix(n, p + 3);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) out.data[i * (p + 3) + j] = profileBlock.data[i * p + j]!;
    for (let c = 0; c < 3; c++) out.data[i * (p + 3) + p + c] = z.values[i * 3 + c]! * rfmScale;
  }
  return { matrix: out, profileColumns: p, explainedVariance, rfmScale, rfmMeans: z.means, rfmStds: z.stds };
}
