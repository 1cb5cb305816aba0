import { existsSync, readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { loadConfig } from "../core/config.ts";
import { ConciergeError, ValidationError } from "../core/errors.ts";
import { safeText } from "../core/text.ts";
import { createProgress, type Progress } from "../core/progress.ts";
import { type DenseFeatures, evaluate, type NluMetrics, trainIntentClassifier } from "./classifier/index.ts";
import { type LabelledUtterance, OUT_OF_SCOPE } from "./types.ts";

export { evaluate, type NluMetrics } from "./classifier/index.ts";

const USAGE = `usage: concierge nlu test --train train.jsonl --test test.jsonl [--json] [--seed N] [--embeddings]

Trains a fresh intent classifier on the --train file alone and evaluates it on --test.
Each line of both files is a JSON object {"text": "...", "intent": "..."}; intent "${OUT_OF_SCOPE}" marks
an out-of-scope example.

  --json         print one JSON object: n, accuracy, inScopeAccuracy, macroF1, oosPrecision,
                 oosRecall, confused [{expected, predicted, count}], seconds
  --seed N       seed for training (default 1)
  --embeddings   also train with the downloaded sentence-embedding model's vectors joined to the
                 built-in features (CONCIERGE_EMBEDDING_MODEL): the table shows both side by side;
                 with --json the object is the run with embeddings
`;

const lineSchema = z.object({
  text: safeText().trim().min(1, "must not be empty"),
  intent: safeText().trim().min(1, "must not be empty"),
});

/** Reads a JSONL file of {"text", "intent"} lines; errors name the file, the line and the field. */
export function readUtterances(file: string, option: string): LabelledUtterance[] {
  if (!existsSync(file)) throw new ValidationError(`${option}: file not found: ${file}`);
  if (!statSync(file).isFile()) throw new ValidationError(`${option}: not a file: ${file}`);
  const lines = readFileSync(file, "utf8").split(/\r?\n/);
  const out: LabelledUtterance[] = [];
  lines.forEach((line, i) => {
    const where = `${file} line ${i + 1}`;
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new ValidationError(`${where}: not valid JSON (${(err as Error).message})`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ValidationError(`${where}: expected an object {"text", "intent"}`);
    const parsed = lineSchema.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "line"}: ${issue.message}`);
      throw new ValidationError(`${where}: ${problems.join("; ")}`);
    }
    out.push({ text: parsed.data.text, intent: parsed.data.intent });
  });
  if (out.length === 0) throw new ValidationError(`${option}: ${file} has no examples`);
  return out;
}

function progressReporter(progress: Progress): (done: number, total: number) => void {
  let last = 0;
  let totalSet = false;
  return (done, total) => {
    if (!totalSet) {
      progress.setTotal(total);
      totalSet = true;
    }
    if (done > last) {
      progress.tick(done - last);
      last = done;
    }
  };
}

async function trainAndEvaluate(train: LabelledUtterance[], test: LabelledUtterance[], seed: number, label: string, denseFeatures?: DenseFeatures) {
  const started = performance.now();
  const trainBar = createProgress(`training${label}`);
  const classifier = await trainIntentClassifier(train, { seed, denseFeatures, onProgress: progressReporter(trainBar) });
  trainBar.stop();
  const trainSeconds = (performance.now() - started) / 1000;
  const testBar = createProgress(`testing${label}`);
  const metrics = await evaluate(classifier, test, { onProgress: progressReporter(testBar) });
  testBar.stop();
  const seconds = (performance.now() - started) / 1000;
  return { metrics: { ...metrics, seconds: round(seconds, 3) }, trainSeconds, testSeconds: metrics.seconds, intents: classifier.intents.length };
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The public JSON contract, keys in their documented order and nothing else. */
export function metricsJson(m: NluMetrics): NluMetrics {
  return {
    n: m.n,
    accuracy: m.accuracy,
    inScopeAccuracy: m.inScopeAccuracy,
    macroF1: m.macroF1,
    oosPrecision: m.oosPrecision,
    oosRecall: m.oosRecall,
    confused: m.confused.map((c) => ({ expected: c.expected, predicted: c.predicted, count: c.count })),
    seconds: m.seconds,
  };
}

const fmt = (x: number | null) => (x === null ? "n/a" : x.toFixed(4));

type Run = Awaited<ReturnType<typeof trainAndEvaluate>>;

export function formatReport(train: { file: string; n: number }, test: { file: string; n: number }, runs: { name: string; run: Run }[]): string {
  const rows: [string, (m: NluMetrics) => string][] = [
    ["accuracy", (m) => fmt(m.accuracy)],
    ["in-scope accuracy", (m) => fmt(m.inScopeAccuracy)],
    ["macro-F1", (m) => fmt(m.macroF1)],
    ["out-of-scope precision", (m) => fmt(m.oosPrecision)],
    ["out-of-scope recall", (m) => fmt(m.oosRecall)],
  ];
  const lines: string[] = [];
  const first = runs[0].run;
  lines.push(`NLU test: trained on ${train.n} examples (${train.file}, ${first.intents} intents), tested on ${test.n} (${test.file})`);
  lines.push("");
  const width = 24;
  lines.push(`${"metric".padEnd(width)}${runs.map((r) => r.name.padStart(16)).join("")}`);
  lines.push("-".repeat(width + 16 * runs.length));
  for (const [name, get] of rows) lines.push(`${name.padEnd(width)}${runs.map((r) => get(r.run.metrics).padStart(16)).join("")}`);
  lines.push(`${"seconds (train + test)".padEnd(width)}${runs.map((r) => `${r.run.trainSeconds.toFixed(1)} + ${r.run.testSeconds.toFixed(1)}`.padStart(16)).join("")}`);
  for (const { name, run } of runs) {
    lines.push("");
    lines.push(`Most confused (${name}): expected → predicted`);
    if (run.metrics.confused.length === 0) lines.push("  (no mistakes)");
    const w = Math.max(8, ...run.metrics.confused.map((c) => c.expected.length));
    for (const c of run.metrics.confused) lines.push(`  ${String(c.count).padStart(5)}  ${c.expected.padEnd(w)}  →  ${c.predicted}`);
  }
  return `${lines.join("\n")}\n`;
}

async function loadDenseFeatures(): Promise<{ features: DenseFeatures; name: string; close: () => Promise<void> }> {
  // The one place intents reaches the downloaded embedder, and only when asked: this command is an
  // entry point, like bot/, and the classifier itself only sees a plain function.
  const { createDownloadedEmbedder } = await import("../recommend/embedders/downloaded.ts");
  const embedder = await createDownloadedEmbedder(loadConfig());
  return { features: (texts) => embedder.embedQueries(texts), name: embedder.modelId, close: () => embedder.close() };
}

/** `concierge nlu test`: returns the exit code (0 ok, 1 bad input, 2 bad usage). */
export async function nluTest(args: string[]): Promise<number> {
  let values: { train?: string; test?: string; json?: boolean; seed?: string; embeddings?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        train: { type: "string" },
        test: { type: "string" },
        json: { type: "boolean" },
        seed: { type: "string" },
        embeddings: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  for (const name of ["train", "test"] as const) {
    if (!values[name]) {
      process.stderr.write(`error: --${name} is required\n${USAGE}`);
      return 2;
    }
  }
  try {
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!Number.isInteger(seed)) throw new ValidationError(`--seed: expected an integer, got "${values.seed}"`);
    const train = readUtterances(values.train!, "--train");
    const test = readUtterances(values.test!, "--test");
    if (!train.some((e) => e.intent !== OUT_OF_SCOPE)) throw new ValidationError(`--train: ${values.train} has no in-scope examples (every intent is "${OUT_OF_SCOPE}")`);
    const runs: { name: string; run: Run }[] = [{ name: "built-in", run: await trainAndEvaluate(train, test, seed, "") }];
    if (values.embeddings) {
      const dense = await loadDenseFeatures();
      try {
        runs.push({ name: "+ embeddings", run: await trainAndEvaluate(train, test, seed, " (+ embeddings)", dense.features) });
      } finally {
        await dense.close();
      }
    }
    if (values.json) process.stdout.write(`${JSON.stringify(metricsJson(runs[runs.length - 1].run.metrics))}\n`);
    else process.stdout.write(formatReport({ file: values.train!, n: train.length }, { file: values.test!, n: test.length }, runs));
    return 0;
  } catch (err) {
    if (err instanceof ConciergeError) {
      process.stderr.write(`error (${err.code}): ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
