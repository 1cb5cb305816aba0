import { ValidationError } from "../../core/errors.ts";
import type { VadDecision, VoiceActivityDetector } from "../types.ts";

export interface EnergyVadOptions {
  /** Samples per frame at 16 kHz. Default 512 (32 ms), the same cadence as Silero. */
  frameSamples?: number;
  /** dB above the noise floor at which a frame counts as speech. Default 12. */
  marginDb?: number;
  /** Frames quieter than this (dBFS) are never speech. Default -55. */
  minSpeechDbfs?: number;
  /** The noise floor is the quietest frame in this window, so it follows a noise that starts or stops within it. Default 1500 ms. */
  floorWindowMs?: number;
}

/** Below this a frame is as good as digital silence; clamping keeps a silent start from pinning the floor at -∞. */
const FLOOR_MIN_DB = -80;

/**
 * The fallback detector when the Silero model is not available: frame energy against an adaptive
 * noise floor (minimum statistics: the quietest frame of the last second and a half). Steady noise
 * — a fan, hiss — becomes the floor; speech, loud and broken by short gaps, stands above it. Hiss
 * is also told apart by how often it crosses zero (about every other sample for white noise,
 * far less for voiced speech), so it does not count as speech even before the floor has caught up.
 */
export class EnergyVad implements VoiceActivityDetector {
  readonly name = "energy";
  readonly frameSamples: number;
  private readonly marginDb: number;
  private readonly minDbfs: number;
  private readonly window: Float64Array;
  private filled = 0;
  private next = 0;

  constructor(options: EnergyVadOptions = {}) {
    this.frameSamples = options.frameSamples ?? 512;
    this.marginDb = options.marginDb ?? 12;
    this.minDbfs = options.minSpeechDbfs ?? -55;
    const frames = Math.max(1, Math.round(((options.floorWindowMs ?? 1500) / 1000) * (16000 / this.frameSamples)));
    this.window = new Float64Array(frames);
  }

  async process(frame: Int16Array): Promise<VadDecision> {
    if (frame.length !== this.frameSamples) {
      throw new ValidationError(`VAD frame: energy detector expects ${this.frameSamples} samples, got ${frame.length}`);
    }
    let sum = 0;
    let crossings = 0;
    for (let i = 0; i < frame.length; i++) {
      const v = frame[i] / 32768;
      sum += v * v;
      if (i > 0 && frame[i] >= 0 !== frame[i - 1] >= 0) crossings++;
    }
    const db = Math.max(FLOOR_MIN_DB, 10 * Math.log10(sum / frame.length + 1e-12));
    this.window[this.next] = db;
    this.next = (this.next + 1) % this.window.length;
    this.filled = Math.min(this.filled + 1, this.window.length);
    let floor = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.filled; i++) floor = Math.min(floor, this.window[i]);
    const zcr = crossings / frame.length;
    const noisiness = Math.max(0, Math.min(1, (zcr - 0.25) / 0.2));
    const score = db - floor - this.marginDb - 10 * noisiness;
    const probability = db < this.minDbfs ? 0 : 1 / (1 + Math.exp(-score / 2));
    return { probability, speech: probability >= 0.5 };
  }

  reset(): void {
    this.filled = 0;
    this.next = 0;
  }
}
