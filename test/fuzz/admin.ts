import fc from "fast-check";
import { expect } from "vitest";
import {
  anyJson,
  blank,
  type Case,
  deeplyNested,
  extraKeys,
  fuzz,
  longText,
  notNumber,
  notObject,
  notString,
  plainId,
  poisoned,
  preview,
  record,
  wildText,
} from "./fuzz.ts";
import { badAuthorization, badBodies, type HttpAnswer, judgeHttp, send } from "./http.ts";

/**
 * The admin API from this machine (README "For the shop", llm/README.md "Marketing copy") and the
 * public experiment endpoints the shop's pages call, as generators: bodies and queries valid or
 * wrong in known places, plus what no route accepts (other methods, malformed JSON, paths).
 */

const DAY = 24 * 60 * 60 * 1000;
const skuId = fc.integer({ min: 1, max: 1200 }).map((n) => `sku-${String(n).padStart(6, "0")}`);
const pastMs = fc.integer({ min: 0, max: Date.now() - 60_000 });
const instant = fc.oneof(pastMs, pastMs.map((ms) => new Date(ms).toISOString()));
const badInstant = fc.oneof(
  fc.integer({ max: -1 }),
  fc.constant(1.5),
  fc.constantFrom("yesterday", "2025-13-45", "31/01/2025", "soon"),
  poisoned(fc.constant("2025-01-31")),
  fc.boolean(),
  fc.constant({}),
);

/** Labels for a list: "feedback[2].text" for the field of an entry, "feedback[2]" for an entry that is no object. */
function list(root: string, entry: fc.Arbitrary<Case<Record<string, unknown>>>, max: number): fc.Arbitrary<Case> {
  // The payload as a whole is "events" or "event", "feedback" either way.
  const whole = [root, root.replace(/s$/, "")];
  return fc.oneof(
    { weight: 8, arbitrary: entry },
    {
      weight: 4,
      arbitrary: fc.array(fc.oneof({ weight: 8, arbitrary: entry }, { weight: 1, arbitrary: notObject.map((value) => ({ value, bad: ["!"], maybe: [] })) }), { minLength: 1, maxLength: 4 }).map((entries) => {
        const at = (i: number, f: string) => (f === "!" ? `${root}[${i}]` : `${root}[${i}].${f}`);
        return { value: entries.map((e) => e.value), bad: entries.flatMap((e, i) => e.bad.map((f) => at(i, f))), maybe: entries.flatMap((e, i) => e.maybe.map((f) => at(i, f))) };
      }),
    },
    { weight: 1, arbitrary: fc.constant<Case>({ value: [], bad: whole, maybe: [] }) },
    { weight: 1, arbitrary: fc.integer({ min: max + 1, max: max + 200 }).map((n) => ({ value: Array.from({ length: n }, () => ({ text: "ok" })), bad: whole, maybe: [] })) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.boolean()).map((value) => ({ value, bad: whole, maybe: [] })) },
    { weight: 1, arbitrary: deeplyNested.map((value) => ({ value, bad: whole, maybe: [] })) },
  );
}

// ── feedback ──

const feedbackEntry = record(
  [
    { name: "text", required: true, valid: fc.oneof(wildText(120), longText(1000, 10_000)), invalid: fc.oneof(notString, blank, poisoned(wildText(30)), longText(10_001, 20_000)) },
    { name: "itemId", valid: fc.oneof(skuId, plainId(), wildText(30)), invalid: fc.oneof(notString.filter((v) => v !== null), blank, poisoned(plainId()), longText(201, 1000)), unspecified: fc.constant(null) },
    {
      name: "userId",
      valid: fc.oneof(fc.constantFrom("1001", "customer:1001", "anon:fuzz"), plainId()),
      invalid: fc.oneof(notString.filter((v) => v !== null), blank, poisoned(plainId()), fc.constantFrom("a\u0001b", "x\ny")),
      unspecified: fc.constant(null),
    },
    { name: "rating", valid: fc.double({ min: 1, max: 5, noNaN: true }), invalid: fc.oneof(notNumber.filter((v) => v !== null), fc.constantFrom(0, 0.5, 5.5, 6, -3)), unspecified: fc.constant(null) },
    { name: "ts", valid: instant, invalid: badInstant, unspecified: fc.oneof(fc.constant(null), fc.integer({ min: 2 * DAY, max: 100 * DAY }).map((d) => Date.now() + d)) },
  ],
  { invalidWeight: 0.6, extra: extraKeys() },
);

// ── experiments ──

const variantName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _.-]{0,20}$/).filter((s) => s.trim() === s);
const variants = fc.uniqueArray(variantName, { minLength: 2, maxLength: 4, selector: (s) => s.toLowerCase() }).chain((names) =>
  fc.tuple(...names.map((name) => fc.record({ name: fc.constant(name), weight: fc.option(fc.double({ min: 0.01, max: 1000, noNaN: true }), { nil: undefined }), config: fc.option(fc.record({ copy: wildText(60) }), { nil: undefined }) }, { requiredKeys: ["name"] }))),
);
const badVariants = fc.oneof(
  notObject.filter((v) => !Array.isArray(v)),
  fc.constant([]),
  fc.constant([{ name: "A" }]),
  fc.constant(Array.from({ length: 11 }, (_, i) => ({ name: `V${i}` }))),
  fc.constant([{ name: "A" }, { name: "a" }]),
  fc.tuple(
    fc.oneof(
      fc.record({ name: fc.oneof(notString, fc.constantFrom("", "-x", " lead", "x".repeat(41)), poisoned(fc.constant("B"))) }),
      fc.record({ name: fc.constant("B"), weight: fc.oneof(fc.constantFrom(0, -1, 1001), notNumber.filter((v) => v !== null)) }),
      fc.record({ name: fc.constant("B"), config: fc.oneof(fc.record({ copy: fc.oneof(poisoned(), blank, notString) }), fc.record({ ranking: fc.constantFrom("no such strategy!", "x".repeat(70)) }), notObject.filter((v) => v !== null)) }),
    ),
  ).map(([bad]) => [{ name: "A" }, bad]),
);

const experimentBody = record(
  [
    { name: "name", required: true, valid: wildText(60), invalid: fc.oneof(notString, blank, poisoned(wildText(20)), longText(201, 500)) },
    { name: "description", valid: wildText(200), invalid: fc.oneof(notString.filter((v) => v !== null), poisoned(wildText(20)), longText(2001, 4000)), unspecified: fc.constant(null) },
    { name: "variants", required: true, valid: variants, invalid: badVariants },
    { name: "primaryMetric", valid: fc.constantFrom("click", "cart", "purchase"), invalid: fc.oneof(notString.filter((v) => v !== null), fc.constantFrom("views", "Click", "")), unspecified: fc.constant(null) },
    // Omitted when valid: a generated id may repeat one made before.
    { name: "id", valid: fc.constant(undefined), invalid: fc.oneof(notString.filter((v) => v !== null && v !== undefined), fc.constantFrom("UPPER", "-x", "a b", "x".repeat(65), ""), poisoned(fc.constant("exp"))) },
  ],
  { invalidWeight: 0.5, extra: extraKeys() },
);

// ── copy ──

const copyBody = record(
  [
    { name: "productId", required: true, valid: skuId, invalid: fc.oneof(notString, blank, poisoned(fc.constant("sku-000001")), longText(201, 500)), unspecified: plainId() },
    { name: "tone", valid: fc.constantFrom("friendly", "premium", "playful", "urgent"), invalid: fc.oneof(notString.filter((v) => v !== null), fc.constantFrom("angry", "Friendly", "")) },
    { name: "channel", valid: fc.constantFrom("description", "email", "push", "banner", "chat"), invalid: fc.oneof(notString.filter((v) => v !== null), fc.constantFrom("sms", "tweet", "")) },
    { name: "length", valid: fc.constantFrom("short", "medium", "long"), invalid: fc.oneof(notString.filter((v) => v !== null), fc.constantFrom("huge", "")) },
    { name: "variants", valid: fc.integer({ min: 1, max: 5 }), invalid: fc.oneof(fc.constantFrom(0, 11, 2.5, -1, 1e9), notNumber.filter((v) => v !== null)) },
    { name: "locale", valid: fc.constantFrom("en", "zh"), invalid: fc.oneof(notString.filter((v) => v !== null), fc.constantFrom("fr", "EN", "")) },
    { name: "seed", valid: fc.integer({ min: 0, max: 2 ** 31 }), invalid: fc.oneof(fc.constantFrom(-1, 1.5, 2 ** 40), notNumber.filter((v) => v !== null)) },
    // The shop's customer 1001 has no record here: naming a shopper may well be a 404 naming them.
    { name: "shopperId", valid: fc.constant(undefined), invalid: fc.oneof(notString.filter((v) => v !== null), poisoned(fc.constant("1001")), fc.constant("")), unspecified: fc.oneof(fc.constantFrom("1001", "customer:1001"), plainId()) },
    {
      name: "experiment",
      valid: fc.record({ name: wildText(40) }),
      invalid: fc.oneof(notObject.filter((v) => v !== null), fc.constant({}), fc.record({ name: fc.oneof(blank, poisoned(), notString) })),
    },
  ],
  { invalidWeight: 0.5, extra: extraKeys() },
).map((c) => {
  const value = c.value as { variants?: unknown; experiment?: unknown };
  // An unknown product or shopper is a 404 that names the product or the shopper.
  const maybe = c.maybe.map((f) => (f === "productId" ? "product" : f === "shopperId" ? "shopper" : f));
  // An A/B experiment of one variant: the contract does not say; refused it must name variants.
  if (value.experiment !== undefined && (value.variants === 1 || value.variants === undefined)) maybe.push("variants");
  return { ...c, maybe };
});

const segmentId = fc.oneof(
  fc.constantFrom("abc", "-1", "1.5", "1e3", "%00", "0x1", "99999999"),
  fc.integer({ min: 0, max: 20 }).map(String),
);

/** A query string from pairs (NUL travels as %00; a lone surrogate cannot travel in a URL at all). */
function query(pairs: [string, string][]): string {
  const q = new URLSearchParams();
  for (const [k, v] of pairs) q.append(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

const sentimentQuery: fc.Arbitrary<{ q: string; bad: string[]; maybe: string[] }> = fc
  .record({
    itemId: fc.option(fc.oneof({ weight: 4, arbitrary: skuId.map((v) => ({ v, bad: false })) }, { weight: 1, arbitrary: fc.constantFrom("a\u0000b", "\u0000", "x".repeat(300)).map((v) => ({ v, bad: true })) })),
    bucket: fc.option(fc.oneof({ weight: 4, arbitrary: fc.constantFrom("day", "week").map((v) => ({ v, bad: false })) }, { weight: 1, arbitrary: fc.constantFrom("month", "", "DAY", "\u0000").map((v) => ({ v, bad: true })) })),
    top: fc.option(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 100 }).map((n) => ({ v: String(n), bad: false })) }, { weight: 1, arbitrary: fc.constantFrom("0", "101", "abc", "1.5", "-3", "").map((v) => ({ v, bad: true })) })),
    from: fc.option(fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 2, max: 200 }).map((d) => ({ v: String(Date.now() - d * DAY), bad: false })) }, { weight: 1, arbitrary: fc.constantFrom("yesterday", "2025-13-45", "\u0000").map((v) => ({ v, bad: true })) })),
    extra: fc.option(fc.stringMatching(/^zz[a-z]{1,5}$/)),
  })
  .map((r) => {
    const pairs: [string, string][] = [];
    const bad: string[] = [];
    for (const key of ["itemId", "bucket", "top", "from"] as const) {
      const field = r[key];
      if (!field) continue;
      pairs.push([key, field.v]);
      if (field.bad) bad.push(key);
    }
    if (r.extra) pairs.push([r.extra, "1"]);
    return { q: query(pairs), bad, maybe: r.extra ? [r.extra, "from"] : ["from"] };
  });

/** Route ids of every kind: garbage, NUL (as %00), percent-encoding gone wrong, very long. */
const routeId = fc.oneof(
  plainId(20).map(encodeURIComponent),
  fc.string({ maxLength: 30 }).filter((s) => s !== "" && s !== "." && s !== "..").map(encodeURIComponent),
  fc.constantFrom("%00", "a%00b", "%ED%A0%80", "%ZZ", "%", "UPPER", "x".repeat(300), "%2F", "exp%20id"),
);

const ok201 = (body: unknown) => typeof (body as { accepted?: unknown; id?: unknown })?.accepted === "number" || typeof (body as { id?: unknown })?.id === "string";
const anyOk = () => true;

type AdminRequest = { method: string; path: string; body?: string | Uint8Array; contentType?: string; authorization?: string; c: { bad: string[]; maybe: string[] }; success: (body: unknown) => boolean };

function json(method: string, path: string, c: Case, success: (body: unknown) => boolean, authorization?: string): AdminRequest {
  return { method, path, body: JSON.stringify(c.value), contentType: "application/json", c, success, authorization };
}

/** Every admin request, and the public experiment ones, against `experimentId` (a running experiment with variants A and B). */
function adminRequests(experimentId: string, token: string): fc.Arbitrary<AdminRequest> {
  const bearer = `Bearer ${token}`;
  const eventEntry = record(
    [
      { name: "type", required: true, valid: fc.constantFrom("exposure", "click", "cart", "purchase"), invalid: fc.oneof(notString, fc.constantFrom("view", "Click", "")) },
      { name: "variant", valid: fc.constantFrom("A", "B"), invalid: fc.oneof(notString.filter((v) => v !== null), fc.constantFrom("C", "", "a"), poisoned(fc.constant("A"))), unspecified: fc.constant(null) },
      { name: "userId", valid: fc.oneof(plainId(), poisoned(), anyJson) },
    ],
    { invalidWeight: 0.6, extra: extraKeys() },
  );
  return fc.oneof(
    { weight: 6, arbitrary: list("feedback", feedbackEntry, 1000).map((c) => json("POST", "/api/admin/feedback", c, ok201)) },
    { weight: 5, arbitrary: experimentBody.map((c) => json("POST", "/api/admin/experiments", c, ok201)) },
    { weight: 4, arbitrary: copyBody.map((c) => json("POST", "/api/admin/copy", c, (b) => Array.isArray((b as { variants?: unknown })?.variants))) },
    { weight: 4, arbitrary: sentimentQuery.map(({ q, bad, maybe }) => ({ method: "GET", path: `/api/admin/sentiment${q}`, c: { bad, maybe }, success: (b: unknown) => typeof b === "object" && b !== null })) },
    {
      weight: 3,
      arbitrary: fc.tuple(fc.constantFrom("", "/report", "/stop"), routeId).map(([tail, id]) => ({
        method: tail === "/stop" ? "POST" : "GET",
        path: `/api/admin/experiments/${id}${tail}`,
        // An id that is well formed and unknown is a 404 naming the experiment; one the router cannot
        // percent-decode is refused by the router itself, naming the param.
        c: { bad: ["id", "experiment", "param"], maybe: [] },
        success: anyOk,
      })),
    },
    { weight: 1, arbitrary: fc.constant<AdminRequest>({ method: "GET", path: "/api/admin/experiments", c: { bad: [], maybe: [] }, success: (b: unknown) => Array.isArray((b as { experiments?: unknown })?.experiments) }) },
    {
      weight: 2,
      arbitrary: fc.tuple(segmentId, fc.option(fc.constantFrom("limit=5", "limit=0", "limit=x", "offset=-1", "offset=3", "zz=1", "limit=5&limit=6"))).map(([id, q]) => ({
        method: "GET",
        path: `/api/admin/segments/${id}/shoppers${q ? `?${q}` : ""}`,
        c: { bad: [], maybe: ["segment", "limit", "offset", "zz"] },
        success: anyOk,
      })),
    },
    {
      weight: 1,
      // Only options no contract could take: the run itself is the segmentation's own test.
      arbitrary: fc.oneof(
        fc.constantFrom([1], "k=3", 3, true).map((value) => ({ value, bad: ["segmentation options"], maybe: [] })),
        fc.constantFrom({ k: "many" }, { k: -3 }, { k: 2.5 }, { seed: "x" }, { k: 1e9 }, { maxK: [] }).map((value) => ({ value, bad: Object.keys(value), maybe: [] })),
      ).map((c) => json("POST", "/api/admin/segments/run", c, anyOk)),
    },
    {
      weight: 4,
      arbitrary: fc.tuple(list("events", eventEntry, 1000), fc.oneof({ weight: 6, arbitrary: fc.constant(bearer) }, { weight: 1, arbitrary: badAuthorization })).map(([c, auth]) =>
        json("POST", `/api/experiments/${experimentId}/events`, auth === bearer ? c : { value: c.value, bad: ["Authorization"], maybe: [...c.bad, ...c.maybe] }, ok201, auth),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.oneof(fc.constant(experimentId), routeId), fc.oneof(fc.constant(bearer), badAuthorization)).map(([id, auth]) => ({
        method: "GET",
        path: `/api/experiments/${id}/variant`,
        authorization: auth,
        c: id === experimentId && auth === bearer ? { bad: [], maybe: [] } : { bad: ["Authorization", "id", "experiment", "param"], maybe: [] },
        success: (b: unknown) => typeof (b as { variant?: unknown })?.variant === "string",
      })),
    },
    {
      weight: 2,
      // Not segments/run: without a body it runs with its defaults, as it should.
      arbitrary: fc.tuple(fc.constantFrom("/api/admin/feedback", "/api/admin/experiments", "/api/admin/copy"), badBodies).map(([path, b]) => ({
        method: "POST",
        path,
        body: b.body,
        contentType: b.contentType,
        c: { bad: [...b.bad, "JSON body"], maybe: [] },
        success: anyOk,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom("PUT", "DELETE", "PATCH"), fc.constantFrom("/api/admin/feedback", "/api/admin/experiments", "/api/admin/copy", "/api/admin/sentiment", "/api/admin/segments")).map(([method, path]) => ({
        method,
        path,
        body: "{}",
        contentType: "application/json",
        c: { bad: [method], maybe: [] },
        success: anyOk,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom("/api/admin", "/api/admin/", "/api/admin/nothing", "/api/admin/experiments/a/b/c", "/api/admin/%00", "/api/admin/segments/1/shoppers/2").map((path) => ({
        method: "GET",
        path,
        c: { bad: ["/api/admin", "id", "experiment", "segment"], maybe: [] },
        success: anyOk,
      })),
    },
  );
}

/** The admin API from loopback and the public experiment endpoints, fuzzed around one running experiment. */
export async function fuzzAdmin(label: string, base: string, token: string, runs: number): Promise<void> {
  const created = await send(`${base}/api/admin/experiments`, {
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "fuzz fixture", variants: [{ name: "A" }, { name: "B" }] }),
  });
  expect(created.status, preview(created.body)).toBe(201);
  const experimentId = (created.body as { id: string }).id;
  await fuzz(`${label} admin API`, adminRequests(experimentId, token), runs, async (r) => {
    const headers: Record<string, string> = {};
    if (r.contentType) headers["content-type"] = r.contentType;
    if (r.authorization) headers.authorization = r.authorization;
    let res: HttpAnswer;
    try {
      res = await send(`${base}${r.path}`, { method: r.method, headers, body: r.method === "GET" ? undefined : typeof r.body === "string" && !r.contentType ? Buffer.from(r.body) : r.body });
    } catch (err) {
      throw new Error(`${r.method} ${r.path}: the request failed: ${(err as Error).message}`);
    }
    judgeHttp(res, r.c, `${r.method} ${preview(r.path, 120)} ${preview(r.body, 400)}`, r.success);
  });
}
