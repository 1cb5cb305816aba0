import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../core/logger.ts";
import { chatClient, type Harness, postJson, SCRIPTED_REPLY, startHarness, serverDeps } from "./harness.ts";
import { customerToken, SHOP_SECRET } from "../helpers/tokens.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe("POST /api/events", () => {
  const withSecret = { env: { CONCIERGE_IDENTITY_SECRET: SHOP_SECRET } };
  const bearer = async (sub = "u1") => ({ authorization: `Bearer ${await customerToken(sub)}` });

  it("accepts one event and an array for the shopper the bearer token proves, answering 202 {accepted}", async () => {
    harness = await startHarness(withSecret);
    const auth = await bearer("u1");
    const one = await postJson(`${harness.url}/api/events`, { itemId: "sku-1", type: "purchase" }, auth);
    expect(one.status).toBe(202);
    expect(one.body).toEqual({ accepted: 1, dropped: 0 });
    const many = await postJson(
      `${harness.url}/api/events`,
      [
        { itemId: "sku-1", type: "view", ts: 1735689600000 },
        // A userId in the body names no one: the events are the bearer's.
        { userId: "customer:u2", itemId: "sku-2", type: "favourite", ts: "2025-01-01T00:00:00.000+08:00" },
        { userId: "u2", itemId: "sku-3", type: "rating", value: 4 },
      ],
      auth,
    );
    expect(many.status).toBe(202);
    expect(many.body).toEqual({ accepted: 3, dropped: 0 });
    expect(harness.events[1]!.map((e) => [e.userId, e.type, e.ts])).toEqual([
      ["customer:u1", "view", 1735689600000],
      ["customer:u1", "favourite", Date.parse("2024-12-31T16:00:00Z")],
      ["customer:u1", "rating", expect.any(Number)],
    ]);
    // Cross-origin access is granted per origin (test/bot/origins.test.ts), never to "*".
    expect(one.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("takes events naming their shoppers from the shop's backend, with CONCIERGE_EVENTS_KEY as the bearer", async () => {
    const key = "shop-backend-events-key-0123456789";
    harness = await startHarness({ env: { CONCIERGE_IDENTITY_SECRET: SHOP_SECRET, CONCIERGE_EVENTS_KEY: key } });
    const server = { authorization: `Bearer ${key}` };
    const res = await postJson(
      `${harness.url}/api/events`,
      [
        { userId: "1001", itemId: "sku-1", type: "purchase" },
        { userId: "anon:abc", itemId: "sku-2", type: "view" },
      ],
      server,
    );
    expect(res.status).toBe(202);
    expect(harness.events[0]!.map((e) => e.userId)).toEqual(["customer:1001", "anon:abc"]);
    const unnamed = await postJson(`${harness.url}/api/events`, [{ userId: "1001", itemId: "sku-1", type: "view" }, { itemId: "sku-1", type: "view" }], server);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.error.message).toMatch(/events\[1\]: userId: required/);
    // A wrong key is no key: the bearer is then read as a shopper token, and refused.
    const wrong = await postJson(`${harness.url}/api/events`, { userId: "1001", itemId: "sku-1", type: "view" }, { authorization: "Bearer not-the-events-key-0123456789" });
    expect(wrong.status).toBe(401);
    expect(harness.events).toHaveLength(1);
  });

  it("records nothing without a token that proves a shopper", async () => {
    harness = await startHarness(withSecret);
    const none = await postJson(`${harness.url}/api/events`, { userId: "customer:u1", itemId: "sku-1", type: "view" });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe("unauthenticated");
    expect(none.body.error.message).toMatch(/Authorization/);
    const forged = await postJson(
      `${harness.url}/api/events`,
      { itemId: "sku-1", type: "view" },
      { authorization: `Bearer ${await customerToken("u1", { secret: "another-secret-another-secret-0000" })}` },
    );
    expect(forged.status).toBe(401);
    expect(forged.body.error).toMatchObject({ code: "invalid_token", message: expect.stringMatching(/^Authorization: the signature does not verify/) });
    const malformed = await postJson(`${harness.url}/api/events`, { itemId: "sku-1", type: "view" }, { authorization: "Basic dTpw" });
    expect(malformed.status).toBe(401);
    expect(harness.events).toHaveLength(0);
  });

  it("refuses an unknown type with 400 naming the field and listing the valid types", async () => {
    harness = await startHarness(withSecret);
    const res = await postJson(
      `${harness.url}/api/events`,
      [
        { itemId: "sku-1", type: "view" },
        { itemId: "sku-1", type: "wishlist" },
      ],
      await bearer(),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_input");
    expect(res.body.error.message).toBe('invalid events: events[1].type: unknown event type "wishlist"; expected one of view, cart, purchase, favourite, rating');
    expect(harness.events).toHaveLength(0);
  });

  it.each([
    ["a missing itemId", { type: "view" }, /itemId: expected a string/],
    ["a bad ts", { itemId: "sku-1", type: "view", ts: -5 }, /ts: expected epoch milliseconds/],
    ["a ts far in the future", { itemId: "sku-1", type: "view", ts: Date.now() + 7 * 86400000 }, /ts: is more than a day in the future/],
    ["a string value", { itemId: "sku-1", type: "rating", value: "5" }, /value: expected a number/],
    ["a bare string", "view", /expected an event object/],
    ["an empty array", [], /at least one event/],
  ])("refuses %s with 400", async (_name, body, message) => {
    harness = await startHarness(withSecret);
    const res = await postJson(`${harness.url}/api/events`, typeof body === "string" ? JSON.stringify(body) : body, await bearer());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it("refuses more than 1,000 events with 413", async () => {
    harness = await startHarness(withSecret);
    const events = Array.from({ length: 1001 }, (_, i) => ({ itemId: `sku-${i}`, type: "view" }));
    const res = await postJson(`${harness.url}/api/events`, events, await bearer());
    expect(res.status).toBe(413);
    expect(res.body.error).toEqual({ code: "payload_too_large", message: "events: at most 1000 events a request (got 1001); send them in batches" });
  });

  it("answers malformed JSON, an oversized body and a non-JSON body clearly", async () => {
    harness = await startHarness(withSecret);
    const auth = await bearer();
    const bad = await postJson(`${harness.url}/api/events`, '{"itemId": "u",', auth);
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
    expect(bad.body.error.message).toMatch(/^malformed JSON in the request body/);

    const huge = await postJson(`${harness.url}/api/events`, { itemId: "x".repeat(1024 * 1024), type: "view" }, auth);
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");
    expect(huge.body.error.message).toMatch(/at most 262144 bytes/);

    const text = await fetch(`${harness.url}/api/events`, { method: "POST", headers: { "content-type": "text/plain", ...auth }, body: "view sku-1" });
    expect(text.status).toBe(400);
    expect((await text.json()).error.message).toMatch(/Content-Type: application\/json/);
  });

  it("answers 503 before ready and 500 (without internals) when storing fails", async () => {
    harness = await startHarness({ ...withSecret, ready: false });
    const auth = await bearer();
    const early = await postJson(`${harness.url}/api/events`, { itemId: "sku-1", type: "view" }, auth);
    expect(early.status).toBe(503);
    expect(early.body.error.code).toBe("not_ready");
    harness.ready.value = true;
    harness.failEvents.value = true;
    const failed = await postJson(`${harness.url}/api/events`, { itemId: "sku-1", type: "view" }, auth);
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ error: { code: "internal_error", message: "something went wrong on our side" } });
    harness.failEvents.value = false;
    expect((await postJson(`${harness.url}/api/events`, { itemId: "sku-1", type: "view" }, auth)).status).toBe(202);
  });

  it("answers the wrong method with 405", async () => {
    harness = await startHarness();
    const res = await fetch(`${harness.url}/api/events`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});

describe("health and metrics", () => {
  it("/healthz is ok while up; /readyz is 503 loading until ready, without a warning per probe", async () => {
    let warned = "";
    const logger = createLogger(
      "warn",
      new Writable({
        write(chunk, _enc, done) {
          warned += chunk.toString();
          done();
        },
      }),
    );
    harness = await startHarness({ ready: false, logger, env: { CONCIERGE_IDENTITY_SECRET: SHOP_SECRET } });
    const health = await fetch(`${harness.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const loading = await fetch(`${harness.url}/readyz`);
    expect(loading.status).toBe(503);
    expect(await loading.json()).toEqual({ status: "loading" });
    expect(warned).toBe("");
    harness.ready.value = true;
    const ready = await fetch(`${harness.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
    // A real failure is still a warning.
    harness.failEvents.value = true;
    const failed = await postJson(`${harness.url}/api/events`, { itemId: "sku-1", type: "view" }, { authorization: `Bearer ${await customerToken("u1")}` });
    expect(failed.status).toBe(500);
    expect(warned).toMatch(/"path":"\/api\/events","status":500/);
  });

  it("/metrics shows the turn latency histogram, turns by channel and intent, and errors by code", async () => {
    harness = await startHarness();
    const socket = await chatClient(harness.url);
    try {
      await socket.timeout(5000).emitWithAck("message", { text: "hi" });
      await socket.timeout(5000).emitWithAck("message", {});
    } finally {
      socket.close();
    }
    const res = await fetch(`${harness.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/concierge_stage_seconds_bucket\{le="[\d.]+",stage="turn"\} [1-9]/);
    expect(text).toMatch(/concierge_turns_total\{channel="socket",intent="browse"\} [1-9]/);
    expect(text).toMatch(/concierge_errors_total\{code="invalid_input"\} [1-9]/);
  });
});

describe("the demo shop page and the widget", () => {
  it("serves the page embedding the widget as a shop would, the widget, the socket.io client and catalogue images", async () => {
    harness = await startHarness();
    const page = await fetch(`${harness.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toMatch(/<script src="\/widget.js" data-concierge-url="[^"]+" async><\/script>/);
    for (const [path, type] of [
      ["/widget.js", /javascript/],
      ["/widget-voice.js", /javascript/],
      ["/socket.io/socket.io.js", /javascript/],
      ["/socket.io/socket.io.min.js", /javascript/],
      ["/images/shoes.svg", /image\/svg\+xml/],
    ] as const) {
      const res = await fetch(harness.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(type);
    }
  });

  it("answers unknown paths with a JSON 404", async () => {
    harness = await startHarness();
    const res = await fetch(`${harness.url}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "no route for GET /nope" } });
    const image = await fetch(`${harness.url}/images/missing.svg`);
    expect(image.status).toBe(404);
  });
});

describe("listen and close", () => {
  it("reports a busy port clearly and closes with clients connected", async () => {
    harness = await startHarness();
    const port = Number(new URL(harness.url).port);
    const { createServer } = await import("../../bot/index.ts");
    const { createLogger } = await import("../../core/logger.ts");
    const second = createServer({ ...harnessDeps(), ...(await serverDeps(harness.config)), config: { ...harness.config, port } });
    await expect(second.listen()).rejects.toThrow(`port ${port} is already in use`);
    await second.close();
    const socket = await chatClient(harness.url);
    const answer = await socket.timeout(5000).emitWithAck("message", { text: "hi" });
    expect(answer.text).toBe(SCRIPTED_REPLY.text);
    const disconnected = new Promise((resolve) => socket.once("disconnect", resolve));
    await harness.close();
    harness = undefined;
    expect(await disconnected).toMatch(/io server disconnect|transport close/);

    function harnessDeps() {
      return { logger: createLogger("silent"), engine: () => undefined, isReady: () => false, recordEvents: async () => ({ accepted: 0, dropped: 0 }) };
    }
  });
});

describe("/metrics", () => {
  const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers }).then(async (r) => ({ status: r.status, text: await r.text() }));

  it("answers this machine, but not what a proxy relays, unless scraped with its token", async () => {
    harness = await startHarness();
    expect((await get(`${harness.url}/metrics`)).text).toMatch(/concierge_turns_total|process_cpu/);
    const relayed = await get(`${harness.url}/metrics`, { "x-forwarded-for": "203.0.113.7" });
    expect(relayed.status).toBe(403);
    expect(relayed.text).toMatch(/CONCIERGE_METRICS_TOKEN/);
    await harness.close();
    const token = "scraper-token-0123456789abcdef";
    harness = await startHarness({ env: { CONCIERGE_METRICS_TOKEN: token } });
    expect((await get(`${harness.url}/metrics`)).status).toBe(401);
    expect((await get(`${harness.url}/metrics`, { authorization: `Bearer ${token}`, "x-forwarded-for": "203.0.113.7" })).status).toBe(200);
  });

  it("with a port of its own, is served there and not on the service's port", async () => {
    harness = await startHarness({ env: { CONCIERGE_METRICS_PORT: "0" } });
    const port = harness.server.metricsPort();
    expect(port).toBeGreaterThan(0);
    expect((await get(`http://127.0.0.1:${port}/metrics`)).text).toMatch(/process_cpu/);
    expect((await get(`${harness.url}/metrics`)).status).toBe(404);
  });
});
