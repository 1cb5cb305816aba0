export { createDialogEngine, type DialogDeps } from "./engine.ts";
export type { DialogEngine } from "./types.ts";
