import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type RunningService } from "../../bot/main.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { dropTestSchema, localServiceEnv, requireServiceUrl } from "../services.ts";
import { type ChatClient, connectChat } from "./client.ts";

const databaseUrl = requireServiceUrl("CONCIERGE_TEST_DATABASE_URL");
const backends = [{ name: "embedded PGlite", databaseUrl: undefined as string | undefined }];
if (databaseUrl) backends.push({ name: "PostgreSQL", databaseUrl });

describe.each(backends)("the running service on $name", ({ databaseUrl }) => {
  let service: RunningService;
  let dataDir: string;
  let base: string;
  const schema = `concierge_e2e_${process.pid}_${Date.now()}`;
  const clients: ChatClient[] = [];
  const chat = async (userId: string) => {
    const client = await connectChat(service.port, userId);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-e2e-"));
    if (databaseUrl) {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.end();
    }
    const config = loadConfig(localServiceEnv(dataDir, databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema } : {}));
    service = await startService(config, createLogger("silent"));
    base = `http://127.0.0.1:${service.port}`;
    await service.ready;
  }, 180_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await service?.close();
    await rm(dataDir, { recursive: true, force: true });
    if (databaseUrl) await dropTestSchema(databaseUrl, schema);
  });

  it("is healthy and ready, and serves the chat page", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
  });

  it("searches within the price and category the shopper asked for, streaming the reply", async () => {
    const client = await chat("e2e-search");
    const { reply, deltas } = await client.send("show me running shoes under 100");
    expect(reply.error).toBeUndefined();
    expect(reply.products.length).toBeGreaterThan(0);
    expect(deltas.join("")).toBe(reply.text);
    const stored = await service.store.catalogue.getProducts(reply.products.map((p) => p.id));
    for (const p of stored) {
      expect(p.category).toBe("shoes");
      expect(p.price).toBeLessThanOrEqual(100);
      expect(p.currency).toBe("USD");
    }
    // The best match is a running shoe, not just any shoe.
    expect(stored[0]!.title.toLowerCase()).toMatch(/run/);
    for (const card of reply.products) {
      expect(card.reason.length).toBeGreaterThan(0);
      expect(Object.keys(card).every((k) => ["id", "title", "price", "currency", "image", "reason"].includes(k))).toBe(true);
    }
    expect(reply.suggestions.length).toBeGreaterThan(0);
  });

  it("answers a Chinese shopper in Chinese, within a yuan price range", async () => {
    const client = await chat("e2e-zh");
    const { reply } = await client.send("有没有300元以下的跑鞋");
    expect(reply.text).toMatch(/[\u4e00-\u9fff]/);
    expect(reply.products.length).toBeGreaterThan(0);
    const stored = await service.store.catalogue.getProducts(reply.products.map((p) => p.id));
    for (const p of stored) {
      expect(p.price).toBeLessThanOrEqual(300);
      expect(p.currency).toBe("CNY");
    }
  });

  it("onboards a new shopper: asks what they like, and their answer seeds their picks", async () => {
    const client = await chat("e2e-onboarding");
    const hello = await client.send("hello");
    expect(hello.reply.products).toEqual([]);
    expect(hello.reply.text).toMatch(/what you like/i);
    const answer = await client.send("I love skincare and face creams");
    expect(answer.reply.products.length).toBeGreaterThan(0);
    const picks = await service.store.catalogue.getProducts(answer.reply.products.map((p) => p.id));
    expect(picks.filter((p) => p.category === "beauty").length).toBeGreaterThanOrEqual(Math.ceil(picks.length / 2));
    const shopper = await service.store.shoppers.getShopper("e2e-onboarding");
    expect(shopper?.preferences.join(" ")).toMatch(/skincare/);
  });

  it("gives a new shopper popular items with reasons, and personalises from their events", async () => {
    const client = await chat("e2e-profile");
    const cold = await client.send("recommend something for me");
    expect(cold.reply.products.length).toBeGreaterThan(0);
    for (const card of cold.reply.products) expect(card.reason).toBeTruthy();

    const all = await service.store.catalogue.allProducts();
    const headphones = all.filter((p) => p.category === "electronics" && /headphone|earbud/i.test(p.title)).slice(0, 4);
    expect(headphones.length).toBeGreaterThan(1);
    const res = await fetch(`${base}/api/events`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(headphones.map((p) => ({ userId: "e2e-profile", itemId: p.id, type: "view" }))),
    });
    expect(res.status).toBe(202);
    const warm = await client.send("recommend something for me");
    const picks = await service.store.catalogue.getProducts(warm.reply.products.map((p) => p.id));
    expect(picks.filter((p) => p.category === "electronics").length).toBeGreaterThanOrEqual(Math.ceil(picks.length / 2));
    expect(warm.reply.products.some((c) => /viewed|because/i.test(c.reason))).toBe(true);
  });

  it("tells details of, compares and carts products it just showed", async () => {
    const client = await chat("e2e-details");
    const found = await client.send("show me headphones");
    expect(found.reply.products.length).toBeGreaterThan(1);
    const [first, second] = found.reply.products;
    const details = await client.send("tell me more about the first one");
    expect(details.reply.text).toContain(first!.title);
    const [stored] = await service.store.catalogue.getProducts([first!.id]);
    if (stored!.price !== undefined) expect(details.reply.text).toMatch(new RegExp(String(Math.floor(stored!.price))));

    const compared = await client.send("compare the first two");
    expect(compared.reply.products.map((p) => p.id).sort()).toEqual([first!.id, second!.id].sort());

    await client.send("show me headphones");
    const cart = await client.send("add the first one to my cart");
    const events = await service.store.shoppers.eventsForUser("e2e-details");
    if (/out of stock/i.test(cart.reply.text)) expect(events.some((e) => e.type === "cart")).toBe(false);
    else expect(events.some((e) => e.type === "cart" && e.itemId === first!.id)).toBe(true);
  });

  it("falls back with what it can do when asked something out of scope", async () => {
    const client = await chat("e2e-oos");
    const { reply } = await client.send("what's the capital of Australia?");
    expect(reply.products).toEqual([]);
    expect(reply.text).toMatch(/outside what I can help with/i);
    expect(reply.suggestions.length).toBeGreaterThan(0);
  });

  it("exports a shopper's data and then really deletes it", async () => {
    const client = await chat("e2e-privacy");
    await client.send("show me red dresses");
    await client.emit("event", { userId: "e2e-privacy", itemId: "sku-000001", type: "favourite" });
    const exported = await client.send("export my data");
    const json = JSON.parse(exported.reply.text.slice(exported.reply.text.indexOf("{")));
    expect(json.userId).toBe("e2e-privacy");
    expect(json.events.length).toBeGreaterThan(0);
    expect(json.messages.some((m: { text: string }) => /red dresses/.test(m.text))).toBe(true);

    const deleted = await client.send("please delete all my data");
    expect(deleted.reply.text).toMatch(/deleted/i);
    const after = await service.store.shoppers.exportUser("e2e-privacy");
    expect(after.events).toEqual([]);
    expect(after.messages).toEqual([]);
    expect(after.profile).toBeNull();
    expect(after.shopper).toBeNull();
  });

  it("stops personalising when asked", async () => {
    const client = await chat("e2e-optout");
    const { reply } = await client.send("stop personalising my recommendations");
    expect(reply.text).toMatch(/stop personalising/i);
    expect((await service.store.shoppers.getShopper("e2e-optout"))?.personalise).toBe(false);
  });

  it("answers a Bot Framework activity with expectReplies: text, cards and suggested actions", async () => {
    const res = await fetch(`${base}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "message",
        id: "a1",
        channelId: "emulator",
        serviceUrl: "http://127.0.0.1:9/",
        from: { id: "bf-user", name: "Shopper" },
        recipient: { id: "bot" },
        conversation: { id: "bf-conv-1" },
        text: "show me running shoes under 100",
        locale: "en-US",
        deliveryMode: "expectReplies",
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { activities: { type: string; text?: string; attachments?: { contentType: string }[]; suggestedActions?: { actions: unknown[] } }[] };
    const message = body.activities.find((a) => a.type === "message" && a.attachments?.length);
    expect(message?.text).toBeTruthy();
    expect(message!.attachments![0]!.contentType).toMatch(/card/);
    expect(message!.suggestedActions?.actions.length).toBeGreaterThan(0);
  });

  it("survives bad input on every edge and keeps serving", async () => {
    const client = await chat("e2e-bad");
    const missing = (await client.emit("message", { userId: "x" })) as { error: { code: string; message: string } };
    expect(missing.error.message).toMatch(/text/);
    const huge = (await client.emit("message", { text: "a".repeat(1024 * 1024) })) as { error: { code: string; message: string } };
    expect(huge.error.message).toMatch(/text/);
    const badEvent = await fetch(`${base}/api/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "u", itemId: "i", type: "teleport" }) });
    expect(badEvent.status).toBe(400);
    expect(JSON.stringify(await badEvent.json())).toMatch(/type/);
    const badActivity = await fetch(`${base}/api/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(badActivity.status).toBe(400);
    const noConversation = await fetch(`${base}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "message", text: "hi", from: { id: "u" }, serviceUrl: "http://127.0.0.1:9/", channelId: "emulator" }),
    });
    expect(noConversation.status).toBe(400);
    expect(JSON.stringify(await noConversation.json())).toMatch(/conversation/);
    const ok = await client.send("show me headphones");
    expect(ok.reply.products.length).toBeGreaterThan(0);
  });

  it("serves the admin API to this machine: experiments and segments", async () => {
    const json = { "content-type": "application/json" };
    const created = await fetch(`${base}/api/admin/experiments`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ name: "ranking test", variants: [{ name: "A", weight: 1, config: { ranking: "blend" } }, { name: "B", weight: 1, config: { ranking: "contentOnly" } }] }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const exposure = await fetch(`${base}/api/experiments/${id}/events`, { method: "POST", headers: json, body: JSON.stringify({ userId: "e2e-ab", type: "exposure" }) });
    expect(exposure.status).toBe(202);
    const report = (await (await fetch(`${base}/api/admin/experiments/${id}/report`)).json()) as { variants: { exposures: number }[] };
    expect(report.variants.reduce((n, v) => n + v.exposures, 0)).toBe(1);
    expect((await fetch(`${base}/api/admin/segments`)).status).toBe(200);
  });

  it("exposes per-stage latency histograms", async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/concierge_stage_seconds_bucket\{[^}]*stage="turn"/);
    expect(text).toMatch(/concierge_stage_seconds_bucket\{[^}]*stage="nlu"/);
    expect(text).toMatch(/concierge_turns_total/);
  });
});
