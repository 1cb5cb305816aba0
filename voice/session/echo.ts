/**
 * Telling the shopper's voice from the kiosk's own reply coming back through the microphone.
 * The server knows exactly what it sent and roughly when it plays, so a speech onset during
 * playback is compared with the reply audio around that moment: both are turned into log band
 * energies (10 ms hop, 16 bands, 150–4000 Hz) and correlated (Pearson, per-band means removed)
 * at every lag in a window. The echo — the same words, delayed, attenuated, coloured by the
 * room — correlates highly at one lag; another voice saying other words does not at any.
 */

const RATE = 16000;
const HOP = 160;
const WIN = 400;
const FFT = 512;
const BANDS = 16;
const LOW_HZ = 150;
const HIGH_HZ = 4000;

const hann = Float64Array.from({ length: WIN }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (WIN - 1)));

/** Band edges in FFT bins, spaced evenly on the mel scale. */
const edges = (() => {
  const mel = (f: number) => 2595 * Math.log10(1 + f / 700);
  const hz = (m: number) => 700 * (10 ** (m / 2595) - 1);
  const lo = mel(LOW_HZ);
  const hi = mel(HIGH_HZ);
  return Array.from({ length: BANDS + 1 }, (_, i) => Math.round((hz(lo + ((hi - lo) * i) / BANDS) * FFT) / RATE));
})();

function fftPower(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

/** Band levels more than this (natural log, ≈30 dB) below the segment's loudest count as silence: noise-floor detail must not look like a pattern. */
const FLOOR_BELOW_PEAK = 6.9;

/**
 * Spectro-temporal change: the frame-to-frame difference of log band energies (floored). The
 * absolute spectrum says mostly *whose* voice it is — and the kiosk's voice may be the shopper's
 * too — while its changes say *which sounds, when*, which only the echo shares with the reply.
 */
export function bandFeatures(samples: Int16Array): Float32Array[] {
  const levels = bandLevels(samples);
  let peak = Number.NEGATIVE_INFINITY;
  for (const row of levels) for (const v of row) peak = Math.max(peak, v);
  for (const row of levels) for (let k = 0; k < BANDS; k++) row[k] = Math.max(row[k], peak - FLOOR_BELOW_PEAK);
  const out: Float32Array[] = [];
  for (let t = 1; t + 1 < levels.length; t++) {
    const row = new Float32Array(BANDS);
    for (let k = 0; k < BANDS; k++) row[k] = levels[t + 1][k] - levels[t - 1][k];
    out.push(row);
  }
  return out;
}

/** Log band energies, one row of BANDS per 10 ms hop. */
function bandLevels(samples: Int16Array): Float32Array[] {
  const frames: Float32Array[] = [];
  const re = new Float64Array(FFT);
  const im = new Float64Array(FFT);
  for (let start = 0; start + WIN <= samples.length; start += HOP) {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < WIN; i++) re[i] = (samples[start + i] / 32768) * hann[i];
    fftPower(re, im);
    const row = new Float32Array(BANDS);
    for (let b = 0; b < BANDS; b++) {
      let e = 1e-12;
      for (let k = edges[b]; k < Math.max(edges[b + 1], edges[b] + 1); k++) e += re[k] * re[k] + im[k] * im[k];
      row[b] = Math.log(e);
    }
    frames.push(row);
  }
  return frames;
}

function correlate(a: Float32Array[], b: Float32Array[], offset: number): number {
  const n = a.length;
  const meanA = new Float64Array(BANDS);
  const meanB = new Float64Array(BANDS);
  for (let t = 0; t < n; t++) {
    for (let k = 0; k < BANDS; k++) {
      meanA[k] += a[t][k];
      meanB[k] += b[t + offset][k];
    }
  }
  for (let k = 0; k < BANDS; k++) {
    meanA[k] /= n;
    meanB[k] /= n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let t = 0; t < n; t++) {
    const ra = a[t];
    const rb = b[t + offset];
    for (let k = 0; k < BANDS; k++) {
      const x = ra[k] - meanA[k];
      const y = rb[k] - meanB[k];
      sab += x * y;
      saa += x * x;
      sbb += y * y;
    }
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

export interface EchoMatch {
  /** Highest correlation over the lag window, -1…1. */
  score: number;
  /** Lag of the best match: how many ms the microphone trails the reference window's start. */
  lagMs: number;
}

/**
 * How well `mic` matches some stretch of `reference` (which should start `maxLeadMs` before the
 * moment the mic segment is expected to echo, and run `maxLeadMs + maxLagMs` longer than it).
 */
export function echoMatch(mic: Int16Array, reference: Int16Array): EchoMatch {
  const a = bandFeatures(mic);
  const b = bandFeatures(reference);
  if (a.length < 10 || b.length < a.length) return { score: 0, lagMs: 0 };
  let best = -1;
  let bestLag = 0;
  for (let off = 0; off + a.length <= b.length; off++) {
    const r = correlate(a, b, off);
    if (r > best) {
      best = r;
      bestLag = off;
    }
  }
  return { score: best, lagMs: (bestLag * HOP * 1000) / RATE };
}
