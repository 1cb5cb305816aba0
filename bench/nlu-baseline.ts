/**
 * The plain baseline `concierge nlu test` is measured against, on the same train/test files:
 * TF-IDF over character 1–3-grams of the whole lower-cased text (scikit-learn's
 * TfidfVectorizer(analyzer="char", ngram_range=(1, 3)): raw counts, smoothed IDF, L2 norm), joined
 * for space-separated languages by word unigrams (TfidfVectorizer's default token pattern), and
 * multinomial logistic regression with an L2 penalty (scikit-learn's C; default 10, which reproduces the figure the issue quotes), trained by SGD.
 * Out of scope: the "oos" class when the training file has it, and optionally a probability
 * threshold (--threshold P: the top probability below P answers out of scope; a comma-separated
 * list scores each threshold on the one trained model).
 *
 *   npx tsx bench/nlu-baseline.ts --train train.jsonl --test test.jsonl [--C 10] [--words auto|on|off]
 *                                [--threshold 0] [--epochs 30] [--seed 1] [--json]
 *
 * Metrics are computed by the same code as `concierge nlu test` (scorePredictions).
 */
import { parseArgs } from "node:util";
import { scorePredictions } from "../intents/classifier/evaluate.ts";
import type { SparseRows } from "../intents/classifier/features.ts";
import { addSoftmaxProbabilities, trainSoftmax } from "../intents/classifier/softmax.ts";
import { readUtteranceFile } from "../intents/cli.ts";
import { hasCjk } from "../intents/tokenize.ts";
import { OUT_OF_SCOPE } from "../intents/types.ts";

const { values } = parseArgs({
  options: {
    train: { type: "string" },
    test: { type: "string" },
    C: { type: "string", default: "10" },
    words: { type: "string", default: "auto" },
    threshold: { type: "string", default: "0" },
    epochs: { type: "string", default: "30" },
    seed: { type: "string", default: "1" },
    json: { type: "boolean" },
  },
});
if (!values.train || !values.test) {
  console.error("usage: npx tsx bench/nlu-baseline.ts --train train.jsonl --test test.jsonl [--C 10] [--words auto|on|off] [--threshold 0] [--json]");
  process.exit(2);
}

const train = readUtteranceFile(values.train, "--train").utterances;
const test = readUtteranceFile(values.test, "--test").utterances;
const C = Number(values.C);
const thresholds = values.threshold.split(",").map(Number);
const epochs = Number(values.epochs);
// Words join the characters for languages written with spaces (most training texts without CJK).
const useWords = values.words === "on" || (values.words === "auto" && train.filter((e) => hasCjk(e.text)).length < train.length / 2);

function charGrams(text: string): string[] {
  const s = text.toLowerCase();
  const out: string[] = [];
  for (let n = 1; n <= 3; n++) for (let i = 0; i + n <= s.length; i++) out.push(`c:${s.slice(i, i + n)}`);
  return out;
}
const wordGrams = (text: string): string[] => (text.toLowerCase().match(/\b\w\w+\b/gu) ?? []).map((w) => `w:${w}`);

/** One TF-IDF family: vocabulary and IDF from the training texts. */
class Tfidf {
  readonly vocab = new Map<string, number>();
  idf: number[] = [];
  constructor(
    readonly analyse: (t: string) => string[],
    texts: string[],
  ) {
    const df = new Map<string, number>();
    for (const t of texts) for (const g of new Set(analyse(t))) df.set(g, (df.get(g) ?? 0) + 1);
    for (const [g, d] of df) {
      this.vocab.set(g, this.idf.length);
      this.idf.push(Math.log((1 + texts.length) / (1 + d)) + 1);
    }
  }
  vector(text: string, offset: number): [number[], number[]] {
    const counts = new Map<number, number>();
    for (const g of this.analyse(text)) {
      const c = this.vocab.get(g);
      if (c !== undefined) counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const idx = [...counts.keys()];
    const val = idx.map((c) => counts.get(c)! * this.idf[c]);
    const norm = Math.sqrt(val.reduce((s, v) => s + v * v, 0)) || 1;
    return [idx.map((c) => c + offset), val.map((v) => v / norm)];
  }
}

const started = performance.now();
const families = [new Tfidf(charGrams, train.map((e) => e.text))];
if (useWords) families.push(new Tfidf(wordGrams, train.map((e) => e.text)));
const features = families.reduce((s, f) => s + f.idf.length, 0);

function rows(texts: string[]): SparseRows {
  const indptr = new Int32Array(texts.length + 1);
  const idx: number[] = [];
  const val: number[] = [];
  texts.forEach((t, r) => {
    let offset = 0;
    for (const f of families) {
      const [i, v] = f.vector(t, offset);
      idx.push(...i);
      val.push(...v);
      offset += f.idf.length;
    }
    indptr[r + 1] = idx.length;
  });
  return { indptr, indices: Int32Array.from(idx), values: Float32Array.from(val), rows: texts.length };
}

const labels = [...new Set(train.map((e) => e.intent))].sort();
const labelIndex = new Map(labels.map((l, i) => [l, i]));
const x = rows(train.map((e) => e.text));
const y = Int32Array.from(train, (e) => labelIndex.get(e.intent)!);
const model = await trainSoftmax(x, y, features, labels.length, { epochs, learningRate: 0.5, l2: 1 / (C * train.length), seed: Number(values.seed) });
const trainSeconds = (performance.now() - started) / 1000;

const tx = rows(test.map((e) => e.text));
const probs = new Float64Array(labels.length);
const logits = new Float64Array(labels.length);
const top = test.map((_, r) => {
  probs.fill(0);
  const s = tx.indptr[r];
  addSoftmaxProbabilities(model, tx.indices.subarray(s), tx.values.subarray(s), tx.indptr[r + 1] - s, 1, logits, probs);
  let best = 0;
  for (let c = 1; c < labels.length; c++) if (probs[c] > probs[best]) best = c;
  return { label: labels[best], p: probs[best] };
});
const seconds = (performance.now() - started) / 1000;
const f = (v: number | null) => (v === null ? "n/a" : v.toFixed(4));
if (!values.json) console.log(`baseline TF-IDF char 1-3${useWords ? " + words" : ""} + logistic regression (C=${C}): ${train.length} train, ${test.length} test, ${features} features, ${trainSeconds.toFixed(1)} s training`);
for (const threshold of thresholds) {
  const m = scorePredictions(
    test.map((e) => e.intent),
    top.map((t) => (t.p < threshold ? OUT_OF_SCOPE : t.label)),
  );
  if (values.json) console.log(JSON.stringify({ ...m, seconds, trainSeconds, C, words: useWords, threshold, features }));
  else console.log(`threshold ${threshold}: in-scope accuracy ${f(m.inScopeAccuracy)}  macro-F1 ${f(m.macroF1)}  accuracy ${f(m.accuracy)}  oos precision ${f(m.oosPrecision)}  oos recall ${f(m.oosRecall)}`);
}
