import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  concatPcm,
  DEFAULT_DICT,
  EnergyVad,
  GENERIC_LM,
  int16ToBytes,
  int16ToFloat32,
  InvalidAudioError,
  LocaleTextToSpeech,
  PocketsphinxSpeechToText,
  resample,
  SileroVadModel,
  silence,
  VoiceSession,
  type VoiceSessionEvent,
  type VoiceSessionOptions,
} from "../../voice/index.ts";
import type { VoiceActivityDetector } from "../../voice/types.ts";
import { fliteSpeech, SILERO_ONNX, whiteNoise } from "./helpers.ts";

/**
 * The voice session on the real engines: Silero VAD (the shared model), pocketsphinx with its
 * generic English model (no domain build, so it loads in a second), flite. The turn callback is a
 * templated reply that streams a few words at a time, as the dialogs do without an LLM.
 */
let stt: PocketsphinxSpeechToText;
let silero: SileroVadModel | undefined;
const tts = new LocaleTextToSpeech();

beforeAll(async () => {
  stt = new PocketsphinxSpeechToText({ lmPath: GENERIC_LM, dictPath: DEFAULT_DICT });
  await stt.warmUp();
  if (existsSync(SILERO_ONNX)) silero = await SileroVadModel.load(SILERO_ONNX);
});
afterAll(async () => {
  await stt?.close();
  await silero?.release();
});

const vad = (): VoiceActivityDetector => silero?.createDetector() ?? new EnergyVad();

interface Harness {
  session: VoiceSession;
  events: VoiceSessionEvent[];
  turns: string[];
  aborted: string[];
  of<T extends VoiceSessionEvent["type"]>(type: T): Extract<VoiceSessionEvent, { type: T }>[];
  feed(samples: Int16Array, frameMs?: number): Promise<void>;
}

const REPLY = "Here are some running shoes under one hundred dollars. The first one is light and cushioned. The second one is waterproof.";

function harness(options: VoiceSessionOptions = {}, reply: { text?: string; wordDelayMs?: number; holdUntilAudio?: boolean; holdUntilBargeIn?: boolean } = {}): Harness {
  const events: VoiceSessionEvent[] = [];
  const turns: string[] = [];
  const aborted: string[] = [];
  const text = reply.text ?? REPLY;
  const session = new VoiceSession(
    {
      vad: vad(),
      stt,
      tts,
      emit: (e) => events.push(e),
      respond: async ({ text: heard, onDelta, signal }) => {
        turns.push(heard);
        const words = text.split(/(?<= )/);
        for (let i = 0; i < words.length; i += 3) {
          if (signal.aborted) {
            aborted.push(heard);
            throw signal.reason;
          }
          onDelta(words.slice(i, i + 3).join(""));
          // A generator slower than speech: the reply is still being written when its first sentence is heard.
          for (let w = 0; reply.holdUntilAudio && w < 400 && !events.some((e) => e.type === "audio"); w++) await new Promise((r) => setTimeout(r, 25));
          if (reply.wordDelayMs) await new Promise((r) => setTimeout(r, reply.wordDelayMs));
          // Still writing when the shopper talks over it, however slow the recogniser is on a loaded machine (bounded: 20 s).
          const spoken = () => events.some((e) => e.type === "audio");
          for (let w = 0; reply.holdUntilBargeIn && spoken() && w < 800 && !events.some((e) => e.type === "barge-in"); w++) await new Promise((r) => setTimeout(r, 25));
        }
        return { text };
      },
    },
    options,
  );
  return {
    session,
    events,
    turns,
    aborted,
    of: <T extends VoiceSessionEvent["type"]>(type: T) => events.filter((e) => e.type === type) as Extract<VoiceSessionEvent, { type: T }>[],
    async feed(samples, frameMs = 100) {
      const n = Math.round((frameMs / 1000) * 16000);
      for (let at = 0; at < samples.length; at += n) await session.push(int16ToBytes(samples.subarray(at, at + n)));
    },
  };
}

const request = () => fliteSpeech("show me running shoes under one hundred dollars");

describe("VoiceSession", () => {
  it("turns a spoken request into one final transcript, a streamed reply and its audio in order, the first sentence's audio before the reply is final", async () => {
    const h = harness({}, { holdUntilAudio: true });
    await h.feed(concatPcm([silence(400), request(), silence(1500)]).samples);
    await h.session.idle();
    const finals = h.of("transcript").filter((t) => t.final);
    expect(finals).toHaveLength(1);
    expect(finals[0].text).toMatch(/running shoes/);
    expect(h.turns).toEqual([finals[0].text]);
    const audio = h.of("audio");
    expect(audio.map((a) => a.seq)).toEqual(audio.map((_, i) => i));
    expect(audio.length).toBeGreaterThanOrEqual(3);
    expect(audio.every((a) => a.samples.length > 1600 && a.sampleRate === 16000)).toBe(true);
    expect(audio.map((a) => a.text).join(" ")).toBe(REPLY);
    const order = h.events.map((e) => e.type);
    expect(order.indexOf("audio")).toBeLessThan(order.indexOf("reply"));
    expect(order.at(-2)).toBe("audio-end");
    expect(h.of("reply-delta").map((d) => d.text).join("")).toBe(REPLY);
  });

  it("accepts 48 kHz Float32 frames and hears the same request", async () => {
    const h = harness({ sampleRate: 48000, format: "f32" });
    const wide = resample(int16ToFloat32(concatPcm([silence(300), request(), silence(1500)]).samples), 16000, 48000);
    const frame = 4800;
    for (let at = 0; at < wide.length; at += frame) {
      const part = wide.slice(at, at + frame);
      await h.session.push(new Uint8Array(part.buffer));
    }
    await h.session.idle();
    expect(h.turns).toHaveLength(1);
    expect(h.turns[0]).toMatch(/running shoes/);
  });

  it("holds a sentence left open through a thinking pause: one turn", async () => {
    const h = harness();
    // 1.2 s of silence after "and" would end a turn on silence alone (0.9 s); the open word holds it.
    const paused = concatPcm([silence(300), fliteSpeech("i want a red dress and"), silence(1200), fliteSpeech("a pair of running shoes"), silence(2000)]);
    await h.feed(paused.samples);
    await h.session.idle();
    expect(h.turns).toHaveLength(1);
    expect(h.turns[0]).toMatch(/red dress and.*(running|shoes)/);
    expect(h.of("barge-in")).toEqual([]);
  });

  it("ends a complete request after a shorter silence, and speech resumed within the usual silence continues that turn", async () => {
    const quick = harness();
    await quick.feed(concatPcm([silence(300), request(), silence(750)]).samples);
    await quick.session.idle();
    expect(quick.turns).toHaveLength(1);
    // The shortcut off (complete = the usual 900 ms): the same 750 ms of silence is not yet a turn.
    const plain = harness({ segmenter: { completeTurnSilenceMs: 900 } });
    await plain.feed(concatPcm([silence(300), request(), silence(750)]).samples);
    await plain.session.idle();
    expect(plain.turns).toEqual([]);

    // A thinking pause after words that already read as a request: the turn ends early, then the
    // shopper goes on before 900 ms have passed; the reply is retracted and one turn answers both.
    const h = harness({}, { wordDelayMs: 100 });
    await h.feed(concatPcm([silence(300), fliteSpeech("show me running shoes"), silence(800), fliteSpeech("under one hundred dollars"), silence(1500)]).samples);
    await h.session.idle();
    expect(h.turns).toHaveLength(2);
    expect(h.turns[1]).toMatch(/^show me running shoes.*(hundred|dollars)/);
    expect(h.aborted).toEqual([h.turns[0]]);
    expect(h.of("barge-in")).toHaveLength(1);
    const finals = h.of("transcript").filter((t) => t.final);
    expect(finals.map((t) => [t.text, t.continues])).toEqual([
      [h.turns[0], undefined],
      [h.turns[1], true],
    ]);
  });

  it("hears no turn in silence or in steady noise", async () => {
    const h = harness();
    await h.feed(silence(3000).samples);
    await h.feed(whiteNoise(4000, -30));
    await h.feed(whiteNoise(3000, -50, 11));
    await h.session.end();
    expect(h.turns).toEqual([]);
    expect(h.of("transcript")).toEqual([]);
  });

  it("stops the reply when the shopper speaks over it: barge-in, generation aborted, no more audio for it", async () => {
    const h = harness({}, { wordDelayMs: 250, holdUntilBargeIn: true });
    await h.feed(concatPcm([silence(300), request(), silence(1200)]).samples);
    // Wait for the first sentence to be out, then talk over the reply.
    for (let i = 0; i < 200 && h.of("audio").length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(h.of("audio").length).toBeGreaterThan(0);
    const first = h.of("audio")[0].id;
    h.session.playback("started", first);
    await h.feed(concatPcm([fliteSpeech("no wait, show me hiking boots instead"), silence(1200)]).samples);
    await h.session.idle();
    const barge = h.of("barge-in");
    expect(barge.map((b) => b.id)).toContain(first);
    const at = h.events.findIndex((e) => e.type === "barge-in" && e.id === first);
    expect(h.events.slice(at + 1).some((e) => (e.type === "audio" || e.type === "reply" || e.type === "audio-end") && e.id === first)).toBe(false);
    expect(h.aborted).toHaveLength(1);
    // The interruption itself is the next turn.
    expect(h.turns).toHaveLength(2);
    expect(h.turns[1]).toMatch(/wait|instead|boots|hiking/);
  });

  it("does not barge in on its own reply coming back through the microphone", async () => {
    const h = harness();
    await h.feed(concatPcm([silence(300), request(), silence(1200)]).samples);
    await h.session.idle();
    const audio = h.of("audio");
    expect(audio.length).toBeGreaterThan(0);
    const id = audio[0].id;
    // The page starts playing; the microphone hears it ~120 ms later, quieter, with room noise.
    h.session.playback("started", id);
    const played = concatPcm(audio.map((a) => ({ samples: a.samples, sampleRate: 16000 })));
    const noise = whiteNoise(Math.ceil((played.samples.length / 16000) * 1000) + 200, -50);
    const echo = new Int16Array(played.samples.length + 1920);
    for (let i = 0; i < played.samples.length; i++) echo[i + 1920] = Math.round(played.samples[i] * 0.35 + noise[i]);
    await h.feed(echo, 20);
    h.session.playback("ended", id);
    await h.feed(silence(1500).samples);
    await h.session.idle();
    expect(h.of("barge-in")).toEqual([]);
    expect(h.turns).toHaveLength(1);
  });

  it("push-to-talk: a turn is exactly what was said between press and release, with no silence wait", async () => {
    const h = harness({ mode: "push-to-talk" });
    await h.feed(concatPcm([silence(200), fliteSpeech("this is not for you"), silence(1200)]).samples);
    await h.session.pushToTalk(true);
    await h.feed(request().samples);
    await h.session.pushToTalk(false);
    await h.session.idle();
    expect(h.turns).toHaveLength(1);
    expect(h.turns[0]).toMatch(/running shoes/);
  });

  it("refuses audio that is not whole samples, or chunks too long, naming the problem", async () => {
    const h = harness({ format: "pcm16" });
    expect(() => h.session.push(new Uint8Array(3201))).toThrow(InvalidAudioError);
    expect(() => h.session.push(new Uint8Array(3201))).toThrow(/3201 bytes is not a whole number of pcm16 samples/);
    const f = harness({ format: "f32" });
    expect(() => f.session.push(new Uint8Array(6))).toThrow(/not a whole number of f32 samples/);
    expect(() => h.session.push(new Uint8Array(16000 * 2 * 6))).toThrow(/longer than the 5000 ms accepted/);
    expect(() => new VoiceSession({ vad: vad(), stt, tts, emit: () => {}, respond: async () => ({ text: "" }) }, { sampleRate: 12345 })).toThrow(/sampleRate: 12345 Hz/);
  });

  it("turns NaN and out-of-range floats into bounded audio with an error, not a crash", async () => {
    const h = harness({ format: "f32" });
    const garbage = new Float32Array(1600).map((_, i) => (i % 3 === 0 ? Number.NaN : i % 3 === 1 ? 1e9 : -1e9));
    await h.session.push(new Uint8Array(garbage.buffer));
    await h.session.end();
    expect(h.of("error").map((e) => e.code)).toContain("invalid_audio");
    expect(h.turns).toEqual([]);
  });

  it("bounds speech that never pauses: one turn from its first part, then an error instead of more turns", async () => {
    const h = harness({ segmenter: { maxUtteranceMs: 4000 } });
    const talk = concatPcm([request(), request(), request(), request(), request(), request(), request(), request()]);
    await h.feed(concatPcm([silence(200), talk, silence(1500)]).samples);
    await h.session.idle();
    expect(h.turns.length).toBe(1);
    expect(h.of("error").map((e) => e.code)).toContain("utterance_too_long");
  });
});
