import { describe, expect, it } from "vitest";
import { floatToPcm16, pcm16ToBytes, pcm16ToFloat, Resampler, rms } from "../../web/kiosk-audio.js";
import { sine, toneEnergy } from "../voice/helpers.ts";

/** Runs a stream through the resampler in uneven pieces, as the AudioWorklet's 128-sample quanta and a real device's would. */
function streamed(r: Resampler, input: Float32Array, sizes = [128, 97, 480, 1, 333]): Float32Array {
  const parts: Float32Array[] = [];
  for (let i = 0, k = 0; i < input.length; k++) {
    const n = sizes[k % sizes.length]!;
    parts.push(r.process(input.subarray(i, i + n)));
    i += n;
  }
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe("the kiosk's capture resampler (web/kiosk-audio.js)", () => {
  for (const inRate of [48000, 44100]) {
    it(`keeps a 1 kHz tone's pitch and level from ${inRate} Hz to 16 kHz, with one output sample per ${inRate / 16000} input samples`, () => {
      const input = sine(1000, 1000, inRate, 0.5);
      const out = streamed(new Resampler(inRate, 16000), input);
      // Every output sample is emitted once the kernel's right half has arrived: ~1 s minus a few ms.
      expect(out.length).toBeGreaterThan(15900);
      expect(out.length).toBeLessThanOrEqual(16000);
      const body = out.subarray(800, 15000); // skip the zero-history start
      expect(rms(body)).toBeCloseTo(0.5 / Math.SQRT2, 2);
      expect(toneEnergy(body, 1000, 16000)).toBeGreaterThan(0.2);
    });

    it(`removes content above 8 kHz from ${inRate} Hz instead of folding it into the speech band`, () => {
      // A 12 kHz tone decimated without a filter would alias to 4 kHz at full level.
      const out = streamed(new Resampler(inRate, 16000), sine(12000, 500, inRate, 0.5)).subarray(800);
      expect(rms(out)).toBeLessThan(0.5 * 0.01); // below -40 dB
    });
  }

  it("gives the same samples whatever the input's chunking", () => {
    const input = Float32Array.from({ length: 48000 }, (_, i) => Math.sin(i / 7) * 0.3 + Math.sin(i / 29) * 0.2);
    const whole = new Resampler(48000, 16000).process(input);
    const pieces = streamed(new Resampler(48000, 16000), input);
    expect(pieces.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(pieces[i]).toBeCloseTo(whole[i]!, 6);
  });

  it("passes 16 kHz through unchanged", () => {
    const input = sine(440, 100, 16000);
    expect(Array.from(new Resampler(16000, 16000).process(input))).toEqual(Array.from(input));
  });

  it("refuses a non-positive rate, naming both", () => {
    expect(() => new Resampler(0, 16000)).toThrow(/0 → 16000/);
  });
});

describe("PCM16 conversion for the wire", () => {
  it("clips instead of wrapping, maps NaN to silence, and uses the full range", () => {
    expect(Array.from(floatToPcm16(Float32Array.from([0, 1, -1, 1.5, -2, Number.NaN, 0.5])))).toEqual([0, 32767, -32768, 32767, -32768, 0, 16384]);
  });

  it("reads little-endian bytes at any offset, as socket.io hands binary to the page", () => {
    const bytes = new Uint8Array(pcm16ToBytes(Int16Array.from([1, -2, 32767, -32768])));
    expect(Array.from(bytes.subarray(0, 4))).toEqual([1, 0, 0xfe, 0xff]);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const floats = pcm16ToFloat(shifted.subarray(1));
    expect(Array.from(floats)).toEqual([1 / 32768, -2 / 32768, 32767 / 32768, -1]);
    expect(pcm16ToFloat(new Uint8Array([1, 2, 3])).length).toBe(1); // a trailing odd byte is not a sample
  });
});
