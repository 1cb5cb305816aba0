/**
 * Band-limited sample-rate conversion: a Kaiser-windowed sinc evaluated at rational phases
 * (polyphase), cutting off just below the lower Nyquist frequency so 48 kHz microphone audio
 * does not alias into the 16 kHz the recognisers want. Works on a whole buffer or as a stream
 * fed frame by frame with the same output.
 */

export interface ResampleOptions {
  /** Zero crossings of the sinc on each side (quality vs. cost). Default 16. */
  zeroCrossings?: number;
  /** Cut-off as a fraction of the lower Nyquist frequency. Default 0.92. */
  rolloff?: number;
  /** Kaiser window beta. Default 8.6 (~-90 dB sidelobes). */
  beta?: number;
}

const MAX_PHASES = 4096;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

interface Kernel {
  /** Interpolation steps per input sample (L); output step in input samples is M/L. */
  up: number;
  down: number;
  /** Taps reach `half` input samples each side of the output instant. */
  half: number;
  /** Phase p's taps for input offsets -half+1 … half, normalised to unit DC gain; built lazily for large L. */
  taps: (phase: number) => Float32Array;
}

function buildKernel(fromRate: number, toRate: number, o: Required<ResampleOptions>): Kernel {
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  // Cut-off in cycles per input sample.
  const fc = 0.5 * Math.min(1, toRate / fromRate) * o.rolloff;
  const half = Math.ceil(o.zeroCrossings / (2 * fc));
  const i0beta = besselI0(o.beta);
  const make = (phase: number) => {
    const frac = phase / up;
    const taps = new Float32Array(2 * half);
    let sum = 0;
    for (let k = -half + 1; k <= half; k++) {
      const d = k - frac;
      const x = 2 * fc * d;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const r = d / half;
      const w = Math.abs(r) >= 1 ? 0 : besselI0(o.beta * Math.sqrt(1 - r * r)) / i0beta;
      const v = 2 * fc * sinc * w;
      taps[k + half - 1] = v;
      sum += v;
    }
    for (let i = 0; i < taps.length; i++) taps[i] /= sum;
    return taps;
  };
  if (up <= MAX_PHASES) {
    const table = Array.from({ length: up }, (_, p) => make(p));
    return { up, down, half, taps: (p) => table[p] };
  }
  // Awkward rate pairs (e.g. 44100 → 16001) would need a huge table; build those phases on demand with a small cache.
  const cache = new Map<number, Float32Array>();
  return {
    up,
    down,
    half,
    taps: (p) => {
      let t = cache.get(p);
      if (!t) {
        if (cache.size > MAX_PHASES) cache.clear();
        t = make(p);
        cache.set(p, t);
      }
      return t;
    },
  };
}

function checkRate(rate: number, what: string): void {
  if (!Number.isInteger(rate) || rate < 1000 || rate > 384000) throw new RangeError(`${what} must be a whole number of Hz from 1000 to 384000, got ${rate}`);
}

/**
 * A resampler for a stream: push frames of any size, get the output that is ready; `flush()`
 * at the end returns the tail. Keeps only a kernel's width of history, so memory is bounded
 * however long the stream runs.
 */
export class StreamResampler {
  private readonly kernel?: Kernel;
  /** Input not yet fully used, starting at absolute input index `base`. */
  private buffer = new Float32Array(0);
  private base = 0;
  /** Next output instant as an absolute input position in units of 1/L input samples (exact, no drift). */
  private nextPos = 0;
  private started = false;

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
    options: ResampleOptions = {},
  ) {
    checkRate(fromRate, "source sample rate");
    checkRate(toRate, "target sample rate");
    if (fromRate !== toRate) this.kernel = buildKernel(fromRate, toRate, { zeroCrossings: 16, rolloff: 0.92, beta: 8.6, ...options });
  }

  push(input: Float32Array): Float32Array {
    if (!this.kernel) return Float32Array.from(input);
    if (!this.started) {
      // Zero history before the first sample, so the first outputs see a silent past, not garbage.
      this.started = true;
      this.buffer = new Float32Array(this.kernel.half);
      this.base = -this.kernel.half;
    }
    const joined = new Float32Array(this.buffer.length + input.length);
    joined.set(this.buffer);
    joined.set(input, this.buffer.length);
    this.buffer = joined;
    return this.drain(false);
  }

  flush(): Float32Array {
    if (!this.kernel || !this.started) return new Float32Array(0);
    const out = this.drain(true);
    this.buffer = new Float32Array(0);
    this.started = false;
    this.nextPos = 0;
    this.base = 0;
    return out;
  }

  private drain(final: boolean): Float32Array {
    const k = this.kernel!;
    const { up, down, half } = k;
    const buf = this.buffer;
    const end = this.base + buf.length; // absolute index one past the last input sample
    const out: number[] = [];
    for (;;) {
      const centre = Math.floor(this.nextPos / up); // absolute input index at or before the output instant
      const phase = this.nextPos - centre * up;
      if (final) {
        if (centre >= end) break;
      } else if (centre + half >= end) break;
      const taps = k.taps(phase);
      let acc = 0;
      const first = centre - half + 1 - this.base;
      for (let t = 0; t < taps.length; t++) {
        const idx = first + t;
        if (idx >= 0 && idx < buf.length) acc += buf[idx] * taps[t];
      }
      out.push(acc);
      this.nextPos += down;
    }
    // Keep only the history the next output needs.
    const needFrom = Math.floor(this.nextPos / up) - half + 1;
    const drop = Math.max(0, Math.min(buf.length, needFrom - this.base));
    if (drop > 0) {
      this.buffer = buf.slice(drop);
      this.base += drop;
    }
    return Float32Array.from(out);
  }
}

/** Resamples a whole buffer; the output has round(n × to / from) samples (give or take one). */
export function resample(input: Float32Array, fromRate: number, toRate: number, options?: ResampleOptions): Float32Array {
  if (fromRate === toRate) return Float32Array.from(input);
  const r = new StreamResampler(fromRate, toRate, options);
  const a = r.push(input);
  const b = r.flush();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
