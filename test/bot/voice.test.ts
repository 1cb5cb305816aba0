import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type RunningService, startService } from "../../bot/main.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { concatPcm, int16ToFloat32, resample, silence } from "../../voice/index.ts";
import { fliteSpeech } from "../voice/helpers.ts";
import { connectVoice, type VoiceClient } from "../voice/voice-client.ts";
import { localServiceEnv } from "../services.ts";
import { decodeJwt } from "jose";
import { customerToken, SHOP_SECRET } from "../helpers/tokens.ts";
import { callLine } from "./phone-line.ts";

/**
 * The voice channels against the running service: the real store, catalogue, dialogs, the
 * recogniser with the shop's domain language model, Silero VAD and flite, over a real socket.io
 * connection and a real WebSocket telephone line.
 */
let service: RunningService;
let dataDir: string;
const clients: VoiceClient[] = [];
/** A kiosk connection (the label names the test's shopper for a reader); `auth` {token} signs a customer in. */
const voice = async (_label: string, auth: Record<string, unknown> = {}) => {
  const c = await connectVoice(service.port, auth);
  clients.push(c);
  return c;
};
const idOf = (token: unknown) => String(decodeJwt(String(token)).sub);
const request = () => concatPcm([silence(300), fliteSpeech("show me running shoes under one hundred dollars"), silence(1500)]);

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-voice-"));
  const config = loadConfig(
    localServiceEnv(dataDir, { CONCIERGE_MODELS_DIR: process.env.CONCIERGE_MODELS_DIR ?? "", CONCIERGE_KIOSK_IDLE_SECONDS: "10", CONCIERGE_IDENTITY_SECRET: SHOP_SECRET }),
  );
  service = await startService(config, createLogger("silent"));
  await service.ready;
  // The first connection loads the voice models (the domain language model build is the slow part).
  const warm = await voice("warm-up");
  const ack = await warm.start({});
  expect(ack).toMatchObject({ ok: true, stt: "pocketsphinx", sampleRate: 16000 });
}, 900_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await service?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("/voice", () => {
  it("hears a spoken request and answers with products, the reply text and its audio chunk by chunk", async () => {
    const c = await voice("voice-shopper");
    expect(await c.start({ sampleRate: 16000, format: "pcm16", locale: "en", mode: "hands-free" })).toMatchObject({ ok: true, sessionId: expect.any(String) });
    await c.sendPcm(request().samples);
    const end = await c.waitFor("audio:end", undefined, 120_000);
    const final = c.named("transcript").filter((t) => t.payload.final);
    expect(final).toHaveLength(1);
    expect(final[0].payload.text).toMatch(/running shoes/);
    const reply = c.named("reply")[0].payload as { id: string; text: string; products: { id: string; title: string }[]; suggestions: string[] };
    expect(reply.id).toBe(end.payload.id);
    expect(reply.products.length).toBeGreaterThan(0);
    expect(c.named("reply:delta").map((d) => d.payload.text).join("")).toBe(reply.text);
    const audio = c.named("audio").map((a) => a.payload as { id: string; seq: number; sampleRate: number; format: string; text: string; data: Buffer });
    expect(audio.length).toBeGreaterThan(0);
    expect(audio.map((a) => a.seq)).toEqual(audio.map((_, i) => i));
    for (const a of audio) {
      expect(a).toMatchObject({ id: reply.id, sampleRate: 16000, format: "pcm16" });
      expect(Buffer.isBuffer(a.data) && a.data.length > 3200 && a.data.length % 2 === 0).toBe(true);
    }
    expect(c.named("vad").some((v) => v.payload.speech === true)).toBe(true);
    const names = c.events.map((e) => e.name);
    expect(names.indexOf("transcript")).toBeLessThan(names.indexOf("reply"));
    expect(names.lastIndexOf("audio")).toBeLessThan(names.indexOf("audio:end"));
    // What an operator sees of it: the stages of the voice turn and the turn itself, per channel.
    const metrics = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
    for (const stage of ["stt", "tts_first_audio", "voice_to_voice"]) expect(metrics).toMatch(new RegExp(`concierge_stage_seconds_count\\{stage="${stage}"\\} [1-9]`));
    expect(metrics).toMatch(/concierge_voice_events_total\{channel="voice",event="turn"\} [1-9]/);
  });

  it("takes 48 kHz Float32 from a browser microphone", async () => {
    const c = await voice("voice-48k");
    expect(await c.start({ sampleRate: 48000, format: "f32" })).toMatchObject({ ok: true, sampleRate: 48000 });
    const wide = resample(int16ToFloat32(request().samples), 16000, 48000);
    for (let at = 0; at < wide.length; at += 4800) c.sendBytes(wide.slice(at, at + 4800).buffer);
    const t = await c.waitFor("transcript", (p) => p.final === true, 120_000);
    expect(t.payload.text).toMatch(/running shoes/);
  });

  it("cancels the reply on stop: barge-in for its id and no more of its audio", async () => {
    const c = await voice("voice-stop");
    await c.start({});
    await c.sendPcm(request().samples);
    const first = await c.waitFor("audio", undefined, 120_000);
    const id = first.payload.id as string;
    c.socket.emit("stop", {});
    await c.waitFor("barge-in", (p) => p.id === id, 30_000);
    const at = c.events.findIndex((e) => e.name === "barge-in");
    await new Promise((r) => setTimeout(r, 1500));
    expect(c.events.slice(at + 1).filter((e) => e.payload?.id === id && ["audio", "audio:end"].includes(e.name))).toEqual([]);
  });

  it("answers bad input with {error: {code, message}} naming the problem, and keeps the socket", async () => {
    const c = await voice("voice-bad");
    c.sendBytes(new Uint8Array(320));
    expect((await c.waitFor("error")).payload.error).toMatchObject({ code: "not_started", message: expect.stringMatching(/before start/) });
    expect(await c.start({ sampleRate: 12345 })).toMatchObject({ error: { code: "invalid_message", message: expect.stringMatching(/sampleRate/) } });
    expect(await c.start({ format: "mp3" })).toMatchObject({ error: { code: "invalid_message", message: expect.stringMatching(/format/) } });
    expect(await c.start({ locale: "zh" })).toMatchObject({ error: { code: "speech_unavailable", message: expect.stringMatching(/whisper/) } });
    expect(await c.start({})).toMatchObject({ ok: true });
    c.sendBytes(new Uint8Array(321));
    expect((await c.waitFor("error", (p) => (p.error as { code: string }).code === "invalid_audio")).payload.error).toMatchObject({ message: expect.stringMatching(/321 bytes/) });
    c.socket.emit("audio", "not audio");
    await c.waitFor("error", (p) => /expected binary data/.test((p.error as { message: string }).message));
    expect(await c.socket.timeout(10_000).emitWithAck("ptt", { pressed: "yes" })).toMatchObject({ error: { code: "invalid_message", message: expect.stringMatching(/pressed/) } });
    expect(await c.socket.timeout(10_000).emitWithAck("playback", { state: "paused", id: "x" })).toMatchObject({ error: { code: "invalid_message", message: expect.stringMatching(/state/) } });
    expect(await c.socket.timeout(10_000).emitWithAck("dance", {})).toMatchObject({ error: { code: "invalid_message" } });
    expect(c.socket.connected).toBe(true);
  });
});

describe("a shared kiosk", () => {
  const goodbye = () => concatPcm([silence(300), fliteSpeech("goodbye"), silence(1500)]);

  it("hands over to a new anonymous shopper after a goodbye: a new id, a new conversation, nothing of the last", async () => {
    const c = await voice("kiosk-passer-by");
    const first = (await c.waitFor("session")).payload;
    expect(first).toMatchObject({ shopper: { kind: "anonymous" } });
    await c.start({ shared: true });
    await c.sendPcm(request().samples);
    await c.waitFor("audio:end", undefined, 120_000);
    await c.sendPcm(goodbye().samples);
    const handover = await c.waitFor("session", (p) => p.reason === "goodbye", 120_000);
    const before = idOf(first.token);
    const after = idOf(handover.payload.token);
    expect(after).toMatch(/^anon:/);
    expect(after).not.toBe(before);
    // The next person's turn is theirs alone.
    await c.sendPcm(request().samples);
    await c.waitFor("reply", () => c.named("reply").length >= 3, 120_000);
    await service.flush();
    const theirs = await service.store.conversations.messagesForUser(after);
    expect(theirs.filter((m) => m.role === "user").map((m) => m.text)).toEqual([expect.stringMatching(/running shoes/)]);
    expect(new Set(theirs.map((m) => m.conversationId)).size).toBe(1);
    const previous = await service.store.conversations.messagesForUser(before);
    expect(previous.some((m) => m.conversationId === theirs[0]!.conversationId)).toBe(false);
  });

  it("hands over after CONCIERGE_KIOSK_IDLE_SECONDS without a turn, but keeps a signed-in customer", async () => {
    const kiosk = await voice("kiosk-idle");
    await kiosk.start({});
    await kiosk.sendPcm(request().samples);
    await kiosk.waitFor("audio:end", undefined, 120_000);
    const idle = await kiosk.waitFor("session", (p) => p.reason === "idle", 30_000);
    expect(idle.payload.token).toBeDefined();

    const signedIn = await voice("kiosk-customer", { token: await customerToken("kiosk-customer") });
    await signedIn.start({});
    await signedIn.sendPcm(request().samples);
    await signedIn.waitFor("audio:end", undefined, 120_000);
    await signedIn.sendPcm(goodbye().samples);
    await signedIn.waitFor("reply", () => signedIn.named("reply").length >= 2, 120_000);
    await new Promise((r) => setTimeout(r, 11_000));
    expect(signedIn.named("session").map((e) => e.payload.reason)).toEqual([undefined]);
  });

  it("a personal device (shared: false) keeps its anonymous shopper after a goodbye", async () => {
    const c = await voice("voice-personal");
    await c.start({ shared: false });
    await c.sendPcm(goodbye().samples);
    await c.waitFor("reply", undefined, 120_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(c.named("session").map((e) => e.payload.reason)).toEqual([undefined]);
  });
});

describe("the telephone line", () => {
  it("answers a recorded call with mu-law media frames and a mark after each sentence, and clears the line on barge-in", async () => {
    const call = await callLine(service.port);
    await call.play(request().samples);
    await call.until(() => call.received.some((m) => m.event === "mark"));
    const media = call.received.filter((m) => m.event === "media");
    expect(media.length).toBeGreaterThan(10);
    for (const m of media.slice(0, 20)) {
      expect(m.streamSid).toBe(call.streamSid);
      expect(Buffer.from(m.media!.payload, "base64").length).toBe(160);
    }
    const mark = call.received.find((m) => m.event === "mark")!;
    expect(mark.mark!.name).toMatch(/-\d+:0$/);
    // The reply is still "playing" (no mark came back); the caller talks over it.
    await call.play(concatPcm([fliteSpeech("no wait, what about hiking boots"), silence(1200)]).samples, 2);
    await call.until(() => call.received.some((m) => m.event === "clear"));
    expect(call.received.find((m) => m.event === "clear")).toEqual({ event: "clear", streamSid: call.streamSid });
    call.ws.send(JSON.stringify({ event: "stop", streamSid: call.streamSid, stop: { callSid: "CA0" } }));
    await new Promise((resolve) => call.ws.once("close", resolve));
  });

  it("serves TwiML that connects a number to the media stream", async () => {
    const res = await fetch(`http://127.0.0.1:${service.port}/api/telephony/twiml`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "CallSid=CA1" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/xml/);
    const xml = await res.text();
    expect(xml).toContain(`<Connect>`);
    expect(xml).toContain(`<Stream url="wss://127.0.0.1:${service.port}/api/telephony/media-stream"/>`);
  });

  it("leaves other upgrade paths alone and refuses malformed frames without dying", async () => {
    const stray = new WebSocket(`ws://127.0.0.1:${service.port}/api/not-a-stream`);
    const outcome = await new Promise<string>((resolve) => {
      stray.once("open", () => resolve("open"));
      stray.once("error", () => resolve("refused"));
      stray.once("unexpected-response", () => resolve("refused"));
    });
    expect(outcome).toBe("refused");
    stray.terminate();
    // The malformed start below must be the line's first: a second start is refused as a repeat.
    const call = await callLine(service.port, { sendStart: false });
    call.ws.send("not json");
    call.ws.send(JSON.stringify({ event: "media", media: { payload: 42 } }));
    call.ws.send(JSON.stringify({ event: "start", start: { streamSid: "x", mediaFormat: { encoding: "audio/L16", sampleRate: 16000 } } }));
    const closed = await new Promise<{ code: number; reason: string }>((resolve) => call.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    expect(closed.code).toBe(1003);
    expect(closed.reason).toMatch(/audio\/x-mulaw/);
  });
});
