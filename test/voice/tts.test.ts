import { describe, expect, it } from "vitest";
import { durationMs, rmsDbfs } from "../../voice/audio.ts";
import { SpeechAbortedError } from "../../voice/errors.ts";
import { EspeakTts, FliteTts, LocaleTextToSpeech, splitSentences, synthesizeStream } from "../../voice/tts/index.ts";
import type { Pcm } from "../../voice/types.ts";
import { toneEnergy } from "./helpers.ts";

const tts = new LocaleTextToSpeech();

function audible(pcm: Pcm): void {
  expect(pcm.sampleRate).toBe(16000);
  expect(durationMs(pcm)).toBeGreaterThan(300);
  expect(rmsDbfs(pcm.samples)).toBeGreaterThan(-35);
}

describe("speech synthesis", () => {
  it("speaks English with flite's slt voice at 16 kHz", async () => {
    const pcm = await tts.synthesize("Here are three hoodies under fifty dollars.", { locale: "en" });
    audible(pcm);
    expect(tts.voiceFor("en")).toEqual({ engine: "flite", voice: "slt", rate: 1 });
  });

  it("speaks Mandarin with espeak-ng, resampled from 22 kHz to 16 kHz", async () => {
    const pcm = await tts.synthesize("您好，欢迎光临。", { locale: "zh" });
    audible(pcm);
    // Speech energy sits well below 4 kHz; a bad resampler would leave its images above it.
    const floats = Float32Array.from(pcm.samples, (v) => v / 32768);
    expect(toneEnergy(floats, 200, 16000) + toneEnergy(floats, 400, 16000)).toBeGreaterThan(toneEnergy(floats, 7000, 16000));
  });

  it("speaks faster at a higher rate and takes voices per call", async () => {
    const text = "Your order will arrive on Tuesday.";
    const normal = await tts.synthesize(text, { locale: "en" });
    const fast = await tts.synthesize(text, { locale: "en", rate: 1.5 });
    expect(durationMs(fast)).toBeLessThan(durationMs(normal) * 0.85);
    audible(await tts.synthesize(text, { locale: "en", voice: "awb" }));
    audible(await new EspeakTts().synthesize("-v is not an option here", { locale: "en" }));
  });

  it("refuses empty text, overlong text, odd voices and rates, naming the field", async () => {
    await expect(tts.synthesize("   ", { locale: "en" })).rejects.toThrow(/text: nothing to say/);
    await expect(tts.synthesize("a".repeat(2001), { locale: "en" })).rejects.toThrow(/text: 2001 characters/);
    await expect(tts.synthesize("hi", { locale: "en", voice: "--help" })).rejects.toThrow(/voice:/);
    await expect(tts.synthesize("hi", { locale: "en", rate: 9 })).rejects.toThrow(/rate:/);
    await expect(new FliteTts({}, { program: "/nonexistent/flite" }).synthesize("hi", { locale: "en" })).rejects.toThrow(/cannot run/);
    expect(() => new LocaleTextToSpeech({ zh: { engine: "espeak-ng", voice: "cmn", rate: 5 } })).toThrow(/zh.rate/);
  });

  it("streams a reply sentence by sentence and stops when aborted", async () => {
    const reply = "I found three hoodies. The first is green. The second is blue. The third is grey.";
    const chunks: Pcm[] = [];
    for await (const pcm of synthesizeStream(reply, { locale: "en" })) chunks.push(pcm);
    expect(chunks.length).toBe(4);
    for (const c of chunks) audible(c);

    const controller = new AbortController();
    const got: Pcm[] = [];
    const run = (async () => {
      for await (const pcm of synthesizeStream(reply, { tts, locale: "en", signal: controller.signal })) {
        got.push(pcm);
        controller.abort();
      }
    })();
    await expect(run).rejects.toBeInstanceOf(SpeechAbortedError);
    expect(got.length).toBe(1);
  });
});

describe("sentence splitting", () => {
  it("splits English at sentence ends but not at abbreviations, initials or prices", () => {
    expect(splitSentences("Hello! The Muyun hoodie costs $49.99, e.g. in green. Mr. Smith loves it... Really? Yes.", "en")).toEqual([
      "Hello!",
      "The Muyun hoodie costs $49.99, e.g. in green.",
      "Mr. Smith loves it...",
      "Really?",
      "Yes.",
    ]);
    expect(splitSentences("Line one\nLine two", "en")).toEqual(["Line one", "Line two"]);
    expect(splitSentences(" ... ", "en")).toEqual([]);
  });

  it("splits Chinese at its own punctuation and keeps closing quotes with the sentence", () => {
    expect(splitSentences("您好！我找到了三件卫衣。第一件是¥99.00，很受欢迎；要加入购物车吗？“好的。”", "zh")).toEqual([
      "您好！",
      "我找到了三件卫衣。",
      "第一件是¥99.00，很受欢迎；",
      "要加入购物车吗？",
      "“好的。”",
    ]);
  });

  it("cuts an overlong sentence at a clause boundary", () => {
    const long = "This jacket is warm, light and waterproof, and it packs into its own pocket, which makes it great for travel and for walks in the hills when the weather turns.";
    const parts = splitSentences(long, "en", { maxChars: 60 });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(60);
    expect(parts.join(" ")).toBe(long);
  });
});
