/** Marketing copy from the catalogue: product descriptions and personalised copy per channel, by the model or the templates. */
export { channelFields, charLength, type FieldSpec, fitLength } from "./channels.ts";
export { type CopyFacts, copyFacts, type FactProblem, factProblems, keepFactualSentences } from "./facts.ts";
export { copyRequestSchema, type GenerateCopyOptions, generateCopy } from "./generate.ts";
export { cleanModelCopy, copyGrammar, copyPrompt } from "./model.ts";
export { type CopyInput, copyInputSchema, type CopyResponse, CopyService, type CopyServiceDeps } from "./service.ts";
export { LOW_STOCK, templatedCopy } from "./templates.ts";
export * from "./types.ts";
