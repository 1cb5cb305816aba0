import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ValidationError } from "../../core/errors.ts";
import { toPipelineRate } from "../audio.ts";
import { trimSilence } from "../audio/pcm.ts";
import { parseWav } from "../audio/wav.ts";
import { abortedError, SpeechEngineError } from "../errors.ts";
import type { Pcm, TextToSpeech } from "../types.ts";

/** Longest text one synthesis call takes; replies are split into sentences well below it. */
export const MAX_TTS_CHARS = 2000;
const VOICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+/-]{0,100}$/;

export interface EngineOptions {
  /** Longest a synthesis may take. Default 15 s. */
  timeoutMs?: number;
  /** The program, when not on PATH under its usual name. */
  program?: string;
}

interface RunResult {
  stdout: Buffer;
}

/** Runs a program with a timeout and an abort signal, killing it on either; stdout is bounded. */
function run(program: string, args: string[], opts: { timeoutMs: number; signal?: AbortSignal; stdin?: string; maxBytes?: number; what: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(abortedError(opts.signal));
    const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = "";
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (err) {
        if (child.exitCode === null) child.kill("SIGKILL");
        reject(err);
      } else resolve({ stdout: Buffer.concat(chunks) });
    };
    const onAbort = () => finish(abortedError(opts.signal));
    const timer = setTimeout(() => finish(new SpeechEngineError(`${opts.what} took longer than ${opts.timeoutMs} ms`, { code: "tts_timeout", status: 504 })), opts.timeoutMs);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (c: Buffer) => {
      size += c.length;
      if (size > (opts.maxBytes ?? 64 * 1024 * 1024)) return finish(new SpeechEngineError(`${opts.what} produced more audio than allowed`));
      chunks.push(c);
    });
    child.stderr.on("data", (c: Buffer) => {
      if (stderr.length < 2000) stderr += c.toString();
    });
    child.on("error", (err) => finish(new SpeechEngineError(`${opts.what}: cannot run ${program} (${err.message}); install it (apt-get install ${program === "flite" ? "flite" : "espeak-ng"})`, { cause: err })));
    child.on("close", (code) => {
      if (code === 0) finish();
      else finish(new SpeechEngineError(`${opts.what}: ${program} exited with ${code}${stderr.trim() ? `: ${stderr.trim().slice(0, 300)}` : ""}`));
    });
    child.stdin.on("error", () => {});
    child.stdin.end(opts.stdin ?? "");
  });
}

function checkText(text: string): string {
  // Control characters would reach the synthesiser as noise or commands; collapse them to spaces.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  if (!clean) throw new ValidationError("text: nothing to say");
  if (clean.length > MAX_TTS_CHARS) throw new ValidationError(`text: ${clean.length} characters is more than the ${MAX_TTS_CHARS} one synthesis takes; split it into sentences`);
  return clean;
}

function checkVoice(voice: string): string {
  if (!VOICE_NAME.test(voice)) throw new ValidationError(`voice: "${voice}" is not a voice name (letters, digits, . _ + - /)`);
  return voice;
}

function checkRate(rate: number | undefined): number {
  const r = rate ?? 1;
  if (!Number.isFinite(r) || r < 0.5 || r > 2) throw new ValidationError(`rate: must be between 0.5 and 2 (1 is normal speed), got ${rate}`);
  return r;
}

/** The speech ready for the pipeline: 16 kHz, without the synthesiser's long leading and trailing silence. */
function finishPcm(pcm: Pcm): Pcm {
  return trimSilence(toPipelineRate(pcm), { keepMs: 60, thresholdDbfs: -55 });
}

/** flite (CMU): English voices; slt sounds closest to a person. One process per sentence (it starts in ~10 ms). */
export class FliteTts implements TextToSpeech {
  readonly name = "flite";
  constructor(
    private readonly defaults: { voice?: string; rate?: number } = {},
    private readonly options: EngineOptions = {},
  ) {}

  async synthesize(text: string, options: { locale: "en" | "zh"; voice?: string; rate?: number; signal?: AbortSignal }): Promise<Pcm> {
    const clean = checkText(text);
    const voice = checkVoice(options.voice ?? this.defaults.voice ?? "slt");
    const rate = checkRate(options.rate ?? this.defaults.rate);
    // flite writes a WAV with a seek-back header, so it needs a real file.
    const dir = await mkdtemp(path.join(tmpdir(), "concierge-tts-"));
    try {
      const out = path.join(dir, "out.wav");
      const args = ["-voice", voice, "--setf", `duration_stretch=${(1 / rate).toFixed(3)}`, "-t", clean, "-o", out];
      await run(this.options.program ?? "flite", args, { timeoutMs: this.options.timeoutMs ?? 15_000, signal: options.signal, what: "flite" });
      return finishPcm(parseWav(await readFile(out), {}, "flite output"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** espeak-ng: Mandarin (cmn) and many other languages; robotic, but everywhere and very fast. */
export class EspeakTts implements TextToSpeech {
  readonly name = "espeak-ng";
  constructor(
    private readonly defaults: { voice?: string; rate?: number } = {},
    private readonly options: EngineOptions = {},
  ) {}

  async synthesize(text: string, options: { locale: "en" | "zh"; voice?: string; rate?: number; signal?: AbortSignal }): Promise<Pcm> {
    const clean = checkText(text);
    const voice = checkVoice(options.voice ?? this.defaults.voice ?? (options.locale === "zh" ? "cmn" : "en-us"));
    const rate = checkRate(options.rate ?? this.defaults.rate);
    // Text on stdin, so a reply starting with "-" can never be read as an option.
    const { stdout } = await run(this.options.program ?? "espeak-ng", ["-v", voice, "-s", String(Math.round(175 * rate)), "--stdout"], {
      timeoutMs: this.options.timeoutMs ?? 15_000,
      signal: options.signal,
      stdin: clean,
      what: "espeak-ng",
    });
    return finishPcm(parseWav(new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.byteLength), {}, "espeak-ng output"));
  }
}

