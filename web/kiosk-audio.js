// Sample-format and rate conversion shared by the kiosk's AudioWorklet (capture) and its player.
// Plain ES module with no DOM use, so the worklet can import it and Node tests can run it.

/**
 * Streaming band-limited resampler (windowed-sinc, table-driven), for any input rate to the
 * pipeline's 16 kHz. A plain decimation would fold everything above 8 kHz into the speech band
 * (fricatives, the kiosk's own fan noise), which hurts recognition more than the CPU this costs.
 */
export class Resampler {
  /**
   * @param {number} inRate  input sample rate (the AudioContext's, e.g. 48000 or 44100)
   * @param {number} outRate output sample rate (16000)
   * @param {number} [zeroCrossings] kernel half-width in output samples; 16 keeps the stop band below about -60 dB
   */
  constructor(inRate, outRate, zeroCrossings = 16) {
    if (!(inRate > 0 && outRate > 0)) throw new RangeError(`sample rates must be positive, got ${inRate} → ${outRate}`);
    this.inRate = inRate;
    this.outRate = outRate;
    this.step = inRate / outRate;
    this.passthrough = inRate === outRate;
    // Cut-off as a fraction of the input Nyquist: just under the output Nyquist when going down.
    this.cutoff = Math.min(1, outRate / inRate) * 0.92;
    this.half = Math.ceil(zeroCrossings / this.cutoff);
    this.resolution = 64; // kernel table entries per input sample
    const n = 2 * this.half * this.resolution + 1;
    this.kernel = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const d = i / this.resolution - this.half;
      const x = this.cutoff * d;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const window = 0.5 + 0.5 * Math.cos((Math.PI * d) / this.half); // Hann over [-half, half]
      this.kernel[i] = this.cutoff * sinc * window;
    }
    // Pending input; buffer index 0 is absolute input sample `base`. Starts with `half` zeros of history.
    this.buffer = new Float32Array(this.half * 2 + 4096);
    this.length = this.half;
    this.base = -this.half;
    this.t = 0; // absolute input position of the next output sample
  }

  /** @param {Float32Array} input @returns {Float32Array} the output samples this input completes */
  process(input) {
    if (this.passthrough) return Float32Array.from(input);
    this.append(input);
    const lastUsable = this.base + this.length - 1; // newest absolute input index we hold
    const count = Math.max(0, Math.floor((lastUsable - this.half - this.t) / this.step) + 1);
    const out = new Float32Array(count);
    const { kernel, resolution, half, buffer } = this;
    for (let j = 0; j < count; j++) {
      const t = this.t + j * this.step;
      const first = Math.ceil(t - half);
      const last = Math.floor(t + half);
      let acc = 0;
      let norm = 0;
      for (let k = first; k <= last; k++) {
        const w = kernel[Math.round((t - k + half) * resolution)];
        acc += buffer[k - this.base] * w;
        norm += w;
      }
      // Normalising by the taps' sum keeps the DC gain exactly 1 at every fractional phase.
      out[j] = norm !== 0 ? acc / norm : 0;
    }
    this.t += count * this.step;
    this.discardBefore(Math.floor(this.t - half) - 1);
    return out;
  }

  append(input) {
    if (this.length + input.length > this.buffer.length) {
      const grown = new Float32Array(Math.max(this.buffer.length * 2, this.length + input.length));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(input, this.length);
    this.length += input.length;
  }

  discardBefore(absolute) {
    const drop = Math.min(this.length, absolute - this.base);
    if (drop <= 0) return;
    this.buffer.copyWithin(0, drop, this.length);
    this.length -= drop;
    this.base += drop;
  }
}

/** Float samples in [-1, 1] → signed 16-bit; out-of-range input is clipped, never wrapped. */
export function floatToPcm16(samples) {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    const c = s > 1 ? 1 : s < -1 ? -1 : s || 0; // `|| 0` turns NaN into silence
    out[i] = c < 0 ? Math.round(c * 32768) : Math.round(c * 32767);
  }
  return out;
}

/** Little-endian PCM16 bytes (ArrayBuffer or a view on one, any alignment) → Float32 in [-1, 1). */
export function pcm16ToFloat(data) {
  const view = ArrayBuffer.isView(data) ? new DataView(data.buffer, data.byteOffset, data.byteLength) : new DataView(data);
  const n = Math.floor(view.byteLength / 2);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}

/** Int16 samples → little-endian bytes, whatever the platform's endianness. */
export function pcm16ToBytes(samples) {
  const buffer = new ArrayBuffer(samples.length * 2);
  const view = new DataView(buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i], true);
  return buffer;
}

/** Root-mean-square level of float samples (0 for an empty frame). */
export function rms(samples) {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / samples.length);
}
