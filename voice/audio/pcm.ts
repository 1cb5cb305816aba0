import type { Pcm } from "../types.ts";

/** Int16 samples to floats in [-1, 1). */
export function int16ToFloat32(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] / 32768;
  return out;
}

/** Floats to Int16 with rounding and clipping (NaN becomes 0), so out-of-range input saturates instead of wrapping. */
export function float32ToInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i] * 32768);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Number.isNaN(v) ? 0 : v;
  }
  return out;
}

/** Little-endian PCM16 bytes (what sockets and files carry) as samples; an odd trailing byte is an error, not silently dropped. */
export function bytesToInt16(bytes: Uint8Array): Int16Array {
  if (bytes.byteLength % 2 !== 0) throw new RangeError(`PCM16 data must have an even number of bytes, got ${bytes.byteLength}`);
  const out = new Int16Array(bytes.byteLength / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

export function int16ToBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i], true);
  return out;
}

export function durationMs(pcm: Pcm): number {
  return (pcm.samples.length / pcm.sampleRate) * 1000;
}

export function concatPcm(parts: Pcm[], sampleRate = parts[0]?.sampleRate ?? 16000): Pcm {
  let total = 0;
  for (const p of parts) {
    if (p.sampleRate !== sampleRate) throw new RangeError(`cannot join audio at ${p.sampleRate} Hz with audio at ${sampleRate} Hz`);
    total += p.samples.length;
  }
  const samples = new Int16Array(total);
  let at = 0;
  for (const p of parts) {
    samples.set(p.samples, at);
    at += p.samples.length;
  }
  return { samples, sampleRate };
}

/** Root-mean-square level in dB relative to full scale (-Infinity for digital silence). */
export function rmsDbfs(samples: Int16Array | Float32Array, start = 0, end = samples.length): number {
  const scale = samples instanceof Int16Array ? 1 / 32768 : 1;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = samples[i] * scale;
    sum += v * v;
  }
  const n = end - start;
  return n > 0 ? 10 * Math.log10(sum / n) : Number.NEGATIVE_INFINITY;
}

export function silence(ms: number, sampleRate = 16000): Pcm {
  return { samples: new Int16Array(Math.round((ms / 1000) * sampleRate)), sampleRate };
}

/**
 * Drops leading and trailing near-silence (below `thresholdDbfs` over 10 ms windows), keeping
 * `keepMs` of it at each end: synthesised sentences carry their own silence, which would add up
 * between streamed sentences and delay the first audible sample.
 */
export function trimSilence(pcm: Pcm, options: { thresholdDbfs?: number; keepMs?: number } = {}): Pcm {
  const threshold = options.thresholdDbfs ?? -50;
  const win = Math.max(1, Math.round(pcm.sampleRate / 100));
  const keep = Math.round(((options.keepMs ?? 50) / 1000) * pcm.sampleRate);
  const n = pcm.samples.length;
  let first = -1;
  let last = -1;
  for (let at = 0; at < n; at += win) {
    if (rmsDbfs(pcm.samples, at, Math.min(n, at + win)) >= threshold) {
      if (first < 0) first = at;
      last = Math.min(n, at + win);
    }
  }
  if (first < 0) return { samples: new Int16Array(0), sampleRate: pcm.sampleRate };
  return { samples: pcm.samples.slice(Math.max(0, first - keep), Math.min(n, last + keep)), sampleRate: pcm.sampleRate };
}
