import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { concatPcm, readWavFile, silence } from "../../voice/audio.ts";
import type { Logger } from "../../core/logger.ts";
import type { Pcm } from "../../voice/types.ts";
import { EnergyVad, findUtterances, loadVad, SileroVadModel, TurnSegmenter, type VadFactory } from "../../voice/vad/index.ts";
import type { TurnJudgement, Utterance } from "../../voice/vad/segmenter.ts";
import { fliteSpeech, JFK_WAV, SILERO_ONNX, whiteNoise } from "./helpers.ts";

let silero: VadFactory;
let jfk: Pcm;
let paused: Pcm;

beforeAll(async () => {
  silero = await loadVad({ modelPath: SILERO_ONNX });
  jfk = await readWavFile(JFK_WAV);
  // A shopper who stops to think mid-request: two phrases 600 ms apart.
  paused = concatPcm([silence(300), fliteSpeech("I am looking for running shoes"), silence(600), fliteSpeech("in size nine please"), silence(1500)]);
});
afterAll(() => silero?.release());

const detectors: [string, () => VadFactory | { create: () => EnergyVad; name: string }][] = [
  ["silero", () => silero],
  ["energy", () => ({ name: "energy", create: () => new EnergyVad() })],
];

describe.each(detectors)("%s VAD", (_name, factory) => {
  it("finds the speech in jfk.wav", async () => {
    const found = await findUtterances(jfk, factory().create());
    expect(found.length).toBeGreaterThan(0);
    const speech = found.reduce((s, u) => s + u.speechMs, 0);
    expect(speech).toBeGreaterThan(4000);
    expect(found[0].startMs).toBeLessThan(1500);
  });

  it("hears no turn in 3 s of silence or of moderate white noise", async () => {
    expect(await findUtterances(silence(3000), factory().create())).toEqual([]);
    expect(await findUtterances({ samples: whiteNoise(3000, -30), sampleRate: 16000 }, factory().create())).toEqual([]);
  });

  it("keeps a paused request as one turn with the default end-of-turn silence, two with a short one", async () => {
    const one = await findUtterances(paused, factory().create());
    expect(one.length).toBe(1);
    expect(one[0].reason).toBe("silence");
    const two = await findUtterances(paused, factory().create(), { endOfTurnSilenceMs: 300 });
    expect(two.length).toBe(2);
    expect(two[1].startMs).toBeGreaterThan(two[0].endMs - 1);
  });
});

describe("Silero VAD", () => {
  it("gives high probability on speech frames and low on silence, statefully", async () => {
    const vad = silero.create();
    expect(vad.frameSamples).toBe(512);
    const probs: number[] = [];
    for (let at = 0; at + 512 <= jfk.samples.length; at += 512) probs.push((await vad.process(jfk.samples.slice(at, at + 512))).probability);
    expect(Math.max(...probs)).toBeGreaterThan(0.9);
    vad.reset();
    expect((await vad.process(new Int16Array(512))).probability).toBeLessThan(0.1);
  });

  it("rejects a frame of the wrong size", async () => {
    await expect(silero.create().process(new Int16Array(480))).rejects.toThrow(/expects 512 samples/);
  });

  it("is found through the model registry's \"silero-vad\" entry in CONCIERGE_MODELS_DIR", async () => {
    const vad = await loadVad({ resolve: { modelsDir: process.env.CONCIERGE_MODELS_DIR, dataDir: "/nonexistent", hub: "http://127.0.0.1:9", allowDownload: false } });
    expect(vad.name).toBe("silero-vad");
    await vad.release();
  });

  it("without a copy of its own, uses the Silero model the npm install brought (no download)", async () => {
    const logged: Record<string, unknown>[] = [];
    const logger = { info: (o: Record<string, unknown>) => logged.push(o), warn: (o: Record<string, unknown>) => logged.push(o) } as unknown as Logger;
    const vad = await loadVad({ resolve: { dataDir: "/nonexistent", hub: "http://127.0.0.1:9", allowDownload: false }, logger });
    expect(vad.name).toBe("silero-vad");
    expect(String(logged[0]?.path)).toMatch(/@jjhbw\/silero-vad\/weights\/silero_vad\.onnx$/);
    // The same detector as the shared copy: speech is speech and silence is silence.
    const utterances = await findUtterances(concatPcm([silence(300), fliteSpeech("show me running shoes"), silence(1200)]), vad.create());
    expect(utterances).toHaveLength(1);
    expect(await findUtterances(silence(2000), vad.create())).toEqual([]);
    await vad.release();
  });

  it("falls back to the energy detector when the model cannot be loaded, saying why", async () => {
    const vad = await loadVad({ modelPath: JFK_WAV });
    expect(vad.name).toBe("energy");
    expect(vad.fallbackReason).toBeTruthy();
    expect((await loadVad({ model: "none" })).name).toBe("energy");
    await expect(SileroVadModel.load("/nonexistent.onnx")).rejects.toThrow();
  });
});

describe("turn segmenter", () => {
  it("announces speech once, before the utterance, and streams in odd chunk sizes", async () => {
    const seg = new TurnSegmenter(silero.create());
    const events = [];
    for (let at = 0; at < paused.samples.length; at += 777) events.push(...(await seg.push(paused.samples.subarray(at, at + 777))));
    events.push(...seg.flush());
    // The thinking pause offers the first half early, then withdraws it when speech resumes; the
    // final pause's early utterance is exactly the turn, so its transcript can be reused.
    expect(events.map((e) => e.type)).toEqual(["speech-start", "pause", "resume", "pause", "utterance"]);
    const [lastPause, turn] = events.slice(-2);
    if (lastPause.type !== "pause" || turn.type !== "utterance") throw new Error("unexpected events");
    expect([lastPause.utterance.startMs, lastPause.utterance.endMs]).toEqual([turn.utterance.startMs, turn.utterance.endMs]);
    const quiet = new TurnSegmenter(silero.create(), { tentativeSilenceMs: 0 });
    const plain = [...(await quiet.push(paused.samples)), ...quiet.flush()];
    expect(plain.map((e) => e.type)).toEqual(["speech-start", "utterance"]);
  });

  it("cuts an utterance at the length cap and flushes speech at the end of the stream", async () => {
    const found = await findUtterances(jfk, silero.create(), { maxUtteranceMs: 2000, endOfTurnSilenceMs: 5000 });
    expect(found.some((u) => u.reason === "max-length")).toBe(true);
    for (const u of found) expect(u.pcm.samples.length / 16).toBeLessThanOrEqual(2000 + 32);
    const open = await findUtterances(concatPcm([silence(200), fliteSpeech("add it to my cart")]), silero.create());
    expect(open.map((u) => u.reason)).toEqual(["end-of-stream"]);
  });

  it("asks its judge once per pause: a complete request ends at the shorter silence, an open sentence waits longer", async () => {
    const request = concatPcm([silence(300), fliteSpeech("show me running shoes")]).samples;
    const endsAfter = async (judgement: TurnJudgement | undefined, silenceMs: number) => {
      const asked: number[] = [];
      const judge =
        judgement &&
        (async (u: Utterance) => {
          asked.push(u.endMs);
          return judgement;
        });
      const seg = new TurnSegmenter(silero.create(), {}, judge);
      const events = [...(await seg.push(request)), ...(await seg.push(silence(silenceMs).samples))];
      return { turn: events.some((e) => e.type === "utterance"), asked: asked.length };
    };
    expect(await endsAfter("complete", 750)).toEqual({ turn: true, asked: 1 });
    expect(await endsAfter("unknown", 750)).toEqual({ turn: false, asked: 1 });
    expect(await endsAfter("unknown", 1100)).toEqual({ turn: true, asked: 1 });
    expect(await endsAfter(undefined, 750)).toEqual({ turn: false, asked: 0 });
    expect(await endsAfter("open", 1100)).toEqual({ turn: false, asked: 1 });
    expect(await endsAfter("open", 1800)).toEqual({ turn: true, asked: 1 });
  });

  it("validates its options, naming the field", () => {
    expect(() => new TurnSegmenter(new EnergyVad(), { endOfTurnSilenceMs: -5 })).toThrow(/endOfTurnSilenceMs/);
  });
});
