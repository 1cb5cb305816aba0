import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseWav, trimSilence } from "../../voice/audio.ts";
import type { Pcm } from "../../voice/types.ts";

export const JFK_WAV = path.resolve(import.meta.dirname, "../../../shared/models/whisper-cpp-test-fixtures/jfk.wav");
export const WHISPER_FIXTURE = path.resolve(import.meta.dirname, "../../../shared/models/whisper-cpp-test-fixtures/for-tests-ggml-tiny.en.bin");
export const SILERO_ONNX = path.resolve(import.meta.dirname, "../../../shared/models/silero-vad/silero_vad.onnx");

/** Real speech from flite's slt voice (16 kHz mono), made at test time, without flite's own leading and trailing silence. */
export function fliteSpeech(text: string): Pcm {
  const dir = mkdtempSync(path.join(tmpdir(), "voice-test-"));
  try {
    const out = path.join(dir, "s.wav");
    execFileSync("flite", ["-voice", "slt", "-t", text, "-o", out], { timeout: 20_000 });
    return trimSilence(parseWav(readFileSync(out)), { keepMs: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sine(freq: number, ms: number, rate: number, amplitude = 0.5): Float32Array {
  const n = Math.round((ms / 1000) * rate);
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
}

/** Seeded white noise at an RMS level in dBFS. */
export function whiteNoise(ms: number, dbfs: number, seed = 7): Int16Array {
  let s = seed >>> 0;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const rms = 10 ** (dbfs / 20);
  const amp = rms * Math.sqrt(3); // uniform on [-a, a] has RMS a/√3
  const n = Math.round((ms / 1000) * 16000);
  return Int16Array.from({ length: n }, () => Math.round((rand() * 2 - 1) * amp * 32767));
}

/** Squared amplitude of the component at one frequency (Goertzel), for checking a resampled tone kept its pitch and level. */
export function toneEnergy(x: Float32Array, freq: number, rate: number): number {
  const w = (2 * Math.PI * freq) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s0 = v + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (4 * (s1 * s1 + s2 * s2 - c * s1 * s2)) / (x.length * x.length);
}
