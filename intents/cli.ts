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

const USAGE = `usage: concierge nlu test --train train.jsonl --test test.jsonl [--json] [--seed N] [--min-confidence P] [--strict] [--embeddings]

Trains a fresh intent classifier on the --train file alone and evaluates it on --test.
Each line of both files is a JSON object {"text": "...", "intent": "..."}; intent "${OUT_OF_SCOPE}" marks
an out-of-scope example.

  --json         print one JSON object: n, accuracy, inScopeAccuracy, macroF1, oosPrecision,
                 oosRecall, confused [{expected, predicted, count}], seconds
  --seed N       seed for training (default 1)
  --min-confidence P
                 answer "${OUT_OF_SCOPE}" when the calibrated probability of a right answer is below P
                 (default 0.5 when the train file has "${OUT_OF_SCOPE}" examples; without them none,
                 and every query is answered). Higher: more out-of-scope recall, fewer answers
  --strict       refuse a file at its first invalid line (by default invalid lines are skipped with a
                 warning on stderr that counts them and names the first few; a file is refused only
                 when no valid example is left)
  --embeddings   also train with the downloaded sentence-embedding model's vectors joined to the
                 built-in features (CONCIERGE_EMBEDDING_MODEL): the table shows both side by side;
                 with --json the object is the run with embeddings
`;

const lineSchema = z.object({
  text: safeText().trim().min(1, "must not be empty"),
  intent: safeText().trim().min(1, "must not be empty"),
});

/** A line of an input file that was not a valid example: its number (from 1) and what is wrong. */
export interface InvalidLine {
  line: number;
  message: string;
}

export interface UtteranceFile {
  utterances: LabelledUtterance[];
  /** Lines skipped as invalid (blank lines are not counted), in file order. */
  invalid: InvalidLine[];
}

/** How many invalid lines a warning or an error names before "… and N more". */
export const NAMED_PROBLEMS = 5;

/** "3 invalid lines skipped (line 4: …; line 9: …)": the count, then the first few by line number. */
export function describeInvalid(file: string, invalid: InvalidLine[]): string {
  const named = invalid.slice(0, NAMED_PROBLEMS).map((p) => `line ${p.line}: ${p.message}`);
  const more = invalid.length > NAMED_PROBLEMS ? `; … and ${invalid.length - NAMED_PROBLEMS} more` : "";
  return `${invalid.length} invalid line${invalid.length === 1 ? "" : "s"} in ${file} (${named.join("; ")}${more})`;
}

/**
 * One line of a labelled file — a JSON object with a non-empty "text" and "intent" (any name; "oos"
 * for out of scope), no control characters — or what is wrong with it. The one rule every command
 * that reads labelled lines applies (nlu test, voice eval).
 */
export function parseUtteranceLine(line: string): { utterance: LabelledUtterance } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    return { problem: `not valid JSON (${(err as Error).message})` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { problem: 'expected an object {"text", "intent"}' };
  const parsed = lineSchema.safeParse(value);
  if (!parsed.success) return { problem: parsed.error.issues.map((issue) => `${issue.path.join(".") || "line"}: ${issue.message}`).join("; ") };
  return { utterance: { text: parsed.data.text, intent: parsed.data.intent } };
}

/**
 * Reads a JSONL file of {"text", "intent"} lines. A line that is not valid JSON, not an object, or
 * lacks a non-empty text or intent is skipped and reported in `invalid` (line number and field), as
 * `catalog import` does with bad rows: one typo in a public data set must not block its evaluation.
 * The file is refused only when no valid example is left; `strict` refuses it at the first invalid
 * line instead. Errors name the file, the line and the field.
 */
export function readUtteranceFile(file: string, option: string, options: { strict?: boolean } = {}): UtteranceFile {
  if (!existsSync(file)) throw new ValidationError(`${option}: file not found: ${file}`);
  if (!statSync(file).isFile()) throw new ValidationError(`${option}: not a file: ${file}`);
  const lines = readFileSync(file, "utf8").split(/\r?\n/);
  const utterances: LabelledUtterance[] = [];
  const invalid: InvalidLine[] = [];
  const reject = (line: number, message: string) => {
    if (options.strict) throw new ValidationError(`${file} line ${line}: ${message}`);
    invalid.push({ line, message });
  };
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const read = parseUtteranceLine(line);
    if ("problem" in read) reject(i + 1, read.problem);
    else utterances.push(read.utterance);
  });
  if (utterances.length === 0) {
    throw new ValidationError(invalid.length ? `${option}: ${file} has no valid examples: ${describeInvalid(file, invalid)}` : `${option}: ${file} has no examples`);
  }
  return { utterances, invalid };
}

/** Reads a JSONL file of {"text", "intent"} lines, refusing it at the first invalid line. */
export function readUtterances(file: string, option: string): LabelledUtterance[] {
  return readUtteranceFile(file, option, { strict: true }).utterances;
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

async function trainAndEvaluate(train: LabelledUtterance[], test: LabelledUtterance[], seed: number, label: string, denseFeatures?: DenseFeatures, minConfidence?: number) {
  const started = performance.now();
  const trainBar = createProgress(`training${label}`);
  const classifier = await trainIntentClassifier(train, { seed, denseFeatures, minConfidence, onProgress: progressReporter(trainBar) });
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
  let values: { train?: string; test?: string; json?: boolean; seed?: string; "min-confidence"?: string; strict?: boolean; embeddings?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        train: { type: "string" },
        test: { type: "string" },
        json: { type: "boolean" },
        seed: { type: "string" },
        "min-confidence": { type: "string" },
        strict: { type: "boolean" },
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
    const minConfidence = values["min-confidence"] === undefined ? undefined : Number(values["min-confidence"]);
    if (minConfidence !== undefined && !(values["min-confidence"]!.trim() !== "" && minConfidence >= 0 && minConfidence <= 1)) {
      throw new ValidationError(`--min-confidence: expected a probability between 0 and 1, got "${values["min-confidence"]}"`);
    }
    const files = (["train", "test"] as const).map((name) => {
      const read = readUtteranceFile(values[name]!, `--${name}`, { strict: values.strict });
      if (read.invalid.length) process.stderr.write(`warning: --${name}: skipped ${describeInvalid(values[name]!, read.invalid)}; --strict refuses such a file\n`);
      return read.utterances;
    });
    const [train, test] = files;
    if (!train.some((e) => e.intent !== OUT_OF_SCOPE)) throw new ValidationError(`--train: ${values.train} has no in-scope examples (every intent is "${OUT_OF_SCOPE}")`);
    const runs: { name: string; run: Run }[] = [{ name: "built-in", run: await trainAndEvaluate(train, test, seed, "", undefined, minConfidence) }];
    if (values.embeddings) {
      const dense = await loadDenseFeatures();
      try {
        runs.push({ name: "+ embeddings", run: await trainAndEvaluate(train, test, seed, " (+ embeddings)", dense.features, minConfidence) });
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
