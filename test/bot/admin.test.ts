import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { adminRouter } from "../../bot/http/admin.ts";
import { isLoopbackAddress } from "../../bot/http/admin-auth.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { assignVariant, Experiments } from "../../recommend/experiments/index.ts";
import { Segments } from "../../recommend/segments/index.ts";
import { createStore, type Product, type ShopperEvent, type Store } from "../../store/index.ts";
import type { Identity, ProvenShopper } from "../../shoppers/index.ts";
import { type Harness, postJson, startHarness, testConfig, testIdentity } from "./harness.ts";

const TOKEN = "s3cret-admin-token-0123456789";
const MODEL = "admin-test-embedder";

// biome-ignore lint/suspicious/noExplicitAny: tests inspect the parsed JSON field by field
type Json = any;

async function call(url: string, options: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(url, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers: { ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** A raw request, for headers fetch will not let a caller set (Host) and for calling from a non-loopback address. */
function rawGet(host: string, port: number, pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, path: pathname, method: "GET", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => {
        text += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on("error", reject);
    req.end();
  });
}

const externalIPv4 = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === "IPv4" && !i.internal)?.address;

describe("admin API", () => {
  let dir: string;
  let store: Store;
  let harness: Harness | undefined;
  let loaded = true;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-admin-"));
    store = createStore({ dataDir: dir });
    await store.init();
    const products: Product[] = ["shoes", "beauty"].flatMap((category) =>
      Array.from({ length: 5 }, (_, i) => ({ id: `${category}-${i}`, title: `${category} ${i}`, category, brand: "Acme", price: 20 + i })),
    );
    await store.catalogue.upsertProducts(products.map((product) => ({ product, hash: product.id })));
    await store.catalogue.saveVectors(
      MODEL,
      products.map((p, i) => ({ id: p.id, vector: Float32Array.from([p.category === "shoes" ? 1 : 0, p.category === "beauty" ? 1 : 0, 0.01 * i]) })),
    );
    const now = Date.now();
    const events: ShopperEvent[] = [];
    for (let u = 0; u < 8; u++) {
      for (let d = 0; d < 5; d++) events.push({ userId: `runner-${u}`, itemId: `shoes-${(u + d) % 5}`, type: d % 2 ? "view" : "purchase", ts: now - d * 86_400_000 });
      events.push({ userId: `lapsed-${u}`, itemId: `beauty-${u % 5}`, type: "view", ts: now - (100 + u) * 86_400_000 });
    }
    await store.shoppers.addEvents(events);
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    loaded = true;
  });

  async function start(options: { token?: string; host?: string; logger?: ReturnType<typeof createLogger> } = {}): Promise<Harness> {
    const segments = new Segments({ store, embedderId: () => MODEL, cacheTtlMs: 0 });
    const experiments = new Experiments({ store, rankingStrategies: ["default", "blend"] });
    identity = await testIdentity(testConfig());
    harness = await startHarness({
      env: { ...(options.host ? { HOST: options.host } : {}), ...(options.token ? { CONCIERGE_ADMIN_TOKEN: options.token } : {}) },
      identity: () => identity,
      admin: adminRouter({
        adminToken: options.token,
        logger: options.logger ?? createLogger("silent"),
        segments: () => (loaded ? segments : undefined),
        experiments: () => (loaded ? experiments : undefined),
        identity: () => identity,
      }),
    });
    return harness;
  }
  let identity: Identity;
  /** A shopper as the shop's pages present them: the anonymous token the chat handed out, as a bearer token. */
  const visitor = async (): Promise<ProvenShopper & { headers: Record<string, string> }> => {
    const shopper = await identity.anonymous();
    return { ...shopper, headers: { authorization: `Bearer ${shopper.anonymousToken}` } };
  };

  describe("auth", () => {
    it("with a token: 401 without it or with a wrong one, 200 with it", async () => {
      const h = await start({ token: TOKEN });
      const none = await call(`${h.url}/api/admin/experiments`);
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe("unauthorized");
      expect(none.headers.get("www-authenticate")).toBe('Bearer realm="concierge-admin"');
      expect((await call(`${h.url}/api/admin/experiments`, { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status).toBe(401);
      expect((await call(`${h.url}/api/admin/experiments`, { headers: { authorization: TOKEN } })).status).toBe(401);
      const ok = await call(`${h.url}/api/admin/experiments`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(ok.status).toBe(200);
      expect(Array.isArray(ok.body.experiments)).toBe(true);
      // The public events endpoint needs no admin token, but a shopper's: without one there is no one to record for.
      expect((await call(`${h.url}/api/experiments/nope/events`, { body: { type: "click" } })).status).toBe(401);
      expect((await call(`${h.url}/api/experiments/nope/events`, { body: { type: "click" }, headers: (await visitor()).headers })).status).toBe(404);
    });

    it("without a token: loopback only, warned about at start-up", async () => {
      let logged = "";
      const logger = pino(
        { level: "warn" },
        new Writable({
          write(chunk, _enc, done) {
            logged += chunk.toString();
            done();
          },
        }),
      );
      const h = await start({ logger });
      expect(logged).toMatch(/CONCIERGE_ADMIN_TOKEN is not set/);
      expect((await call(`${h.url}/api/admin/segments`)).status).toBe(200);
      const port = Number(new URL(h.url).port);
      // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host.
      const rebound = await rawGet("127.0.0.1", port, "/api/admin/segments", { host: `evil.example:${port}` });
      expect(rebound.status).toBe(403);
      expect(rebound.body.error.code).toBe("forbidden");
      const crossOrigin = await call(`${h.url}/api/admin/segments`, { headers: { origin: "https://evil.example" } });
      expect(crossOrigin.status).toBe(403);
      expect(crossOrigin.body.error.message).toMatch(/cross-origin browser requests need CONCIERGE_ADMIN_TOKEN/);
      expect((await call(`${h.url}/api/admin/segments`, { headers: { origin: "null" } })).status).toBe(403);
      // A reverse proxy on this machine (nginx's defaults rewrite Host to 127.0.0.1) relays strangers as loopback peers.
      for (const header of ["x-forwarded-for", "x-real-ip", "forwarded", "via"]) {
        const relayed = await rawGet("127.0.0.1", port, "/api/admin/segments", { host: `127.0.0.1:${port}`, [header]: "203.0.113.7" });
        expect(relayed.status, header).toBe(403);
        expect(relayed.body.error.message).toMatch(/relayed by a proxy/);
      }
      expect((await call(`${h.url}/api/admin/segments`, { headers: { origin: "http://localhost:5173" } })).status).toBe(200);
    });

    it.skipIf(!externalIPv4)("without a token: 403 for a client on another address", async () => {
      const h = await start({ host: "0.0.0.0" });
      const port = Number(new URL(h.url).port);
      const res = await rawGet(externalIPv4!, port, "/api/admin/segments", { host: `localhost:${port}` });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/only requests from this machine \(loopback\)/);
      // The same server still answers loopback, and public routes answer everyone.
      expect((await rawGet("127.0.0.1", port, "/api/admin/segments")).status).toBe(200);
      expect((await rawGet(externalIPv4!, port, "/healthz")).status).toBe(200);
    });

    it("recognises loopback addresses", () => {
      for (const a of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) expect(isLoopbackAddress(a)).toBe(true);
      for (const a of ["192.0.2.2", "::ffff:10.0.0.1", "fd00::2", "", undefined, "1127.0.0.1"]) expect(isLoopbackAddress(a)).toBe(false);
    });

    it("config: CONCIERGE_ADMIN_TOKEN is optional and must be long enough", () => {
      expect(loadConfig({}).adminToken).toBeUndefined();
      expect(loadConfig({ CONCIERGE_ADMIN_TOKEN: "" }).adminToken).toBeUndefined();
      expect(loadConfig({ CONCIERGE_ADMIN_TOKEN: TOKEN }).adminToken).toBe(TOKEN);
      expect(() => loadConfig({ CONCIERGE_ADMIN_TOKEN: "short" })).toThrow(/CONCIERGE_ADMIN_TOKEN: must be at least 16 characters/);
    });
  });

  describe("segments", () => {
    it("runs, lists and pages through segments", async () => {
      const h = await start({ token: TOKEN });
      const auth = { authorization: `Bearer ${TOKEN}` };
      const run = await call(`${h.url}/api/admin/segments/run`, { body: { k: 2, seed: 3 }, headers: auth });
      expect(run.status).toBe(200);
      const seg = run.body.segmentation;
      expect(seg.k).toBe(2);
      expect(seg.segments.map((s: Json) => s.name).sort()).toEqual(["Frequent Shoes buyers", "Lapsed Beauty browsers"]);

      const latest = await call(`${h.url}/api/admin/segments`, { headers: auth });
      expect(latest.body).toMatchObject({ running: false, segmentation: { id: seg.id } });
      const runners = seg.segments.find((s: Json) => s.name === "Frequent Shoes buyers");
      const page = await call(`${h.url}/api/admin/segments/${runners.id}/shoppers?limit=3&offset=2`, { headers: auth });
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ segmentation: seg.id, total: 8, limit: 3, offset: 2, userIds: ["runner-2", "runner-3", "runner-4"] });

      expect((await call(`${h.url}/api/admin/segments/run`, { method: "POST", headers: auth })).status).toBe(200); // no body: defaults
      const badRun = await call(`${h.url}/api/admin/segments/run`, { body: { k: "three" }, headers: auth });
      expect(badRun.status).toBe(400);
      expect(badRun.body.error.message).toMatch(/k: /);
      expect((await call(`${h.url}/api/admin/segments/run`, { body: [1], headers: auth })).body.error.message).toMatch(/expected a JSON object/);
      expect((await call(`${h.url}/api/admin/segments/abc/shoppers`, { headers: auth })).body.error.message).toMatch(/segment id: must be a segment number/);
      expect((await call(`${h.url}/api/admin/segments/9/shoppers`, { headers: auth })).status).toBe(404);
      expect((await call(`${h.url}/api/admin/segments/0/shoppers?limit=0`, { headers: auth })).body.error.message).toMatch(/limit/);
      expect((await call(`${h.url}/api/admin/segments/0/shoppers?sort=name`, { headers: auth })).body.error.message).toMatch(/sort/);
      const wrongMethod = await call(`${h.url}/api/admin/segments/run`, { headers: auth });
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.headers.get("allow")).toBe("POST");
    });

    it("answers 503 while the store is loading", async () => {
      const h = await start();
      loaded = false;
      const res = await call(`${h.url}/api/admin/segments`);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe("not_ready");
    });
  });

  describe("experiments", () => {
    it("create, list, events, report, variant, stop", async () => {
      const h = await start({ token: TOKEN });
      const auth = { authorization: `Bearer ${TOKEN}` };
      const created = await call(`${h.url}/api/admin/experiments`, {
        body: { id: "blend-test", name: "Blend ranking", variants: [{ name: "control" }, { name: "blend", config: { ranking: "blend" } }] },
        headers: auth,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id: "blend-test", status: "running", primaryMetric: "click" });
      expect((await call(`${h.url}/api/admin/experiments`, { headers: auth })).body.experiments.map((e: Json) => e.id)).toContain("blend-test");
      expect((await call(`${h.url}/api/admin/experiments/blend-test`, { headers: auth })).body.name).toBe("Blend ranking");

      const shoppers = await Promise.all(Array.from({ length: 30 }, () => visitor()));
      for (const shopper of shoppers) {
        const exposed = await postJson(`${h.url}/api/experiments/blend-test/events`, { type: "exposure" }, shopper.headers);
        expect(exposed.status).toBe(202);
        expect(exposed.body).toEqual({ accepted: 1, events: [{ type: "exposure", variant: assignVariant(created.body, shopper.id).name }] });
      }
      const [first, second] = shoppers as [(typeof shoppers)[0], (typeof shoppers)[0]];
      // A userId in the body names no one: the click is the bearer's.
      expect((await postJson(`${h.url}/api/experiments/blend-test/events`, { userId: second.id, type: "click" }, first.headers)).status).toBe(202);

      const variant = await call(`${h.url}/api/experiments/blend-test/variant?userId=${encodeURIComponent(second.id)}`, { headers: first.headers });
      expect(variant.body).toEqual({
        experimentId: "blend-test",
        variant: assignVariant(created.body, first.id).name,
        control: assignVariant(created.body, first.id).name === "control",
        config: assignVariant(created.body, first.id).config,
      });

      const report = await call(`${h.url}/api/admin/experiments/blend-test/report`, { headers: auth });
      expect(report.status).toBe(200);
      expect(report.body.variants.reduce((s: number, v: Json) => s + v.exposures, 0)).toBe(30);
      expect(report.body.variants.reduce((s: number, v: Json) => s + v.metrics.click.conversions, 0)).toBe(1);
      expect(report.body.verdict).toMatch(/not significant yet|too early/);
      expect(report.body.variants[0].metrics.click.ci95).toEqual({ low: expect.any(Number), high: expect.any(Number) });

      const stopped = await call(`${h.url}/api/admin/experiments/blend-test/stop`, { method: "POST", headers: auth });
      expect(stopped.body).toMatchObject({ status: "stopped", stoppedAt: expect.any(Number) });
      const late = await postJson(`${h.url}/api/experiments/blend-test/events`, { type: "click" }, first.headers);
      expect(late.status).toBe(409);
      expect(late.body.error.code).toBe("experiment_stopped");
      expect((await call(`${h.url}/api/experiments/blend-test/variant`, { headers: first.headers })).body).toMatchObject({ variant: "control", stopped: true });
    });

    it("refuses bad input with 400 naming the field, unknown ids with 404, wrong methods with 405", async () => {
      const h = await start({ token: TOKEN });
      const auth = { authorization: `Bearer ${TOKEN}` };
      const cases: [unknown, RegExp][] = [
        [{ name: "x", variants: [{ name: "a" }] }, /variants: an experiment needs at least two variants/],
        [{ name: "x", variants: [{ name: "a" }, { name: "b", weight: -1 }] }, /variants\.1\.weight: must be greater than 0/],
        [{ name: "x", variants: [{ name: "a" }, { name: "b", config: { ranking: "magic" } }] }, /variants\.1\.config\.ranking: unknown ranking strategy "magic"/],
        [{ variants: [{ name: "a" }, { name: "b" }] }, /name: /],
        [{ name: "x", variants: [{ name: "a" }, { name: "b" }], colour: "red" }, /colour/],
      ];
      for (const [body, message] of cases) {
        const res = await call(`${h.url}/api/admin/experiments`, { body, headers: auth });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe("invalid_input");
        expect(res.body.error.message).toMatch(message);
      }
      const noBody = await call(`${h.url}/api/admin/experiments`, { method: "POST", headers: auth });
      expect(noBody.body.error.message).toMatch(/expected a JSON body/);
      const undecodable = await call(`${h.url}/api/admin/experiments/%ZZ`, { headers: auth });
      expect(undecodable.status).toBe(400);
      expect(undecodable.body.error).toEqual({ code: "invalid_input", message: "path: '%ZZ' is not valid percent-encoding" });

      await call(`${h.url}/api/admin/experiments`, { body: { id: "copy-test", name: "Copy", variants: [{ name: "a" }, { name: "b" }] }, headers: auth });
      const dup = await call(`${h.url}/api/admin/experiments`, { body: { id: "copy-test", name: "Copy", variants: [{ name: "a" }, { name: "b" }] }, headers: auth });
      expect(dup.status).toBe(409);
      const shopper = await visitor();
      const badEvent = await postJson(`${h.url}/api/experiments/copy-test/events`, [{ type: "exposure" }, { type: "view" }], shopper.headers);
      expect(badEvent.status).toBe(400);
      expect(badEvent.body.error.message).toMatch(/events\[1\]: type: expected one of exposure, click, cart, purchase/);
      expect((await postJson(`${h.url}/api/experiments/copy-test/events`, { type: "click", variant: "c" }, shopper.headers)).body.error.message).toMatch(
        /variant: unknown variant "c"/,
      );
      const anonymous = await call(`${h.url}/api/experiments/copy-test/variant`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error.message).toMatch(/Authorization/);
      expect((await call(`${h.url}/api/admin/experiments/missing/report`, { headers: auth })).status).toBe(404);
      expect((await call(`${h.url}/api/admin/experiments/Bad%20Id/report`, { headers: auth })).status).toBe(400);
      const wrong = await call(`${h.url}/api/admin/experiments/copy-test/stop`, { headers: auth });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get("allow")).toBe("POST");
      expect((await call(`${h.url}/api/experiments/copy-test/events`)).status).toBe(405);
    });
  });
});
