import path from "node:path";
import {
  type ChatHistoryItem,
  type ChatWrapper,
  type Llama,
  LlamaChatSession,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
} from "node-llama-cpp";
import { z } from "zod";
import { ModelUnavailableError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { stageSeconds } from "../core/metrics.ts";
import { createProgress, progressByDefault } from "../core/progress.ts";
import { parseInput } from "../core/validation.ts";
import { type GetLlamaFn, type GpuMode, resolveThreads, selectBackend } from "./backend.ts";
import { LlmBusyError } from "./errors.ts";
import { type Slot, SlotPool } from "./queue.ts";
import type { GenerateRequest, GenerateResult, GrammarSpec, LanguageModel, LanguageModelInfo, LanguageModelStatus } from "./types.ts";

export interface LlamaModelOptions {
  modelPath: string;
  gpu: GpuMode;
  /** 0 = automatic (see resolveThreads). */
  threads: number;
  sequences: number;
  /** Tokens per sequence; capped at the model's training context. */
  contextSize: number;
  maxQueue: number;
  queueTimeoutMs: number;
  /** A sequence unused this long has its tokens cleared. */
  idleMs?: number;
  logger?: Logger;
  /** Injected only by tests of backend selection. */
  getLlama?: GetLlamaFn;
  /** Show a load progress bar (large models take seconds to map). */
  progress?: boolean;
}

const DEFAULT_IDLE_MS = 5 * 60_000;
const GRAMMAR_CACHE = 32;

const requestSchema = z.object({
  system: z.string().optional(),
  messages: z
    .array(z.object({ role: z.enum(["user", "assistant"]), text: z.string() }))
    .min(1)
    .refine((m) => m.at(-1)?.role === "user", "the last message must be the user's"),
  maxTokens: z.number().int().positive(),
  temperature: z.number().min(0).max(2).optional(),
  seed: z.number().int().optional(),
  key: z.string().optional(),
});

/**
 * One GGUF model for the whole process, with a context of N sequences that conversations share
 * through a bounded, timed queue. Sequences remember the last conversation's prompt so its next
 * turn reuses the evaluated prefix; idle ones are cleared.
 */
export class LlamaLanguageModel implements LanguageModel {
  private readonly pool: SlotPool<LlamaContextSequence>;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private chatWrapper: ChatWrapper | undefined;
  private readonly closing = new AbortController();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  private constructor(
    readonly info: LanguageModelInfo,
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly logger: Logger | undefined,
    idleMs: number,
  ) {
    const sequences = Array.from({ length: info.sequences }, () => context.getSequence());
    this.pool = new SlotPool(sequences, { maxWaiting: info.maxQueue, timeoutMs: info.queueTimeoutMs });
    this.sweeper = setInterval(() => void this.clearIdle(idleMs), Math.max(50, Math.min(idleMs / 2, 60_000)));
    this.sweeper.unref();
  }

  /** Picks the backend, maps the model and creates the context; a ModelUnavailableError says what failed. */
  static async load(options: LlamaModelOptions): Promise<LlamaLanguageModel> {
    const threads = resolveThreads(options.threads);
    const { llama, backend, devices } = await selectBackend(options.gpu, { threads, getLlama: options.getLlama, logger: options.logger });
    let model: LlamaModel | undefined;
    try {
      const bar = createProgress(`loading ${path.basename(options.modelPath)}`, 100, options.progress ?? progressByDefault());
      let shown = 0;
      model = await llama.loadModel({
        modelPath: options.modelPath,
        gpuLayers: backend === "cuda" ? "auto" : 0,
        onLoadProgress: (p) => {
          const pct = Math.floor(p * 100);
          if (pct > shown) bar.tick(pct - shown);
          shown = Math.max(shown, pct);
        },
      });
      bar.stop();
      const contextSize = Math.min(options.contextSize, model.trainContextSize || options.contextSize);
      const context = await model.createContext({ sequences: options.sequences, contextSize, threads });
      const name = String(model.fileInfo.metadata?.general?.name ?? "") || path.basename(options.modelPath, ".gguf");
      const info: LanguageModelInfo = {
        name,
        path: options.modelPath,
        backend,
        devices,
        threads,
        sequences: options.sequences,
        contextSize: context.contextSize,
        maxQueue: options.maxQueue,
        queueTimeoutMs: options.queueTimeoutMs,
      };
      return new LlamaLanguageModel(info, llama, model, context, options.logger, options.idleMs ?? DEFAULT_IDLE_MS);
    } catch (err) {
      await model?.dispose().catch(() => undefined);
      await llama.dispose().catch(() => undefined);
      const why = err instanceof Error ? err.message : String(err);
      throw new ModelUnavailableError(`could not load the language model ${options.modelPath}: ${why}`, { cause: err });
    }
  }

  countTokens(text: string): number {
    if (this.closed) throw new LlmBusyError("closed", "the language model is closed");
    return this.model.tokenize(text).length;
  }

  status(): LanguageModelStatus {
    return this.pool.stats();
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const checked = parseInput(requestSchema, request, "generate request");
    if (this.closed) throw new LlmBusyError("closed", "the language model is closed");
    const started = performance.now();
    const signal = request.signal ? AbortSignal.any([request.signal, this.closing.signal]) : this.closing.signal;
    const slot = await this.pool.acquire(checked.key, signal);
    const queuedMs = performance.now() - started;
    let clean = false;
    let session: LlamaChatSession | undefined;
    try {
      const grammar = request.grammar ? await this.grammar(request.grammar) : undefined;
      session = new LlamaChatSession({ contextSequence: slot.value, chatWrapper: this.chatWrapper ?? "auto", autoDisposeSequence: false });
      this.chatWrapper ??= session.chatWrapper;
      const history: ChatHistoryItem[] = checked.system ? [{ type: "system", text: checked.system }] : [];
      for (const m of checked.messages.slice(0, -1)) history.push(m.role === "user" ? { type: "user", text: m.text } : { type: "model", response: [m.text] });
      session.setChatHistory(history);
      let tokens = 0;
      let firstTokenMs: number | undefined;
      const meta = await session.promptWithMeta(checked.messages.at(-1)!.text, {
        grammar,
        maxTokens: checked.maxTokens,
        temperature: checked.temperature ?? 0,
        seed: checked.seed,
        signal,
        stopOnAbortSignal: false,
        onToken: (t) => {
          if (firstTokenMs === undefined) {
            firstTokenMs = performance.now() - started;
            stageSeconds.observe({ stage: "llm_first_token" }, firstTokenMs / 1000);
          }
          tokens += t.length;
        },
        onTextChunk: (chunk) => request.onToken?.(chunk),
      });
      clean = true;
      const totalMs = performance.now() - started;
      return {
        text: meta.responseText,
        tokens,
        firstTokenMs: firstTokenMs ?? totalMs,
        queuedMs,
        totalMs,
        stopReason: meta.stopReason === "maxTokens" ? "maxTokens" : "end",
      };
    } catch (err) {
      if (signal.aborted) throw request.signal?.aborted ? request.signal.reason : new LlmBusyError("closed", "the language model was closed during generation");
      throw err;
    } finally {
      session?.dispose({ disposeSequence: false });
      await this.giveBack(slot, clean, checked.key);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    this.pool.close("the language model is closed");
    this.closing.abort(new LlmBusyError("closed", "the language model is closed"));
    await this.context.dispose().catch(() => undefined);
    await this.model.dispose().catch(() => undefined);
    await this.llama.dispose().catch(() => undefined);
  }

  /** A stopped or failed generation leaves the sequence in an unknown state: clear it before anyone reuses it. */
  private async giveBack(slot: Slot<LlamaContextSequence>, keep: boolean, key: string | undefined): Promise<void> {
    if (!keep && !this.closed) {
      try {
        await slot.value.clearHistory();
      } catch (err) {
        this.logger?.warn({ err }, "could not clear an LLM sequence");
      }
    }
    this.pool.release(slot, { key, dirty: keep });
  }

  private async clearIdle(idleMs: number): Promise<void> {
    if (this.closed) return;
    for (const slot of this.pool.takeIdle(Date.now() - idleMs)) await this.giveBack(slot, false, undefined);
  }

  private grammar(spec: GrammarSpec): Promise<LlamaGrammar> {
    const key = spec.type === "gbnf" ? `g:${spec.gbnf}` : `j:${JSON.stringify(spec.schema)}`;
    let made = this.grammars.get(key);
    if (!made) {
      made =
        spec.type === "gbnf"
          ? this.llama.createGrammar({ grammar: spec.gbnf })
          : this.llama.createGrammarForJsonSchema(spec.schema as never);
      made.catch(() => this.grammars.delete(key));
      this.grammars.set(key, made);
      // Grounded replies make one grammar per set of products: keep only the recent ones.
      if (this.grammars.size > GRAMMAR_CACHE) this.grammars.delete(this.grammars.keys().next().value!);
    }
    return made;
  }
}
