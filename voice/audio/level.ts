import type { Pcm } from "../types.ts";

export interface LevelOptions {
  /** Where the recording's robust peak is brought to. Default -3 dBFS. */
  targetPeakDbfs?: number;
  /** The most gain applied (a near-silent recording is not blown up into loud noise). Default 30 dB. */
  maxGainDb?: number;
  /** Fraction of samples allowed above the robust peak (a click or a pop does not set the level). Default 0.0002. */
  clipFraction?: number;
}

export interface LevelReport {
  /** The robust peak before, in dBFS (-Infinity for digital silence). */
  peakDbfs: number;
  /** The gain applied, in dB (0 when none was needed or possible). */
  gainDb: number;
}

/**
 * The level below which `fraction` of the absolute sample values lie: the recording's peak, robust to
 * a few clicks. A histogram of the 32,768 magnitudes, so it is linear in the samples.
 */
export function robustPeak(samples: Int16Array, fraction = 0.0002): number {
  if (samples.length === 0) return 0;
  const counts = new Uint32Array(32769);
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    counts[v < 0 ? -v : v]++;
  }
  let above = 0;
  const allowed = Math.floor(samples.length * fraction);
  for (let m = 32768; m > 0; m--) {
    above += counts[m];
    if (above > allowed) return m;
  }
  return 0;
}

/**
 * Brings a recording's level into the range the recogniser was trained on: a robust peak at
 * `targetPeakDbfs` (default -3 dBFS), with at most `maxGainDb` of gain and never any attenuation
 * of a recording that is already loud enough but not clipping. Real microphones deliver speech
 * peaking anywhere from -1 to -35 dBFS; pocketsphinx's noise removal, its silence detection and
 * its initial cepstral mean all assume a normal level, and a quiet recording loses words to them.
 */
export function normalizeLevel(pcm: Pcm, options: LevelOptions = {}): { pcm: Pcm; report: LevelReport } {
  const target = options.targetPeakDbfs ?? -3;
  const maxGain = options.maxGainDb ?? 30;
  const peak = robustPeak(pcm.samples, options.clipFraction ?? 0.0002);
  const peakDbfs = peak > 0 ? 20 * Math.log10(peak / 32768) : Number.NEGATIVE_INFINITY;
  if (!Number.isFinite(peakDbfs)) return { pcm, report: { peakDbfs, gainDb: 0 } };
  const gainDb = Math.min(maxGain, target - peakDbfs);
  // Louder than the target already: leave it (attenuating only loses precision).
  if (gainDb <= 0.5) return { pcm, report: { peakDbfs, gainDb: 0 } };
  const g = 10 ** (gainDb / 20);
  const out = new Int16Array(pcm.samples.length);
  for (let i = 0; i < out.length; i++) {
    const v = Math.round(pcm.samples[i] * g);
    out[i] = Math.min(32767, Math.max(-32768, v));
  }
  return { pcm: { samples: out, sampleRate: pcm.sampleRate }, report: { peakDbfs, gainDb } };
}

/** The peak of a recording in dBFS (the largest magnitude; -Infinity for silence). */
export function peakDbfs(samples: Int16Array): number {
  let m = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i] < 0 ? -samples[i] : samples[i];
    if (v > m) m = v;
  }
  return m > 0 ? 20 * Math.log10(m / 32768) : Number.NEGATIVE_INFINITY;
}
