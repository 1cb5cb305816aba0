import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  bytesToInt16,
  encodeWav,
  float32ToInt16,
  int16ToBytes,
  int16ToFloat32,
  mulawDecode,
  mulawEncode,
  parseWav,
  readAudioFile,
  readWavFile,
  resample,
  StreamResampler,
  toPipelineRate,
} from "../../voice/audio.ts";
import { InvalidAudioError } from "../../voice/errors.ts";
import { JFK_WAV, sine, toneEnergy } from "./helpers.ts";

const dir = mkdtempSync(path.join(tmpdir(), "voice-audio-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A WAV header + data for any encoding, to test the parser beyond what encodeWav writes. */
function wavBytes(opts: { tag: number; channels: number; rate: number; bits: number; data: Uint8Array; extraChunk?: boolean; dataSize?: number }): Uint8Array {
  const fmtSize = opts.tag === 0xfffe ? 40 : 16;
  const extra = opts.extraChunk ? 8 + 3 + 1 : 0; // odd-sized LIST chunk plus its pad byte
  const total = 12 + 8 + fmtSize + extra + 8 + opts.data.length;
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const put = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  put(0, "RIFF");
  v.setUint32(4, total - 8, true);
  put(8, "WAVE");
  put(12, "fmt ");
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, opts.tag, true);
  v.setUint16(22, opts.channels, true);
  v.setUint32(24, opts.rate, true);
  const align = (opts.channels * opts.bits) / 8;
  v.setUint32(28, opts.rate * align, true);
  v.setUint16(32, align, true);
  v.setUint16(34, opts.bits, true);
  let at = 20 + fmtSize;
  if (opts.tag === 0xfffe) {
    v.setUint16(36, 22, true);
    v.setUint16(44, 1, true); // sub-format GUID begins with PCM's tag
  }
  if (opts.extraChunk) {
    put(at, "LIST");
    v.setUint32(at + 4, 3, true);
    at += 12;
  }
  put(at, "data");
  v.setUint32(at + 4, opts.dataSize ?? opts.data.length, true);
  out.set(opts.data, at + 8);
  return out;
}

describe("WAV", () => {
  it("round-trips mono PCM16 exactly", () => {
    const samples = Int16Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 65536) - 32768);
    const pcm = parseWav(encodeWav({ samples, sampleRate: 22050 }));
    expect(pcm.sampleRate).toBe(22050);
    expect(Array.from(pcm.samples)).toEqual(Array.from(samples));
  });

  it("reads the real jfk.wav (16 kHz mono, 11 s)", async () => {
    const pcm = await readWavFile(JFK_WAV);
    expect(pcm.sampleRate).toBe(16000);
    expect(pcm.samples.length / 16000).toBeCloseTo(11, 0);
  });

  it("downmixes stereo to mono, skips unknown chunks, and reads extensible PCM", () => {
    const frames = [
      [1000, 3000],
      [-2000, -4000],
    ];
    const data = new Uint8Array(8);
    const v = new DataView(data.buffer);
    for (const [i, s] of frames.flat().entries()) v.setInt16(i * 2, s, true);
    const stereo = parseWav(wavBytes({ tag: 1, channels: 2, rate: 48000, bits: 16, data, extraChunk: true }));
    expect(Array.from(stereo.samples)).toEqual([2000, -3000]);
    const ext = parseWav(wavBytes({ tag: 0xfffe, channels: 2, rate: 48000, bits: 16, data }));
    expect(Array.from(ext.samples)).toEqual([2000, -3000]);
  });

  it("decodes float32, 8-bit, 24-bit and mu-law WAVs", () => {
    const f = new Uint8Array(8);
    new DataView(f.buffer).setFloat32(0, 0.5, true);
    new DataView(f.buffer).setFloat32(4, -1.5, true);
    expect(Array.from(parseWav(wavBytes({ tag: 3, channels: 1, rate: 16000, bits: 32, data: f })).samples)).toEqual([16384, -32768]);
    expect(Array.from(parseWav(wavBytes({ tag: 1, channels: 1, rate: 8000, bits: 8, data: Uint8Array.from([128, 192, 0]) })).samples)).toEqual([0, 16384, -32768]);
    const p24 = Uint8Array.from([0, 0, 0x40, 0, 0, 0xc0]);
    expect(Array.from(parseWav(wavBytes({ tag: 1, channels: 1, rate: 8000, bits: 24, data: p24 })).samples)).toEqual([16384, -16384]);
    const mu = mulawEncode(Int16Array.from([0, 1000, -1000]));
    expect(Array.from(parseWav(wavBytes({ tag: 7, channels: 1, rate: 8000, bits: 8, data: mu })).samples)).toEqual(Array.from(mulawDecode(mu)));
  });

  it("accepts a streaming writer's unknown data size", () => {
    const data = int16ToBytes(Int16Array.from([1, 2, 3]));
    expect(Array.from(parseWav(wavBytes({ tag: 1, channels: 1, rate: 16000, bits: 16, data, dataSize: 0xffffffff })).samples)).toEqual([1, 2, 3]);
  });

  it("rejects garbage, truncated headers and unsupported encodings with clear errors", () => {
    expect(() => parseWav(new TextEncoder().encode("hello, this is not audio at all"))).toThrow(/not a WAV file/);
    expect(() => parseWav(new Uint8Array(0))).toThrow(InvalidAudioError);
    const mp3InWav = wavBytes({ tag: 0x55, channels: 1, rate: 16000, bits: 0, data: new Uint8Array(10) });
    expect(() => parseWav(mp3InWav)).toThrow(/unsupported WAV encoding \(MP3/);
    const adpcm = wavBytes({ tag: 2, channels: 1, rate: 16000, bits: 4, data: new Uint8Array(10) });
    expect(() => parseWav(adpcm)).toThrow(/MS ADPCM/);
    const noData = encodeWav({ samples: new Int16Array(4), sampleRate: 16000 }).slice(0, 36);
    expect(() => parseWav(noData)).toThrow(/no "data" chunk/);
    const badRate = wavBytes({ tag: 1, channels: 1, rate: 100, bits: 16, data: new Uint8Array(4) });
    expect(() => parseWav(badRate)).toThrow(/sample rate 100 Hz/);
    const manyChannels = wavBytes({ tag: 1, channels: 12, rate: 16000, bits: 16, data: new Uint8Array(24) });
    expect(() => parseWav(manyChannels)).toThrow(/12 channels/);
  });

  it("bounds size and duration", async () => {
    const tenSeconds = encodeWav({ samples: new Int16Array(160000), sampleRate: 16000 });
    expect(() => parseWav(tenSeconds, { maxSeconds: 5 })).toThrow(/longer than the 5 s accepted/);
    expect(() => parseWav(tenSeconds, { maxBytes: 1000 })).toThrow(/more than the 1000 accepted/);
    const file = path.join(dir, "big.wav");
    writeFileSync(file, tenSeconds);
    await expect(readWavFile(file, { maxBytes: 1000 })).rejects.toThrow(/more than the 1000 accepted/);
    await expect(readWavFile(path.join(dir, "absent.wav"))).rejects.toThrow(/cannot read/);
  });
});

describe("other audio files (through sox)", () => {
  // Public speech sets ship FLAC (LibriSpeech, SLURP) and MP3 (Common Voice); `.ci/run` installs sox with its MP3 handler.
  const soxFormats = (() => {
    try {
      return execFileSync("sox", ["--help"], { encoding: "utf8" }).match(/AUDIO FILE FORMATS: (.*)/)?.[1]?.split(" ") ?? [];
    } catch {
      return [];
    }
  })();
  const formats = ["flac", "ogg", "mp3"].filter((f) => {
    if (soxFormats.includes(f)) return true;
    if (process.env.CI) throw new Error(`sox cannot write ${f} here; .ci/run installs sox and libsox-fmt-mp3`);
    console.warn(`[skipped] ${f} file tests: sox without its ${f} handler (apt-get install sox libsox-fmt-mp3)`);
    return false;
  });

  it.each(formats)("reads %s as the same speech as the WAV it was made from", async (format) => {
    const wav = await readWavFile(JFK_WAV);
    const file = path.join(dir, `jfk.${format}`);
    execFileSync("sox", [JFK_WAV, file]);
    const decoded = await readAudioFile(file);
    expect(decoded.sampleRate).toBe(wav.sampleRate);
    // MP3 pads its frames; the speech is the same length to within a few frames.
    expect(Math.abs(decoded.samples.length - wav.samples.length) / wav.sampleRate).toBeLessThan(0.1);
    const rms = (x: Int16Array) => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);
    expect(Math.abs(20 * Math.log10(rms(decoded.samples) / rms(wav.samples)))).toBeLessThan(1);
    if (format === "flac") expect(decoded.samples).toEqual(wav.samples);
    await expect(readAudioFile(file, { maxSeconds: 5 })).rejects.toThrow(/longer than the 5 s accepted/);
  });

  it("names a file that is neither WAV nor audio sox can read", async () => {
    const file = path.join(dir, "notes.mp3");
    writeFileSync(file, "these are not the droids you are looking for");
    await expect(readAudioFile(file)).rejects.toThrow(InvalidAudioError);
    await expect(readAudioFile(file)).rejects.toThrow(/notes\.mp3: not audio that can be read .*give WAV, FLAC, Ogg or MP3/);
    await expect(readAudioFile(path.join(dir, "absent.flac"))).rejects.toThrow(/cannot read/);
    await expect(readAudioFile(dir)).rejects.toThrow(/not a file/);
  });
});

describe("PCM conversions", () => {
  it("Float32 ↔ Int16 round-trips and clips instead of wrapping", () => {
    const ints = Int16Array.from([-32768, -1, 0, 1, 12345, 32767]);
    expect(Array.from(float32ToInt16(int16ToFloat32(ints)))).toEqual(Array.from(ints));
    expect(Array.from(float32ToInt16(Float32Array.from([2, -2, Number.NaN])))).toEqual([32767, -32768, 0]);
  });

  it("bytes ↔ Int16 little-endian, refusing an odd byte count", () => {
    expect(Array.from(bytesToInt16(Uint8Array.from([0x01, 0x00, 0xff, 0xff])))).toEqual([1, -1]);
    expect(() => bytesToInt16(new Uint8Array(3))).toThrow(/even number of bytes/);
  });
});

describe("mu-law", () => {
  it("round-trips within G.711's quantisation error and is exact on its own code points", () => {
    const x = Int16Array.from({ length: 2000 }, (_, i) => Math.round(30000 * Math.sin(i / 10)));
    const back = mulawDecode(mulawEncode(x));
    for (let i = 0; i < x.length; i++) {
      // The step grows with magnitude: about 1/16 of the segment, so within ~3.2% + a small absolute bias.
      expect(Math.abs(back[i] - x[i])).toBeLessThanOrEqual(Math.abs(x[i]) * 0.035 + 16);
    }
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const decoded = mulawDecode(codes);
    const reencoded = mulawEncode(decoded);
    // 0x7f and 0xff both mean zero; everything else maps back to itself.
    for (let i = 0; i < 256; i++) if (i !== 0x7f) expect(reencoded[i]).toBe(i);
    expect(mulawEncode(Int16Array.from([0]))[0]).toBe(0xff);
  });
});

describe("resampling", () => {
  it("48 kHz → 16 kHz keeps a 1 kHz tone's pitch and level and removes a 12 kHz one", () => {
    const x = sine(1000, 500, 48000, 0.5);
    const y = resample(x, 48000, 16000);
    expect(y.length).toBe(8000);
    const mid = y.subarray(1000, 7000);
    const at1k = toneEnergy(mid, 1000, 16000);
    expect(at1k).toBeCloseTo(0.25, 2);
    expect(toneEnergy(mid, 1500, 16000)).toBeLessThan(at1k * 1e-3);
    // 12 kHz is above the new Nyquist (8 kHz): it must not fold back to 4 kHz.
    const alias = resample(sine(12000, 500, 48000, 0.5), 48000, 16000);
    expect(toneEnergy(alias.subarray(1000, 7000), 4000, 16000)).toBeLessThan(at1k * 1e-4);
  });

  it("8 kHz → 16 kHz keeps a 440 Hz tone", () => {
    const y = resample(sine(440, 500, 8000), 8000, 16000);
    expect(y.length).toBe(16000 / 2);
    const mid = y.subarray(800, 7200);
    expect(toneEnergy(mid, 440, 16000)).toBeGreaterThan(toneEnergy(mid, 880, 16000) * 1e4);
    let peak = 0;
    for (const v of mid) peak = Math.max(peak, Math.abs(v));
    expect(peak).toBeCloseTo(0.5, 1);
  });

  it("gives the same output streamed in odd-sized frames as in one go (44.1 kHz → 16 kHz)", () => {
    const x = sine(700, 300, 44100);
    const whole = resample(x, 44100, 16000);
    const r = new StreamResampler(44100, 16000);
    const parts: number[] = [];
    for (let at = 0; at < x.length; at += 333) parts.push(...r.push(x.subarray(at, at + 333)));
    parts.push(...r.flush());
    expect(parts.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(parts[i]).toBeCloseTo(whole[i], 5);
  });

  it("converts any WAV rate to the pipeline's 16 kHz and rejects nonsense rates", () => {
    const pcm = toPipelineRate({ samples: float32ToInt16(sine(300, 1000, 22050)), sampleRate: 22050 });
    expect(pcm.sampleRate).toBe(16000);
    expect(pcm.samples.length).toBe(16000);
    expect(() => resample(new Float32Array(10), 0, 16000)).toThrow(/source sample rate/);
  });
});
