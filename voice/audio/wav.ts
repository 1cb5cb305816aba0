import { open, stat, writeFile } from "node:fs/promises";
import { PayloadTooLargeError } from "../../core/errors.ts";
import { InvalidAudioError } from "../errors.ts";
import type { Pcm } from "../types.ts";
import { alawDecodeSample, mulawDecodeSample } from "./mulaw.ts";

export interface WavLimits {
  /** Longest audio accepted (after decoding), so a 10-minute upload cannot fill memory. Default 600 s. */
  maxSeconds?: number;
  /** Largest file read at all. Default 128 MiB. */
  maxBytes?: number;
}

export const DEFAULT_WAV_LIMITS: Required<WavLimits> = { maxSeconds: 600, maxBytes: 128 * 1024 * 1024 };

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
const FORMAT_NAMES: Record<number, string> = { 2: "MS ADPCM", 17: "IMA ADPCM", 49: "GSM 6.10", 85: "MP3", 255: "AAC" };

interface Format {
  tag: number;
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign: number;
}

const ascii = (b: Uint8Array, at: number) => String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);

function readFormat(view: DataView, at: number, size: number, what: string): Format {
  if (size < 16) throw new InvalidAudioError(`${what}: the WAV "fmt " chunk is ${size} bytes, shorter than the 16 a format needs`);
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40) throw new InvalidAudioError(`${what}: WAVE_FORMAT_EXTENSIBLE "fmt " chunk is ${size} bytes, shorter than 40`);
    // The sub-format GUID starts with the ordinary format tag.
    tag = view.getUint16(at + 24, true);
  }
  return { tag, channels, sampleRate, bits, blockAlign };
}

function checkFormat(f: Format, what: string): void {
  const supported =
    (f.tag === FORMAT_PCM && [8, 16, 24, 32].includes(f.bits)) ||
    (f.tag === FORMAT_FLOAT && (f.bits === 32 || f.bits === 64)) ||
    ((f.tag === FORMAT_MULAW || f.tag === FORMAT_ALAW) && f.bits === 8);
  if (!supported) {
    const name = FORMAT_NAMES[f.tag] ?? `format tag ${f.tag}`;
    throw new InvalidAudioError(
      `${what}: unsupported WAV encoding (${name}, ${f.bits} bits); send PCM (8/16/24/32-bit), 32/64-bit float, mu-law or A-law, e.g. \`sox in.wav -b 16 out.wav\``,
    );
  }
  if (f.channels < 1 || f.channels > 8) throw new InvalidAudioError(`${what}: WAV has ${f.channels} channels; 1 to 8 are accepted`);
  if (f.sampleRate < 4000 || f.sampleRate > 384000) throw new InvalidAudioError(`${what}: WAV sample rate ${f.sampleRate} Hz is outside 4000–384000 Hz`);
  if (f.blockAlign !== f.channels * (f.bits / 8)) {
    throw new InvalidAudioError(`${what}: WAV block align ${f.blockAlign} does not match ${f.channels} channel(s) of ${f.bits}-bit samples`);
  }
}

/** One sample (channel `c` of frame `i`) as a float in [-1, 1]. */
function sampleReader(f: Format, view: DataView, base: number): (i: number, c: number) => number {
  const bytes = f.bits / 8;
  const at = (i: number, c: number) => base + i * f.blockAlign + c * bytes;
  if (f.tag === FORMAT_FLOAT) return f.bits === 32 ? (i, c) => view.getFloat32(at(i, c), true) : (i, c) => view.getFloat64(at(i, c), true);
  if (f.tag === FORMAT_MULAW) return (i, c) => mulawDecodeSample(view.getUint8(at(i, c))) / 32768;
  if (f.tag === FORMAT_ALAW) return (i, c) => alawDecodeSample(view.getUint8(at(i, c))) / 32768;
  switch (f.bits) {
    case 8:
      return (i, c) => (view.getUint8(at(i, c)) - 128) / 128;
    case 16:
      return (i, c) => view.getInt16(at(i, c), true) / 32768;
    case 24:
      return (i, c) => {
        const p = at(i, c);
        const v = view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getInt8(p + 2) << 16);
        return v / 8388608;
      };
    default:
      return (i, c) => view.getInt32(at(i, c), true) / 2147483648;
  }
}

/**
 * Decodes a RIFF/WAVE file to mono 16-bit PCM at its own rate (channels are averaged). Walks the
 * chunks rather than assuming a 44-byte header, accepts a data size of 0 or 0xFFFFFFFF from
 * streaming writers (the data then runs to the end), and answers anything else that is not
 * decodable with an InvalidAudioError saying what is wrong.
 */
export function parseWav(bytes: Uint8Array, limits: WavLimits = {}, what = "audio"): Pcm {
  const { maxSeconds, maxBytes } = { ...DEFAULT_WAV_LIMITS, ...limits };
  if (bytes.byteLength > maxBytes) throw new PayloadTooLargeError(`${what}: ${bytes.byteLength} bytes is more than the ${maxBytes} accepted`);
  if (bytes.byteLength < 12 || ascii(bytes, 0) !== "RIFF" || ascii(bytes, 8) !== "WAVE") {
    const hint = bytes.byteLength >= 4 && ascii(bytes, 0) === "RIFX" ? " (big-endian RIFX is not supported)" : "";
    throw new InvalidAudioError(`${what}: not a WAV file (no RIFF/WAVE header)${hint}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: Format | undefined;
  let dataAt = -1;
  let dataSize = 0;
  let at = 12;
  while (at + 8 <= bytes.byteLength) {
    const id = ascii(bytes, at);
    let size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt ") {
      if (body + size > bytes.byteLength) throw new InvalidAudioError(`${what}: the WAV "fmt " chunk is cut off`);
      format = readFormat(view, body, size, what);
    } else if (id === "data") {
      if (size === 0 || size === 0xffffffff || body + size > bytes.byteLength) size = bytes.byteLength - body;
      dataAt = body;
      dataSize = size;
      break;
    }
    // Chunks are padded to an even length.
    at = body + size + (size & 1);
  }
  if (!format) throw new InvalidAudioError(`${what}: WAV has no "fmt " chunk before its data`);
  if (dataAt < 0) throw new InvalidAudioError(`${what}: WAV has no "data" chunk`);
  checkFormat(format, what);
  const frames = Math.floor(dataSize / format.blockAlign);
  if (frames / format.sampleRate > maxSeconds) {
    throw new PayloadTooLargeError(`${what}: ${(frames / format.sampleRate).toFixed(1)} s of audio is longer than the ${maxSeconds} s accepted`);
  }
  const read = sampleReader(format, view, dataAt);
  const samples = new Int16Array(frames);
  const channels = format.channels;
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(i, c);
    const v = Math.round((sum / channels) * 32768);
    samples[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Number.isNaN(v) ? 0 : v;
  }
  return { samples, sampleRate: format.sampleRate };
}

/** A mono 16-bit PCM WAV file's bytes. */
export function encodeWav(pcm: Pcm): Uint8Array {
  const dataBytes = pcm.samples.length * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const put = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  put(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  put(8, "WAVE");
  put(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, pcm.sampleRate, true);
  view.setUint32(28, pcm.sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  put(36, "data");
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < pcm.samples.length; i++) view.setInt16(44 + i * 2, pcm.samples[i], true);
  return out;
}

/** Reads and decodes a WAV file, refusing oversized files before reading them. */
export async function readWavFile(file: string, limits: WavLimits = {}): Promise<Pcm> {
  const maxBytes = limits.maxBytes ?? DEFAULT_WAV_LIMITS.maxBytes;
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new InvalidAudioError(`${file}: not a file`);
    size = s.size;
  } catch (err) {
    if (err instanceof InvalidAudioError) throw err;
    throw new InvalidAudioError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  if (size > maxBytes) throw new PayloadTooLargeError(`${file}: ${size} bytes is more than the ${maxBytes} accepted`);
  const handle = await open(file, "r");
  try {
    const bytes = new Uint8Array(size);
    await handle.read(bytes, 0, size, 0);
    return parseWav(bytes, limits, file);
  } finally {
    await handle.close();
  }
}

export async function writeWavFile(file: string, pcm: Pcm): Promise<void> {
  await writeFile(file, encodeWav(pcm));
}
