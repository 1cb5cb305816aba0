import os from "node:os";
import { getLlama, type Llama, type LlamaOptions } from "node-llama-cpp";
import type { Logger } from "../core/logger.ts";
import { ModelUnavailableError } from "../core/errors.ts";

/** What backend selection needs of a node-llama-cpp `Llama`; a test double implements only this. */
export interface LlamaLike {
  readonly gpu: string | false;
  getGpuDeviceNames(): Promise<string[]>;
  dispose(): Promise<void>;
}

export type GetLlamaFn<L extends LlamaLike = Llama> = (options: LlamaOptions) => Promise<L>;

export type GpuMode = "auto" | "cuda" | "cpu";

export interface BackendChoice<L extends LlamaLike = Llama> {
  llama: L;
  backend: "cuda" | "cpu";
  /** GPU device names (empty on the CPU). */
  devices: string[];
  /** Why CUDA was not used, when it was asked for or tried. */
  fallbackReason?: string;
}

/** 0 → one fewer than the cores (at least 1, at most 8): on 2 shared cores the default of 4 threads ran hundreds of times slower. */
export function resolveThreads(threads: number, cores = os.availableParallelism()): number {
  if (threads > 0) return threads;
  return Math.max(1, Math.min(8, cores - 1));
}

const realGetLlama: GetLlamaFn = (options) => getLlama(options);

/**
 * CUDA first, the CPU otherwise. Never `gpu: "auto"` and never a build from source (`build:
 * "never"`): either could try to compile llama.cpp at start-up. A CUDA backend that loads but sees
 * no device is disposed rather than used, since it would run everything on the CPU the slow way.
 */
export async function selectBackend<L extends LlamaLike = Llama>(
  mode: GpuMode,
  options: { threads: number; getLlama?: GetLlamaFn<L>; logger?: Logger },
): Promise<BackendChoice<L>> {
  const get = options.getLlama ?? (realGetLlama as unknown as GetLlamaFn<L>);
  const log = options.logger;
  const common: LlamaOptions = {
    build: "never",
    maxThreads: options.threads,
    logLevel: "error" as LlamaOptions["logLevel"],
    logger: (level, message) => log?.debug({ level, message: message.trim() }, "llama.cpp"),
  };
  let fallbackReason: string | undefined;
  if (mode !== "cpu") {
    try {
      const llama = await get({ ...common, gpu: "cuda" });
      const devices = llama.gpu === "cuda" ? await llama.getGpuDeviceNames() : [];
      if (llama.gpu === "cuda" && devices.length > 0) return { llama, backend: "cuda", devices };
      fallbackReason = llama.gpu === "cuda" ? "CUDA backend loaded but found no GPU device" : `asked for CUDA, got ${llama.gpu || "no GPU"}`;
      await llama.dispose().catch(() => undefined);
    } catch (err) {
      fallbackReason = `CUDA backend unavailable: ${err instanceof Error ? err.message : String(err)}`;
    }
    (mode === "cuda" ? log?.warn : log?.info)?.call(log, { reason: fallbackReason }, "LLM falls back to the CPU");
  }
  try {
    const llama = await get({ ...common, gpu: false });
    return { llama, backend: "cpu", devices: [], fallbackReason };
  } catch (err) {
    throw new ModelUnavailableError(`no llama.cpp backend could be loaded: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
