import fc from "fast-check";
import { expect } from "vitest";
import { eventsCase, isAccepted } from "./chat.ts";
import { bytes, type Case, fuzz, judge, plainId, preview } from "./fuzz.ts";

/** What an HTTP request got back: the status and the body, parsed when it is JSON. */
export interface HttpAnswer {
  status: number;
  body: unknown;
}

export async function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array }): Promise<HttpAnswer> {
  const res = await fetch(url, { method: init.method ?? "POST", headers: init.headers, body: init.body as BodyInit | undefined });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: res.status, body };
}

/**
 * The HTTP oracle: never a 5xx; an error answer is a 4xx with {error: {code, message}} naming a
 * field the case got wrong; a valid case gets a 2xx that `success` accepts.
 */
export function judgeHttp(res: HttpAnswer, c: { bad: string[]; maybe: string[] }, where: string, success: (body: unknown) => boolean): "ok" | "refused" {
  if (res.status >= 500) throw new Error(`${where}: HTTP ${res.status} ${preview(res.body)}`);
  const verdict = judge(res.body, c, `${where} → ${res.status}`, (body) => res.status < 300 && success(body));
  if (verdict === "refused") expect(res.status, `${where} → ${preview(res.body)}`).toBeGreaterThanOrEqual(400);
  return verdict;
}

/** How a request may arrive wrapped: with or without a usable token, with a body of the wrong kind. */
export interface Envelope {
  /** Authorization header to send; undefined sends none. */
  authorization?: string;
  contentType?: string;
  /** Replaces the JSON of the case: malformed text, raw bytes, a body too big. */
  body?: string | Uint8Array;
  bad: string[];
  maybe: string[];
  /** Events in `body`, when it may be taken. */
  count?: number;
}

/** Bodies that never reach the route's own validation: what body parsing itself must answer. */
export const badBodies: fc.Arbitrary<Omit<Envelope, "authorization">> = fc.oneof(
  fc.constantFrom('{"itemId": ', "{not json", "[1,2", '"unterminated', "{'a':1}", '{"a":1}}', "\u0000", "nul\u0000l", "{\"a\":\"\\ud800\\u0000\"", "tru").map((body) => ({ contentType: "application/json", body, bad: ["JSON", "body"], maybe: [] })),
  fc.integer({ min: 300_000, max: 600_000 }).map((n) => ({ contentType: "application/json", body: JSON.stringify({ itemId: "x".repeat(n), type: "view" }), bad: ["body"], maybe: [] })),
  fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", undefined).map((contentType) => ({ contentType, body: '{"itemId":"sku-1","type":"view"}', bad: ["body", "JSON"], maybe: [] })),
  fc.constantFrom("koi8-r", "latin1", "bogus", "iso-8859-1").map((cs) => ({ contentType: `application/json; charset=${cs}`, body: '{"a":1}', bad: ["charset", "UTF-8"], maybe: [] })),
);

/** Charsets of the UTF family: decoded as declared (UTF-7 reads plain ASCII JSON the same; UTF-16 turns it into nonsense). */
const utfCharsets: fc.Arbitrary<Omit<Envelope, "authorization">> = fc
  .constantFrom("utf-7", "utf-16", "UTF-8", "utf-16le")
  .map((cs) => ({ contentType: `application/json; charset=${cs}`, body: '{"itemId":"sku-000001","type":"view"}', bad: [], maybe: ["charset", "UTF-8", "JSON", "body"], count: 1 }));

/** `Authorization` headers that prove no one. */
export const badAuthorization = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "bearer", "Token abc", "Bearer  ", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJjdXN0b21lcjoxMDAxIn0."),
  plainId(60).map((t) => `Bearer ${t}`),
);

/**
 * POST /api/events: the events model, wrapped in every way a request can go wrong. Events
 * accepted are exactly what the store then holds for the token's shopper.
 */
export async function fuzzHttpEvents(label: string, base: string, token: string, runs: number, storedEvents: () => Promise<number>): Promise<void> {
  const request: fc.Arbitrary<{ c: Case & { count: number }; envelope: Envelope }> = fc.oneof(
    { weight: 12, arbitrary: eventsCase.map((c) => ({ c, envelope: { authorization: `Bearer ${token}`, contentType: "application/json", bad: [], maybe: [] } })) },
    { weight: 2, arbitrary: fc.tuple(eventsCase, badAuthorization).map(([c, authorization]) => ({ c, envelope: { authorization, contentType: "application/json", bad: ["Authorization"], maybe: [] } })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.oneof({ weight: 3, arbitrary: badBodies }, { weight: 1, arbitrary: utfCharsets }), fc.boolean())
        .map(([b, auth]) => ({ c: { value: undefined, bad: [], maybe: [], count: b.count ?? 0 }, envelope: { ...b, authorization: auth ? `Bearer ${token}` : undefined, bad: auth ? b.bad : [...b.bad, "Authorization"] } })),
    },
    {
      weight: 1,
      // Bytes that are not UTF-8 inside a JSON string: decoded with replacement characters, or malformed JSON.
      arbitrary: fc.tuple(fc.integer({ min: 1, max: 200 }), fc.integer()).map(([n, seed]) => ({
        c: { value: undefined, bad: [], maybe: ["body", "JSON", "itemId"], count: 1 },
        envelope: {
          authorization: `Bearer ${token}`,
          contentType: "application/json",
          body: Buffer.concat([Buffer.from('{"itemId":"'), bytes(n, seed), Buffer.from('","type":"view"}')]),
          bad: [],
          maybe: [],
        },
      })),
    },
  );
  const tally = { stored: 0 };
  await fuzz(`${label} POST /api/events`, request, runs, async ({ c, envelope }) => {
    const headers: Record<string, string> = {};
    if (envelope.authorization !== undefined) headers.authorization = envelope.authorization;
    if (envelope.contentType !== undefined) headers["content-type"] = envelope.contentType;
    const body = envelope.body ?? JSON.stringify(c.value);
    const res = await send(`${base}/api/events`, { headers, body: typeof body === "string" && envelope.contentType === undefined ? Buffer.from(body) : body });
    const expected = { bad: [...envelope.bad, ...(envelope.bad.length ? [] : c.bad)], maybe: [...envelope.maybe, ...c.maybe, ...(envelope.bad.length ? c.bad : [])] };
    // Auth and body problems come first; the payload's own faults then may or may not be reached.
    judgeHttp(res, expected, `POST /api/events ${preview(envelope)} ${preview(c.value)}`, isAccepted(c.count, tally));
  });
  expect(await storedEvents()).toBe(tally.stored);
}
