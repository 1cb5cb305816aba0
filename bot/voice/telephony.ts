import type http from "node:http";
import type { Duplex } from "node:stream";
import type express from "express";
import { type WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import { ConciergeError, ValidationError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { safeText } from "../../core/text.ts";
import type { Reply } from "../../core/turn.ts";
import type { DialogEngine } from "../../dialogs/types.ts";
import { float32ToInt16, int16ToFloat32, mulawEncode, resample, type VoiceSession, type VoiceSessionEvent } from "../../voice/index.ts";
import type { IdentitySource } from "../identity.ts";
import type { Lifecycle } from "../lifecycle.ts";
import { BusyError, type Limits } from "../limits.ts";
import type { VoiceStackLoader } from "./stack.ts";
import {
  type ClaimOnce,
  callerNumber,
  callToken,
  claimOnceInMemory,
  requestHost,
  SIGNATURE_HEADER,
  signedUrl,
  streamCaller,
  validTwilioSignature,
} from "./telephony-auth.ts";
import { startVoiceTurns } from "./turns.ts";

export const MEDIA_STREAM_PATH = "/api/telephony/media-stream";
export const TWIML_PATH = "/api/telephony/twiml";

/** 20 ms of 8 kHz mu-law: the frame size telephone media streams carry. */
const FRAME_BYTES = 160;
/** Inbound frames are 20 ms; a few seconds' worth in one message is already not a phone line. */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** A caller's client that keeps sending nonsense is cut off rather than logged forever. */
const MAX_BAD_MESSAGES = 50;
/** Audio arriving while the models load waits here: 2 s of frames at most, the rest is dropped. */
const MAX_EARLY_FRAMES = 100;

const startSchema = z.object({
  event: z.literal("start"),
  streamSid: safeText().max(200).optional(),
  start: z.object({
    streamSid: safeText().min(1).max(200),
    callSid: safeText().max(200).optional(),
    customParameters: z.record(safeText(), safeText().max(500)).optional(),
    mediaFormat: z.object({ encoding: safeText(), sampleRate: z.number(), channels: z.number().optional() }),
  }),
});
const mediaSchema = z.object({
  event: z.literal("media"),
  media: z.object({ track: z.string().optional(), chunk: z.union([z.string(), z.number()]).optional(), timestamp: z.union([z.string(), z.number()]).optional(), payload: z.string().max(MAX_MESSAGE_BYTES) }),
});
const markSchema = z.object({ event: z.literal("mark"), mark: z.object({ name: safeText().max(200) }) });

export interface TelephonyOptions {
  server: http.Server;
  loader: VoiceStackLoader;
  engine: () => DialogEngine | undefined;
  /** Turns a vouched-for caller number into the caller's shopper id (keyed hash), or makes a one-call shopper. */
  identity: IdentitySource;
  logger: Logger;
  turnTimeoutMs: number;
  lifecycle?: Lifecycle;
  /** CONCIERGE_TELEPHONY_AUTH_TOKEN: when set, a stream must prove its call with the token the TwiML handed out. */
  authToken?: string;
  /** Makes a call's token single-use (shared through Redis across replicas); default: in this process. */
  claimOnce?: ClaimOnce;
  /** A call that sends no audio for this long is hung up (default 30 s). */
  idleMs?: number;
  /** Connections per address and voice sessions per replica. */
  limits?: Limits;
}

/** 16 kHz PCM16 reply audio as 8 kHz mu-law frames of 20 ms (the last one padded with silence). */
export function toPhoneFrames(samples: Int16Array): Buffer[] {
  const narrow = float32ToInt16(resample(int16ToFloat32(samples), 16000, 8000));
  const encoded = mulawEncode(narrow);
  const frames: Buffer[] = [];
  for (let at = 0; at < encoded.length; at += FRAME_BYTES) {
    const frame = Buffer.alloc(FRAME_BYTES, 0xff); // 0xFF is mu-law silence
    frame.set(encoded.subarray(at, Math.min(encoded.length, at + FRAME_BYTES)));
    frames.push(frame);
  }
  return frames;
}

/**
 * The telephone line: a WebSocket speaking the telephony media-stream protocol (Twilio Media
 * Streams' JSON frames: connected, start, media with base64 8 kHz mu-law, mark, stop). The call's
 * audio goes through the same VoiceSession as the kiosk's; the reply goes back as media frames, a
 * mark after each sentence (so the line reports what has been played) and `clear` on barge-in.
 * Only upgrades on MEDIA_STREAM_PATH are taken; socket.io's stay socket.io's.
 */
export function attachTelephony(options: TelephonyOptions): { close(): void } {
  if (!options.authToken) {
    options.logger.warn(
      "CONCIERGE_TELEPHONY_AUTH_TOKEN is not set: the telephone line (/api/telephony/*) is unauthenticated, anyone who reaches it can call in; every call is treated as a new shopper",
    );
  }
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = (req.url ?? "").split("?")[0];
    if (pathname !== MEDIA_STREAM_PATH) return;
    const slot = options.limits ? options.limits.connection(req) : Promise.resolve(() => {});
    slot.then(
      (release) =>
        wss.handleUpgrade(req, socket, head, (ws) => {
          ws.once("close", release);
          wss.emit("connection", ws, req);
        }),
      (err: Error) => {
        options.logger.info({ reason: err.message }, "telephony: connection refused");
        socket.end("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\nConnection: close\r\n\r\n");
      },
    );
  };
  options.server.on("upgrade", onUpgrade);
  const claimOnce = options.claimOnce ?? claimOnceInMemory();
  wss.on("connection", (ws: WebSocket) => handleCall(ws, { ...options, claimOnce }));
  return {
    close() {
      options.server.off("upgrade", onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}

function handleCall(ws: WebSocket, options: TelephonyOptions & { claimOnce: ClaimOnce }): void {
  const claimOnce = options.claimOnce;
  let log = options.logger.child({ channel: "telephone" });
  let streamSid: string | undefined;
  let session: VoiceSession<Reply> | undefined;
  let bad = 0;
  let ended = false;
  // A line that goes quiet (no frames at all: a phone line sends 50 a second) is hung up.
  const idleMs = options.idleMs ?? 30_000;
  let idle: NodeJS.Timeout | undefined;
  const stillThere = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      log.info({ idleMs }, "telephony: no audio for a while, hanging up");
      ws.close(1000, "idle");
    }, idleMs);
    idle.unref();
  };
  stillThere();
  /** Per reply: marks sent and not yet echoed back by the line (the reply is still playing while any are out). */
  const outstanding = new Map<string, number>();
  // Warm the models while the call connects.
  options.loader.get().catch(() => undefined);

  const send = (message: object) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const complain = (message: string) => {
    log.debug({ reason: message }, "telephony: message refused");
    if (++bad > MAX_BAD_MESSAGES) ws.close(1008, "too many invalid messages");
  };

  const onEvent = (e: VoiceSessionEvent<Reply>) => {
    if (!streamSid) return;
    switch (e.type) {
      case "audio": {
        if (!outstanding.has(e.id)) session?.playback("started", e.id);
        for (const frame of toPhoneFrames(e.samples)) send({ event: "media", streamSid, media: { payload: frame.toString("base64") } });
        send({ event: "mark", streamSid, mark: { name: `${e.id}:${e.seq}` } });
        outstanding.set(e.id, (outstanding.get(e.id) ?? 0) + 1);
        return;
      }
      case "barge-in":
        send({ event: "clear", streamSid });
        outstanding.delete(e.id);
        return;
      case "transcript":
        if (e.final) log.debug({ words: e.text.split(/\s+/).length }, "telephony: heard a turn");
        return;
      case "error":
        log.info({ code: e.code, reason: e.message }, "telephony: audio problem");
        return;
      case "timing":
        log.info({ reply: e.id, voiceToVoiceMs: e.firstAudioAt ? e.firstAudioAt - e.speechEndedAt : undefined }, "telephone turn");
        return;
      default:
        return;
    }
  };

  const start = async (message: z.infer<typeof startSchema>, caller: { number: string | undefined; conversationId: string }) => {
    const fmt = message.start.mediaFormat;
    if (fmt.encoding !== "audio/x-mulaw" || fmt.sampleRate !== 8000 || (fmt.channels ?? 1) !== 1) {
      log.warn({ fmt }, "telephony: unsupported media format");
      ws.close(1003, "start.mediaFormat: only audio/x-mulaw at 8000 Hz, mono, is supported");
      return;
    }
    streamSid = message.start.streamSid;
    log = log.child({ call: message.start.callSid?.slice(-8) });
    const stack = await options.loader.get();
    // The replica's voice sessions are shared by kiosks and calls: a call past them is told to try later.
    const release = options.limits?.voiceSession();
    if (release) ws.once("close", release);
    const identity = options.identity();
    if (!identity) throw new Error("the service is still starting");
    const shopper = await identity.caller(caller.number);
    if (ended) return;
    const params = message.start.customParameters ?? {};
    const locale = params.locale === "zh" && stack.stt.whisper ? "zh" : "en";
    session = startVoiceTurns({
      stack,
      engine: options.engine,
      turnTimeoutMs: options.turnTimeoutMs,
      lifecycle: options.lifecycle,
      channel: "telephone",
      shopper: () => ({ userId: shopper.id, conversationId: caller.conversationId }),
      medium: "speech",
      emit: onEvent,
      log,
      input: { format: "mulaw", sampleRate: 8000, locale, mode: "hands-free" },
      tag: (message.start.callSid ?? streamSid).slice(-8),
    });
  };

  // Frames that arrive after an accepted start while the models load wait here (bounded: a phone line sends 50 a second).
  const early: Buffer[] = [];
  let starting: Promise<void> | undefined;

  ws.on("message", (data, isBinary) => {
    if (isBinary) return complain("binary frame: the media stream sends JSON text frames");
    let message: { event?: unknown };
    try {
      message = JSON.parse(data.toString());
    } catch {
      return complain("not JSON");
    }
    switch (message?.event) {
      case "connected":
        return;
      case "start": {
        const parsed = startSchema.safeParse(message);
        if (!parsed.success) return complain(`start: ${parsed.error.issues[0]?.message}`);
        if (starting) return complain("start: the stream has already started");
        starting = (async () => {
          const caller = await streamCaller(parsed.data.start, options.authToken, claimOnce);
          if (!caller) {
            log.warn({ call: parsed.data.start.callSid?.slice(-8) }, "telephony: stream refused, its call token is missing, wrong, expired or used");
            ws.close(1008, "unauthorised");
            return;
          }
          await start(parsed.data, caller);
        })().catch((err) => {
          if (err instanceof BusyError) {
            log.info({ reason: err.message }, "telephony: call refused, no voice session free");
            ws.close(1013, "try again later");
            return;
          }
          log.error({ err }, "telephony: could not start the voice session");
          ws.close(1011, "voice is unavailable");
        });
        void starting.then(() => {
          for (const b of early.splice(0)) pushAudio(b);
        });
        return;
      }
      case "media": {
        stillThere();
        const parsed = mediaSchema.safeParse(message);
        if (!parsed.success) return complain("media: payload must be base64 mu-law");
        if (parsed.data.media.track && parsed.data.media.track !== "inbound") return;
        const bytes = Buffer.from(parsed.data.media.payload, "base64");
        if (!session) {
          // Before an accepted start the audio belongs to no one: dropped, never replayed.
          if (starting && early.length < MAX_EARLY_FRAMES) early.push(bytes);
          return;
        }
        return pushAudio(bytes);
      }
      case "mark": {
        const parsed = markSchema.safeParse(message);
        if (!parsed.success) return complain("mark: name missing");
        const id = parsed.data.mark.name.replace(/:[^:]*$/, "");
        const left = (outstanding.get(id) ?? 0) - 1;
        if (left > 0) outstanding.set(id, left);
        else if (outstanding.delete(id)) session?.playback("ended", id);
        return;
      }
      case "stop":
        ended = true;
        void session?.end().finally(() => ws.close(1000, "call ended"));
        return;
      default:
        return complain(`unknown event ${JSON.stringify(message?.event)}`);
    }
  });

  const pushAudio = (bytes: Buffer) => {
    try {
      session?.push(bytes).catch(() => undefined);
    } catch (err) {
      complain((err as Error).message);
    }
  };

  ws.on("error", (err) => log.warn({ err }, "telephony: socket error"));
  ws.on("close", () => {
    ended = true;
    clearTimeout(idle);
    session?.close();
  });
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$/;
/** Twilio's CallSid is "CA" and 32 hex digits; other providers' ids are no stranger than this. */
const CALL_SID = /^[A-Za-z0-9_-]{1,64}$/;

const attr = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * TwiML that connects a call to the media stream: point a phone number's voice webhook at
 * `POST /api/telephony/twiml`. The stream URL uses the public URL when configured, else the
 * host the provider called (behind a TLS-terminating proxy, as providers require wss://).
 * With an auth token the request must be signed by the provider (X-Twilio-Signature over the
 * form body, which needs express.urlencoded in front), and the stream is handed the call's token
 * and the caller's number as stream parameters, which come back in its `start`.
 */
export function twimlRoute(publicUrl?: string, authToken?: string): express.RequestHandler {
  return (req, res, next) => {
    let base: string;
    if (publicUrl) base = publicUrl.replace(/^http/, "ws").replace(/\/+$/, "");
    else {
      const host = requestHost(req);
      if (!HOST.test(host)) {
        res.status(400).json({ error: { code: "invalid_input", message: "Host header: expected a host name (and port)" } });
        return;
      }
      base = `wss://${host}`;
    }
    let parameters = "";
    if (authToken) {
      const url = signedUrl(req, publicUrl, HOST) ?? "";
      const form = req.method === "POST" && req.is("application/x-www-form-urlencoded") && req.body && typeof req.body === "object" ? req.body : {};
      const signature = req.get(SIGNATURE_HEADER);
      if (!validTwilioSignature(authToken, signature, url, form)) {
        const why = signature ? "does not match this request" : "missing";
        return next(new ConciergeError("unauthorized", `X-Twilio-Signature: ${why}; this webhook answers only requests signed by the phone provider`, 403));
      }
      const callSid = form.CallSid;
      if (typeof callSid !== "string" || !CALL_SID.test(callSid)) return next(new ValidationError("CallSid: expected the call's id in the form body"));
      const from = callerNumber(form.From);
      parameters += `\n      <Parameter name="token" value="${callToken(authToken, callSid, from, Date.now())}"/>`;
      if (from) parameters += `\n      <Parameter name="from" value="${attr(from)}"/>`;
    }
    const url = attr(`${base}${MEDIA_STREAM_PATH}`);
    const stream = parameters ? `<Stream url="${url}">${parameters}\n    </Stream>` : `<Stream url="${url}"/>`;
    res
      .type("text/xml")
      .send(`<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Connect>\n    ${stream}\n  </Connect>\n</Response>\n`);
  };
}
