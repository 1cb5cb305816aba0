import { type IntentClassifier, type IntentPrediction, type LabelledUtterance, OUT_OF_SCOPE } from "../types.ts";

/**
 * The `concierge nlu test` metrics (their JSON keys are a public contract). A metric with nothing to
 * measure (in-scope accuracy on a set without in-scope examples, out-of-scope precision when
 * nothing was predicted out of scope) is null rather than a made-up 0 or 1.
 */
export interface NluMetrics {
  n: number;
  accuracy: number | null;
  inScopeAccuracy: number | null;
  /** Mean F1 over every label that was expected or predicted, out-of-scope included as one label. */
  macroF1: number | null;
  oosPrecision: number | null;
  oosRecall: number | null;
  /** Most frequent (expected, predicted) mistakes, most frequent first. */
  confused: { expected: string; predicted: string; count: number }[];
  seconds: number;
}

export interface EvaluateOptions {
  /** How many confused pairs to list. */
  topConfused?: number;
  onProgress?: (done: number, total: number) => void;
  /** Texts predicted per batch (a classifier with dense features embeds a batch at once). */
  batchSize?: number;
}

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** Metrics of predicted against expected intents; pure, so it is testable on a hand-made case. */
export function scorePredictions(expected: string[], predicted: string[], topConfused = 10): Omit<NluMetrics, "seconds"> {
  if (expected.length !== predicted.length) throw new Error("expected and predicted differ in length");
  const n = expected.length;
  let correct = 0;
  let inScope = 0;
  let inScopeCorrect = 0;
  let oosExpected = 0;
  let oosPredicted = 0;
  let oosBoth = 0;
  const tp = new Map<string, number>();
  const expCount = new Map<string, number>();
  const predCount = new Map<string, number>();
  const pairs = new Map<string, { expected: string; predicted: string; count: number }>();
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const p = predicted[i];
    expCount.set(e, (expCount.get(e) ?? 0) + 1);
    predCount.set(p, (predCount.get(p) ?? 0) + 1);
    if (e === p) {
      correct++;
      tp.set(e, (tp.get(e) ?? 0) + 1);
    } else {
      const key = `${e}\u0000${p}`;
      const pair = pairs.get(key) ?? { expected: e, predicted: p, count: 0 };
      pair.count++;
      pairs.set(key, pair);
    }
    if (e === OUT_OF_SCOPE) oosExpected++;
    else {
      inScope++;
      if (e === p) inScopeCorrect++;
    }
    if (p === OUT_OF_SCOPE) {
      oosPredicted++;
      if (e === OUT_OF_SCOPE) oosBoth++;
    }
  }
  const labels = new Set([...expCount.keys(), ...predCount.keys()]);
  let f1Sum = 0;
  for (const label of labels) {
    const t = tp.get(label) ?? 0;
    const denom = (expCount.get(label) ?? 0) + (predCount.get(label) ?? 0);
    f1Sum += denom > 0 ? (2 * t) / denom : 0;
  }
  const confused = [...pairs.values()]
    .sort((a, b) => b.count - a.count || a.expected.localeCompare(b.expected) || a.predicted.localeCompare(b.predicted))
    .slice(0, topConfused);
  return {
    n,
    accuracy: ratio(correct, n),
    inScopeAccuracy: ratio(inScopeCorrect, inScope),
    macroF1: labels.size ? f1Sum / labels.size : null,
    oosPrecision: ratio(oosBoth, oosPredicted),
    oosRecall: ratio(oosBoth, oosExpected),
    confused,
  };
}

type Predictor = IntentClassifier & { predictMany?: (texts: string[]) => Promise<IntentPrediction[]> };

/** Predicts every example and scores the predictions; `seconds` is the time spent predicting. */
export async function evaluate(classifier: Predictor, examples: LabelledUtterance[], options: EvaluateOptions = {}): Promise<NluMetrics> {
  const started = performance.now();
  const batch = options.batchSize ?? 256;
  const predicted: string[] = [];
  for (let i = 0; i < examples.length; i += batch) {
    const texts = examples.slice(i, i + batch).map((e) => e.text);
    const preds = classifier.predictMany ? await classifier.predictMany(texts) : texts.map((t) => classifier.predict(t));
    for (const p of preds) predicted.push(p.intent);
    options.onProgress?.(predicted.length, examples.length);
  }
  const metrics = scorePredictions(
    examples.map((e) => e.intent),
    predicted,
    options.topConfused,
  );
  return { ...metrics, seconds: (performance.now() - started) / 1000 };
}
