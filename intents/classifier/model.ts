import { z } from "zod";
import { ModelUnavailableError, ValidationError } from "../../core/errors.ts";
import { parseInput } from "../../core/validation.ts";
import { type IntentClassifier, type IntentPrediction, OUT_OF_SCOPE } from "../types.ts";
import { type Calibration, calibratedProbability, certainty } from "./calibrate.ts";
import { decodeFloat32, decodeInt8, decodeInt32, decodeUint8, encodeArray } from "./codec.ts";
import { Featuriser, type SparseVector } from "./features.ts";
import { addMlpProbabilities, dequantizeRows, type MlpModel, quantizeRows } from "./mlp.ts";

export const MODEL_FORMAT = "concierge-intent-classifier";
export const MODEL_VERSION = 2;

/** Turns texts into dense vectors (a sentence embedder), joined to the built-in features. */
export type DenseFeatures = (texts: string[]) => Promise<Float32Array[]>;

/** One network of the ensemble, with its first layer as stored (8-bit rows and their scales). */
export interface Member {
  model: MlpModel;
  w1q: Int8Array;
  w1Scales: Float32Array;
}

export interface ClassifierState {
  /** Every class the network outputs, sorted; includes OUT_OF_SCOPE when it was trained as a class. */
  labels: string[];
  featuriser: Featuriser;
  members: Member[];
  /** Held-apart certainty → probability of a right answer; null when trained without a threshold. */
  calibration: Calibration | null;
  /** The probability of a right answer needed to answer (below it: out of scope); null: never rejects by certainty. */
  threshold: number | null;
  /** Length of the dense vectors joined to the sparse features (0: none). */
  denseDimensions: number;
}

/** An IntentClassifier that can also take the dense vector a sentence embedder gives for the text. */
export interface BuiltInIntentClassifier extends IntentClassifier {
  /** True when predictions need a dense vector per text (trained with TrainOptions.denseFeatures). */
  readonly usesDenseFeatures: boolean;
  predict(text: string, dense?: Float32Array): IntentPrediction;
  /** Predicts many texts, embedding them in one batch when the classifier uses dense features. */
  predictMany(texts: string[]): Promise<IntentPrediction[]>;
}

const RANKING_SIZE = 5;

/** Writes `dense`, L2-normalised, after the sparse features of a row (columns from `offset`). */
export function appendDense(vec: SparseVector, dense: Float32Array, offset: number): void {
  const need = vec.length + dense.length;
  if (vec.indices.length < need) {
    const i2 = new Int32Array(need * 2);
    i2.set(vec.indices.subarray(0, vec.length));
    vec.indices = i2;
    const v2 = new Float32Array(need * 2);
    v2.set(vec.values.subarray(0, vec.length));
    vec.values = v2;
  }
  let norm = 0;
  for (let d = 0; d < dense.length; d++) norm += dense[d] * dense[d];
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let d = 0; d < dense.length; d++) {
    vec.indices[vec.length] = offset + d;
    vec.values[vec.length] = dense[d] * scale;
    vec.length++;
  }
}

class Classifier implements BuiltInIntentClassifier {
  readonly intents: string[];
  readonly usesDenseFeatures: boolean;
  private readonly state: ClassifierState;
  private readonly oosIndex: number;
  private readonly dense?: DenseFeatures;
  // Scratch reused by every prediction: predict() is synchronous, so calls never interleave.
  private readonly vec: SparseVector = { indices: new Int32Array(512), values: new Float32Array(512), length: 0 };
  private readonly probs: Float64Array;
  private readonly scratch: { hidden: Float64Array; logits: Float64Array };

  constructor(state: ClassifierState, dense?: DenseFeatures) {
    this.state = state;
    this.dense = dense;
    this.oosIndex = state.labels.indexOf(OUT_OF_SCOPE);
    this.intents = state.labels.filter((l) => l !== OUT_OF_SCOPE);
    this.usesDenseFeatures = state.denseDimensions > 0;
    const hidden = Math.max(...state.members.map((m) => m.model.hidden));
    this.probs = new Float64Array(state.labels.length);
    this.scratch = { hidden: new Float64Array(hidden), logits: new Float64Array(state.labels.length) };
  }

  /** Averaged class probabilities of the ensemble (a view into scratch memory). */
  probabilities(text: string, dense?: Float32Array): Float64Array {
    const { featuriser, members, denseDimensions } = this.state;
    featuriser.transform(text, this.vec);
    if (denseDimensions > 0) {
      if (!dense) throw new ValidationError("this intent classifier was trained with dense features: pass the text's vector, or use predictMany()");
      if (dense.length !== denseDimensions) throw new ValidationError(`dense vector has ${dense.length} dimensions, the classifier expects ${denseDimensions}`);
      appendDense(this.vec, dense, featuriser.size);
    }
    this.probs.fill(0);
    for (const { model } of members) addMlpProbabilities(model, this.vec.indices, this.vec.values, this.vec.length, 1 / members.length, this.scratch, this.probs);
    return this.probs;
  }

  predict(text: string, dense?: Float32Array): IntentPrediction {
    const p = this.probabilities(text, dense);
    const labels = this.state.labels;
    let best = -1;
    for (let c = 0; c < p.length; c++) if (c !== this.oosIndex && (best < 0 || p[c] > p[best])) best = c;
    const ranking: { intent: string; score: number }[] = [];
    const taken = new Set<number>();
    for (let r = 0; r < RANKING_SIZE; r++) {
      let top = -1;
      for (let c = 0; c < p.length; c++) if (c !== this.oosIndex && !taken.has(c) && (top < 0 || p[c] > p[top])) top = c;
      if (top < 0) break;
      taken.add(top);
      ranking.push({ intent: labels[top], score: p[top] });
    }
    if (this.oosIndex >= 0 && p[this.oosIndex] > p[best]) {
      return { intent: OUT_OF_SCOPE, confidence: p[this.oosIndex], ranking };
    }
    const { calibration, threshold } = this.state;
    // Uncalibrated (trained to answer everything), the confidence is the ensemble's own probability.
    const right = calibration ? calibratedProbability(calibration, certainty(p)) : p[best];
    if (threshold !== null && right < threshold) return { intent: OUT_OF_SCOPE, confidence: 1 - right, ranking };
    return { intent: labels[best], confidence: right, ranking };
  }

  async predictMany(texts: string[]): Promise<IntentPrediction[]> {
    if (!this.usesDenseFeatures) return texts.map((t) => this.predict(t));
    if (!this.dense) throw new ModelUnavailableError("this intent classifier needs its sentence embedder: pass denseFeatures when loading it");
    const vectors = await this.dense(texts);
    return texts.map((t, i) => this.predict(t, vectors[i]));
  }

  toJSON(): SerializedClassifier {
    const { featuriser, members, calibration, threshold, labels, denseDimensions } = this.state;
    return {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      labels,
      denseDimensions,
      features: {
        options: featuriser.options,
        hashes: encodeArray(featuriser.hashes),
        idf: encodeArray(featuriser.idf),
        families: encodeArray(featuriser.families),
      },
      members: members.map(({ model: m, w1q, w1Scales }) => ({
        features: m.features,
        hidden: m.hidden,
        classes: m.classes,
        w1: encodeArray(w1q),
        w1Scales: encodeArray(w1Scales),
        b1: encodeArray(m.b1),
        w2: encodeArray(m.w2),
        b2: encodeArray(m.b2),
      })),
      calibration,
      threshold,
    };
  }
}

/** Rounds a trained network's first layer to what storage keeps, so the live model equals the stored one. */
export function toMember(model: MlpModel): Member {
  const { q, scales } = quantizeRows(model.w1, model.hidden);
  return { model, w1q: q, w1Scales: scales };
}

export function createClassifier(state: ClassifierState, dense?: DenseFeatures): BuiltInIntentClassifier {
  return new Classifier(state, dense);
}

const base64 = z.string();
const serializedSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  labels: z.array(z.string()).min(1),
  denseDimensions: z.number().int().min(0),
  features: z.object({
    options: z.object({
      wordNgrams: z.number().int().min(1),
      charMin: z.number().int().min(1),
      charMax: z.number().int().min(1),
      cjkCharMax: z.number().int().min(1),
      charAcrossWords: z.boolean(),
      minDf: z.number().int().min(1),
      textChars: z.number().int().min(0).optional(),
      familyWeights: z.union([z.tuple([z.number(), z.number()]), z.tuple([z.number(), z.number(), z.number()])]),
    }),
    hashes: base64,
    idf: base64,
    families: base64,
  }),
  members: z
    .array(
      z.object({
        features: z.number().int().min(0),
        hidden: z.number().int().min(1),
        classes: z.number().int().min(1),
        w1: base64,
        w1Scales: base64,
        b1: base64,
        w2: base64,
        b2: base64,
      }),
    )
    .min(1),
  calibration: z.object({ scores: z.array(z.number()).min(1), probabilities: z.array(z.number()).min(1) }).nullable(),
  threshold: z.number().min(0).max(1).nullable(),
});

export type SerializedClassifier = z.infer<typeof serializedSchema>;

/** Restores a classifier from toJSON() output (or its JSON text parsed); it predicts exactly as before. */
export function loadIntentClassifier(json: unknown, options: { denseFeatures?: DenseFeatures; minConfidence?: number } = {}): BuiltInIntentClassifier {
  const s = parseInput(serializedSchema, json, "intent classifier");
  const hashes = decodeInt32(s.features.hashes, "features.hashes");
  const idf = decodeFloat32(s.features.idf, "features.idf");
  const families = decodeUint8(s.features.families, "features.families");
  if (idf.length !== hashes.length || families.length !== hashes.length) throw new ValidationError("invalid intent classifier: feature arrays differ in length");
  if (s.calibration && s.calibration.scores.length !== s.calibration.probabilities.length) throw new ValidationError("invalid intent classifier: calibration arrays differ in length");
  const featuriser = new Featuriser({ options: s.features.options, hashes, idf, families });
  const members = s.members.map((m, i): Member => {
    const w1q = decodeInt8(m.w1, `members.${i}.w1`);
    const w1Scales = decodeFloat32(m.w1Scales, `members.${i}.w1Scales`);
    if (w1q.length !== w1Scales.length * m.hidden) throw new ValidationError(`invalid intent classifier: members.${i}.w1 does not match its scales`);
    const w1 = dequantizeRows(w1q, w1Scales, m.hidden);
    const model: MlpModel = {
      features: m.features,
      hidden: m.hidden,
      classes: m.classes,
      w1,
      b1: decodeFloat32(m.b1, `members.${i}.b1`),
      w2: decodeFloat32(m.w2, `members.${i}.w2`),
      b2: decodeFloat32(m.b2, `members.${i}.b2`),
    };
    const ok =
      m.classes === s.labels.length &&
      m.features === hashes.length + s.denseDimensions &&
      w1.length === m.features * m.hidden &&
      model.b1.length === m.hidden &&
      model.w2.length === m.hidden * m.classes &&
      model.b2.length === m.classes;
    if (!ok) throw new ValidationError(`invalid intent classifier: members.${i} has inconsistent shapes`);
    return { model, w1q, w1Scales };
  });
  // Without denseFeatures a dense classifier still loads: predict(text, vector) works when the
  // caller embeds the text itself; predictMany() says what is missing.
  const threshold = options.minConfidence ?? s.threshold;
  if (threshold !== null && !(threshold >= 0 && threshold <= 1)) throw new ValidationError(`minConfidence: expected a probability in [0, 1], got ${threshold}`);
  return createClassifier({ labels: s.labels, featuriser, members, calibration: s.calibration, threshold, denseDimensions: s.denseDimensions }, options.denseFeatures);
}
