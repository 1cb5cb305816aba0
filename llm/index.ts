/** The local LLM: runtime (CUDA first, CPU otherwise), grounded replies, and loading from config. */
export { type BackendChoice, type GetLlamaFn, type GpuMode, type LlamaLike, resolveThreads, selectBackend } from "./backend.ts";
export { type BusyReason, LlmBusyError } from "./errors.ts";
export {
  composeGroundedReply,
  type FallbackReason,
  type GroundedInput,
  type GroundedOptions,
  type GroundedReply,
  type GroundedTask,
  type GroundingProduct,
} from "./grounded.ts";
export { formatPrice } from "./grounded/catalogue.ts";
export { type Figure, freeTextFigures } from "./grounded/figures.ts";
export { composePassageAnswer, type PassageInput, type PassageReply } from "./passages.ts";
export { DEFAULT_LLM_SETTINGS, type LlmConfig, loadLanguageModel, resolveLanguageModelPath } from "./load.ts";
export { LlamaLanguageModel, type LlamaModelOptions } from "./runtime.ts";
export type { ChatMessage, GenerateRequest, GenerateResult, GrammarSpec, LanguageModel, LanguageModelInfo, LanguageModelStatus, StopReason } from "./types.ts";
