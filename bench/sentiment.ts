/**
 * Sentiment methods compared on the hand-labelled set (intents/data/sentiment-labelled.jsonl): the
 * word-list lexicon, a classifier trained in-process on the dev+tune rows (the rows the lexicon was
 * written and tuned against, so both saw the same labelled text), and the local LLM when a model is
 * given. Accuracy is on the blind "test" rows only, per language; speed is per message.
 *
 *   npx tsx bench/sentiment.ts [--seeds 3] [--llm-model PATH.gguf] [--threads 1] [--json]
 *
 * The test rows are 40 per language: one message is 2.5 points, and the binomial standard error at
 * 85 % is about ±5.6 points, so only differences of ~10 points or more say much.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { LexiconSentimentAnalyzer, type SentimentAnalyzer } from "../intents/sentiment.ts";
import { trainSentimentClassifier } from "../intents/sentiment-trained.ts";
import type { SentimentLabel } from "../intents/types.ts";
import { LlamaLanguageModel } from "../llm/index.ts";
import { llmSentiment } from "../llm/sentiment.ts";

process.env.CONCIERGE_QUIET ??= "1";

interface Row {
  text: string;
  label: SentimentLabel;
  locale: "en" | "zh";
  set: "dev" | "tune" | "test";
}

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const seeds = Number(opt("seeds") ?? 3);
const llmPath = opt("llm-model");
const threads = Number(opt("threads") ?? 1);
const json = argv.includes("--json");

const rows: Row[] = readFileSync(path.join(import.meta.dirname, "../intents/data/sentiment-labelled.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const train = rows.filter((r) => r.set !== "test");
const test = rows.filter((r) => r.set === "test");

interface Result {
  method: string;
  en: number;
  zh: number;
  all: number;
  /** Mean and p95 ms per message. */
  meanMs: number;
  p95Ms: number;
  trainSeconds?: number;
}

const pct = (x: number) => Math.round(x * 1000) / 10;

async function measure(method: string, classify: (r: Row) => Promise<SentimentLabel> | SentimentLabel): Promise<Omit<Result, "method">> {
  const times: number[] = [];
  const correct = { en: 0, zh: 0 };
  for (const r of test) {
    const t0 = performance.now();
    const label = await classify(r);
    times.push(performance.now() - t0);
    if (label === r.label) correct[r.locale]++;
  }
  const n = (l: "en" | "zh") => test.filter((r) => r.locale === l).length;
  times.sort((a, b) => a - b);
  void method;
  return {
    en: pct(correct.en / n("en")),
    zh: pct(correct.zh / n("zh")),
    all: pct((correct.en + correct.zh) / test.length),
    meanMs: Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 1000) / 1000,
    p95Ms: Math.round(times[Math.floor(times.length * 0.95)]! * 1000) / 1000,
  };
}

const results: Result[] = [];
const lexicon = new LexiconSentimentAnalyzer();
lexicon.analyze("warm up");
results.push({ method: "lexicon", ...(await measure("lexicon", (r) => lexicon.analyze(r.text).label)) });

// --seeds 0 skips the trained classifier (e.g. to time only the LLM).
for (const abstain of seeds > 0 ? [true, false] : []) {
  const perSeed: Result[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const t0 = performance.now();
    const model: SentimentAnalyzer = await trainSentimentClassifier(train, { seed, abstain });
    const trainSeconds = (performance.now() - t0) / 1000;
    model.analyze("warm up");
    perSeed.push({ method: model.name, trainSeconds, ...(await measure(model.name, (r) => model.analyze(r.text).label)) });
  }
  const mean = (k: keyof Result) => perSeed.reduce((a, r) => a + (r[k] as number), 0) / perSeed.length;
  results.push({
    method: `${perSeed[0]!.method} (mean of ${seeds} seeds)`,
    en: Math.round(mean("en") * 10) / 10,
    zh: Math.round(mean("zh") * 10) / 10,
    all: Math.round(mean("all") * 10) / 10,
    meanMs: Math.round(mean("meanMs") * 1000) / 1000,
    p95Ms: Math.round(mean("p95Ms") * 1000) / 1000,
    trainSeconds: Math.round(mean("trainSeconds") * 10) / 10,
  });
}

if (llmPath) {
  const model = await LlamaLanguageModel.load({ modelPath: llmPath, gpu: "cpu", threads, sequences: 1, contextSize: 1024, maxQueue: 4, queueTimeoutMs: 60_000, progress: false });
  try {
    const res = await measure("llm", async (r) => (await llmSentiment(model, r.text, r.locale))?.label ?? "neutral");
    results.push({ method: `llm (${model.info.name}, ${threads} thread${threads > 1 ? "s" : ""})`, ...res });
  } finally {
    await model.close();
  }
}

if (json) console.log(JSON.stringify({ trainRows: train.length, testRows: test.length, results }, null, 2));
else {
  console.log(`train: ${train.length} rows (dev+tune), blind test: ${test.length} rows (${test.filter((r) => r.locale === "en").length} en, ${test.filter((r) => r.locale === "zh").length} zh)`);
  console.log(`${"method".padEnd(40)} ${"en".padStart(6)} ${"zh".padStart(6)} ${"all".padStart(6)} ${"ms/msg".padStart(8)} ${"p95".padStart(8)} ${"train s".padStart(8)}`);
  for (const r of results) {
    console.log(
      `${r.method.padEnd(40)} ${`${r.en}%`.padStart(6)} ${`${r.zh}%`.padStart(6)} ${`${r.all}%`.padStart(6)} ${r.meanMs.toFixed(3).padStart(8)} ${r.p95Ms.toFixed(3).padStart(8)} ${(r.trainSeconds?.toFixed(1) ?? "-").padStart(8)}`,
    );
  }
}
