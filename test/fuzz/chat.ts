import fc from "fast-check";
import { io, type Socket } from "socket.io-client";
import { expect } from "vitest";
import {
  anyJson,
  blank,
  type Case,
  counted,
  deeplyNested,
  expectNamedError,
  extraKeys,
  type FieldSpec,
  fuzz,
  judge,
  longText,
  NORMAL_TURNS,
  notNumber,
  notObject,
  notString,
  plainId,
  poisoned,
  preview,
  record,
  wildText,
} from "./fuzz.ts";

/**
 * The web chat's contract (README "Web chat", "Shopper events") as generators: a `message`
 * {text, locale?} and shopper events {itemId, type, value?, ts?}, valid or wrong in known places.
 * The events model serves the socket's `event` and `POST /api/events` alike.
 */

const MAX_MESSAGE_CHARS = 2000;
const EVENT_TYPES = ["view", "cart", "purchase", "favourite", "rating"] as const;
const DAY = 24 * 60 * 60 * 1000;

// ── message ──

const text: FieldSpec = {
  name: "text",
  required: true,
  valid: fc.oneof(
    { weight: 8, arbitrary: wildText(80) },
    { weight: 2, arbitrary: fc.constantFrom("show me running shoes", "有没有300元以下的跑鞋", "hello", "compare the first two", "tell me more about the first one", "add it to my cart", "thanks, bye") },
    { weight: 1, arbitrary: longText(200, MAX_MESSAGE_CHARS) },
  ),
  invalid: fc.oneof(
    notString,
    blank,
    poisoned(wildText(40)),
    longText(MAX_MESSAGE_CHARS + 1, 20_000),
    // Far past the limit but under the socket's 1.5 MiB frame, so validation is what answers.
    fc.integer({ min: 100_000, max: 1_200_000 }).map((n) => "x".repeat(n)),
  ),
};

const locale: FieldSpec = {
  name: "locale",
  valid: fc.oneof(fc.constantFrom("en", "zh", "zh-CN", "en-US", "fr", "pt-BR"), wildText(10)),
  invalid: fc.oneof(notString.filter((v) => v !== null), poisoned(fc.constantFrom("en", "zh-CN")), longText(36, 300)),
  // Absent is the contract's "no locale"; null and "" are left open.
  unspecified: fc.constantFrom(null, ""),
};

/** A `message` payload: mostly a record, sometimes no object at all, binary, or any JSON. */
export const messageCase: fc.Arbitrary<Case> = fc.oneof(
  { weight: 12, arbitrary: record([text, locale], { extra: extraKeys(fc.oneof(anyJson, poisoned())) }) },
  { weight: 1, arbitrary: fc.record({ text: text.valid, userId: fc.oneof(plainId(), poisoned()) }).map((value) => ({ value, bad: [], maybe: [] })) },
  { weight: 2, arbitrary: notObject.map((value) => ({ value, bad: ["message"], maybe: [] })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ value: Buffer.from(b), bad: ["text", "message"], maybe: [] })) },
  { weight: 1, arbitrary: fc.oneof(anyJson, deeplyNested).map((value) => ({ value, bad: ["text", "message"], maybe: [] })) },
);

/** A chat reply as the contract has it. */
export function isReply(answer: unknown): boolean {
  const r = answer as { text?: unknown; products?: unknown; suggestions?: unknown; error?: unknown };
  if (!r || typeof r !== "object" || r.error !== undefined) return false;
  expect(typeof r.text).toBe("string");
  expect(Array.isArray(r.products)).toBe(true);
  expect(Array.isArray(r.suggestions)).toBe(true);
  for (const p of r.products as { id: unknown; title: unknown; reason: unknown }[]) {
    expect(typeof p.id).toBe("string");
    expect(typeof p.title).toBe("string");
    expect(typeof p.reason).toBe("string");
  }
  return true;
}

// ── events ──

const pastMs = fc.integer({ min: 0, max: Date.now() - 60_000 });
const futureMs = fc.integer({ min: 2 * DAY, max: 400 * DAY }).map((ahead) => Date.now() + ahead);

const ts: FieldSpec = {
  name: "ts",
  valid: fc.oneof(pastMs, pastMs.map((ms) => new Date(ms).toISOString())),
  invalid: fc.oneof(
    fc.integer({ max: -1 }),
    fc.double({ min: 1, max: 1e12, noNaN: true }).filter((x) => !Number.isInteger(x)),
    fc.constantFrom("yesterday", "2025-13-45T00:00:00Z", "31/01/2025", "1700000000000", "now", "2025-01-01T00:00:00Zjunk"),
    poisoned(fc.constant("2025-01-31T12:00:00Z")),
    futureMs,
    futureMs.map((ms) => new Date(ms).toISOString()),
    fc.boolean(),
    fc.constant({}),
    fc.array(fc.integer(), { maxLength: 2 }),
  ),
  unspecified: fc.constant(null),
};

const itemId: FieldSpec = {
  name: "itemId",
  required: true,
  valid: fc.oneof(
    fc.integer({ min: 1, max: 1200 }).map((n) => `sku-${String(n).padStart(6, "0")}`),
    plainId(),
    wildText(30),
  ),
  invalid: fc.oneof(notString, blank, poisoned(plainId()), longText(201, 5000)),
};

function eventFields(type: (typeof EVENT_TYPES)[number]): FieldSpec[] {
  const rating = type === "rating";
  return [
    itemId,
    {
      name: "type",
      required: true,
      valid: fc.constant(type),
      invalid: fc.oneof(
        notString,
        fc.constantFrom("View", "teleport", "ratings", "click", "", "purchase "),
        fc.string({ maxLength: 12 }).filter((s) => !(EVENT_TYPES as readonly string[]).includes(s)),
      ),
    },
    {
      name: "value",
      // Only a rating's value has a range in the contract (1–5); other types take any number.
      valid: rating ? fc.double({ min: 1, max: 5, noNaN: true }) : fc.integer({ min: 1, max: 5 }),
      invalid: rating
        ? fc.oneof(notNumber.filter((v) => v !== null), fc.double({ min: -1e6, max: 0.99, noNaN: true }), fc.double({ min: 5.01, max: 1e6, noNaN: true }))
        : notNumber.filter((v) => v !== null),
      unspecified: fc.constant(null),
    },
    ts,
    // Not an identity: whatever it holds, the events are the proven shopper's.
    { name: "userId", valid: fc.oneof(plainId(), fc.constantFrom("customer:1001", "anon:x"), poisoned(), anyJson) },
  ];
}

export const oneEvent: fc.Arbitrary<Case<Record<string, unknown>>> = fc
  .constantFrom(...EVENT_TYPES)
  .chain((type) => record(eventFields(type), { invalidWeight: 0.6, extra: extraKeys(fc.oneof(anyJson, poisoned())) }));

/** An events payload: one event, a batch (the bad fields named with their index), or the wrong thing altogether. */
export const eventsCase: fc.Arbitrary<Case & { count: number }> = fc.oneof(
  { weight: 8, arbitrary: oneEvent.map((c) => ({ ...c, count: 1 })) },
  {
    weight: 5,
    arbitrary: fc.array(fc.oneof({ weight: 8, arbitrary: oneEvent }, { weight: 1, arbitrary: notObject.map((value) => ({ value, bad: ["!"], maybe: [] })) }), { minLength: 1, maxLength: 5 }).map((list) => {
      const at = (i: number, f: string) => (f === "!" ? `events[${i}]` : `events[${i}].${f}`);
      return {
        value: list.map((c) => c.value),
        bad: list.flatMap((c, i) => c.bad.map((f) => at(i, f))),
        maybe: list.flatMap((c, i) => c.maybe.map((f) => at(i, f))),
        count: list.length,
      };
    }),
  },
  { weight: 1, arbitrary: fc.constant<Case & { count: number }>({ value: [], bad: ["events"], maybe: [], count: 0 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1001, max: 1400 }).map((n) => ({ value: Array.from({ length: n }, (_, i) => ({ itemId: `sku-${i}`, type: "view" })), bad: ["events"], maybe: [], count: n })),
  },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.string({ maxLength: 20 }), fc.boolean(), fc.constant(null)).map((value) => ({ value, bad: ["event"], maybe: [], count: 0 })) },
  { weight: 1, arbitrary: deeplyNested.map((value) => ({ value, bad: ["event", "itemId"], maybe: [], count: 0 })) },
);

/** An acknowledgement of `count` events: accepted, or dropped because the catalogue has no such item. */
export function isAccepted(count: number, tally?: { stored: number }): (answer: unknown) => boolean {
  return (answer) => {
    const a = answer as { ok?: unknown; accepted?: unknown; dropped?: unknown; error?: unknown };
    if (!a || a.error !== undefined) return false;
    expect(typeof a.accepted).toBe("number");
    expect((a.accepted as number) + ((a.dropped as number | undefined) ?? 0)).toBe(count);
    if (tally) tally.stored += a.accepted as number;
    return true;
  };
}

// ── the socket ──

export interface ChatSocket {
  socket: Socket;
  /** The anonymous token the session event handed out: this shopper's bearer token over HTTP. */
  token: string;
  /** `error` events the server sent (answers to emits without an acknowledgement). */
  errors: unknown[];
  close(): void;
}

export async function openChat(port: number): Promise<ChatSocket> {
  const socket = io(`http://127.0.0.1:${port}/chat`, { transports: ["websocket"], forceNew: true, reconnection: false });
  const errors: unknown[] = [];
  socket.on("error", (e: unknown) => errors.push(e));
  const session = new Promise<{ token: string }>((resolve) => socket.once("session", resolve));
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return { socket, token: (await session).token, errors, close: () => socket.close() };
}

/**
 * The `error` event that answers an emit without an acknowledgement: the first after the `before`
 * already collected that `answers` it (a voice session may also report audio problems there on its
 * own). A socket the server closes instead fails the wait.
 */
export function nextError(s: { socket: Socket; errors: unknown[] }, before: number, answers: (error: unknown) => boolean = () => true): Promise<unknown> {
  const found = () => s.errors.slice(before).find(answers);
  if (found() !== undefined) return Promise.resolve(found());
  return new Promise((resolve, reject) => {
    const done = () => {
      s.socket.off("error", onError);
      s.socket.off("disconnect", onDisconnect);
    };
    // Registered after the collector, so the error is in `errors` by the time this runs.
    const onError = () => {
      const error = found();
      if (error === undefined) return;
      done();
      resolve(error);
    };
    const onDisconnect = (reason: string) => {
      done();
      reject(new Error(`the server closed the socket (${reason}) instead of answering with an error event`));
    };
    s.socket.on("error", onError);
    s.socket.on("disconnect", onDisconnect);
  });
}

const emitted = (chat: ChatSocket, event: string, payload: unknown) => chat.socket.timeout(90_000).emitWithAck(event, payload);

/** `message` payloads of every shape, each acknowledged with a reply or an error naming the field. */
export async function fuzzMessages(label: string, port: number, runs: number): Promise<void> {
  const chat = await openChat(port);
  try {
    await fuzz(`${label} /chat message`, messageCase, runs, async (c) => {
      const answer = await emitted(chat, "message", c.value);
      judge(answer, c, `message ${preview(c.value)}`, isReply);
      expect(chat.socket.connected).toBe(true);
    });
  } finally {
    chat.close();
  }
}

/**
 * `event` payloads, each acknowledged {ok, accepted} or with an error naming the field; the events
 * acknowledged are exactly what the store then holds for this shopper.
 */
export async function fuzzSocketEvents(label: string, port: number, runs: number, storedEvents: (token: string) => Promise<number>): Promise<void> {
  const chat = await openChat(port);
  const tally = { stored: 0 };
  try {
    await fuzz(`${label} /chat event`, eventsCase, runs, async (c) => {
      const answer = await emitted(chat, "event", c.value);
      judge(answer, c, `event ${preview(c.value)}`, isAccepted(c.count, tally));
      expect(chat.socket.connected).toBe(true);
    });
    expect(await storedEvents(chat.token)).toBe(tally.stored);
  } finally {
    chat.close();
  }
}

const RESERVED = new Set(["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener", "message", "event", "error"]);

/**
 * The rest of the socket: unknown events, and `message`/`event` sent without an acknowledgement
 * callback, which the contract answers with an `error` event.
 */
export async function fuzzSocketOddities(label: string, port: number, runs: number): Promise<void> {
  const chat = await openChat(port);
  const odd = fc.oneof(
    fc.record({
      kind: fc.constant("unknown" as const),
      name: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), poisoned(fc.constant("evt")), fc.constantFrom("Message", "EVENT", "reply", "session", "start", "__proto__")).filter((n) => !RESERVED.has(n)),
      payload: anyJson,
      ack: fc.boolean(),
    }),
    fc.record({ kind: fc.constant("no-ack message" as const), name: fc.constant("message"), payload: fc.oneof(messageCase.map((c) => c.value), anyJson), ack: fc.constant(false) }),
    fc.record({ kind: fc.constant("no-ack bad event" as const), name: fc.constant("event"), payload: eventsCase.filter((c) => c.bad.length > 0).map((c) => c.value), ack: fc.constant(false) }),
  );
  try {
    await fuzz(`${label} /chat unknown events and missing acks`, odd, runs, async (o) => {
      const where = `${o.kind} ${preview(o.name)} ${preview(o.payload)}`;
      if (o.ack) {
        expectNamedError(await emitted(chat, o.name, o.payload), [JSON.stringify(o.name)], where);
      } else {
        const before = chat.errors.length;
        chat.socket.emit(o.name, o.payload);
        const event = await nextError(chat, before);
        expectNamedError(event, o.kind === "unknown" ? [JSON.stringify(o.name)] : [o.name, "events", "event", "itemId", "type", "value", "ts"], where);
      }
      expect(chat.socket.connected).toBe(true);
    });
  } finally {
    chat.close();
  }
}

/** The turn the brief insists on after every run: a shopper asking for running shoes gets some. */
export async function normalChatTurn(port: number): Promise<void> {
  const chat = await openChat(port);
  try {
    counted(NORMAL_TURNS);
    const reply = (await emitted(chat, "message", { text: "show me running shoes" })) as { products?: unknown[]; error?: unknown };
    expect(reply.error).toBeUndefined();
    expect(reply.products?.length).toBeGreaterThan(0);
  } finally {
    chat.close();
  }
}
