import { stat } from "node:fs/promises";
import { ModelUnavailableError } from "../../core/errors.ts";
import { findModelSpec, type ModelSpec } from "../../core/models.ts";
import { toPipelineRate } from "../audio.ts";
import { abortedError, SpeechEngineError } from "../errors.ts";
import type { Pcm, SpeechToText, Transcript } from "../types.ts";
import { type CudaProbe, chooseWhisperBackend, type GpuMode, type WhisperBackend } from "./gpu.ts";
import { RecognitionQueue } from "./queue.ts";

/**
 * The downloaded speech-to-text model: whisper in whisper.cpp's ggml format. Multilingual "base"
 * (English and Chinese, 148 MB); a shop may point CONCIERGE_STT_MODEL at any other ggml file.
 */
export const WHISPER_MODEL_SPEC: ModelSpec = findModelSpec("ggerganov/whisper.cpp")!;

/** The part of @fugood/whisper.node this module uses (its package ships no .d.ts). */
interface WhisperContextLike {
  transcribeData(audio: ArrayBuffer, options: { language?: string; maxThreads?: number; temperature?: number; beamSize?: number }): {
    stop: () => Promise<void>;
    promise: Promise<{ result: string; isAborted?: boolean; language?: string }>;
  };
  release(): Promise<void>;
}
interface WhisperModule {
  initWhisper(options: { filePath: string; useGpu?: boolean }, variant?: "default" | "cuda" | "vulkan"): Promise<WhisperContextLike>;
}

export interface WhisperOptions {
  modelPath: string;
  gpu?: GpuMode;
  /** CPU threads per transcription. Default: one fewer than the cores, at least one. */
  threads?: number;
  /** Longest a transcription may take before it is stopped. Default 30 s. */
  timeoutMs?: number;
  /** How long a stopped transcription gets to wind down before the next one starts. Default 3 s. */
  stopGraceMs?: number;
  /** For tests: what the machine offers. */
  probe?: CudaProbe;
  /** For tests: the binding. */
  loadModule?: () => Promise<WhisperModule>;
}

const defaultLoad = async () => (await import("@fugood/whisper.node" as string)) as WhisperModule;


/**
 * whisper through @fugood/whisper.node: one model context per process, transcriptions one at a
 * time (the context is not re-entrant), each bounded by a timeout and stoppable by an abort —
 * stop() is always called, and its promise is never trusted to settle.
 */
export class WhisperSpeechToText implements SpeechToText {
  readonly name = "whisper";
  readonly tier = "downloaded" as const;
  private readonly queue = new RecognitionQueue();

  private constructor(
    private readonly ctx: WhisperContextLike,
    readonly backend: WhisperBackend,
    private readonly threads: number,
    private readonly timeoutMs: number,
    private readonly stopGraceMs: number,
  ) {}

  static async load(options: WhisperOptions): Promise<WhisperSpeechToText> {
    try {
      const s = await stat(options.modelPath);
      if (!s.isFile() || s.size === 0) throw new Error("not a file");
    } catch {
      throw new ModelUnavailableError(`whisper model file ${options.modelPath} was not found`);
    }
    const backend = chooseWhisperBackend(options.gpu ?? "auto", options.probe);
    let mod: WhisperModule;
    try {
      mod = await (options.loadModule ?? defaultLoad)();
    } catch (err) {
      throw new ModelUnavailableError(`whisper runtime (@fugood/whisper.node) could not be loaded: ${(err as Error).message}`, { cause: err });
    }
    let ctx: WhisperContextLike;
    try {
      ctx = await mod.initWhisper({ filePath: options.modelPath, useGpu: backend.useGpu }, backend.variant);
    } catch (err) {
      throw new ModelUnavailableError(`whisper model ${options.modelPath} failed to load: ${(err as Error).message}`, { cause: err });
    }
    const { availableParallelism } = await import("node:os");
    const threads = options.threads && options.threads > 0 ? options.threads : Math.max(1, availableParallelism() - 1);
    return new WhisperSpeechToText(ctx, backend, threads, options.timeoutMs ?? 30_000, options.stopGraceMs ?? 3000);
  }

  transcribe(audio: Pcm, options: { locale: "en" | "zh"; signal?: AbortSignal }): Promise<Transcript> {
    if (options.signal?.aborted) return Promise.reject(abortedError(options.signal));
    const pcm = toPipelineRate(audio);
    return this.queue.run(() => this.run(pcm, options.locale, options.signal));
  }

  private async run(pcm: Pcm, locale: "en" | "zh", signal?: AbortSignal): Promise<Transcript> {
    if (signal?.aborted) throw abortedError(signal);
    const started = performance.now();
    const data = pcm.samples.buffer.slice(pcm.samples.byteOffset, pcm.samples.byteOffset + pcm.samples.byteLength) as ArrayBuffer;
    const job = this.ctx.transcribeData(data, { language: locale, maxThreads: this.threads, temperature: 0 });
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      const stop = (err: Error) => {
        void job.stop().catch(() => undefined);
        reject(err);
      };
      timer = setTimeout(
        () => stop(new SpeechEngineError(`whisper took longer than ${this.timeoutMs} ms for ${(pcm.samples.length / 16000).toFixed(1)} s of audio`, { code: "stt_timeout", status: 504 })),
        this.timeoutMs,
      );
      onAbort = () => stop(abortedError(signal));
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const result = await Promise.race([job.promise, stopped]);
      return { text: cleanWhisperText(result.result), ms: performance.now() - started };
    } catch (err) {
      // Give a stopped job a moment to wind down before the context takes the next one.
      await Promise.race([job.promise.catch(() => undefined), new Promise((r) => setTimeout(r, this.stopGraceMs).unref())]);
      throw err;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
  }

  async close(): Promise<void> {
    await this.queue.idle();
    await this.ctx.release();
  }
}

/** whisper marks non-speech as "[BLANK_AUDIO]", "(music)" and the like: not words the shopper said. */
export function cleanWhisperText(text: string): string {
  return text
    .replace(/\[[^\]]*\]|\([^)]*\)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
