import { z } from "zod";
import { ValidationError } from "../../core/errors.ts";
import { parseInput } from "../../core/validation.ts";
import { type LabelledUtterance, OUT_OF_SCOPE, type TrainOptions } from "../types.ts";
import { ANSWER_PROBABILITY, type Calibration, type CalibrationPoint, certainty, fitCalibration } from "./calibrate.ts";
import { DEFAULT_FEATURES, type FeatureOptions, Featuriser, type SparseRows } from "./features.ts";
import { addMlpProbabilities, DEFAULT_MLP, type MlpModel, type MlpOptions, trainMlp } from "./mlp.ts";
import { balancedWeights } from "./softmax.ts";
import { appendDense, type BuiltInIntentClassifier, createClassifier, type DenseFeatures, toMember } from "./model.ts";
import { createRandom, shuffleInPlace } from "./random.ts";

/**
 * How the built-in classifier is trained. The defaults are what was measured and chosen (see
 * bench/nlu-methods.ts); they are rules that scale with the data, not constants fitted to one set.
 */
export interface TrainerSettings {
  features: FeatureOptions;
  mlp: Omit<MlpOptions, "seed" | "epochs" | "onEpoch">;
  /** Networks averaged in the ensemble. */
  members: number;
  /**
   * Class balancing: an example of intent c weighs (median intent size / size of c)^balance,
   * clipped to [1/4, 4] (0: every example alike). Small intents count for more without the large
   * ones losing their say.
   */
  balance: number;
  /** L2 prior on the weights, worth this many examples: weight decay = l2 / number of examples. */
  l2: number;
  /** Every network sees at least this many examples in all (small data gets more epochs)... */
  minUpdates: number;
  /** ...and at least this many epochs. */
  minEpochs: number;
  maxEpochs: number;
  /**
   * Calibration holds apart one of this many stratified folds at a time: the calibration networks
   * see (folds-1)/folds of the data, close to the final ones, so their certainty transfers.
   */
  folds: number;
  /** Folds are held apart in turn while fewer than this many examples have been... */
  calibrationBudget: number;
  /** ...and at least this many rounds: one fold's few out-of-scope examples made the threshold jumpy. */
  minRounds: number;
  /**
   * Each calibration round also holds out one whole intent, weighted like one intent's held-apart
   * examples: a query about something never taught, as frequent as a typical intent. So
   * calibration always sees that much out-of-scope evidence besides the file's own out-of-scope
   * examples, and the threshold does not hang on the few of those one fold holds.
   */
  holdOutIntent: boolean;
  /** Receives the held-apart points the calibration was fitted on (benchmarks, diagnostics). */
  onCalibration?: (points: CalibrationPoint[]) => void;
}

export const DEFAULT_TRAINER: TrainerSettings = {
  features: { ...DEFAULT_FEATURES, charMax: 4, minDf: 2, textChars: 3, familyWeights: [1, 1, 1] },
  mlp: DEFAULT_MLP,
  members: 2,
  balance: 0.5,
  l2: 0,
  minUpdates: 150_000,
  minEpochs: 10,
  maxEpochs: 30,
  folds: 10,
  calibrationBudget: 3_000,
  minRounds: 2,
  holdOutIntent: true,
};

const utterances = z.array(z.object({ text: z.string().trim().min(1), intent: z.string().trim().min(1) })).min(1);

interface Encoded {
  texts: string[];
  dense?: Float32Array[];
}

/** Sparse (and dense, when given) rows for some examples; indices into `all`. */
function rowsFor(featuriser: Featuriser, data: Encoded, ids: number[]): SparseRows {
  const texts = ids.map((i) => data.texts[i]);
  const x = featuriser.transformAll(texts);
  if (!data.dense) return x;
  const dim = data.dense[0].length;
  const indptr = new Int32Array(ids.length + 1);
  const indices = new Int32Array(x.indices.length + ids.length * dim);
  const values = new Float32Array(indices.length);
  const vec = { indices: new Int32Array(256), values: new Float32Array(256), length: 0 };
  let nnz = 0;
  ids.forEach((id, r) => {
    const start = x.indptr[r];
    vec.length = 0;
    const len = x.indptr[r + 1] - start;
    if (vec.indices.length < len) {
      vec.indices = new Int32Array(len * 2);
      vec.values = new Float32Array(len * 2);
    }
    vec.indices.set(x.indices.subarray(start, start + len));
    vec.values.set(x.values.subarray(start, start + len));
    vec.length = len;
    appendDense(vec, data.dense![id], featuriser.size);
    indices.set(vec.indices.subarray(0, vec.length), nnz);
    values.set(vec.values.subarray(0, vec.length), nnz);
    nnz += vec.length;
    indptr[r + 1] = nnz;
  });
  return { indptr, indices, values, rows: ids.length };
}

interface Fitted {
  featuriser: Featuriser;
  members: MlpModel[];
  labels: string[];
}

function epochsFor(n: number, s: TrainerSettings): number {
  return Math.min(s.maxEpochs, Math.max(s.minEpochs, Math.ceil(s.minUpdates / n)));
}

async function fitEnsemble(data: Encoded, intents: string[], ids: number[], s: TrainerSettings, seed: number, tick: () => void): Promise<Fitted> {
  const labels = [...new Set(ids.map((i) => intents[i]))].sort();
  const featuriser = Featuriser.fit(
    ids.map((i) => data.texts[i]),
    s.features,
  );
  const x = rowsFor(featuriser, data, ids);
  const index = new Map(labels.map((l, i) => [l, i]));
  const y = Int32Array.from(ids.map((i) => index.get(intents[i])!));
  const features = featuriser.size + (data.dense ? data.dense[0].length : 0);
  const epochs = epochsFor(ids.length, s);
  const weights = s.balance > 0 ? balancedWeights(y, labels.length, s.balance) : undefined;
  const members: MlpModel[] = [];
  for (let m = 0; m < s.members; m++) {
    members.push(
      await trainMlp(x, y, features, labels.length, {
        ...s.mlp,
        epochs,
        weightDecay: s.l2 / ids.length,
        weights,
        seed: seed * 7919 + m * 104729 + 1,
        onEpoch: tick,
      }),
    );
  }
  return { featuriser, members, labels };
}

/** Stratified fold of each example (-1: never held apart, its intent has too few examples). */
function assignFolds(intents: string[], folds: number, random: () => number): Int32Array {
  const byIntent = new Map<string, number[]>();
  intents.forEach((intent, i) => {
    const list = byIntent.get(intent) ?? [];
    list.push(i);
    byIntent.set(intent, list);
  });
  const fold = new Int32Array(intents.length).fill(-1);
  let offset = 0;
  for (const ids of byIntent.values()) {
    if (ids.length < 2) continue;
    shuffleInPlace(ids, random);
    // Rotating the start spreads the remainder of small intents over all folds.
    ids.forEach((id, k) => {
      fold[id] = (k + offset) % folds;
    });
    offset += ids.length;
  }
  return fold;
}

/**
 * Trains the built-in intent classifier: calibration first (networks trained with some examples
 * held apart, which then measure how often each level of certainty is right), then the final
 * networks on every example.
 */
export async function trainIntentClassifier(examples: LabelledUtterance[], options: TrainOptions = {}, settings: TrainerSettings = DEFAULT_TRAINER): Promise<BuiltInIntentClassifier> {
  const data = parseInput(utterances, examples, "training examples");
  const intents = data.map((e) => e.intent);
  const inScope = new Set(intents.filter((i) => i !== OUT_OF_SCOPE));
  if (inScope.size === 0) throw new ValidationError(`training examples: no in-scope intent (every example is "${OUT_OF_SCOPE}")`);
  const seed = options.seed ?? 1;
  const random = createRandom(seed);
  const n = data.length;

  const encoded: Encoded = { texts: data.map((e) => e.text) };
  const dense: DenseFeatures | undefined = options.denseFeatures;
  if (dense) {
    encoded.dense = await dense(encoded.texts);
    const dim = encoded.dense[0]?.length ?? 0;
    if (encoded.dense.length !== n || dim === 0 || encoded.dense.some((v) => v.length !== dim)) {
      throw new ValidationError("denseFeatures must return one vector of the same non-zero length per text");
    }
  }

  // Out of scope by certainty: below the calibrated probability of a right answer asked for, or by
  // default Chow's rule (one half) when the file teaches what out of scope looks like. A file with
  // no out-of-scope examples says nothing of it: the classifier then answers every query.
  const hasOutOfScope = intents.includes(OUT_OF_SCOPE);
  const minConfidence = options.minConfidence ?? (hasOutOfScope ? ANSWER_PROBABILITY : undefined);
  if (minConfidence !== undefined && !(minConfidence >= 0 && minConfidence <= 1)) throw new ValidationError(`minConfidence: expected a probability in [0, 1], got ${minConfidence}`);

  const folds = assignFolds(intents, settings.folds, random);
  const rounds = minConfidence === undefined ? 0 : Math.min(settings.folds, Math.max(settings.minRounds, Math.floor(settings.calibrationBudget / n)));
  // Rounds take turns at holding out one intent, in a seeded order; never with fewer than three,
  // or the calibration networks would be left with a single class.
  const unseenOrder = settings.holdOutIntent && inScope.size >= 3 ? [...inScope].sort() : [];
  shuffleInPlace(unseenOrder, random);
  const splits = Array.from({ length: rounds }, (_, r) => {
    const unseen = unseenOrder.length ? unseenOrder[r % unseenOrder.length] : undefined;
    const split = { trainIds: [] as number[], heldIds: [] as number[], unseenIds: [] as number[] };
    intents.forEach((intent, i) => {
      if (intent === unseen) split.unseenIds.push(i);
      else if (folds[i] === r) split.heldIds.push(i);
      else split.trainIds.push(i);
    });
    return split;
  }).filter((sp) => sp.trainIds.length > 0 && sp.heldIds.length + sp.unseenIds.length > 0);

  const epochUnits = (size: number) => settings.members * epochsFor(size, settings);
  const total = splits.reduce((sum, sp) => sum + epochUnits(sp.trainIds.length), epochUnits(n));
  let done = 0;
  const tick = () => {
    done = Math.min(done + 1, total);
    options.onProgress?.(done, total);
  };
  options.onProgress?.(0, total);

  const points: CalibrationPoint[] = [];
  for (const [r, { trainIds, heldIds, unseenIds }] of splits.entries()) {
    const fitted = await fitEnsemble(encoded, intents, trainIds, settings, seed + r + 1, tick);
    const predict = predictorFor(fitted, encoded);
    for (const i of heldIds) {
      const { label, score } = predict(i);
      // Answered by the out-of-scope class itself: rejected whatever the threshold.
      if (label !== OUT_OF_SCOPE) points.push({ score, correct: label === intents[i] });
    }
    const heldIntents = new Set(heldIds.map((i) => intents[i])).size;
    const weight = heldIds.length / Math.max(1, heldIntents) / Math.max(1, unseenIds.length);
    for (const i of unseenIds) {
      const { label, score } = predict(i);
      if (label !== OUT_OF_SCOPE) points.push({ score, correct: false, weight });
    }
  }
  settings.onCalibration?.(points);
  const calibration: Calibration | null = minConfidence === undefined ? null : fitCalibration(points);

  const all = data.map((_, i) => i);
  const final = await fitEnsemble(encoded, intents, all, settings, seed, tick);
  options.onProgress?.(total, total);
  return createClassifier(
    {
      labels: final.labels,
      featuriser: final.featuriser,
      members: final.members.map(toMember),
      calibration,
      threshold: minConfidence ?? null,
      denseDimensions: encoded.dense ? encoded.dense[0].length : 0,
    },
    dense,
  );
}

/** Scores examples of the training set with a calibration-round ensemble. */
function predictorFor(fitted: Fitted, data: Encoded): (i: number) => { label: string; score: number } {
  const C = fitted.labels.length;
  const vec = { indices: new Int32Array(512), values: new Float32Array(512), length: 0 };
  const probs = new Float64Array(C);
  const scratch = { hidden: new Float64Array(Math.max(...fitted.members.map((m) => m.hidden))), logits: new Float64Array(C) };
  return (i) => {
    fitted.featuriser.transform(data.texts[i], vec);
    if (data.dense) appendDense(vec, data.dense[i], fitted.featuriser.size);
    probs.fill(0);
    for (const m of fitted.members) addMlpProbabilities(m, vec.indices, vec.values, vec.length, 1 / fitted.members.length, scratch, probs);
    let best = 0;
    for (let c = 1; c < C; c++) if (probs[c] > probs[best]) best = c;
    return { label: fitted.labels[best], score: certainty(probs) };
  };
}
