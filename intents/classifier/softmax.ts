import type { SparseRows } from "./features.ts";
import { crossEntropyGradient, expShifted } from "./logits.ts";
import { createRandom, shuffleInPlace } from "./random.ts";

/**
 * Multinomial logistic regression (softmax regression) over sparse features, trained by SGD on
 * mean cross-entropy + (l2 / 2)·‖W‖², with optional per-example weights (class balancing).
 *
 * A linear model is the steadiest learner on small classes: with one weight per (feature, class)
 * and an L2 prior, an intent with five examples still gets the n-grams only it uses, where a hidden
 * layer shared by all intents lets the large ones crowd it out. The weights are class-major per
 * feature (W[f*C + c]) so an example reads and updates only the rows of its own features; the L2
 * shrinkage is one running scale factor, so it costs nothing per step.
 */
export interface SoftmaxOptions {
  epochs: number;
  learningRate: number;
  /** L2 strength on the mean loss (e.g. 1 / (C·n) for scikit-learn's C). */
  l2: number;
  seed: number;
  /** Weight of each example's loss (default 1 each). */
  weights?: Float32Array;
  onEpoch?: () => void;
}

export interface SoftmaxModel {
  features: number;
  classes: number;
  /** features × classes. */
  w: Float32Array;
  b: Float32Array;
}

const GRADIENT_FLOOR = 1e-4;

export async function trainSoftmax(x: SparseRows, y: Int32Array, features: number, classes: number, opts: SoftmaxOptions): Promise<SoftmaxModel> {
  const C = classes;
  const model: SoftmaxModel = { features, classes, w: new Float32Array(features * C), b: new Float32Array(C) };
  const random = createRandom(opts.seed);
  const order = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) order[i] = i;
  const z = new Float64Array(C);
  const cls = new Int32Array(C);
  const total = opts.epochs * x.rows;
  const state = { t: 0, scale: 1 };
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffleInPlace(order, random);
    runEpoch(model, x, y, order, opts, z, cls, state, total);
    opts.onEpoch?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (state.scale !== 1) for (let i = 0; i < model.w.length; i++) model.w[i] *= state.scale;
  return model;
}

function runEpoch(
  m: SoftmaxModel,
  x: SparseRows,
  y: Int32Array,
  order: Int32Array,
  opts: SoftmaxOptions,
  z: Float64Array,
  cls: Int32Array,
  state: { t: number; scale: number },
  total: number,
): void {
  const C = m.classes;
  const { w, b } = m;
  const { indptr, indices, values } = x;
  const weights = opts.weights;
  const l2 = opts.l2;
  let scale = state.scale;
  let t = state.t;
  for (let o = 0; o < order.length; o++) {
    const i = order[o];
    // Linear decay to a tenth: large steps early, a settled model at the end.
    const eta = opts.learningRate * (1 - (0.9 * t) / total);
    t++;
    const start = indptr[i];
    const end = indptr[i + 1];
    for (let c = 0; c < C; c++) z[c] = b[c];
    for (let k = start; k < end; k++) {
      const v = values[k] * scale;
      const base = indices[k] * C;
      for (let c = 0; c < C; c++) z[c] += v * w[base + c];
    }
    const sum = expShifted(z, C);
    const target = y[i];
    const ew = eta * (weights ? weights[i] : 1);
    const n = crossEntropyGradient(z, C, sum, target, GRADIENT_FLOOR, cls);
    if (l2 > 0) scale *= 1 - eta * l2;
    for (let k = start; k < end; k++) {
      const coef = (ew * values[k]) / scale;
      const base = indices[k] * C;
      for (let q = 0; q < n; q++) w[base + cls[q]] -= coef * z[cls[q]];
    }
    for (let q = 0; q < n; q++) b[cls[q]] -= ew * z[cls[q]];
    if (scale < 1e-4) {
      for (let j = 0; j < w.length; j++) w[j] *= scale;
      scale = 1;
    }
  }
  state.scale = scale;
  state.t = t;
}

/** Adds this model's class probabilities for one sparse row to `out` (scaled by `weight`). */
export function addSoftmaxProbabilities(
  m: SoftmaxModel,
  indices: Int32Array,
  values: Float32Array,
  length: number,
  weight: number,
  logits: Float64Array,
  out: Float64Array,
): void {
  const C = m.classes;
  const z = logits;
  for (let c = 0; c < C; c++) z[c] = m.b[c];
  for (let k = 0; k < length; k++) {
    const v = values[k];
    const base = indices[k] * C;
    for (let c = 0; c < C; c++) z[c] += v * m.w[base + c];
  }
  const sum = expShifted(z, C);
  for (let c = 0; c < C; c++) out[c] += (weight * z[c]) / sum;
}

/**
 * Per-example weights that balance classes partly: an example of class c weighs
 * (median class size / size of c)^power, clipped to [1/4, 4]. power 0 is no balancing, 1 full
 * balancing; in between, small classes count for more without the large ones losing their say.
 */
export function balancedWeights(y: Int32Array, classes: number, power: number): Float32Array {
  const counts = new Float64Array(classes);
  for (const c of y) counts[c]++;
  const sorted = [...counts].filter((n) => n > 0).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 1;
  const per = Array.from(counts, (n) => (n > 0 ? Math.min(4, Math.max(0.25, (median / n) ** power)) : 1));
  return Float32Array.from(y, (c) => per[c]);
}
