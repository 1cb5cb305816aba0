import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { adminRouter } from "../../bot/http/admin.ts";
import { createLogger } from "../../core/logger.ts";
import { Experiments } from "../../recommend/experiments/index.ts";
import { createStore, type Product, type Store } from "../../store/index.ts";
import { type Harness, startHarness } from "./harness.ts";

const TOKEN = "s3cret-admin-token-0123456789";
const auth = { authorization: `Bearer ${TOKEN}` };

// biome-ignore lint/suspicious/noExplicitAny: tests inspect the parsed JSON field by field
type Json = any;

async function call(url: string, options: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers: { ...(options.body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe("admin API: copy, feedback, sentiment", () => {
  let dir: string;
  let store: Store;
  let harness: Harness | undefined;
  let open = true;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-admin-copy-"));
    store = createStore({ dataDir: dir });
    await store.init();
    const products: Product[] = [
      { id: "shoe-1", title: "Trail Runner", brand: "Fleet", category: "shoes", price: 89.9, currency: "EUR", stock: 12, color: "red", sizes: ["41", "42"] },
      { id: "hat-1", title: "Wool beanie", brand: "Acme", category: "hats", price: 24, currency: "EUR", stock: 2 },
    ];
    await store.catalogue.upsertProducts(products.map((product) => ({ product, hash: product.id })));
    const now = Date.now();
    await store.shoppers.addEvents([
      { userId: "customer:runner", itemId: "shoe-1", type: "purchase", ts: now - 1000 },
      { userId: "customer:runner", itemId: "hat-1", type: "view", ts: now - 500 },
    ]);
    await store.shoppers.upsertShopper({ userId: "customer:runner", preferences: ["trail running"], personalise: true, createdAt: now, updatedAt: now });
    await store.shoppers.upsertShopper({ userId: "customer:private", preferences: ["hats"], personalise: false, createdAt: now, updatedAt: now });
    await store.shoppers.addEvents([{ userId: "customer:private", itemId: "hat-1", type: "view", ts: now }]);
    await store.segments.saveSegmentation(
      { id: "run-1", createdAt: now, summary: { segments: [{ id: 0, name: "Frequent Shoes buyers", topCategories: [{ name: "shoes", share: 0.9 }], topBrands: [{ name: "Fleet", share: 0.8 }] }] } },
      [{ userId: "customer:runner", segment: 0 }],
    );
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    open = true;
  });

  async function start(): Promise<Harness> {
    const experiments = new Experiments({ store });
    harness = await startHarness({
      env: { CONCIERGE_ADMIN_TOKEN: TOKEN },
      admin: adminRouter({
        adminToken: TOKEN,
        logger: createLogger("silent"),
        segments: () => undefined,
        experiments: () => experiments,
        store: () => (open ? store : undefined),
        languageModel: () => undefined,
        identity: () => undefined,
      }),
    });
    return harness;
  }

  it("needs the token, and answers 503 until the store is open", async () => {
    const h = await start();
    expect((await call(`${h.url}/api/admin/copy`, { body: { productId: "shoe-1" } })).status).toBe(401);
    expect((await call(`${h.url}/api/admin/feedback`, { body: { text: "hi" } })).status).toBe(401);
    expect((await call(`${h.url}/api/admin/sentiment`)).status).toBe(401);
    open = false;
    expect((await call(`${h.url}/api/admin/copy`, { body: { productId: "shoe-1" }, headers: auth })).status).toBe(503);
    expect((await call(`${h.url}/api/admin/sentiment`, { headers: auth })).status).toBe(503);
    open = true;
    expect((await call(`${h.url}/api/admin/copy`, { headers: auth })).status).toBe(405);
  });

  it("writes copy in the channel's shape, templated without a model", async () => {
    const h = await start();
    const res = await call(`${h.url}/api/admin/copy`, { body: { productId: "shoe-1", channel: "email", tone: "premium", length: "short", variants: 4 }, headers: auth });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["audience", "channel", "fallbackReason", "length", "locale", "personalised", "productId", "seed", "tone", "usedModel", "variants"]);
    expect(res.body).toMatchObject({ usedModel: false, fallbackReason: "no_model", productId: "shoe-1", channel: "email", audience: { kind: "everyone" } });
    expect(res.body.variants).toHaveLength(4);
    for (const v of res.body.variants) expect(Object.keys(v.fields)).toEqual(["subject", "body"]);

    const zh = await call(`${h.url}/api/admin/copy`, { body: { productId: "hat-1", channel: "push", locale: "zh", variants: 2 }, headers: auth });
    expect(zh.body.variants.map((v: Json) => Object.keys(v.fields))).toEqual([["title", "body"], ["title", "body"]]);
    expect(zh.body.variants.every((v: Json) => /\p{Script=Han}/u.test(v.fields.body))).toBe(true);
  });

  it("personalises for a shopper or a segment, and not for a shopper who opted out", async () => {
    const h = await start();
    const shopper = await call(`${h.url}/api/admin/copy`, { body: { productId: "shoe-1", shopperId: "runner" }, headers: auth });
    expect(shopper.body.audience).toEqual({ kind: "shopper", categories: ["shoes", "hats"], brands: ["Fleet", "Acme"], preferences: ["trail running"] });
    expect(shopper.body.personalised).toBe(true);
    // The shop names its customer by its own id ("runner") or by the stored id with its origin.
    const stored = await call(`${h.url}/api/admin/copy`, { body: { productId: "shoe-1", shopperId: "customer:runner" }, headers: auth });
    expect(stored.body.audience).toEqual(shopper.body.audience);
    const optedOut = await call(`${h.url}/api/admin/copy`, { body: { productId: "hat-1", shopperId: "private" }, headers: auth });
    expect(optedOut.body).toMatchObject({ personalised: false, audience: { kind: "everyone", categories: [], preferences: [] } });
    const seg = await call(`${h.url}/api/admin/copy`, { body: { productId: "shoe-1", segmentId: 0, variants: 5 }, headers: auth });
    expect(seg.body.audience).toMatchObject({ kind: "segment", name: "Frequent Shoes buyers", categories: ["shoes"] });
    expect((await call(`${h.url}/api/admin/copy`, { body: { productId: "shoe-1", segmentId: 7 }, headers: auth })).status).toBe(404);
    expect((await call(`${h.url}/api/admin/copy`, { body: { productId: "shoe-1", shopperId: "nobody" }, headers: auth })).status).toBe(404);
  });

  it("refuses bad requests naming the field", async () => {
    const h = await start();
    const bad = async (body: unknown) => (await call(`${h.url}/api/admin/copy`, { body, headers: auth })).body.error.message as string;
    expect(await bad({})).toMatch(/productId: /);
    expect(await bad({ productId: "shoe-1", tone: "angry" })).toMatch(/tone: expected one of friendly, premium, playful, urgent/);
    expect(await bad({ productId: "shoe-1", channel: "fax" })).toMatch(/channel: expected one of/);
    expect(await bad({ productId: "shoe-1", variants: 11 })).toMatch(/variants: at most 10/);
    expect(await bad({ productId: "shoe-1", locale: "fr" })).toMatch(/locale: expected en or zh/);
    expect(await bad({ productId: "shoe-1", shopperId: "runner", segmentId: 0 })).toMatch(/segmentId: give shopperId or segmentId, not both/);
    expect(await bad({ productId: "shoe-1", variants: 1, experiment: { name: "x" } })).toMatch(/variants: an experiment needs at least 2 variants/);
    expect(await bad({ productId: "shoe-1", colour: "red" })).toMatch(/colour|Unrecognized/i);
    expect(await bad([1])).toMatch(/expected a JSON object/);
    expect((await call(`${h.url}/api/admin/copy`, { body: { productId: "ghost" }, headers: auth })).status).toBe(404);
  });

  it("starts an A/B experiment whose variants are the copies", async () => {
    const h = await start();
    const res = await call(`${h.url}/api/admin/copy`, { body: { productId: "shoe-1", channel: "banner", variants: 3, experiment: { name: "Banner copy test" } }, headers: auth });
    expect(res.status).toBe(201);
    const { experiment, variants } = res.body;
    expect(experiment.status).toBe("running");
    expect(experiment.variants.map((v: Json) => v.name)).toEqual(["A", "B", "C"]);
    expect(experiment.variants.map((v: Json) => JSON.parse(v.config.copy))).toEqual(variants.map((v: Json) => v.fields));
    const got = await call(`${h.url}/api/admin/experiments/${experiment.id}`, { headers: auth });
    expect(got.body.name).toBe("Banner copy test");
  });

  it("records feedback (one or many) and reports sentiment per product and over time", async () => {
    const h = await start();
    const one = await call(`${h.url}/api/admin/feedback`, { body: { text: "Love this hat, so soft!", itemId: "hat-1", rating: 5 }, headers: auth });
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ accepted: 1, feedback: [{ itemId: "hat-1", label: "positive" }] });
    const many = await call(`${h.url}/api/admin/feedback`, {
      body: [
        { text: "awful, broke in a day", itemId: "hat-1", rating: 1, userId: "runner" },
        { text: "terrible fit, very disappointed", itemId: "shoe-1" },
      ],
      headers: auth,
    });
    expect(many.body.accepted).toBe(2);
    const badEntry = await call(`${h.url}/api/admin/feedback`, { body: [{ text: "fine" }, { text: "x", rating: 9 }], headers: auth });
    expect(badEntry.status).toBe(400);
    expect(badEntry.body.error.message).toMatch(/feedback\[1\]\.rating: must be from 1 to 5/);

    const report = await call(`${h.url}/api/admin/sentiment?itemId=hat-1&bucket=week`, { headers: auth });
    expect(report.status).toBe(200);
    expect(report.body.total).toMatchObject({ count: 2, positive: 1, negative: 1, meanRating: 3 });
    expect(report.body.products).toEqual([expect.objectContaining({ itemId: "hat-1", title: "Wool beanie", count: 2 })]);
    expect(report.body.overTime.length).toBeGreaterThanOrEqual(12);
    const all = await call(`${h.url}/api/admin/sentiment`, { headers: auth });
    expect(all.body.topNegative.map((p: Json) => p.itemId).sort()).toEqual(["hat-1", "shoe-1"]);
    const bad = await call(`${h.url}/api/admin/sentiment?bucket=month`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/bucket: expected day or week/);
    expect((await call(`${h.url}/api/admin/sentiment?from=tomorrow`, { headers: auth })).body.error.message).toMatch(/from: /);
  });
});
