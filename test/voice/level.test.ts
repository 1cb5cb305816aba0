import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseWav, toPipelineRate } from "../../voice/audio.ts";
import { normalizeLevel, peakDbfs, robustPeak } from "../../voice/audio/level.ts";
import type { Pcm } from "../../voice/types.ts";
import { JFK_WAV } from "./helpers.ts";

/** Real speech (jfk.wav) scaled so that its peak sits at `dbfs`. */
function speechAt(dbfs: number): Pcm {
  const pcm = toPipelineRate(parseWav(readFileSync(JFK_WAV)));
  const g = 10 ** ((dbfs - peakDbfs(pcm.samples)) / 20);
  return { samples: Int16Array.from(pcm.samples, (v) => Math.round(v * g)), sampleRate: 16000 };
}

describe("input level normalisation", () => {
  it("raises a recording that peaks at -29 dBFS into the normal range", () => {
    const quiet = speechAt(-29);
    expect(peakDbfs(quiet.samples)).toBeCloseTo(-29, 0);
    const { pcm, report } = normalizeLevel(quiet);
    expect(report.peakDbfs).toBeLessThan(-29);
    expect(report.gainDb).toBeGreaterThan(20);
    const after = peakDbfs(pcm.samples);
    expect(after).toBeGreaterThan(-6);
    expect(after).toBeLessThanOrEqual(0);
    // The same speech, only louder: the waveform's shape is kept (correlation of the samples).
    let dot = 0;
    let a2 = 0;
    let b2 = 0;
    for (let i = 0; i < pcm.samples.length; i++) {
      dot += pcm.samples[i] * quiet.samples[i];
      a2 += pcm.samples[i] ** 2;
      b2 += quiet.samples[i] ** 2;
    }
    expect(dot / Math.sqrt(a2 * b2)).toBeGreaterThan(0.999);
  });

  it("leaves a recording at a normal level alone, and never attenuates", () => {
    const normal = speechAt(-2);
    const { pcm, report } = normalizeLevel(normal);
    expect(report.gainDb).toBe(0);
    expect(pcm.samples).toBe(normal.samples);
  });

  it("is not fooled by a click: the robust peak ignores a handful of loud samples", () => {
    const quiet = speechAt(-30);
    const clicked = Int16Array.from(quiet.samples);
    for (let i = 0; i < 5; i++) clicked[1000 + i * 3000] = 32000;
    expect(peakDbfs(clicked)).toBeGreaterThan(-1);
    expect(20 * Math.log10(robustPeak(clicked) / 32768)).toBeLessThan(-25);
    const { report } = normalizeLevel({ samples: clicked, sampleRate: 16000 });
    expect(report.gainDb).toBeGreaterThan(20);
  });

  it("caps the gain, and leaves digital silence as it is", () => {
    const whisper = speechAt(-70);
    expect(normalizeLevel(whisper).report.gainDb).toBe(30);
    expect(normalizeLevel(whisper, { maxGainDb: 12 }).report.gainDb).toBe(12);
    const silent = { samples: new Int16Array(16000), sampleRate: 16000 };
    const { pcm, report } = normalizeLevel(silent);
    expect(report.gainDb).toBe(0);
    expect(pcm.samples.every((v) => v === 0)).toBe(true);
  });
});
