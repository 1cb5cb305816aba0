import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminRouter } from "../../bot/http/admin.ts";
import { adminDashboardRouter } from "../../bot/http/admin-dashboard.ts";
import { ActivityRecorder } from "../../bot/admin/activity-recorder.ts";
import { createLogger } from "../../core/logger.ts";
import { turnsTotal } from "../../core/metrics.ts";
import { ReviewLog } from "../../intents/review/index.ts";
import { createStore, type Store } from "../../store/index.ts";
import { type Harness, startHarness, testConfig, testIdentity } from "./harness.ts";

const TOKEN = "dashboard-api-token-0123456789";
const HOUR = 3_600_000;
// Hours of their own: 2020-03-01 UTC.
const DAY0 = Date.UTC(2020, 2, 1);

// biome-ignore lint/suspicious/noExplicitAny: tests inspect the parsed JSON field by field
type Json = any;

describe("admin dashboard API", () => {
  let dir: string;
  let store: Store;
  let harness: Harness;
  let recorder: ActivityRecorder;
  const get = async (pathname: string, token: string | null = TOKEN): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${harness.url}${pathname}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-dashboard-"));
    store = createStore({ dataDir: dir });
    await store.init();
    const c = (hour: number, metric: string, label: string, count: number, sum = 0) => ({ bucket: DAY0 + hour * HOUR, metric, label, count, sum });
    // Hour 2: 100 turns whose latencies sit in known histogram buckets (≤0.1 s: 50, ≤0.25 s: 90, ≤0.5 s: 100).
    await store.activity.addActivity([
      c(2, "turns", "socket", 60),
      c(2, "turns", "botframework:msteams", 40),
      c(2, "errors", "timeout", 2),
      c(2, "latency", "turn", 100, 15),
      c(2, "latency_le", "turn|0.1", 50),
      c(2, "latency_le", "turn|0.25", 90),
      c(2, "latency_le", "turn|0.5", 100),
      c(2, "latency_le", "turn|+Inf", 100),
      c(5, "turns", "socket", 7),
    ]);
    const line = (conversationId: string, ts: number) => ({ conversationId, userId: "anon:x", role: "user" as const, text: "hi", ts });
    await store.conversations.appendMessages([line("c1", DAY0 + 2 * HOUR + 1), line("c2", DAY0 + 2 * HOUR + 2), line("c1", DAY0 + 2 * HOUR + 3)]);
    await store.catalogue.upsertProducts([{ product: { id: "p1", title: "Trail shoe" }, hash: "a" }, { product: { id: "p2", title: "Hat" }, hash: "b" }]);
    await store.catalogue.recordImport({ at: DAY0, source: "demo", added: 2, updated: 0, unchanged: 0, rejected: 1, products: 2, seconds: 0.2 });
    await store.catalogue.recordImport({ at: DAY0 + HOUR, source: "catalog.csv", added: 0, updated: 1, unchanged: 1, rejected: 0, products: 2, seconds: 0.1 });

    const log = new ReviewLog(dir);
    for (const text of ["what is the weather on mars", "what's the weather on mars", "what is the weather on mars", "book me a taxi"]) await log.add({ text, locale: "en", intent: "oos", confidence: 0.1, at: DAY0 });
    for (const text of ["do you gift wrap", "is the hat waterproof"]) await log.add({ text, locale: "en", intent: "availability", confidence: 0.4, at: DAY0 });
    // The shop already taught this one: it is not asked again.
    writeFileSync(path.join(dir, "intents.jsonl"), `${JSON.stringify({ text: "Book me a taxi", intent: "oos" })}\n`);

    // The seeded hours are from 2020: kept, unlike a running service would after 400 days.
    recorder = new ActivityRecorder({ store: store.activity, keepDays: 100_000 });
    const identity = await testIdentity(testConfig());
    harness = await startHarness({
      env: { CONCIERGE_ADMIN_TOKEN: TOKEN },
      identity: () => identity,
      admin: adminRouter({
        adminToken: TOKEN,
        logger: createLogger("silent"),
        segments: () => undefined,
        experiments: () => undefined,
        store: () => store,
        identity: () => identity,
      }).use(adminDashboardRouter({ adminToken: TOKEN, store: () => store, recorder: () => recorder, dataDir: dir })),
    });
  });

  afterAll(async () => {
    await harness?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers only with the admin token", async () => {
    for (const pathname of ["/api/admin/activity", "/api/admin/catalogue", "/api/admin/unanswered"]) {
      expect((await get(pathname, null)).status, pathname).toBe(401);
      expect((await get(pathname, "wrong-token-wrong-token")).status, pathname).toBe(401);
      expect((await get(pathname)).status, pathname).toBe(200);
    }
    const post = await fetch(`${harness.url}/api/admin/activity`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(post.status).toBe(405);
  });

  it("lays out activity per hour: turns, errors, conversations and latency percentiles from the histogram", async () => {
    const { status, body } = await get(`/api/admin/activity?from=${DAY0}&to=${DAY0 + 6 * HOUR}`);
    expect(status).toBe(200);
    expect(body.range).toEqual({ from: "2020-03-01T00:00:00.000Z", to: "2020-03-01T06:00:00.000Z", bucket: "hour" });
    expect(body.buckets).toHaveLength(6);
    const h2 = body.buckets[2];
    expect(h2.start).toBe("2020-03-01T02:00:00.000Z");
    expect(h2).toMatchObject({ turns: 100, errors: 2, conversations: 2, turnsByChannel: { socket: 60, "botframework:msteams": 40 }, errorsByCode: { timeout: 2 } });
    // Mean 15 s / 100; p50 = 0.1 s (the 50th falls at the top of the first bucket); p95 = 0.25 + 0.25 × 5/10.
    expect(h2.latency.turn).toEqual({ count: 100, meanMs: 150, p50Ms: 100, p95Ms: 375 });
    expect(body.buckets[0]).toMatchObject({ turns: 0, errors: 0, conversations: 0, latency: {} });
    expect(body.stages).toEqual(["turn"]);
    expect(body.totals).toEqual({ turns: 107, errors: 2 });

    const daily = await get(`/api/admin/activity?bucket=day&from=2020-03-01&to=2020-03-03`);
    expect(daily.body.buckets.map((b: Json) => b.turns)).toEqual([107, 0]);
  });

  it("refuses bad activity queries naming the field", async () => {
    const bad = async (query: string, field: RegExp) => {
      const { status, body } = await get(`/api/admin/activity?${query}`);
      expect(status, query).toBe(400);
      expect(body.error.message, query).toMatch(field);
    };
    await bad("bucket=week", /bucket: expected hour or day/);
    await bad("from=yesterday", /from:/);
    await bad(`from=${DAY0 + HOUR}&to=${DAY0}`, /from: must be before to/);
    await bad("from=2000-01-01&to=2020-01-01", /from: the range spans/);
    await bad("colour=red", /colour|unrecognized/i);
  });

  it("counts what this process saw up to the moment it is read (the recorder flushes first)", async () => {
    const before = (await get("/api/admin/activity")).body.totals.turns;
    turnsTotal.inc({ channel: "socket", intent: "greet" }, 3);
    const after = (await get("/api/admin/activity")).body;
    expect(after.totals.turns - before).toBe(3);
    expect(after.buckets.at(-1).turnsByChannel.socket).toBeGreaterThanOrEqual(3);
  });

  it("gives the catalogue's size and its imports, newest first", async () => {
    const { body } = await get("/api/admin/catalogue");
    expect(body.products).toBe(2);
    expect(body.imports.map((i: Json) => [i.source, i.added, i.updated, i.rejected])).toEqual([
      ["catalog.csv", 0, 1, 0],
      ["demo", 2, 0, 1],
    ]);
    expect(body.imports[0].atIso).toBe("2020-03-01T01:00:00.000Z");
    expect((await get("/api/admin/catalogue?limit=1")).body.imports).toHaveLength(1);
    const bad = await get("/api/admin/catalogue?limit=0");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/limit: at least 1/);
  });

  it("groups the questions it could not answer: out of scope apart from unsure, taught ones left out", async () => {
    const { body } = await get("/api/admin/unanswered");
    expect(body.outOfScope.messages).toBe(3);
    expect(body.outOfScope.groups).toHaveLength(1);
    expect(body.outOfScope.groups[0]).toMatchObject({ size: 2, seen: 3, locale: "en" });
    expect(body.outOfScope.groups[0].examples[0]).toBe("what is the weather on mars");
    expect(body.unsure.messages).toBe(2);
    expect(body.unsure.groups.flatMap((g: Json) => g.examples).sort()).toEqual(["do you gift wrap", "is the hat waterproof"]);
    expect(JSON.stringify(body)).not.toMatch(/taxi/);
  });

  it("shows the most negative products with example messages, redacted", async () => {
    const post = await fetch(`${harness.url}/api/admin/feedback`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify([
        { itemId: "p2", text: "Awful hat, terrible stitching. Call me on +44 7700 900123" },
        { itemId: "p2", text: "bad and disappointing" },
        { itemId: "p1", text: "Love these shoes, great grip" },
      ]),
    });
    expect(post.status).toBe(201);
    const { body } = await get("/api/admin/sentiment?examples=1");
    expect(body.topNegative[0].itemId).toBe("p2");
    expect(body.topNegative[0].examples).toHaveLength(1);
    const all = (await get("/api/admin/sentiment")).body.topNegative[0].examples.map((e: Json) => e.text).join(" | ");
    expect(all).toMatch(/Awful hat/);
    expect(all).not.toMatch(/7700/);
    const bad = await get("/api/admin/sentiment?examples=11");
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/examples: at most 10/);
  });
});
