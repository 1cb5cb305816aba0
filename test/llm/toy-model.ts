import { existsSync } from "node:fs";
import path from "node:path";

/** The real toy GGUF (a 260K-parameter llama whose prose is nonsense): tests assert structure, never wording. */
export const TOY_MODEL = path.join(process.env.CONCIERGE_MODELS_DIR ?? "", "stories260k-tinyllamas", "stories260K.gguf");
export const TOY_RELATIVE = path.join("stories260k-tinyllamas", "stories260K.gguf");
export const hasToyModel = Boolean(process.env.CONCIERGE_MODELS_DIR) && existsSync(TOY_MODEL);

/** Tests that must not skip in CI (CI set): they skip only where the file is absent outside CI, and fail loudly in CI without it. */
export const skipWithoutToyModelOutsideCi = !hasToyModel && !process.env.CI;

export function requireToyModel(): void {
  if (!hasToyModel) throw new Error(`the toy GGUF is not at ${TOY_MODEL || "(CONCIERGE_MODELS_DIR unset)"}: CI must provide ../shared/models (.ci/run sets CONCIERGE_MODELS_DIR)`);
}

/** A grammar with no end: the model must write "la " until maxTokens or an abort, so a generation lasts as long as a test needs. */
export const ENDLESS = { type: "gbnf" as const, gbnf: 'root ::= "la " root' };

export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
