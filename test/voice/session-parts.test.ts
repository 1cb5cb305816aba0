import { describe, expect, it } from "vitest";
import { echoMatch, InputDecoder, judgeTurnEnd, PlaybackTimeline, SentenceStream, transcriptEchoes } from "../../voice/index.ts";
import { fliteSpeech, whiteNoise } from "./helpers.ts";

describe("SentenceStream", () => {
  it("gives each sentence as soon as what follows shows it is complete, without splitting prices or abbreviations", () => {
    const s = new SentenceStream("en");
    const out: string[][] = [];
    for (const piece of ["Here are ", "some shoes. ", "The first ", "costs $9", ".99 and is ", "light. Mr. ", "Smith likes ", "it.\nAsk me ", "more"]) out.push(s.push(piece));
    expect(out.flat()).toEqual(["Here are some shoes.", "The first costs $9.99 and is light.", "Mr. Smith likes it."]);
    expect(out[1]).toEqual([]);
    expect(out[2]).toEqual(["Here are some shoes."]);
    expect(s.flush()).toEqual(["Ask me more"]);
    expect(s.flush()).toEqual([]);
  });

  it("cuts Chinese at its own punctuation", () => {
    const s = new SentenceStream("zh");
    expect([...s.push("这是跑鞋。"), ...s.push("价格三百元"), ...s.push("以下！还")]).toEqual(["这是跑鞋。", "价格三百元以下！"]);
    expect(s.flush()).toEqual(["还"]);
  });
});

describe("echo check", () => {
  const reply = fliteSpeech("Here are three running shoes under one hundred dollars. The first one is light and cushioned.").samples;
  const noise = whiteNoise(6000, -45);
  const clip = (v: number) => Math.max(-32768, Math.min(32767, Math.round(v)));

  it("matches the reply heard back through a room (delayed, quieter, noisy) and not other words in the same voice", () => {
    const onset = 16000;
    const delay = 3200;
    const mic = Int16Array.from({ length: 6400 }, (_, i) => clip(0.4 * (reply[onset - 1600 + i - delay] ?? 0) + noise[i]));
    const from = onset - 1600 - 12800;
    const ref = Int16Array.from({ length: mic.length + 12800 + 4800 }, (_, i) => reply[from + i] ?? 0);
    const echo = echoMatch(mic, ref);
    expect(echo.score).toBeGreaterThan(0.75);
    expect(Math.abs(echo.lagMs - (800 - 200))).toBeLessThanOrEqual(20);
    const other = fliteSpeech("no wait, what about hiking boots").samples;
    const shopper = Int16Array.from({ length: 6400 }, (_, i) => clip(0.8 * (other[i] ?? 0) + noise[i]));
    expect(echoMatch(shopper, ref).score).toBeLessThan(0.6);
  });

  it("reads a transcript made of the reply's words as echo, and a request as not", () => {
    const said = "Here are three running shoes under one hundred dollars.";
    expect(transcriptEchoes("three running shoes under a hundred dollars", said)).toBe(true);
    expect(transcriptEchoes("show me hiking boots", said)).toBe(false);
    expect(transcriptEchoes("shoes", said)).toBe(false);
  });
});

describe("PlaybackTimeline", () => {
  it("places chunks back to back from when they were sent, re-anchors on playback started, and cuts at ended", () => {
    const t = new PlaybackTimeline();
    t.add("r1", new Int16Array(100).fill(1), 1000);
    t.add("r1", new Int16Array(100).fill(2), 1050);
    expect(t.playingUntil()).toBe(1200);
    t.started("r1", 1100);
    expect(t.playingUntil()).toBe(1300);
    const ref = t.reference(1090, 1310);
    expect(ref[5]).toBe(0);
    expect(ref[15]).toBe(1);
    expect(ref[115]).toBe(2);
    expect(ref[215]).toBe(0);
    t.ended("r1", 1150);
    expect(t.playingUntil()).toBe(1150);
    expect(t.reference(1140, 1160)[15]).toBe(0);
  });
});

describe("InputDecoder", () => {
  it("decodes mu-law at 8 kHz to twice as many 16 kHz samples and counts the stream clock", () => {
    const d = new InputDecoder({ format: "mulaw", sampleRate: 8000 });
    const out = d.decode(new Uint8Array(1600).fill(0xff)).samples;
    expect(Math.abs(out.length - 3200)).toBeLessThanOrEqual(40);
    expect(d.inputSamples).toBe(1600);
  });
});

describe("end-of-turn judge", () => {
  it("reads a pause after a whole request as complete and one after an open word as open, in English and Chinese", () => {
    for (const t of ["show me running shoes", "do you have wireless headphones?", "what is your return policy", "recommend something for me", "stop", "what do you have"]) {
      expect(judgeTurnEnd(t, "en"), t).toBe("complete");
    }
    for (const t of ["i am looking for a", "show me running shoes under", "a red dress and", "um", "show me", "how much", "do you have any", "i want"]) {
      expect(judgeTurnEnd(t, "en"), t).toBe("open");
    }
    for (const t of ["我想买跑鞋", "有没有无线耳机？", "退货政策是什么呢"]) expect(judgeTurnEnd(t, "zh"), t).toBe("complete");
    for (const t of ["我想买跑鞋和", "给我看看那个", "价格不超过", "嗯"]) expect(judgeTurnEnd(t, "zh"), t).toBe("open");
    expect(judgeTurnEnd("", "en")).toBe("unknown");
    expect(judgeTurnEnd(" ... ", "zh")).toBe("unknown");
  });
});
