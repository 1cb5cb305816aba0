import { createHash, randomBytes } from "node:crypto";
import type { Namespace, Server, } from "socket.io";
import type { Config } from "../core/config.ts";
import { ConciergeError, NotReadyError, ValidationError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import type { ShopperEvent } from "../shoppers/index.ts";
import type { DialogEngine } from "../dialogs/types.ts";
import { reportError } from "./errors.ts";
import { parseEvents } from "./events.ts";
import { authenticate, baseUrlOf, type IdentitySource, sessionNotice, shopperOf } from "./identity.ts";
import type { Lifecycle } from "./lifecycle.ts";
import type { Limits } from "./limits.ts";
import { parseMessage, runTurn, toWireReply } from "./turns.ts";

export interface ChatGatewayOptions {
  io: Server;
  config: Config;
  engine: () => DialogEngine | undefined;
  isReady: () => boolean;
  recordEvents: (events: ShopperEvent[]) => Promise<{ accepted: number; dropped: number }>;
  /** Proves each connection's shopper at the handshake (auth.token). */
  identity: IdentitySource;
  /** CONCIERGE_PUBLIC_URL, for links in replies; else the handshake's host. */
  publicUrl?: string;
  logger: Logger;
  /** Per address, per shopper (across their sockets and the replicas) and overall. */
  limits: Limits;
  lifecycle?: Lifecycle;
  turnTimeoutMs: number;
}

type Ack = (response: unknown) => void;

const KNOWN_EVENTS = new Set(["message", "event"]);

/**
 * The conversation a connection continues: the one its client names (`auth.conversation`, the key a
 * `session` event handed it) or a new one. Scoped to the proven shopper, so naming another's key
 * opens nothing of theirs: the same key under another shopper is another conversation.
 */
function conversationOf(shopperId: string, claimed: unknown): { key: string; id: string } {
  const key = typeof claimed === "string" && /^[A-Za-z0-9_-]{8,64}$/.test(claimed) ? claimed : randomBytes(12).toString("base64url");
  return { key, id: `web:${createHash("sha256").update(`${shopperId}\n${key}`).digest("base64url").slice(0, 27)}` };
}

/** socket.io's last argument is the acknowledgement callback when the client asked for one. */
function splitAck(args: unknown[]): { payload: unknown; ack?: Ack } {
  const last = args.at(-1);
  if (typeof last === "function") return { payload: args.length > 1 ? args[0] : undefined, ack: last as Ack };
  return { payload: args[0] };
}

/**
 * The `/chat` namespace. The handshake proves the shopper (auth.token; see identity.ts) and the
 * socket is told who it is in a `session` event; `message` {text, locale?} streams `reply:delta`
 * {text} and acknowledges with the final reply; `event` records the shopper's events. Every failure is answered as
 * {error: {code, message}} — in the acknowledgement when there is one, else as an `error` event —
 * and none of them takes the process or the socket down.
 */
export function attachChat(options: ChatGatewayOptions): Namespace {
  const { config, logger } = options;
  const chat = options.io.of("/chat");

  chat.use(authenticate(options.identity, logger));

  chat.on("connection", (socket) => {
    const shopper = shopperOf(socket);
    const userId = shopper.id;
    const { key: conversationKey, id: conversationId } = conversationOf(shopper.id, (socket.handshake.auth as Record<string, unknown> | undefined)?.conversation);
    const baseUrl = baseUrlOf(socket.handshake.headers, options.publicUrl, socket.handshake.secure);
    const closed = new AbortController();
    // One turn at a time per socket, so a conversation's state is never updated by two turns at once.
    let queue: Promise<void> = Promise.resolve();
    const log = logger.child({ socket: socket.id });

    const fail = (err: unknown, ack: Ack | undefined, event: string) => {
      const error = reportError(err, log, { event });
      try {
        if (ack) ack({ error });
        else socket.emit("error", { error });
      } catch (emitErr) {
        log.warn({ err: emitErr }, "could not deliver an error to the client");
      }
    };

    socket.on("message", (...args: unknown[]) => {
      const { payload, ack } = splitAck(args);
      if (!ack) {
        fail(new ValidationError("message: send it with an acknowledgement callback, socket.emit(\"message\", {text}, (reply) => …); the reply arrives there"), undefined, "message");
        return;
      }
      void (async () => {
        try {
          const message = parseMessage(payload, config.maxMessageChars);
          const { limits } = options;
          await limits.check(limits.perIp, limits.clientIp(socket.request), "requests from your address");
          await limits.check(limits.messagesPerShopper, userId, "messages");
          await limits.check(limits.turns, "all", "requests to this shop at the moment");
          const turn = { conversationId, userId, text: message.text, locale: message.locale ?? shopper.locale, medium: "text" as const, baseUrl };
          const run = queue.then(async () => {
            const reply = await runTurn({
              engine: options.engine,
              turn,
              channel: "socket",
              sink: { delta: (text) => socket.emit("reply:delta", { text }) },
              signal: closed.signal,
              timeoutMs: options.turnTimeoutMs,
              logger: log,
              lifecycle: options.lifecycle,
            });
            ack(toWireReply(reply));
          });
          queue = run.catch(() => undefined);
          await run;
        } catch (err) {
          if (!closed.signal.aborted) fail(err, ack, "message");
        }
      })();
    });

    socket.on("event", (...args: unknown[]) => {
      const { payload, ack } = splitAck(args);
      void (async () => {
        try {
          const events = parseEvents(payload, { shopperId: userId });
          const { limits } = options;
          await limits.check(limits.perIp, limits.clientIp(socket.request), "requests from your address");
          await limits.check(limits.eventsPerShopper, userId, "events", events.length);
          if (!options.isReady()) throw new NotReadyError();
          // Recorded first: an optional call would not evaluate its arguments when there is no ack.
          const recorded = await options.recordEvents(events);
          ack?.({ ok: true, ...recorded });
        } catch (err) {
          fail(err, ack, "event");
        }
      })();
    });

    socket.onAny((event: string, ...args: unknown[]) => {
      if (KNOWN_EVENTS.has(event)) return;
      fail(new ValidationError(`unknown event ${JSON.stringify(event)}; this namespace understands "message" and "event"`), splitAck(args).ack, event);
    });

    socket.on("error", (err) => log.warn({ err }, "socket error"));
    socket.on("disconnect", (reason) => {
      closed.abort(new ConciergeError("disconnected", "the client disconnected", 499));
      log.debug({ reason }, "disconnected");
    });
    socket.emit("session", {
      ...sessionNotice(shopper, { claimedUserId: (socket.handshake.auth as Record<string, unknown> | undefined)?.userId !== undefined }),
      conversation: conversationKey,
    });
    log.debug({ origin: shopper.origin }, "connected");
  });

  return chat;
}
