import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { toPipelineRate } from "../audio.ts";
import { type LevelOptions, normalizeLevel } from "../audio/level.ts";
import { concatPcm, int16ToBytes, silence } from "../audio/pcm.ts";
import { abortedError, SpeechEngineError } from "../errors.ts";
import type { Pcm, SpeechToText, Transcript, TranscriptAlternative } from "../types.ts";
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
  /** Language model weight of the second (flat-lexicon) pass. */
  fwdflatlw: number;
  /** Language model weight of the third (lattice best-path) pass. */
  bestpathlw: number;
  /** Spectral-subtraction noise removal in the mel energies. */
  removeNoise: boolean;
  /** The decoder's own energy-based silence removal. */
  removeSilence: boolean;
  /** Half a bit of noise added to the input (keeps digital silence from giving log(0) energies). */
  dither: boolean;
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
  fwdflatlw: 8.5,
  bestpathlw: 9.5,
  removeNoise: true,
  removeSilence: true,
  dither: false,
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
  /**
   * Bring each utterance's level into the normal range before decoding (voice/audio/level.ts).
   * Default on; false, or options for the target and the largest gain.
   */
  normalize?: boolean | LevelOptions;
  /** Also return up to this many alternative transcripts (the decoder's N-best list), best first. Default 0. */
  nbest?: number;
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
    ["-fwdflatlw", String(d.fwdflatlw)],
    ["-bestpathlw", String(d.bestpathlw)],
    ["-remove_noise", yn(d.removeNoise)],
    ["-remove_silence", yn(d.removeSilence)],
    ["-dither", yn(d.dither)],
    ...(options.nbest && options.nbest > 1 ? [["-nbest", String(options.nbest)], ["-nbestdir", workDir], ["-nbestext", NBEST_EXT]] : []),
  ].flat();
}

interface Pending {
  id: string;
  /** With N-best on: a tiny utterance sent after the real one, whose answer means the N-best file of the real one is complete. */
  flushId?: string;
  text?: string;
  resolve: (text: string) => void;
  reject: (err: Error) => void;
}

const NBEST_EXT = ".nbest";
/** The flush utterance's audio: 50 ms of silence. */
const FLUSH_ID = "flush";

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

const PAD_MS = 200;

const HYP_LINE = /^(.*?)\s*\(([\w-]+)\s+(-?\d+)\)\s*$/;

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
      const current = this.current;
      if (!m || !current) return;
      if (m[2] === current.id && current.flushId) {
        // The decoder writes the hypothesis, then the N-best file: wait for the flush utterance.
        current.text = m[1];
        return;
      }
      if (m[2] !== (current.flushId ?? current.id)) return;
      this.current = undefined;
      current.resolve(current.flushId ? (current.text ?? "") : m[1]);
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

  /**
   * Sends one utterance (already written to <workDir>/<id>.raw) and waits for its hypothesis. With
   * `flush`, the flush utterance (<workDir>/flush.raw) follows it, and the answer waits for that.
   */
  decode(id: string, flush = false): Promise<string> {
    if (this.current) return Promise.reject(new Error("BatchProcess.decode is not re-entrant"));
    if (!this.child || this.child.exitCode !== null) this.child = this.start();
    const child = this.child;
    return new Promise((resolve, reject) => {
      this.current = { id, flushId: flush ? FLUSH_ID : undefined, resolve, reject };
      child.stdin.write(flush ? `${id}\n${FLUSH_ID}\n` : `${id}\n`);
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

  /** The folder the decoder reads its utterances from (named on its command line, so its process can be found). */
  workDirectory(): Promise<string> {
    return this.dir();
  }

  /** Turns the N-best list on (n > 1) or off for the next request: the decoder restarts with the new flags. */
  setNbest(n: number): void {
    if ((this.options.nbest ?? 0) === n) return;
    this.options = { ...this.options, nbest: n };
    const old = this.process;
    this.process = undefined;
    old?.close();
  }

  private dir(): Promise<string> {
    this.workDir ??= mkdtemp(path.join(tmpdir(), "concierge-stt-")).then(async (dir) => {
      await writeFile(path.join(dir, `${FLUSH_ID}.raw`), int16ToBytes(silence(50).samples));
      return dir;
    });
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
    let speech = toPipelineRate(audio);
    const normalize = this.options.normalize ?? true;
    if (normalize) speech = normalizeLevel(speech, normalize === true ? {} : normalize).pcm;
    // A little silence at both ends: a word that starts on the first sample ("thank you") is
    // otherwise misheard, before the decoder's noise and mean estimates have settled.
    const pcm = concatPcm([silence(PAD_MS), speech, silence(PAD_MS)]);
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
    const nbest = (this.options.nbest ?? 0) > 1;
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => proc.kill();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const text = await Promise.race([
        proc.decode(id, nbest),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            // Reject before killing: the kill also fails the decode, and the timeout is the reason to report.
            reject(new SpeechEngineError(`pocketsphinx took longer than ${timeoutMs} ms for ${(pcm.samples.length / 16000).toFixed(1)} s of audio`, { code: "stt_timeout", status: 504 }));
            proc.kill();
          }, timeoutMs);
        }),
      ]);
      const transcript: Transcript = { text: cleanHypothesis(text), ms: performance.now() - started };
      if (nbest) transcript.alternatives = await readNbest(path.join(dir, `${id}${NBEST_EXT}`), transcript.text);
      return transcript;
    } catch (err) {
      if (signal?.aborted) throw abortedError(signal);
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (perUtterance) proc.close();
      await rm(file, { force: true });
      if (nbest) await Promise.all([rm(path.join(dir, `${id}${NBEST_EXT}`), { force: true }), rm(path.join(dir, `${FLUSH_ID}${NBEST_EXT}`), { force: true })]);
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

/**
 * The decoder's N-best file ("words score" a line, best first) as distinct cleaned transcripts with
 * their path scores; the 1-best hypothesis leads even when the lattice search ranked it otherwise.
 */
export function parseNbest(content: string, best?: string): TranscriptAlternative[] {
  const seen = new Map<string, number>();
  for (const line of content.split(/\r?\n/)) {
    const m = /^(.*?)\s*(-?\d+)\s*$/.exec(line.trim());
    if (!m) continue;
    const text = cleanHypothesis(m[1]);
    const score = Number(m[2]);
    const prev = seen.get(text);
    if (prev === undefined || score > prev) seen.set(text, score);
  }
  const list = [...seen].map(([text, score]) => ({ text, score })).sort((a, b) => b.score - a.score);
  if (best !== undefined) {
    const at = list.findIndex((a) => a.text === best);
    if (at > 0) list.unshift(...list.splice(at, 1));
    else if (at < 0) list.unshift({ text: best, score: list[0]?.score ?? 0 });
  }
  return list;
}

async function readNbest(file: string, best: string): Promise<TranscriptAlternative[]> {
  try {
    return parseNbest(await readFile(file, "utf8"), best);
  } catch {
    // No lattice (e.g. nothing was heard): the 1-best is all there is.
    return [{ text: best, score: 0 }];
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
