import type { Logger } from "../../core/logger.ts";
import { findModelSpec, type ResolveOptions, resolveModel } from "../../core/models.ts";
import type { VoiceActivityDetector } from "../types.ts";
import { EnergyVad, type EnergyVadOptions } from "./energy.ts";
import { SileroVadModel } from "./silero.ts";

export { EnergyVad, type EnergyVadOptions } from "./energy.ts";
export { findUtterances, type SegmenterEvent, type SegmenterOptions, segmenterOptionsSchema, TurnSegmenter, type Utterance } from "./segmenter.ts";
export { SILERO_FRAME, SileroVadModel } from "./silero.ts";

/** Makes a detector per audio stream; the model behind it (if any) is loaded once and shared. */
export interface VadFactory {
  readonly name: "silero-vad" | "energy";
  readonly tier: "built-in";
  /** Why the fallback is in use, when it is. */
  readonly fallbackReason?: string;
  create(): VoiceActivityDetector;
  release(): Promise<void>;
}

export interface LoadVadOptions {
  /** Where models are looked for (CONCIERGE_MODELS_DIR, the cache, downloads). */
  resolve?: ResolveOptions;
  /** An explicit silero_vad.onnx, instead of resolving "silero-vad". */
  modelPath?: string;
  /** "none" skips Silero and uses the energy detector. */
  model?: string;
  threshold?: number;
  energy?: EnergyVadOptions;
  logger?: Logger;
}

/**
 * The Silero VAD when its model can be found and loaded, otherwise the energy detector — with the
 * reason logged, so a shop without the model file still gets turn detection.
 */
export async function loadVad(options: LoadVadOptions = {}): Promise<VadFactory> {
  const energy = (reason: string): VadFactory => {
    options.logger?.warn({ reason }, "VAD: Silero unavailable, using the energy detector");
    return { name: "energy", tier: "built-in", fallbackReason: reason, create: () => new EnergyVad(options.energy), release: async () => {} };
  };
  if (options.model?.toLowerCase() === "none") return energy("VAD model set to none");
  let modelPath = options.modelPath;
  try {
    if (!modelPath) {
      const spec = findModelSpec(options.model ?? "silero-vad");
      if (spec?.kind !== "voice-activity") return energy(`"${options.model}" is not a known voice-activity model`);
      if (!options.resolve) return energy("no model locations configured");
      // The shop's own copy (CONCIERGE_MODELS_DIR, the cache) first, then the one npm installed.
      const resolved = await resolveModel(spec, options.resolve);
      modelPath = resolved.files[spec.files[0].path];
    }
    const model = await SileroVadModel.load(modelPath!);
    options.logger?.info({ model: "silero-vad", path: modelPath, tier: "built-in" }, "VAD ready");
    return { name: "silero-vad", tier: "built-in", create: () => model.createDetector({ threshold: options.threshold }), release: () => model.release() };
  } catch (err) {
    return energy(err instanceof Error ? err.message : String(err));
  }
}
