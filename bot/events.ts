import { z } from "zod";
import { PayloadTooLargeError, ValidationError } from "../core/errors.ts";
import { safeText } from "../core/text.ts";
import { EVENT_TYPES, type ShopperEvent, shopNamedShopper } from "../shoppers/index.ts";
import { parseWire } from "./validate.ts";

/** The most events one HTTP request or socket.io `event` may carry. */
export const MAX_EVENTS_PER_REQUEST = 1000;
/** Clocks drift; a timestamp a little ahead is taken as "now", one far ahead is refused. */
const FUTURE_TOLERANCE_MS = 24 * 60 * 60 * 1000;

const id = (max: number) => safeText({ error: "expected a string" }).trim().min(1, "must not be empty").max(max, `at most ${max} characters`);

const eventType = z.enum(EVENT_TYPES, {
  error: (issue) =>
    issue.input === undefined
      ? `required; one of ${EVENT_TYPES.join(", ")}`
      : `unknown event type ${JSON.stringify(issue.input)}; expected one of ${EVENT_TYPES.join(", ")}`,
});

const tsBad = "expected epoch milliseconds (a whole number) or an ISO 8601 date-time string such as 2025-01-31T12:00:00Z";

/** Epoch ms or an ISO 8601 string, normalised to epoch ms. */
const timestamp = z.unknown().transform((value, ctx): number => {
  let ms: number | undefined;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) ms = value;
  else if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value.trim())) {
    const parsed = Date.parse(value.trim());
    if (Number.isFinite(parsed) && parsed >= 0) ms = parsed;
  }
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: tsBad });
    return z.NEVER;
  }
  if (ms > Date.now() + FUTURE_TOLERANCE_MS) {
    ctx.addIssue({ code: "custom", message: "is more than a day in the future" });
    return z.NEVER;
  }
  return Math.min(ms, Date.now());
});

/** One event as it arrives on the wire (also what /openapi.json shows). */
export const eventWireSchema = z
    .object({
      // Not an identity: events are the proven shopper's, whatever a client writes here.
      userId: z.unknown().optional().describe("the shopper the event is about: required with the events key, ignored with a shopper token"),
      itemId: id(200),
      type: eventType,
      value: z.number({ error: "expected a number" }).finite().optional(),
      ts: timestamp.optional().describe("epoch milliseconds or an ISO 8601 date-time; default now"),
    })
    .refine((e) => e.type !== "rating" || e.value === undefined || (e.value >= 1 && e.value <= 5), {
      message: "a rating's value must be between 1 and 5",
      path: ["value"],
    });

export type ParseEventsOptions =
  /** The shopper the connection or request proved: every event is theirs, whatever `userId` says. */
  | { shopperId: string }
  /** The shop's own backend (CONCIERGE_EVENTS_KEY): each event names its shopper in `userId`. */
  | { namedByShop: true };

/** The shopper an event from the shop's backend names: its customer id, or a stored id with its origin. */
function namedShopper(userId: unknown, where: string): string {
  const id = typeof userId === "string" ? shopNamedShopper(userId) : undefined;
  if (!id) throw new ValidationError(`invalid ${where}: userId: required — the shop's customer id (or a stored id such as "anon:…") of the shopper the event is about`);
  return id;
}

/**
 * Validates one event or an array of them as they arrive on the wire and returns store-ready
 * events of the proven shopper (ts defaults to now). Errors name the field, e.g. "events[2].type:
 * unknown event type".
 */
export function parseEvents(input: unknown, options: ParseEventsOptions): ShopperEvent[] {
  const schema = eventWireSchema;
  const now = Date.now();
  const finish = (e: z.infer<typeof eventWireSchema>, where: string): ShopperEvent => {
    const userId = "shopperId" in options ? options.shopperId : namedShopper(e.userId, where);
    const event: ShopperEvent = { userId, itemId: e.itemId, type: e.type, ts: e.ts ?? now };
    if (e.value !== undefined) event.value = e.value;
    return event;
  };
  if (Array.isArray(input)) {
    if (input.length === 0) throw new ValidationError("invalid events: expected at least one event");
    if (input.length > MAX_EVENTS_PER_REQUEST) {
      throw new PayloadTooLargeError(`events: at most ${MAX_EVENTS_PER_REQUEST} events a request (got ${input.length}); send them in batches`);
    }
    return parseWire(z.array(schema), input, "events", "events").map((e, i) => finish(e, `events: events[${i}]`));
  }
  if (input === null || typeof input !== "object") {
    throw new ValidationError("invalid event: expected an event object {itemId, type, value?, ts?} or an array of them");
  }
  return [finish(parseWire(schema, input, "event"), "event")];
}
