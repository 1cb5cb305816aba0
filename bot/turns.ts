import { z } from "zod";
import { ConciergeError, NotReadyError, PayloadTooLargeError, ValidationError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { safeText } from "../core/text.ts";
import { stageSeconds, turnsTotal } from "../core/metrics.ts";
import type { ProductCard, Reply, ReplySink, ReplySource, Turn } from "../core/turn.ts";
import type { DialogEngine } from "../dialogs/types.ts";
import type { Lifecycle } from "./lifecycle.ts";
import { parseWire } from "./validate.ts";

/** The reply as every client receives it: exactly these fields, whatever else the engine attached. */
export interface WireReply {
  text: string;
  products: ProductCard[];
  suggestions: string[];
  /** Where the answer came from, when it came from the shop's documents: [{title, url?, snippet}]. */
  sources?: ReplySource[];
}

export class TurnTimeoutError extends ConciergeError {
  constructor(ms: number) {
    super("timeout", `the reply took longer than ${Math.round(ms / 1000)} s; please try again`, 504);
  }
}

/** Text checks shared by every channel, so a 1 MB message is refused the same way everywhere. */
export function checkText(text: string, maxChars: number): string {
  if (text.trim() === "") throw new ValidationError("invalid message: text: must not be empty");
  if (text.length > maxChars) throw new PayloadTooLargeError(`text: at most ${maxChars} characters (got ${text.length})`);
  return text;
}

const messageSchema = z.object({
  text: safeText({ error: (i) => (i.input === undefined ? "required (a non-empty string)" : "expected a string") }),
  locale: safeText({ error: "expected a string such as \"en\" or \"zh-CN\"" }).trim().max(35, "at most 35 characters").optional(),
});

export type IncomingMessage = z.infer<typeof messageSchema>;

/** The socket.io `message` payload {text, locale?}; anything else in it (a userId) is not read. */
export function parseMessage(input: unknown, maxChars: number): IncomingMessage {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new ValidationError("invalid message: expected an object {text, locale?}");
  }
  const message = parseWire(messageSchema, input, "message");
  checkText(message.text, maxChars);
  if (message.locale === "") message.locale = undefined;
  return message;
}

export function toWireReply(reply: Reply): WireReply {
  const products = (Array.isArray(reply.products) ? reply.products : []).map((p) => {
    const card: ProductCard = { id: String(p.id), title: String(p.title), reason: String(p.reason ?? "") };
    if (typeof p.price === "number" && Number.isFinite(p.price)) card.price = p.price;
    if (typeof p.currency === "string" && p.currency) card.currency = p.currency;
    if (typeof p.image === "string" && p.image) card.image = p.image;
    return card;
  });
  const suggestions = (Array.isArray(reply.suggestions) ? reply.suggestions : []).filter((s): s is string => typeof s === "string" && s.trim() !== "");
  const wire: WireReply = { text: typeof reply.text === "string" ? reply.text : "", products, suggestions };
  // Only an answer from the shop's documents carries sources; every other reply leaves the key out.
  const sources = (Array.isArray(reply.sources) ? reply.sources : []).flatMap((s) => {
    if (typeof s?.title !== "string" || !s.title.trim()) return [];
    const source: ReplySource = { title: s.title, snippet: typeof s.snippet === "string" ? s.snippet : "" };
    if (typeof s.url === "string" && /^https?:\/\//i.test(s.url)) source.url = s.url;
    return [source];
  });
  if (sources.length) wire.sources = sources;
  return wire;
}

export interface RunTurnOptions {
  engine: () => DialogEngine | undefined;
  turn: Turn;
  /** For metrics only ("socket", "botframework:msteams"); never passed below bot/. */
  channel: string;
  sink?: ReplySink;
  signal?: AbortSignal;
  timeoutMs: number;
  logger: Logger;
  /** The service's lifecycle: a turn is refused once shutdown began, and the drain waits for it. */
  lifecycle?: Lifecycle;
}

/**
 * Runs one turn through the engine with what every channel needs around it: the readiness check,
 * a deadline that also aborts the engine's work, deltas cut off once the reply is final, the
 * turn's latency and count in the metrics.
 */
export async function runTurn(options: RunTurnOptions): Promise<Reply> {
  return options.lifecycle ? options.lifecycle.track(() => turn(options)) : turn(options);
}

async function turn(options: RunTurnOptions): Promise<Reply> {
  const engine = options.engine();
  if (!engine) throw new NotReadyError("the assistant is still loading its models; try again in a moment");

  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let open = true;
  const sink: ReplySink = {
    delta(text) {
      if (!open || typeof text !== "string" || text === "") return;
      try {
        options.sink?.delta(text);
      } catch (err) {
        // A channel that cannot take a delta still gets the whole reply at the end.
        options.logger.warn({ err }, "could not stream a reply delta");
      }
    },
  };

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TurnTimeoutError(options.timeoutMs);
      controller.abort(err);
      reject(err);
    }, options.timeoutMs);
  });
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
  });
  // Whichever loses the race must not surface as an unhandled rejection.
  deadline.catch(() => undefined);
  aborted.catch(() => undefined);

  const end = stageSeconds.startTimer({ stage: "turn" });
  const started = Date.now();
  try {
    const handled = Promise.resolve().then(() => engine.handle(options.turn, sink, controller.signal));
    handled.catch(() => undefined);
    const reply = await Promise.race([handled, deadline, aborted]);
    const intent = reply.intent ?? "unknown";
    turnsTotal.inc({ channel: options.channel, intent });
    options.logger.info(
      { channel: options.channel, conversationId: options.turn.conversationId, intent, products: reply.products?.length ?? 0, ms: Date.now() - started },
      "turn",
    );
    return reply;
  } finally {
    open = false;
    end();
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
