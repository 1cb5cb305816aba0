import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { toPipelineRate } from "../audio.ts";
import { concatPcm, int16ToBytes, silence } from "../audio/pcm.ts";
import { abortedError, SpeechEngineError } from "../errors.ts";
import type { Pcm, SpeechToText, Transcript } from "../types.ts";
import { DEFAULT_HMM } from "./model-files.ts";
import { RecognitionQueue } from "./queue.ts";

/** Decoder settings (pocketsphinx's own flags). The defaults are what bench/voice-tune.ts measured best here. */
export interface DecoderSettings {
  /** Language model weight. */
  lw: number;
  beam: number;
  wbeam: number;
  pbeam: number;
  /** Word insertion penalty. */
  wip: number;
  /** Second (flat-lexicon) pass. */
  fwdflat: boolean;
  /** Third pass: best path through the word lattice. */
  bestpath: boolean;
  maxhmmpf: number;
  /** Cepstral mean normalisation: "batch" uses the whole utterance (we always have it), "live" adapts as it goes. */
  cmn: "batch" | "live";
  /** Compute the acoustic model every Nth frame (2 halves the work at some accuracy cost). */
  ds: number;
  topn: number;
}

export const DEFAULT_DECODER: DecoderSettings = {
  lw: 6.5,
  beam: 1e-48,
  wbeam: 7e-29,
  pbeam: 1e-48,
  wip: 0.65,
  fwdflat: true,
  bestpath: true,
  maxhmmpf: 30000,
  cmn: "live",
  ds: 1,
  topn: 4,
};

export interface PocketsphinxOptions {
  lmPath: string;
  dictPath: string;
  /** Acoustic model folder. Default: Debian's en-us model. */
  hmm?: string;
  decoder?: Partial<DecoderSettings>;
  /** Longest a decode may take before the process is killed (and restarted for the next request). Default 20 s. */
  timeoutMs?: number;
  /** "persistent" keeps one decoder process loaded; "per-utterance" starts one for each request. */
  mode?: "persistent" | "per-utterance";
  /** The program. Default pocketsphinx_batch (Debian's pocketsphinx package). */
  program?: string;
}

/** The flags for one decoder process. */
export function decoderArgs(options: PocketsphinxOptions, workDir: string): string[] {
  const d = { ...DEFAULT_DECODER, ...options.decoder };
  const yn = (b: boolean) => (b ? "yes" : "no");
  return [
    ["-hmm", options.hmm ?? DEFAULT_HMM],
    ["-lm", options.lmPath],
    ["-dict", options.dictPath],
    ["-adcin", "yes"],
    ["-cepdir", workDir],
    ["-cepext", ".raw"],
    ["-lw", String(d.lw)],
    ["-beam", String(d.beam)],
    ["-wbeam", String(d.wbeam)],
    ["-pbeam", String(d.pbeam)],
    ["-wip", String(d.wip)],
    ["-fwdflat", yn(d.fwdflat)],
    ["-bestpath", yn(d.bestpath)],
    ["-maxhmmpf", String(d.maxhmmpf)],
    ["-cmn", d.cmn],
    ["-ds", String(d.ds)],
    ["-topn", String(d.topn)],
  ].flat();
}

interface Pending {
  id: string;
  resolve: (text: string) => void;
  reject: (err: Error) => void;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

const PAD_MS = 200;

const HYP_LINE = /^(.*?)\s*\((u\d+)\s+(-?\d+)\)\s*$/;

/**
 * One pocketsphinx_batch process reading utterance names (raw 16 kHz PCM16 files in its work
 * folder) from its control file and writing one hypothesis line per utterance — so the models
 * load once, not per request. The program opens its control and hypothesis files by name, and
 * Node's stdio are sockets, which cannot be opened that way; so it runs between two `cat`s,
 * which give it real pipes. Requests go through one at a time; a request that overruns its
 * timeout or is aborted kills the process group, and the next request starts a fresh one.
 */
class BatchProcess {
  private child?: ChildProcessWithoutNullStreams;
  private current?: Pending;
  private stderrTail: string[] = [];

  constructor(
    private readonly program: string,
    private readonly args: string[],
  ) {}

  private start(): ChildProcessWithoutNullStreams {
    const script = 'cat | "$0" "$@" -ctl /dev/stdin -hyp /dev/stdout | cat';
    // Its own process group, so a kill reaches the decoder and both cats.
    const child = spawn("sh", ["-c", script, this.program, ...this.args], { stdio: ["pipe", "pipe", "pipe"], detached: true });
    this.stderrTail = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      const m = HYP_LINE.exec(line);
      if (!m || !this.current || m[2] !== this.current.id) return;
      const done = this.current;
      this.current = undefined;
      done.resolve(m[1]);
    });
    createInterface({ input: child.stderr }).on("line", (line) => {
      if (/ERROR|FATAL|not found/.test(line)) {
        this.stderrTail.push(line);
        if (this.stderrTail.length > 10) this.stderrTail.shift();
      }
    });
    const fail = (why: string) => {
      if (this.child === child) this.child = undefined;
      const pending = this.current;
      this.current = undefined;
      pending?.reject(new SpeechEngineError(`pocketsphinx ${why}${this.stderrTail.length ? `: ${this.stderrTail.join(" | ")}` : ""}`));
    };
    child.on("error", (err) => fail(`could not start (${err.message})`));
    child.on("exit", (code, sig) => fail(`exited (${sig ?? `code ${code}`})`));
    child.stdin.on("error", () => {});
    return child;
  }

  /** Sends one utterance (already written to <workDir>/<id>.raw) and waits for its hypothesis. */
  decode(id: string): Promise<string> {
    if (this.current) return Promise.reject(new Error("BatchProcess.decode is not re-entrant"));
    if (!this.child || this.child.exitCode !== null) this.child = this.start();
    const child = this.child;
    return new Promise((resolve, reject) => {
      this.current = { id, resolve, reject };
      child.stdin.write(`${id}\n`);
    });
  }

  kill(): void {
    const child = this.child;
    this.child = undefined;
    const pending = this.current;
    this.current = undefined;
    pending?.reject(new SpeechEngineError("pocketsphinx was stopped"));
    if (child?.pid && child.exitCode === null) killGroup(child.pid);
  }

  /** Lets the process finish what it has and exit. */
  close(): void {
    const child = this.child;
    this.child = undefined;
    if (child?.pid && child.exitCode === null) {
      // End of the control file: the decoder finishes and exits.
      child.stdin.end();
      const pid = child.pid;
      setTimeout(() => child.exitCode === null && killGroup(pid), 2000).unref();
    }
  }
}

/**
 * The built-in speech recogniser: CMU pocketsphinx with the shop's domain language model,
 * English only (Debian ships no Mandarin acoustic model — asking for "zh" is an error that says so).
 */
export class PocketsphinxSpeechToText implements SpeechToText {
  readonly name = "pocketsphinx";
  readonly tier = "built-in" as const;
  private readonly queue = new RecognitionQueue();
  private process?: BatchProcess;
  private workDir?: Promise<string>;
  private seq = 0;
  private closed = false;

  constructor(private options: PocketsphinxOptions) {}

  /** The language model and dictionary in use. */
  get model(): { lmPath: string; dictPath: string } {
    return { lmPath: this.options.lmPath, dictPath: this.options.dictPath };
  }

  /**
   * Switches to a new language model (the catalogue changed): requests already running finish on
   * the old decoder, the next one starts a decoder with the new model.
   */
  setLanguageModel(model: { lmPath: string; dictPath: string }): void {
    this.options = { ...this.options, lmPath: model.lmPath, dictPath: model.dictPath };
    const old = this.process;
    this.process = undefined;
    old?.close();
  }

  private dir(): Promise<string> {
    this.workDir ??= mkdtemp(path.join(tmpdir(), "concierge-stt-"));
    return this.workDir;
  }

  async transcribe(audio: Pcm, options: { locale: "en" | "zh"; signal?: AbortSignal }): Promise<Transcript> {
    if (options.locale !== "en") {
      throw new SpeechEngineError(
        `the built-in recogniser (pocketsphinx) understands English only: Debian ships no ${options.locale === "zh" ? "Mandarin" : options.locale} acoustic model. Configure the whisper model (CONCIERGE_STT_MODEL) for ${options.locale}.`,
        { code: "stt_language_unsupported", status: 422 },
      );
    }
    if (this.closed) throw new SpeechEngineError("the speech recogniser is closed");
    const signal = options.signal;
    if (signal?.aborted) throw abortedError(signal);
    // A little silence at both ends: a word that starts on the first sample ("thank you") is
    // otherwise misheard, before the decoder's noise and mean estimates have settled.
    const pcm = concatPcm([silence(PAD_MS), toPipelineRate(audio), silence(PAD_MS)]);
    // One request at a time per process: queue behind the previous one.
    return this.queue.run(() => this.run(pcm, signal));
  }

  private async run(pcm: Pcm, signal?: AbortSignal): Promise<Transcript> {
    if (signal?.aborted) throw abortedError(signal);
    const started = performance.now();
    const dir = await this.dir();
    const id = `u${++this.seq}`;
    const file = path.join(dir, `${id}.raw`);
    await writeFile(file, int16ToBytes(pcm.samples));
    const perUtterance = this.options.mode === "per-utterance";
    const proc = perUtterance ? new BatchProcess(this.options.program ?? "pocketsphinx_batch", decoderArgs(this.options, dir)) : this.persistent(dir);
    const timeoutMs = this.options.timeoutMs ?? 20_000;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => proc.kill();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const text = await Promise.race([
        proc.decode(id),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            // Reject before killing: the kill also fails the decode, and the timeout is the reason to report.
            reject(new SpeechEngineError(`pocketsphinx took longer than ${timeoutMs} ms for ${(pcm.samples.length / 16000).toFixed(1)} s of audio`, { code: "stt_timeout", status: 504 }));
            proc.kill();
          }, timeoutMs);
        }),
      ]);
      return { text: cleanHypothesis(text), ms: performance.now() - started };
    } catch (err) {
      if (signal?.aborted) throw abortedError(signal);
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (perUtterance) proc.close();
      await rm(file, { force: true });
    }
  }

  private persistent(dir: string): BatchProcess {
    this.process ??= new BatchProcess(this.options.program ?? "pocketsphinx_batch", decoderArgs(this.options, dir));
    return this.process;
  }

  /** Starts the decoder ahead of the first request (it loads its models in ~0.3 s). */
  async warmUp(): Promise<void> {
    await this.transcribe({ samples: new Int16Array(1600), sampleRate: 16000 }, { locale: "en" });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue.idle();
    this.process?.close();
    this.process = undefined;
    if (this.workDir) await rm(await this.workDir, { recursive: true, force: true });
  }
}

/** Hypotheses carry no fillers, but be sure: drop <sil>, [NOISE], ++GARBAGE++ and collapse spaces. */
export function cleanHypothesis(text: string): string {
  return text
    .split(/\s+/)
    .filter((w) => w && !/^(<.*>|\[.*\]|\+\+.*\+\+)$/.test(w))
    .map((w) => w.replace(/\(\d+\)$/, ""))
    .join(" ");
}
