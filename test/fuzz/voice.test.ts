import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { VoiceStackLoader } from "../../bot/voice/stack.ts";
import { createLogger } from "../../core/logger.ts";
import { concatPcm, silence } from "../../voice/index.ts";
import { type Harness, startHarness, testConfig } from "../bot/harness.ts";
import { callLine } from "../bot/phone-line.ts";
import { fliteSpeech } from "../voice/helpers.ts";
import { nextError } from "./chat.ts";
import { connectVoice } from "../voice/voice-client.ts";
import {
  anyJson,
  bytes,
  type Case,
  counted,
  expectNamedError,
  extraKeys,
  fuzz,
  judge,
  longText,
  NORMAL_TURNS,
  notObject,
  notString,
  plainId,
  poisoned,
  preview,
  printCounts,
  record,
} from "./fuzz.ts";

/**
 * The voice kiosk's `/voice` namespace (README "Voice kiosk": start, ptt, playback, stop, binary
 * audio) and the telephone media stream (Twilio Media Streams frames) under fuzzing, on the real
 * voice models (VAD, recogniser, flite) with the harness's scripted dialogs: what is under test
 * is the edge, which a scripted engine exercises as well as the real one, in a fraction of the time.
 */

let harness: Harness;
let loader: VoiceStackLoader;

beforeAll(async () => {
  // The recogniser's domain model is cached per data dir: kept with the tests' other caches, a rerun starts in a second.
  const dataDir = path.join(process.env.CONCIERGE_CACHE_DIR ?? tmpdir(), "fuzz-voice");
  loader = new VoiceStackLoader({
    config: testConfig({ CONCIERGE_DATA_DIR: dataDir, CONCIERGE_MODELS_DIR: process.env.CONCIERGE_MODELS_DIR ?? "" }),
    logger: createLogger("silent"),
    products: async () => [],
  });
  // Hundreds of sockets and calls a minute from one address: the limits are tested elsewhere.
  harness = await startHarness({ voice: loader, env: { RATE_LIMIT_PER_IP_PER_MINUTE: "0", MAX_CONNECTIONS_PER_IP: "0", MAX_VOICE_SESSIONS: "0" } });
  await loader.get();
}, 120_000);

afterAll(async () => {
  await harness?.close();
  await loader?.close();
  printCounts("voice and telephone");
});

const port = () => Number(new URL(harness.url).port);

// ── /voice ──

type Action = { event: string; payload: unknown; c: { bad: string[]; maybe: string[] }; ack: boolean; binary?: boolean };

const startPayload: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 10,
    arbitrary: record(
      [
        { name: "sampleRate", valid: fc.constantFrom(16000, 48000), invalid: fc.oneof(fc.constantFrom(0, -1, 12345, 16000.5, 1e9, "16000", true), fc.constant([16000])), unspecified: fc.constantFrom(8000, 22050, 24000, 32000, 44100, null) },
        { name: "format", valid: fc.constantFrom("pcm16", "f32"), invalid: fc.oneof(fc.constantFrom("PCM16", "mulaw", "wav", "", 16), poisoned(fc.constant("pcm16"))), unspecified: fc.constant(null) },
        // Chinese speech needs whisper, which this machine may not have: refused, it must say locale.
        { name: "locale", valid: fc.constant("en"), invalid: fc.oneof(fc.constantFrom("fr", "EN", "", 5), poisoned(fc.constant("en"))), unspecified: fc.constantFrom("zh", null) },
        { name: "mode", valid: fc.constantFrom("hands-free", "push-to-talk"), invalid: fc.constantFrom("ptt", "", true, "Hands-free"), unspecified: fc.constant(null) },
        { name: "shared", valid: fc.boolean(), invalid: fc.constantFrom("yes", 1, 0, "true"), unspecified: fc.constant(null) },
        // Not an identity: older clients sent one; it is ignored.
        { name: "userId", valid: fc.oneof(plainId(), poisoned(), anyJson) },
      ],
      { invalidWeight: 0.5, extra: extraKeys() },
    ),
  },
  { weight: 1, arbitrary: notObject.filter((v) => v !== null).map((value) => ({ value, bad: ["start"], maybe: [] })) },
  { weight: 1, arbitrary: fc.constant<Case>({ value: null, bad: [], maybe: ["start"] }) },
);

const pttPayload: fc.Arbitrary<Case> = fc.oneof(
  { weight: 6, arbitrary: record([{ name: "pressed", required: true, valid: fc.boolean(), invalid: fc.constantFrom("yes", 1, 0, null, "true", []) }], { extra: extraKeys() }) },
  { weight: 1, arbitrary: notObject.filter((v) => v !== null).map((value) => ({ value, bad: ["ptt"], maybe: [] })) },
);

const playbackPayload: fc.Arbitrary<Case> = fc.oneof(
  {
    weight: 6,
    arbitrary: record(
      [
        { name: "state", required: true, valid: fc.constantFrom("started", "ended"), invalid: fc.oneof(fc.constantFrom("playing", "", "Started"), notString) },
        { name: "id", required: true, valid: plainId(30), invalid: fc.oneof(notString, fc.constant(""), poisoned(plainId())), unspecified: longText(101, 300) },
      ],
      { extra: extraKeys() },
    ),
  },
  { weight: 1, arbitrary: notObject.filter((v) => v !== null).map((value) => ({ value, bad: ["playback"], maybe: [] })) },
);

/** Binary audio: whole or split samples, silence, noise, non-finite floats; never more than a chunk's worth. */
const audioBytes = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 8000 }), fc.integer()).map(([n, seed]) => bytes(n, seed)),
  fc.integer({ min: 1, max: 4000 }).map((n) => Buffer.alloc(n)),
  fc.integer({ min: 1, max: 500 }).map((n) => Buffer.from(new Float32Array(n).fill(Number.NaN).buffer)),
  fc.integer({ min: 1, max: 500 }).map((n) => Buffer.from(new Float32Array(n).fill(Number.POSITIVE_INFINITY).buffer)),
);

const RESERVED = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener", "start", "audio", "ptt", "playback", "stop", "error"]);

const voiceAction: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: startPayload.map((c) => ({ event: "start", payload: c.value, c, ack: true })) },
  { weight: 2, arbitrary: pttPayload.map((c) => ({ event: "ptt", payload: c.value, c, ack: true })) },
  { weight: 2, arbitrary: playbackPayload.map((c) => ({ event: "playback", payload: c.value, c, ack: true })) },
  { weight: 1, arbitrary: anyJson.map((payload) => ({ event: "stop", payload, c: { bad: [], maybe: [] }, ack: true })) },
  { weight: 5, arbitrary: audioBytes.map((payload) => ({ event: "audio", payload, c: { bad: [], maybe: [] }, ack: true, binary: true })) },
  // JSON where binary audio belongs.
  { weight: 1, arbitrary: fc.oneof(anyJson, fc.string({ maxLength: 50 })).map((payload) => ({ event: "audio", payload, c: { bad: ["audio"], maybe: [] }, ack: true })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.oneof(fc.string({ minLength: 1, maxLength: 15 }), fc.constantFrom("Start", "message", "event", "transcript", "reply")).filter((n) => !RESERVED.has(n)), anyJson, fc.boolean())
      .map(([event, payload, ack]) => ({ event, payload, c: { bad: [JSON.stringify(event)], maybe: [] }, ack })),
  },
  // Control messages that are wrong, sent without an acknowledgement: the answer is an `error` event.
  {
    weight: 1,
    arbitrary: fc.oneof(
      startPayload.filter((c) => c.bad.length > 0).map((c) => ({ event: "start", payload: c.value, c, ack: false })),
      pttPayload.filter((c) => c.bad.length > 0).map((c) => ({ event: "ptt", payload: c.value, c, ack: false })),
      playbackPayload.filter((c) => c.bad.length > 0).map((c) => ({ event: "playback", payload: c.value, c, ack: false })),
    ),
  },
);

interface VoiceSocket {
  socket: Socket;
  errors: unknown[];
}

async function openVoice(): Promise<VoiceSocket> {
  const socket = io(`${harness.url}/voice`, { transports: ["websocket"], forceNew: true, reconnection: false });
  const errors: unknown[] = [];
  socket.on("error", (e: unknown) => errors.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return { socket, errors };
}

describe("/voice under fuzzing", () => {
  it("answers every control message and audio frame with its acknowledgement or an error naming the field", async () => {
    await fuzz("/voice control messages and audio", fc.array(voiceAction, { minLength: 1, maxLength: 6 }), 700, async (actions) => {
      counted("/voice control messages and audio", actions.length - 1);
      const v = await openVoice();
      // What the socket's session is, as far as the contract goes: started (and in which format) or not.
      let session: { bytesPerSample: number } | undefined;
      try {
        for (const a of actions) {
          const where = `${a.event} ${a.binary ? `<${(a.payload as Buffer).length} bytes>` : preview(a.payload)} (after ${session ? "a start" : "no start"})`;
          if (!a.ack) {
            const before = v.errors.length;
            v.socket.emit(a.event, a.payload);
            const answer = await nextError(v, before, (e) => (e as { error?: { code?: string } })?.error?.code === "invalid_message");
            expectNamedError(answer, [...a.c.bad, ...a.c.maybe], where);
            continue;
          }
          const answer = (await v.socket.timeout(60_000).emitWithAck(a.event, a.payload)) as { ok?: boolean; sampleRate?: number; error?: { code: string } };
          const ok = (x: unknown) => (x as { ok?: unknown })?.ok === true;
          if (a.event === "start") {
            if (judge(answer, a.c, where, ok) === "ok") {
              const format = (a.payload as { format?: string } | null)?.format ?? "pcm16";
              session = { bytesPerSample: format === "f32" ? 4 : 2 };
              expect(answer.sampleRate).toBe((a.payload as { sampleRate?: number } | null)?.sampleRate ?? 16000);
            } else expect(answer.error?.code).toMatch(/^(invalid_message|speech_unavailable)$/);
          } else if (a.event === "audio" && a.binary) {
            const n = (a.payload as Buffer).length;
            // Audio before start is refused pointing at start; a split sample is not audio.
            if (!session) expectNamedError(answer, ["start"], where);
            else if (n % session.bytesPerSample !== 0) expect(expectNamedError(answer, ["audio"], where).code).toBe("invalid_audio");
            else expect(answer, where).toEqual({ ok: true });
          } else if (a.event === "ptt" && a.c.bad.length === 0 && !session) {
            expectNamedError(answer, ["start", ...a.c.maybe], where);
          } else {
            judge(answer, a.c, where, ok);
          }
        }
        expect(v.socket.connected).toBe(true);
      } finally {
        v.socket.close();
      }
    });
  });

  it("still hears a spoken request and answers it", async () => {
    counted(NORMAL_TURNS);
    const kiosk = await connectVoice(port());
    try {
      expect(await kiosk.start({})).toMatchObject({ ok: true });
      await kiosk.sendPcm(concatPcm([silence(300), fliteSpeech("show me running shoes"), silence(1500)]).samples);
      const reply = await kiosk.waitFor("reply", undefined, 50_000);
      expect((reply.payload.products as unknown[]).length).toBeGreaterThan(0);
    } finally {
      kiosk.close();
    }
  });
});

// ── the telephone line ──

const STREAM = "MZfuzz0000000000000000000000000000";
const mediaFormat = { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 };

type Frame = { data: string | Buffer; binary?: boolean; closes?: number };

const frame = (o: unknown): Frame => ({ data: JSON.stringify(o) });

const startFrame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(frame({ event: "start", sequenceNumber: "1", start: { streamSid: STREAM, callSid: "CAfuzz", accountSid: "AC0", tracks: ["inbound"], customParameters: {}, mediaFormat }, streamSid: STREAM })) },
  {
    weight: 3,
    arbitrary: fc
      .record({
        streamSid: fc.oneof(poisoned(fc.constant(STREAM)), notString, fc.constant(""), longText(201, 400)),
        callSid: fc.oneof(fc.constant("CAfuzz"), poisoned(fc.constant("CA")), notString),
        customParameters: fc.oneof(fc.constant({}), fc.dictionary(fc.oneof(plainId(8), poisoned()), fc.oneof(plainId(8), poisoned(), notString)), notObject),
      })
      .map((s) => frame({ event: "start", start: { ...s, mediaFormat } })),
  },
  { weight: 1, arbitrary: fc.oneof(fc.constant({}), notObject, fc.record({ mediaFormat: fc.oneof(notObject, fc.constant({})) })).map((start) => frame({ event: "start", start })) },
  // A format the line does not speak: the call is closed with 1003.
  {
    weight: 1,
    arbitrary: fc
      .constantFrom({ encoding: "audio/l16", sampleRate: 8000 }, { encoding: "audio/x-mulaw", sampleRate: 16000 }, { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 2 })
      .map((fmt) => ({ ...frame({ event: "start", start: { streamSid: STREAM, mediaFormat: fmt } }), closes: 1003 })),
  },
);

const mediaFrame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.integer({ min: 1, max: 320 }), fc.integer()).map(([n, seed]) => frame({ event: "media", streamSid: STREAM, media: { track: "inbound", chunk: "1", timestamp: "20", payload: bytes(n, seed).toString("base64") } })) },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom("!!!", "====", "a", "\u0000", "%%%", "ÿÿ"), poisoned(fc.constant("AAAA")), notString).map((payload) => frame({ event: "media", media: { payload } })) },
  { weight: 1, arbitrary: fc.oneof(notObject, fc.constant({})).map((media) => frame({ event: "media", media })) },
  { weight: 1, arbitrary: fc.constantFrom("outbound", "both", "").map((track) => frame({ event: "media", media: { track, payload: "AAAA" } })) },
  // More than a message may carry: the socket closes with 1009, the protocol's own "too big".
  { weight: 1, arbitrary: fc.integer({ min: 70_000, max: 200_000 }).map((n) => ({ ...frame({ event: "media", media: { payload: "A".repeat(n) } }), closes: 1009 })) },
);

const otherFrame: fc.Arbitrary<Frame> = fc.oneof(
  fc.constant(frame({ event: "connected", protocol: "Call", version: "1.0.0" })),
  fc.oneof(plainId(10), poisoned(fc.constant("a:0")), notString).map((name) => frame({ event: "mark", streamSid: STREAM, mark: { name } })),
  fc.oneof(notObject, fc.constant({})).map((mark) => frame({ event: "mark", mark })),
  fc.oneof(fc.constantFrom("dtmf", "Start", "clear", "", "\u0000"), notString).map((event) => frame({ event, dtmf: { digit: "1" } })),
  fc.constantFrom("hello", "{", "", "\u0000", "null", "[]", "1", '"start"', '{"event":').map((data) => ({ data })),
  anyJson.map((o) => frame(o)),
  fc.tuple(fc.integer({ min: 0, max: 4000 }), fc.integer()).map(([n, seed]) => ({ data: bytes(n, seed), binary: true })),
);

/** Frames of a call, sometimes ended by a stop (closed 1000), sometimes a flood of nonsense (closed 1008 past 50). */
const call: fc.Arbitrary<Frame[]> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.array(fc.oneof(startFrame, mediaFrame, mediaFrame, otherFrame), { minLength: 1, maxLength: 10 }), fc.boolean()).map(([frames, stop]) => (stop ? [...frames, { data: JSON.stringify({ event: "stop", streamSid: STREAM }), closes: 1000 }] : frames)) },
  { weight: 1, arbitrary: fc.integer({ min: 51, max: 70 }).map((n) => Array.from({ length: n }, () => ({ data: "not json", closes: 1008 }))) },
);

/** Sends the frames, then a ping: the line answers it (frames ignored) or has closed with a code the protocol allows. */
async function play(frames: Frame[]): Promise<{ closed?: number }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port()}/api/telephony/media-stream`);
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  ws.on("error", () => undefined);
  try {
    for (const f of frames) {
      if (ws.readyState !== ws.OPEN) break;
      ws.send(f.data, { binary: f.binary ?? false });
    }
    if (ws.readyState === ws.OPEN) ws.ping();
    const pong = new Promise<"pong">((resolve) => ws.once("pong", () => resolve("pong")));
    const outcome = await Promise.race([pong, closed]);
    return outcome === "pong" ? {} : { closed: outcome };
  } finally {
    ws.terminate();
  }
}

describe("the telephone media stream under fuzzing", () => {
  it("ignores or closes with the protocol's own code, never falls over", async () => {
    await fuzz("telephone media stream", call, 600, async (frames) => {
      counted("telephone media stream", frames.length - 1);
      const { closed } = await play(frames);
      if (closed === undefined) return;
      const allowed = new Set(frames.flatMap((f) => (f.closes ? [f.closes] : [])));
      // A stop ends the call once its session has wound down; a start that opened none makes it end at once.
      expect(allowed.has(closed), `closed with ${closed} after ${preview(frames.map((f) => (f.binary ? "<binary>" : f.data)), 600)}`).toBe(true);
    });
  });

  it("still answers a caller who asks for running shoes", async () => {
    counted(NORMAL_TURNS);
    const line = await callLine(port());
    try {
      // The same request the voice tests make: a shorter one can end on words the turn detector waits on.
      await line.play(concatPcm([silence(300), fliteSpeech("show me running shoes under one hundred dollars"), silence(1500)]).samples);
      await line.until(() => line.received.some((m) => m.event === "mark"), 50_000);
      expect(line.received.some((m) => m.event === "media")).toBe(true);
    } finally {
      line.ws.close();
    }
  });
});
