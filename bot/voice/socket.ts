import type { Namespace, Server, Socket } from "socket.io";
import { z } from "zod";
import { ConciergeError, ValidationError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { safeText } from "../../core/text.ts";
import type { Reply } from "../../core/turn.ts";
import type { DialogEngine } from "../../dialogs/types.ts";
import { InvalidAudioError, int16ToBytes, SpeechEngineError, type VoiceSession, type VoiceSessionEvent } from "../../voice/index.ts";
import { reportError } from "../errors.ts";
import { authenticate, baseUrlOf, type IdentitySource, sessionNotice, shopperOf } from "../identity.ts";
import type { Limits } from "../limits.ts";
import { type RateLimiter, TokenBucketLimiter } from "../rate-limit.ts";
import { toWireReply } from "../turns.ts";
import { startVoiceTurns } from "./turns.ts";
import { parseWire } from "../validate.ts";
import type { Lifecycle } from "../lifecycle.ts";
import type { VoiceStackLoader } from "./stack.ts";

export interface VoiceGatewayOptions {
  io: Server;
  loader: VoiceStackLoader;
  engine: () => DialogEngine | undefined;
  /** Proves each connection's shopper at the handshake (auth.token), and makes new anonymous ones on a kiosk. */
  identity: IdentitySource;
  logger: Logger;
  turnTimeoutMs: number;
  lifecycle?: Lifecycle;
  /** A shared kiosk without a signed-in customer starts a new anonymous shopper after this long without a turn (default 120 s). */
  kioskIdleMs?: number;
  /** A session that receives no audio and no control message for this long is ended, freeing the recogniser (default 10 minutes); `start` begins another. */
  sessionIdleMs?: number;
  publicUrl?: string;
  /** Voice sessions this replica runs at once (MAX_VOICE_SESSIONS). */
  limits?: Limits;
  /** Control messages (start, ptt, playback, stop) per socket; default a burst of 30, then 10 a second. */
  controlLimiter?: RateLimiter;
  /** Milliseconds of audio per socket; default a 2-minute burst, then 3× real time, so a recording may be streamed faster than real time but not without end. */
  audioLimiter?: RateLimiter;
}

type Ack = (response: unknown) => void;

/** The `start` message. The protocol names 16000 and 48000; the other common rates resample the same way. */
const startSchema = z
  .object({
    sampleRate: z.union([z.literal(8000), z.literal(16000), z.literal(22050), z.literal(24000), z.literal(32000), z.literal(44100), z.literal(48000)], {
      error: "must be 16000 or 48000 (or 8000, 22050, 24000, 32000, 44100)",
    }),
    format: z.enum(["pcm16", "f32"], { error: 'must be "pcm16" or "f32"' }),
    locale: z.enum(["en", "zh"], { error: 'must be "en" or "zh"' }),
    mode: z.enum(["hands-free", "push-to-talk"], { error: 'must be "hands-free" or "push-to-talk"' }),
    /** A device many people use (a kiosk, the default): each goodbye or idle spell hands over to a new anonymous shopper. */
    shared: z.boolean({ error: "expected true or false" }),
    // Not an identity (the handshake's auth.token is): accepted from older clients and ignored.
    userId: z.unknown(),
  })
  .partial()
  .strict();
const pttSchema = z.object({ pressed: z.boolean({ error: "required (true or false)" }) }).strict();
const playbackSchema = z
  .object({ state: z.enum(["started", "ended"], { error: 'must be "started" or "ended"' }), id: safeText({ error: "required (the reply id)" }).min(1).max(100) })
  .strict();

const KNOWN = new Set(["start", "audio", "ptt", "playback", "stop"]);

function splitAck(args: unknown[]): { payload: unknown; ack?: Ack } {
  const last = args.at(-1);
  if (typeof last === "function") return { payload: args.length > 1 ? args[0] : undefined, ack: last as Ack };
  return { payload: args[0] };
}

function objectPayload(payload: unknown, what: string): object {
  if (payload === undefined || payload === null) return {};
  if (typeof payload !== "object" || Array.isArray(payload)) throw new ValidationError(`invalid message: ${what}: expected an object`);
  return payload;
}

function audioBytes(payload: unknown): Uint8Array {
  if (Buffer.isBuffer(payload) || payload instanceof Uint8Array) return payload;
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload);
  if (ArrayBuffer.isView(payload)) return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
  throw new InvalidAudioError("audio: expected binary data (an ArrayBuffer or Buffer of samples), not " + (payload === null ? "null" : typeof payload));
}

class RateLimitedError extends ConciergeError {
  constructor(what: string, retryAfterMs: number) {
    super("rate_limited", `too much ${what}; try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`, 429);
  }
}

const BYTES_PER_MS: Record<string, number> = { pcm16: 2, f32: 4 };

/**
 * The `/voice` namespace (voice/README.md, "The kiosk protocol"): `start`, binary `audio`, `ptt`,
 * `playback`, `stop` in; `vad`, `transcript`, `reply:delta`, `audio`, `audio:end`, `reply`,
 * `barge-in`, `error` out. Each socket has one VoiceSession; its turns run through the same
 * runTurn as /chat. Bad input is answered with {error: {code, message}} and never closes the socket.
 */
export function attachVoice(options: VoiceGatewayOptions): Namespace {
  const { logger } = options;
  const voice = options.io.of("/voice");
  const controlLimiter = options.controlLimiter ?? new TokenBucketLimiter({ capacity: 30, refillPerSecond: 10 });
  const audioLimiter = options.audioLimiter ?? new TokenBucketLimiter({ capacity: 120_000, refillPerSecond: 3_000 });

  voice.use(authenticate(options.identity, logger));
  const idleMs = options.kioskIdleMs ?? 120_000;

  voice.on("connection", (socket: Socket) => {
    const log = logger.child({ socket: socket.id, channel: "voice" });
    let shopper = shopperOf(socket);
    // A new conversation for each shopper: the next person at a kiosk inherits nothing of the last.
    let conversation = 0;
    let shared = true;
    let turnsSinceHandover = 0;
    let idleTimer: NodeJS.Timeout | undefined;
    const baseUrl = baseUrlOf(socket.handshake.headers, options.publicUrl, socket.handshake.secure);
    let session: VoiceSession<Reply> | undefined;
    // This socket's share of the replica's voice sessions, held from its first start until it goes.
    let releaseSlot: (() => void) | undefined;
    const endSession = () => {
      session?.close();
      session = undefined;
      releaseSlot?.();
      releaseSlot = undefined;
    };
    let format = "pcm16";
    let sampleRate = 16000;
    let starting = 0;
    let closed = false;
    // Warm the models while the page asks for the microphone.
    options.loader.get().catch(() => undefined);

    const sendError = (err: unknown, ack: Ack | undefined, event: string) => {
      if (closed) return;
      // The kiosk protocol calls a malformed control message "invalid_message" (core's ValidationError says "invalid_input").
      const error = reportError(err instanceof ValidationError ? new ConciergeError("invalid_message", err.message, 400) : err, log, { event });
      try {
        if (ack) ack({ error });
        else socket.emit("error", { error });
      } catch (emitErr) {
        log.warn({ err: emitErr }, "could not deliver an error to the client");
      }
    };

    // Every message from the client shows it is still there; a session left silent is ended.
    const sessionIdleMs = options.sessionIdleMs ?? 600_000;
    let quiet: NodeJS.Timeout | undefined;
    const heard = () => {
      clearTimeout(quiet);
      quiet = setTimeout(() => {
        if (!session) return;
        endSession();
        log.info({ sessionIdleMs }, "voice: session ended after a silent spell");
        sendError(new ConciergeError("idle", `no audio for ${Math.round(sessionIdleMs / 1000)} s: the voice session ended; send start to begin another`, 408), undefined, "audio");
      }, sessionIdleMs);
      quiet.unref();
    };
    socket.onAny(() => heard());
    heard();

    const limit = async (ack: Ack | undefined, event: string): Promise<boolean> => {
      const d = await controlLimiter.consume(socket.id);
      if (d.allowed) return true;
      sendError(new RateLimitedError("control messages", d.retryAfterMs), ack, event);
      return false;
    };

    /**
     * A shared kiosk's shopper leaves (goodbye, or no turn for a while): the next one starts as a new
     * anonymous visitor, in a new conversation. A signed-in customer's kiosk session is theirs until
     * they disconnect.
     */
    const handOver = async (reason: "goodbye" | "idle") => {
      if (closed || !shared || shopper.origin === "customer" || turnsSinceHandover === 0) return;
      const identity = options.identity();
      if (!identity) return;
      shopper = await identity.anonymous();
      conversation++;
      turnsSinceHandover = 0;
      log.debug({ reason }, "kiosk: a new anonymous shopper");
      if (!closed) socket.emit("session", sessionNotice(shopper, { reason }));
    };
    const armIdle = () => {
      clearTimeout(idleTimer);
      if (!shared || shopper.origin === "customer") return;
      idleTimer = setTimeout(() => void handOver("idle").catch((err) => log.warn({ err }, "kiosk: could not hand over")), idleMs);
      idleTimer.unref();
    };

    const emitEvent = (e: VoiceSessionEvent<Reply>) => {
      if (closed) return;
      if (e.type === "transcript" && e.final && e.text.trim()) {
        turnsSinceHandover++;
        armIdle();
      }
      switch (e.type) {
        case "vad":
          socket.emit("vad", { speech: e.speech });
          return;
        case "transcript":
          socket.emit("transcript", e.continues ? { text: e.text, final: e.final, continues: true } : { text: e.text, final: e.final });
          return;
        case "reply-delta":
          socket.emit("reply:delta", { id: e.id, text: e.text });
          return;
        case "audio":
          socket.emit("audio", { id: e.id, seq: e.seq, sampleRate: 16000, format: "pcm16", text: e.text, data: Buffer.from(int16ToBytes(e.samples).buffer) });
          return;
        case "audio-end":
          socket.emit("audio:end", { id: e.id });
          return;
        case "reply":
          socket.emit("reply", { id: e.id, ...toWireReply(e.reply) });
          if (e.reply.intent === "goodbye") void handOver("goodbye").catch((err) => log.warn({ err }, "kiosk: could not hand over"));
          return;
        case "barge-in":
          socket.emit("barge-in", { id: e.id });
          return;
        case "error":
          sendError(new ConciergeError(e.code, e.message, e.code === "invalid_audio" ? 400 : 500), undefined, "audio");
          return;
        case "timing":
          log.info(
            { reply: e.id, sttMs: e.transcribedAt - e.speechEndedAt, voiceToVoiceMs: e.firstAudioAt ? e.firstAudioAt - e.speechEndedAt : undefined, echoScore: e.echoScore },
            "voice turn",
          );
          return;
      }
    };

    socket.on("start", (...args: unknown[]) => {
      const { payload, ack } = splitAck(args);
      void (async () => {
        const attempt = ++starting;
        try {
          if (!(await limit(ack, "start"))) return;
          const start = parseWire(startSchema, objectPayload(payload, "start"), "start");
          const stack = await options.loader.get();
          const locale = start.locale ?? "en";
          if (locale === "zh" && !stack.stt.whisper) {
            throw new SpeechEngineError("locale: Chinese speech needs the whisper model (the built-in recogniser is English only); run `concierge models pull whisper` or use locale \"en\"", { code: "speech_unavailable" });
          }
          if (closed || attempt !== starting) return;
          releaseSlot ??= options.limits?.voiceSession();
          session?.close();
          format = start.format ?? "pcm16";
          sampleRate = start.sampleRate ?? 16000;
          shared = start.shared ?? true;
          armIdle();
          session = startVoiceTurns({
            stack,
            engine: options.engine,
            turnTimeoutMs: options.turnTimeoutMs,
            lifecycle: options.lifecycle,
            channel: "voice",
            shopper: () => ({ userId: shopper.id, conversationId: `voice:${socket.id}:${conversation}` }),
            medium: "speech",
            baseUrl,
            emit: emitEvent,
            log,
            input: { format: format as "pcm16" | "f32", sampleRate, locale, mode: start.mode ?? "hands-free" },
            tag: socket.id.slice(0, 8),
          });
          ack?.({ ok: true, sessionId: socket.id, vad: stack.vad.name === "silero-vad" ? "silero" : "energy", stt: stack.stt.name, sampleRate });
        } catch (err) {
          sendError(err, ack, "start");
        }
      })();
    });

    socket.on("audio", (...args: unknown[]) => {
      const { payload, ack } = splitAck(args);
      void (async () => {
        try {
          if (!session) throw new ConciergeError("not_started", "audio before start: send start {sampleRate, format, locale, mode} and wait for its acknowledgement first", 400);
          const bytes = audioBytes(payload);
          const ms = Math.ceil(bytes.byteLength / ((BYTES_PER_MS[format] ?? 2) * (sampleRate / 1000)));
          const d = await audioLimiter.consume(socket.id, Math.max(1, ms));
          if (!d.allowed) throw new RateLimitedError("audio", d.retryAfterMs);
          await session.push(bytes);
          ack?.({ ok: true });
        } catch (err) {
          sendError(err, ack, "audio");
        }
      })();
    });

    socket.on("ptt", (...args: unknown[]) => {
      const { payload, ack } = splitAck(args);
      void (async () => {
        try {
          if (!(await limit(ack, "ptt"))) return;
          const { pressed } = parseWire(pttSchema, objectPayload(payload, "ptt"), "ptt");
          if (!session) throw new ConciergeError("not_started", "ptt before start: send start first", 400);
          const done = session.pushToTalk(pressed);
          ack?.({ ok: true });
          await done;
        } catch (err) {
          sendError(err, ack, "ptt");
        }
      })();
    });

    socket.on("playback", (...args: unknown[]) => {
      const { payload, ack } = splitAck(args);
      void (async () => {
        try {
          if (!(await limit(ack, "playback"))) return;
          const { state, id } = parseWire(playbackSchema, objectPayload(payload, "playback"), "playback");
          session?.playback(state, id);
          ack?.({ ok: true });
        } catch (err) {
          sendError(err, ack, "playback");
        }
      })();
    });

    socket.on("stop", (...args: unknown[]) => {
      const { ack } = splitAck(args);
      void (async () => {
        if (!(await limit(ack, "stop"))) return;
        session?.stop();
        ack?.({ ok: true });
      })();
    });

    socket.onAny((event: string, ...args: unknown[]) => {
      if (KNOWN.has(event)) return;
      sendError(new ValidationError(`invalid message: unknown event ${JSON.stringify(event)}; this namespace understands start, audio, ptt, playback and stop`), splitAck(args).ack, event);
    });

    socket.emit("session", sessionNotice(shopper, { claimedUserId: (socket.handshake.auth as Record<string, unknown> | undefined)?.userId !== undefined }));
    socket.on("error", (err) => log.warn({ err }, "socket error"));
    socket.on("disconnect", () => {
      closed = true;
      clearTimeout(quiet);
      clearTimeout(idleTimer);
      endSession();
      controlLimiter.forget(socket.id);
      audioLimiter.forget(socket.id);
    });
  });

  return voice;
}
