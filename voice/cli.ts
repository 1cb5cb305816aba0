import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { loadConfig, voiceSettingsFromEnv } from "../core/config.ts";
import { ValidationError } from "../core/errors.ts";
import { resolveOptionsFrom } from "../core/models.ts";
import { createProgress } from "../core/progress.ts";
import { parseInput } from "../core/validation.ts";
import { detectLocale } from "../intents/language.ts";
import { loadShippedIntents } from "../intents/shipped.ts";
import { type IntentClassifier, OUT_OF_SCOPE } from "../intents/types.ts";
import { DEMO_CATALOG_PATH } from "../recommend/demo/index.ts";
import { concatPcm, durationMs, readAudioFile, silence, toPipelineRate, writeWavFile } from "./audio.ts";
import { readLabelledFile, skippedWarning } from "./eval/labelled.ts";
import { loadManifest, percentile } from "./eval/manifest.ts";
import { corpusWer } from "./eval/wer.ts";
import { type CatalogueText, chooseByIntent, type DomainSources, readCatalogueText, SpeechRecognizer } from "./stt/index.ts";
import { LocaleTextToSpeech, synthesizeStream } from "./tts/index.ts";
import type { Pcm, TranscriptAlternative } from "./types.ts";
import { findUtterances, loadVad } from "./vad/index.ts";

type Flags = Record<string, string | boolean>;

/** `--name value`, `--name=value`, `-o value` and bare `--flag`; the rest are positionals. */
function parseArgs(args: string[], booleans: string[], aliases: Record<string, string> = {}): { flags: Flags; positionals: string[] } {
  const flags: Flags = {};
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    const m = /^(--?)([A-Za-z][\w-]*)(?:=(.*))?$/.exec(a);
    if (!m) {
      positionals.push(a);
      continue;
    }
    const name = aliases[m[2]] ?? m[2];
    if (booleans.includes(name)) flags[name] = true;
    else if (m[3] !== undefined) flags[name] = m[3];
    else {
      const v = args[i + 1];
      if (v === undefined) throw new ValidationError(`--${name}: needs a value`);
      flags[name] = v;
      i++;
    }
  }
  return { flags, positionals };
}

const locale = z.enum(["en", "zh"]);
/** Alternatives `voice eval` asks the built-in recogniser for when there are intents to score. */
export const DEFAULT_EVAL_NBEST = 10;
const usage = {
  tts: 'usage: concierge tts "text" -o out.wav [--locale en|zh] [--voice name] [--rate 0.5-2]',
  stt: "usage: concierge stt file.wav|.flac|.ogg|.mp3 [--locale en|zh] [--json]",
  eval: "usage: concierge voice eval --manifest m.jsonl [--train train.jsonl] [--catalog products.jsonl] [--nbest N] [--strict] [--json]",
};

function rejectUnknown(flags: Flags, known: string[], help: string): void {
  const unknown = Object.keys(flags).filter((k) => !known.includes(k));
  if (unknown.length) throw new ValidationError(`unknown option ${unknown.map((u) => `--${u}`).join(", ")}\n${help}`);
}

/** `concierge tts "text" -o out.wav`: one-shot synthesis to a 16 kHz WAV (sentences joined with short pauses). */
export async function tts(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(args, ["help"], { o: "output", l: "locale", v: "voice", r: "rate", h: "help" });
  if (flags.help) {
    process.stdout.write(`${usage.tts}\n`);
    return 0;
  }
  rejectUnknown(flags, ["output", "locale", "voice", "rate"], usage.tts);
  const opts = parseInput(
    z.object({
      text: z.string().trim().min(1, "give the text to say").max(20_000, "is longer than 20000 characters"),
      output: z.string().min(1, "-o out.wav is required"),
      locale: locale.optional(),
      voice: z.string().optional(),
      rate: z.coerce.number().min(0.5).max(2).optional(),
    }),
    { text: positionals.join(" "), output: flags.output ?? "", locale: flags.locale, voice: flags.voice, rate: flags.rate },
    "tts arguments",
  );
  const settings = voiceSettingsFromEnv();
  const engine = new LocaleTextToSpeech(settings.tts);
  const loc = opts.locale ?? detectLocale(opts.text);
  const parts: Pcm[] = [];
  for await (const pcm of synthesizeStream(opts.text, { tts: engine, locale: loc, voice: opts.voice, rate: opts.rate })) {
    if (parts.length) parts.push(silence(150));
    parts.push(pcm);
  }
  const audio = parts.length ? concatPcm(parts) : silence(0);
  await writeWavFile(opts.output, audio);
  const v = engine.voiceFor(loc);
  process.stderr.write(`wrote ${opts.output}: ${(durationMs(audio) / 1000).toFixed(2)} s at 16 kHz (${v.engine} ${opts.voice ?? v.voice})\n`);
  return 0;
}

function catalogueFile(explicit: string | undefined, configured: string | undefined): string | undefined {
  if (explicit) return explicit;
  if (configured && configured !== "none" && existsSync(configured)) return configured;
  return DEMO_CATALOG_PATH;
}

async function recognizer(sources: DomainSources, quiet = false, nbest = 0): Promise<SpeechRecognizer> {
  const config = loadConfig();
  const settings = config.voice;
  const cacheDir = path.join(config.dataDir, "voice");
  await mkdir(cacheDir, { recursive: true });
  const stt = await SpeechRecognizer.load({ settings: settings.stt, sources, cacheDir, resolve: resolveOptionsFrom(config), nbest });
  if (!quiet) process.stderr.write(`speech-to-text: ${stt.name} (${stt.tier}; domain model ${stt.domain.words} words)\n`);
  return stt;
}

async function shippedSources(catalog?: string): Promise<DomainSources> {
  const config = loadConfig();
  const file = catalogueFile(catalog, config.catalogPath);
  const products: CatalogueText[] = file ? await readCatalogueText(file) : [];
  return { utterances: loadShippedIntents(["en"]).map((u) => u.text), products };
}

/** Long recordings are cut at pauses first, so no single decode grows with the file. */
async function transcribeLong(stt: SpeechRecognizer, pcm: Pcm, loc: "en" | "zh"): Promise<string> {
  return (await transcribeWithAlternatives(stt, pcm, loc)).text;
}

/** As transcribeLong, with the recogniser's N-best list when it gave one (recordings up to 20 s). */
async function transcribeWithAlternatives(stt: SpeechRecognizer, pcm: Pcm, loc: "en" | "zh"): Promise<{ text: string; alternatives?: TranscriptAlternative[] }> {
  if (durationMs(pcm) <= 20_000) {
    const t = await stt.transcribe(pcm, { locale: loc });
    return { text: t.text, alternatives: t.alternatives };
  }
  const vad = await loadVad({ resolve: resolveOptionsFrom(loadConfig()) });
  try {
    const parts = await findUtterances(pcm, vad.create(), { endOfTurnSilenceMs: 500, maxUtteranceMs: 15_000 });
    const texts: string[] = [];
    for (const u of parts) texts.push((await stt.transcribe(u.pcm, { locale: loc })).text);
    return { text: texts.filter(Boolean).join(" ") };
  } finally {
    await vad.release();
  }
}

/** `concierge stt file.wav`: transcribes a WAV (any rate, mono or stereo), or FLAC, Ogg or MP3 through sox. */
export async function stt(args: string[]): Promise<number> {
  const { flags, positionals } = parseArgs(args, ["json", "help"], { l: "locale", h: "help" });
  if (flags.help) {
    process.stdout.write(`${usage.stt}\n`);
    return 0;
  }
  rejectUnknown(flags, ["locale", "json", "catalog"], usage.stt);
  const opts = parseInput(
    z.object({ file: z.string().min(1, "give an audio file (WAV, FLAC, Ogg or MP3)"), locale: locale.default("en"), catalog: z.string().optional() }),
    { file: positionals[0] ?? "", locale: flags.locale, catalog: flags.catalog },
    "stt arguments",
  );
  if (positionals.length > 1) throw new ValidationError(`stt takes one file, got ${positionals.length}\n${usage.stt}`);
  const pcm = toPipelineRate(await readAudioFile(opts.file));
  const engine = await recognizer(await shippedSources(opts.catalog), Boolean(flags.json));
  try {
    const started = performance.now();
    const text = await transcribeLong(engine, pcm, opts.locale);
    const ms = performance.now() - started;
    if (flags.json) process.stdout.write(`${JSON.stringify({ text, engine: engine.name, seconds: durationMs(pcm) / 1000, ms: Math.round(ms) })}\n`);
    else process.stdout.write(`${text}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}

export interface VoiceEvalResult {
  n: number;
  wer: number;
  /** Intent accuracy from speech: the N-best list read with the classifier when --nbest > 1, else the recogniser's best transcript. */
  intentAccuracy: number | null;
  /** From the recogniser's single best transcript. */
  intentAccuracyOneBest: number | null;
  /** From the manifest's reference text: the classifier's own ceiling on these sentences. */
  intentAccuracyText: number | null;
  sttRealTimeFactor: number;
  latencyMs: { stt: { p50: number; p95: number }; nlu: { p50: number; p95: number }; ttsFirstAudio: { p50: number; p95: number } };
  /** Manifest lines and --train lines that were skipped as invalid. */
  skipped: { manifest: number; train: number };
  seconds: number;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;
const stats = (xs: number[]) => ({ p50: round(percentile(xs, 0.5), 1), p95: round(percentile(xs, 0.95), 1) });

/**
 * `concierge voice eval --manifest m.jsonl [--train train.jsonl]`: word error rate, intent
 * accuracy from speech (and from the reference text, beside it) and per-stage latency. With
 * --train, the intent classifier is trained on that file exactly as `concierge nlu test --train`
 * does (any intent names, "oos" for out of scope) and the recogniser's domain model is built from
 * its texts; otherwise the shipped intents and the catalogue serve both. Invalid lines in either
 * file are skipped with one warning each that counts and names the first few; a file with no valid
 * line is refused, and --strict refuses any invalid line. With intents to score, the recogniser's
 * N-best list (--nbest, default 10; 1 turns it off) is read with the classifier's confidence.
 */
export async function voiceEval(args: string[]): Promise<number> {
  const started = performance.now();
  const { flags } = parseArgs(args, ["json", "help", "strict"], { h: "help" });
  if (flags.help) {
    process.stdout.write(`${usage.eval}\n`);
    return 0;
  }
  rejectUnknown(flags, ["manifest", "train", "catalog", "json", "locale", "strict", "nbest"], usage.eval);
  const opts = parseInput(
    z.object({
      manifest: z.string().min(1, "--manifest m.jsonl is required"),
      train: z.string().optional(),
      catalog: z.string().optional(),
      locale: locale.optional(),
      nbest: z.coerce.number().int().min(1).max(50).default(DEFAULT_EVAL_NBEST),
    }),
    { manifest: flags.manifest ?? "", train: flags.train, catalog: flags.catalog, locale: flags.locale, nbest: flags.nbest },
    "voice eval arguments",
  );
  const strict = Boolean(flags.strict);
  const manifest = await loadManifest(opts.manifest, { maxItems: 100_000, strict });
  if (manifest.skipped.length) process.stderr.write(`warning: ${skippedWarning(opts.manifest, manifest.skipped, manifest.total)}\n`);
  const items = manifest.items;
  let trainSkipped = 0;

  const progress = createProgress("voice eval", items.length + 2);
  // Loaded here, so `concierge stt` and `tts` do not pay for the classifier's modules.
  const { trainIntentClassifier } = await import("../intents/classifier/index.ts");
  let classifier: IntentClassifier | undefined;
  let sources: DomainSources;
  if (opts.train) {
    const train = readLabelledFile(opts.train, "--train", { strict });
    trainSkipped = train.skipped.length;
    if (train.skipped.length) process.stderr.write(`warning: ${skippedWarning(opts.train, train.skipped, train.items.length + train.skipped.length)}\n`);
    if (!train.items.some((e) => e.intent !== OUT_OF_SCOPE)) throw new ValidationError(`--train: ${opts.train} has no in-scope examples (every intent is "${OUT_OF_SCOPE}")`);
    const known = new Set(train.items.map((e) => e.intent));
    const unknown = [...new Set(items.filter((i) => i.intent && !known.has(i.intent)).map((i) => i.intent!))];
    if (unknown.length) process.stderr.write(`warning: ${unknown.length} intent${unknown.length === 1 ? "" : "s"} of the manifest never occur${unknown.length === 1 ? "s" : ""} in --train (${unknown.slice(0, 3).join(", ")}${unknown.length > 3 ? ", …" : ""}): those lines can only count as wrong\n`);
    classifier = await trainIntentClassifier(train.items);
    const products = opts.catalog ? await readCatalogueText(opts.catalog) : [];
    sources = { utterances: train.items.map((e) => e.text), products };
  } else {
    sources = await shippedSources(opts.catalog);
    const needsIntents = items.some((i) => i.intent);
    if (needsIntents) classifier = await trainIntentClassifier(loadShippedIntents());
  }
  progress.tick();
  const nbest = classifier && items.some((i) => i.intent) ? opts.nbest : 1;
  const engine = await recognizer(sources, true, nbest);
  const speaker = new LocaleTextToSpeech(voiceSettingsFromEnv().tts);
  progress.tick();

  const pairs: { reference: string; hypothesis: string }[] = [];
  const sttMs: number[] = [];
  const nluMs: number[] = [];
  const ttsMs: number[] = [];
  let audioMs = 0;
  let sttTotal = 0;
  let labelled = 0;
  let correct = 0;
  let correctOneBest = 0;
  let correctText = 0;
  const failures: string[] = [];
  try {
    for (const item of items) {
      const loc = opts.locale ?? detectLocale(item.text);
      let hypothesis = "";
      let alternatives: TranscriptAlternative[] | undefined;
      try {
        const pcm = toPipelineRate(await readAudioFile(item.wav));
        const t0 = performance.now();
        ({ text: hypothesis, alternatives } = await transcribeWithAlternatives(engine, pcm, loc));
        const ms = performance.now() - t0;
        sttMs.push(ms);
        sttTotal += ms;
        audioMs += durationMs(pcm);
      } catch (err) {
        failures.push(`line ${item.line}: ${(err as Error).message}`);
      }
      pairs.push({ reference: item.text, hypothesis });
      if (item.intent && classifier) {
        labelled++;
        const t1 = performance.now();
        const oneBest = classifier.predict(hypothesis).intent;
        const chosen = nbest > 1 && alternatives && alternatives.length > 1 ? chooseByIntent(alternatives, classifier).intent : oneBest;
        nluMs.push(performance.now() - t1);
        if (chosen === item.intent) correct++;
        if (oneBest === item.intent) correctOneBest++;
        if (classifier.predict(item.text).intent === item.intent) correctText++;
      }
      // The reply side of a voice turn: time until the first synthesised sentence of a reply this long.
      const t2 = performance.now();
      const first = synthesizeStream(item.text.trim() || "OK.", { tts: speaker, locale: loc })[Symbol.asyncIterator]();
      try {
        await first.next();
        ttsMs.push(performance.now() - t2);
      } catch (err) {
        failures.push(`line ${item.line} (speech synthesis): ${(err as Error).message}`);
      } finally {
        await first.return?.(undefined);
      }
      progress.tick();
    }
  } finally {
    progress.stop();
    await engine.close();
  }
  const result: VoiceEvalResult = {
    n: items.length,
    wer: round(corpusWer(pairs)),
    intentAccuracy: labelled ? round(correct / labelled) : null,
    intentAccuracyOneBest: labelled ? round(correctOneBest / labelled) : null,
    intentAccuracyText: labelled ? round(correctText / labelled) : null,
    sttRealTimeFactor: audioMs ? round(sttTotal / audioMs) : 0,
    latencyMs: { stt: stats(sttMs), nlu: stats(nluMs), ttsFirstAudio: stats(ttsMs) },
    skipped: { manifest: manifest.skipped.length, train: trainSkipped },
    seconds: round((performance.now() - started) / 1000, 2),
  };
  for (const f of failures.slice(0, 10)) process.stderr.write(`warning: ${f}\n`);
  if (failures.length > 10) process.stderr.write(`warning: ${failures.length - 10} more failures\n`);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const lines = [
    `voice eval: ${result.n} utterances, ${(audioMs / 1000).toFixed(1)} s of audio, recogniser ${engine.name} (${engine.tier})`,
    `  word error rate       ${(result.wer * 100).toFixed(1)}%`,
    `  intent accuracy       ${result.intentAccuracy === null ? "n/a (no intents in the manifest)" : `${(result.intentAccuracy * 100).toFixed(1)}% of ${labelled} from speech${nbest > 1 ? ` (${nbest}-best read with the classifier; best transcript alone ${((result.intentAccuracyOneBest ?? 0) * 100).toFixed(1)}%)` : ""}, ${((result.intentAccuracyText ?? 0) * 100).toFixed(1)}% from the reference text`}`,
    `  STT real-time factor  ${result.sttRealTimeFactor.toFixed(3)}`,
    `  latency (ms)          stt p50 ${result.latencyMs.stt.p50} p95 ${result.latencyMs.stt.p95} | nlu p50 ${result.latencyMs.nlu.p50} p95 ${result.latencyMs.nlu.p95} | tts first audio p50 ${result.latencyMs.ttsFirstAudio.p50} p95 ${result.latencyMs.ttsFirstAudio.p95}`,
    `  took                  ${result.seconds} s`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
