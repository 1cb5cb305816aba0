import type { SparseRows } from "./features.ts";
import { crossEntropyGradient, expShifted } from "./logits.ts";
import { createRandom, shuffleInPlace } from "./random.ts";

/**
 * One hidden ReLU layer over sparse features, softmax on top, trained by SGD with dropout.
 *
 * Measured against multinomial logistic regression on the same features (CLINC150), the hidden
 * layer gains over a point of in-scope accuracy: it learns a shared low-dimensional representation,
 * so n-grams that signal the same intents end up close. The first layer is feature-major
 * (W1[f*H + h]) so an example reads and updates only the rows of the features it contains.
 */
export interface MlpOptions {
  hidden: number;
  epochs: number;
  learningRate: number;
  /** Probability of dropping a hidden unit while training. */
  dropout: number;
  /** Probability of dropping an input feature while training. */
  inputDropout: number;
  /** Standard deviation of the first layer's initial weights. */
  initScale: number;
  /** L2 penalty per example step (weights shrink by learningRate × weightDecay each step). */
  weightDecay?: number;
  /** Weight of each example's loss (default 1 each): class balancing. */
  weights?: Float32Array;
  seed: number;
  onEpoch?: () => void;
}

export const DEFAULT_MLP: Omit<MlpOptions, "seed" | "epochs"> = {
  hidden: 256,
  learningRate: 0.1,
  dropout: 0.5,
  inputDropout: 0.2,
  initScale: 0.05,
};

export interface MlpModel {
  features: number;
  hidden: number;
  classes: number;
  /** features × hidden. */
  w1: Float32Array;
  b1: Float32Array;
  /** hidden × classes. */
  w2: Float32Array;
  b2: Float32Array;
}

// Once the model is confident most classes get a negligible gradient; skipping them is what makes
// later epochs cheap. Measured: no change in accuracy against 1e-5.
const GRADIENT_FLOOR = 1e-3;

/** Uniform with the given standard deviation: as good a start as a Gaussian, and cheaper to draw. */
function uniform(random: () => number, std: number): number {
  return (random() * 2 - 1) * std * Math.sqrt(3);
}

export async function trainMlp(x: SparseRows, y: Int32Array, features: number, classes: number, opts: MlpOptions): Promise<MlpModel> {
  const H = opts.hidden;
  const random = createRandom(opts.seed);
  const w1 = new Float32Array(features * H);
  // Small: a feature seen once keeps weights near zero instead of adding random noise at test time.
  for (let i = 0; i < w1.length; i++) w1[i] = uniform(random, opts.initScale);
  const w2 = new Float32Array(H * classes);
  const s2 = Math.sqrt(0.5 / H);
  for (let i = 0; i < w2.length; i++) w2[i] = uniform(random, s2);
  const model: MlpModel = { features, hidden: H, classes, w1, b1: new Float32Array(H), w2, b2: new Float32Array(classes) };
  const scratch = createScratch(H, classes);
  const order = new Int32Array(x.rows);
  for (let i = 0; i < x.rows; i++) order[i] = i;
  const total = opts.epochs * x.rows;
  let t = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    shuffleInPlace(order, random);
    t = runEpoch(model, x, y, order, opts, scratch, random, t, total);
    applyScales(model, scratch);
    opts.onEpoch?.();
    // Let the event loop breathe between epochs: progress bars redraw, a server keeps answering.
    // The epoch itself runs in a plain function: numbers held across an await live boxed on the
    // heap, which made the inner loops several times slower.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return model;
}

interface Scratch {
  /** Units kept by dropout, their pre-activations, the units left active after ReLU with their values and gradients. */
  kept: Int32Array;
  pre: Float64Array;
  active: Int32Array;
  hv: Float64Array;
  gh: Float64Array;
  /** Class probabilities, then gradients, and the classes whose gradient is not negligible. */
  z: Float64Array;
  cls: Int32Array;
  keepIn: Uint8Array;
  /**
   * Weight decay as one factor per layer (true weights = scale × stored weights), so shrinking
   * every weight costs nothing per step; folded back into the weights after each epoch.
   */
  scale1: number;
  scale2: number;
}

function applyScales(m: MlpModel, s: Scratch): void {
  if (s.scale1 !== 1) for (let i = 0; i < m.w1.length; i++) m.w1[i] *= s.scale1;
  if (s.scale2 !== 1) for (let i = 0; i < m.w2.length; i++) m.w2[i] *= s.scale2;
  s.scale1 = 1;
  s.scale2 = 1;
}

function createScratch(H: number, C: number): Scratch {
  return {
    kept: new Int32Array(H),
    pre: new Float64Array(H),
    active: new Int32Array(H),
    hv: new Float64Array(H),
    gh: new Float64Array(H),
    z: new Float64Array(C),
    cls: new Int32Array(C),
    keepIn: new Uint8Array(256),
    scale1: 1,
    scale2: 1,
  };
}

/** One pass of SGD over `order`; returns the updated step count. */
function runEpoch(m: MlpModel, x: SparseRows, y: Int32Array, order: Int32Array, opts: MlpOptions, s: Scratch, random: () => number, t0: number, total: number): number {
  const H = m.hidden;
  const C = m.classes;
  const { w1, b1, w2, b2 } = m;
  const { kept, pre, active, hv, gh, z, cls } = s;
  const { indptr, indices, values } = x;
  const inScale = 1 / (1 - opts.inputDropout);
  const hScale = 1 / (1 - opts.dropout);
  const dropout = opts.dropout;
  const inputDropout = opts.inputDropout;
  const lr = opts.learningRate;
  const decay = opts.weightDecay ?? 0;
  const weights = opts.weights;
  let scale1 = s.scale1;
  let scale2 = s.scale2;
  let t = t0;
  for (let o = 0; o < order.length; o++) {
    const i = order[o];
    // Linear decay to zero: large steps early, a settled model at the end; a weighted example
    // takes a proportionally longer step (weight decay keeps the unweighted step).
    const etaDecay = lr * (1 - t / total);
    const eta = weights ? etaDecay * weights[i] : etaDecay;
    t++;
    const start = indptr[i];
    const end = indptr[i + 1];
    if (s.keepIn.length < end - start) s.keepIn = new Uint8Array((end - start) * 2);
    const keepIn = s.keepIn;
    for (let k = start; k < end; k++) keepIn[k - start] = random() >= inputDropout ? 1 : 0;
    // Dropout is drawn first, so dropped units are never computed.
    let nKept = 0;
    for (let j = 0; j < H; j++) if (random() >= dropout) kept[nKept++] = j;
    for (let a = 0; a < nKept; a++) pre[a] = b1[kept[a]];
    for (let k = start; k < end; k++) {
      if (!keepIn[k - start]) continue;
      const v = values[k] * inScale * scale1;
      const base = indices[k] * H;
      for (let a = 0; a < nKept; a++) pre[a] += v * w1[base + kept[a]];
    }
    let nActive = 0;
    for (let a = 0; a < nKept; a++) {
      if (pre[a] > 0) {
        active[nActive] = kept[a];
        hv[nActive++] = pre[a] * hScale;
      }
    }
    for (let c = 0; c < C; c++) z[c] = b2[c];
    for (let a = 0; a < nActive; a++) {
      const hj = hv[a] * scale2;
      const base = active[a] * C;
      for (let c = 0; c < C; c++) z[c] += hj * w2[base + c];
    }
    const sum = expShifted(z, C);
    const target = y[i];
    const nCls = crossEntropyGradient(z, C, sum, target, GRADIENT_FLOOR, cls);
    for (let a = 0; a < nActive; a++) {
      const base = active[a] * C;
      let g = 0;
      for (let q = 0; q < nCls; q++) g += z[cls[q]] * w2[base + cls[q]];
      gh[a] = g * hScale * scale2;
    }
    if (decay > 0) {
      scale1 *= 1 - etaDecay * decay;
      scale2 *= 1 - etaDecay * decay;
    }
    for (let a = 0; a < nActive; a++) {
      const base = active[a] * C;
      const coef = (eta * hv[a]) / scale2;
      for (let q = 0; q < nCls; q++) w2[base + cls[q]] -= coef * z[cls[q]];
    }
    for (let q = 0; q < nCls; q++) b2[cls[q]] -= eta * z[cls[q]];
    for (let k = start; k < end; k++) {
      if (!keepIn[k - start]) continue;
      const coef = (eta * values[k] * inScale) / scale1;
      const base = indices[k] * H;
      for (let a = 0; a < nActive; a++) w1[base + active[a]] -= coef * gh[a];
    }
    for (let a = 0; a < nActive; a++) b1[active[a]] -= eta * gh[a];
    if (scale1 < 1e-3 || scale2 < 1e-3) {
      s.scale1 = scale1;
      s.scale2 = scale2;
      applyScales(m, s);
      scale1 = 1;
      scale2 = 1;
    }
  }
  s.scale1 = scale1;
  s.scale2 = scale2;
  return t;
}

/** Adds this model's class probabilities for one sparse row to `out` (scaled by `weight`). */
export function addMlpProbabilities(
  m: MlpModel,
  indices: Int32Array,
  values: Float32Array,
  length: number,
  weight: number,
  scratch: { hidden: Float64Array; logits: Float64Array },
  out: Float64Array,
): void {
  const H = m.hidden;
  const C = m.classes;
  const h = scratch.hidden;
  const z = scratch.logits;
  for (let j = 0; j < H; j++) h[j] = m.b1[j];
  for (let k = 0; k < length; k++) {
    const v = values[k];
    const base = indices[k] * H;
    for (let j = 0; j < H; j++) h[j] += v * m.w1[base + j];
  }
  for (let c = 0; c < C; c++) z[c] = m.b2[c];
  for (let j = 0; j < H; j++) {
    const hj = h[j];
    if (hj <= 0) continue;
    const base = j * C;
    for (let c = 0; c < C; c++) z[c] += hj * m.w2[base + c];
  }
  const sum = expShifted(z, C);
  for (let c = 0; c < C; c++) out[c] += (weight * z[c]) / sum;
}

/**
 * Rounds the first layer to 8 bits per weight with one scale per feature row, in place. It holds
 * nearly all of the model's size; the live model uses the rounded weights too, so a stored and
 * reloaded classifier predicts exactly what the trained one did.
 */
export function quantizeRows(w: Float32Array, rowLength: number): { q: Int8Array; scales: Float32Array } {
  const rows = w.length / rowLength;
  const q = new Int8Array(w.length);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * rowLength;
    let max = 0;
    for (let j = 0; j < rowLength; j++) max = Math.max(max, Math.abs(w[base + j]));
    const scale = Math.fround(max / 127);
    scales[r] = scale;
    for (let j = 0; j < rowLength; j++) {
      const v = scale > 0 ? Math.round(w[base + j] / scale) : 0;
      q[base + j] = v;
      w[base + j] = v * scale;
    }
  }
  return { q, scales };
}

export function dequantizeRows(q: Int8Array, scales: Float32Array, rowLength: number): Float32Array {
  const w = new Float32Array(q.length);
  for (let r = 0; r < scales.length; r++) {
    const base = r * rowLength;
    const s = scales[r];
    for (let j = 0; j < rowLength; j++) w[base + j] = q[base + j] * s;
  }
  return w;
}
