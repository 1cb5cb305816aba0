/**
 * The shipped shop intents measured by stratified k-fold cross-validation, one language at a time:
 * each fold trains a fresh classifier (calibration included, exactly as the service trains it) on
 * the other folds and is scored on the held-apart one; out-of-scope lines are split like any intent.
 * Prints in-scope accuracy, top-1 before rejection, macro-F1 and out-of-scope precision/recall per
 * language, pooled over the folds, and the training time of the whole shipped set.
 *
 *   npx tsx bench/nlu-shop.ts [--folds 5] [--seed 1] [--locales en,zh] [--min-confidence P] [--json]
 */
import { parseArgs } from "node:util";
import { scorePredictions, trainIntentClassifier } from "../intents/classifier/index.ts";
import { createRandom, shuffleInPlace } from "../intents/classifier/random.ts";
import { loadShippedIntents, type ShippedLocale } from "../intents/shipped.ts";
import { type LabelledUtterance, OUT_OF_SCOPE } from "../intents/types.ts";

process.env.CONCIERGE_QUIET ??= "1";
const { values } = parseArgs({
  options: {
    folds: { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    locales: { type: "string", default: "en,zh" },
    json: { type: "boolean" },
    errors: { type: "boolean" },
    "min-confidence": { type: "string" },
  },
});
// The rejection threshold to measure at (default: the service's, Chow's rule at one half).
const minConfidence = values["min-confidence"] === undefined ? undefined : Number(values["min-confidence"]);
const k = Number(values.folds);
const seed = Number(values.seed);

function stratifiedFolds(data: LabelledUtterance[], folds: number, random: () => number): number[] {
  const byIntent = new Map<string, number[]>();
  data.forEach((e, i) => {
    byIntent.set(e.intent, [...(byIntent.get(e.intent) ?? []), i]);
  });
  const fold = new Array<number>(data.length);
  let offset = 0;
  for (const ids of byIntent.values()) {
    shuffleInPlace(ids, random);
    ids.forEach((id, j) => {
      fold[id] = (j + offset) % folds;
    });
    offset += ids.length;
  }
  return fold;
}

const results: Record<string, unknown>[] = [];
for (const locale of values.locales.split(",") as ShippedLocale[]) {
  const data = loadShippedIntents([locale]);
  const fold = stratifiedFolds(data, k, createRandom(seed));
  const expected: string[] = [];
  const predicted: string[] = [];
  const top1: boolean[] = [];
  const errors: string[] = [];
  const started = performance.now();
  for (let f = 0; f < k; f++) {
    const train = data.filter((_, i) => fold[i] !== f);
    const test = data.filter((_, i) => fold[i] === f);
    const classifier = await trainIntentClassifier(train, { seed: seed + f, ...(minConfidence !== undefined && { minConfidence }) });
    for (const e of test) {
      const p = classifier.predict(e.text);
      expected.push(e.intent);
      predicted.push(p.intent);
      if (e.intent !== OUT_OF_SCOPE) top1.push(p.ranking[0]?.intent === e.intent);
      if (p.intent !== e.intent) errors.push(`${e.intent} → ${p.intent}\t${e.text}`);
    }
  }
  const cvSeconds = (performance.now() - started) / 1000;
  const t0 = performance.now();
  await trainIntentClassifier(data, { seed });
  const trainSeconds = (performance.now() - t0) / 1000;
  const m = scorePredictions(expected, predicted, 8);
  const row = { locale, lines: data.length, folds: k, ...m, top1: top1.filter(Boolean).length / top1.length, cvSeconds, trainSeconds };
  results.push(row);
  if (!values.json) {
    const f = (x: number | null) => (x === null ? "n/a" : x.toFixed(3));
    console.log(
      `${locale}: ${data.length} lines, ${k}-fold: in-scope ${f(m.inScopeAccuracy)} (top-1 before rejection ${f(row.top1)}), macro-F1 ${f(m.macroF1)}, ` +
        `oos precision ${f(m.oosPrecision)} recall ${f(m.oosRecall)}; training on all ${data.length} lines ${trainSeconds.toFixed(1)} s`,
    );
    for (const c of m.confused) console.log(`    ${String(c.count).padStart(3)}  ${c.expected} → ${c.predicted}`);
    if (values.errors) for (const e of errors) console.log(`  ${e}`);
  }
}
if (values.json) console.log(JSON.stringify(results));
