/** Audio formats for the voice pipeline: WAV, PCM16/Float32, resampling, G.711 mu-law. */
import type { Pcm } from "./types.ts";
import { float32ToInt16, int16ToFloat32 } from "./audio/pcm.ts";
import { resample } from "./audio/resample.ts";

export { alawDecodeSample, mulawDecode, mulawDecodeSample, mulawEncode, mulawEncodeSample } from "./audio/mulaw.ts";
export { bytesToInt16, concatPcm, durationMs, float32ToInt16, int16ToBytes, int16ToFloat32, rmsDbfs, silence, trimSilence } from "./audio/pcm.ts";
export { type ResampleOptions, resample, StreamResampler } from "./audio/resample.ts";
export { readAudioFile } from "./audio/read-file.ts";
export { DEFAULT_WAV_LIMITS, encodeWav, parseWav, readWavFile, type WavLimits, writeWavFile } from "./audio/wav.ts";

/** The rate every recogniser and detector in the pipeline works at. */
export const PIPELINE_RATE = 16000;

/** Any mono PCM as 16 kHz PCM16 (a copy when it already is). */
export function toPipelineRate(pcm: Pcm, rate = PIPELINE_RATE): Pcm {
  if (pcm.sampleRate === rate) return { samples: Int16Array.from(pcm.samples), sampleRate: rate };
  return { samples: float32ToInt16(resample(int16ToFloat32(pcm.samples), pcm.sampleRate, rate)), sampleRate: rate };
}
