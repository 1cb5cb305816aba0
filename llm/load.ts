import { stat } from "node:fs/promises";
import path from "node:path";
import type { Config, LlmSettings } from "../core/config.ts";
import { ModelUnavailableError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { findModelSpec, MODEL_REGISTRY, resolveModel, resolveOptionsFrom } from "../core/models.ts";
import type { GetLlamaFn } from "./backend.ts";
import { LlamaLanguageModel } from "./runtime.ts";
import type { LanguageModel } from "./types.ts";

export type LlmConfig = Pick<Config, "modelsDir" | "dataDir" | "modelHub" | "allowDownloads"> & { llm?: LlmSettings };

export const DEFAULT_LLM_SETTINGS: LlmSettings = {
  model: "Qwen/Qwen2.5-1.5B-Instruct-GGUF",
  gpu: "auto",
  threads: 0,
  sequences: 4,
  contextSize: 4096,
  maxQueue: 32,
  queueTimeoutMs: 5000,
};

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

const looksLikeFile = (s: string) => /\.gguf$/i.test(s) || path.isAbsolute(s) || s.startsWith(".");

/**
 * The GGUF file CONCIERGE_LLM_MODEL names: a .gguf path (absolute; else looked up in
 * CONCIERGE_MODELS_DIR, the ./data/models cache, then the working directory), or a registry id
 * resolved like every other model. Undefined for "none"; a ModelUnavailableError saying where it
 * looked otherwise.
 */
export async function resolveLanguageModelPath(config: LlmConfig): Promise<string | undefined> {
  const setting = (config.llm ?? DEFAULT_LLM_SETTINGS).model.trim();
  if (!setting || setting.toLowerCase() === "none") return undefined;
  if (looksLikeFile(setting)) {
    const candidates = path.isAbsolute(setting)
      ? [setting]
      : [...(config.modelsDir ? [path.join(config.modelsDir, setting)] : []), path.join(config.dataDir, "models", setting), path.resolve(setting)];
    for (const c of candidates) if (await isFile(c)) return c;
    throw new ModelUnavailableError(
      `language model file "${setting}" was not found (looked in ${candidates.join(", ")}). Set CONCIERGE_LLM_MODEL to an existing .gguf file, a registry id, or "none".`,
    );
  }
  const spec = findModelSpec(setting);
  if (spec?.kind !== "language-model") {
    const known = MODEL_REGISTRY.filter((s) => s.kind === "language-model").map((s) => s.id);
    throw new ModelUnavailableError(`CONCIERGE_LLM_MODEL "${setting}" is neither a .gguf file nor a known language model (${known.join(", ")}).`);
  }
  const resolved = await resolveModel(spec, resolveOptionsFrom(config));
  const gguf = spec.files.find((f) => f.required && /\.gguf$/i.test(f.path));
  const file = gguf && resolved.files[gguf.path];
  if (!file) throw new ModelUnavailableError(`model "${spec.id}" has no .gguf file in ${resolved.dir}`);
  return file;
}

/**
 * The process's language model, or undefined — with the reason logged — when it is switched off,
 * missing or fails to load: the dialogs then answer with their templates (the built-in tier).
 */
export async function loadLanguageModel(config: LlmConfig, logger?: Logger, overrides: { getLlama?: GetLlamaFn; idleMs?: number } = {}): Promise<LanguageModel | undefined> {
  const settings = config.llm ?? DEFAULT_LLM_SETTINGS;
  let modelPath: string | undefined;
  try {
    modelPath = await resolveLanguageModelPath(config);
  } catch (err) {
    logger?.warn({ reason: err instanceof Error ? err.message : String(err) }, "LLM unavailable: replies use templates (built-in tier)");
    return undefined;
  }
  if (!modelPath) {
    logger?.info("LLM off (CONCIERGE_LLM_MODEL=none): replies use templates (built-in tier)");
    return undefined;
  }
  try {
    const model = await LlamaLanguageModel.load({ ...settings, modelPath, logger, getLlama: overrides.getLlama, idleMs: overrides.idleMs });
    const { name, backend, devices, threads, sequences, contextSize } = model.info;
    logger?.info({ model: name, path: modelPath, backend, devices, threads, sequences, contextSize }, "LLM ready (downloaded tier)");
    return model;
  } catch (err) {
    logger?.warn({ reason: err instanceof Error ? err.message : String(err), path: modelPath }, "LLM failed to load: replies use templates (built-in tier)");
    return undefined;
  }
}
