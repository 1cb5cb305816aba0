import { InvalidAudioError } from "../errors.ts";
import { StreamResampler } from "../audio/resample.ts";
import { mulawDecodeSample } from "../audio/mulaw.ts";

export type InputFormat = "pcm16" | "f32" | "mulaw";

export interface InputSpec {
  format: InputFormat;
  sampleRate: number;
}

/** Rates a client may announce; anything else is refused at `start` rather than resampled from a guess. */
export const INPUT_RATES = [8000, 16000, 22050, 24000, 32000, 44100, 48000] as const;

const BYTES_PER_SAMPLE: Record<InputFormat, number> = { pcm16: 2, f32: 4, mulaw: 1 };

/**
 * Client audio (little-endian PCM16, Float32 or G.711 mu-law, at the announced rate) to the
 * pipeline's 16 kHz PCM16, frame by frame. A chunk that is not a whole number of samples is refused
 * whole (a split sample would shift every later one into noise); non-finite floats become silence
 * and are counted so the caller can say so.
 */
export class InputDecoder {
  readonly spec: InputSpec;
  private readonly resampler?: StreamResampler;
  /** Samples (at the input rate) decoded so far: the stream clock. */
  inputSamples = 0;

  constructor(spec: InputSpec) {
    if (!INPUT_RATES.includes(spec.sampleRate as (typeof INPUT_RATES)[number])) {
      throw new InvalidAudioError(`sampleRate: ${spec.sampleRate} Hz is not accepted; use one of ${INPUT_RATES.join(", ")}`);
    }
    this.spec = spec;
    if (spec.sampleRate !== 16000) this.resampler = new StreamResampler(spec.sampleRate, 16000);
  }

  /** Bytes of one chunk → 16 kHz samples, plus how many input samples were not finite numbers. */
  decode(bytes: Uint8Array): { samples: Int16Array; nonFinite: number } {
    const size = BYTES_PER_SAMPLE[this.spec.format];
    if (bytes.byteLength % size !== 0) {
      throw new InvalidAudioError(`audio: ${bytes.byteLength} bytes is not a whole number of ${this.spec.format} samples (${size} bytes each)`);
    }
    const n = bytes.byteLength / size;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const floats = new Float32Array(n);
    let nonFinite = 0;
    if (this.spec.format === "pcm16") for (let i = 0; i < n; i++) floats[i] = view.getInt16(i * 2, true) / 32768;
    else if (this.spec.format === "mulaw") for (let i = 0; i < n; i++) floats[i] = mulawDecodeSample(bytes[i]) / 32768;
    else {
      for (let i = 0; i < n; i++) {
        const v = view.getFloat32(i * 4, true);
        if (Number.isFinite(v)) floats[i] = Math.min(1, Math.max(-1, v));
        else nonFinite++;
      }
    }
    this.inputSamples += n;
    const out = this.resampler ? this.resampler.push(floats) : floats;
    return { samples: toInt16(out), nonFinite };
  }
}

function toInt16(x: Float32Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.round(x[i] * 32767);
    out[i] = Math.min(32767, Math.max(-32768, v));
  }
  return out;
}
