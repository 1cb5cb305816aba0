import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startService, type RunningService } from "../../bot/main.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { dropTestSchema, localServiceEnv, requireServiceUrl } from "../services.ts";
import { customerToken, SHOP_SECRET } from "../helpers/tokens.ts";
import { type ChatClient, connectChat, exportLinkIn } from "./client.ts";

const databaseUrl = requireServiceUrl("CONCIERGE_TEST_DATABASE_URL");
const backends = [{ name: "embedded PGlite", databaseUrl: undefined as string | undefined }];
if (databaseUrl) backends.push({ name: "PostgreSQL", databaseUrl });

describe.each(backends)("the running service on $name", ({ databaseUrl }) => {
  let service: RunningService;
  let dataDir: string;
  let base: string;
  const schema = `concierge_e2e_${process.pid}_${Date.now()}`;
  const clients: ChatClient[] = [];
  /** A new anonymous visitor (the label only names the test's shopper for a reader). */
  const chat = async (_label: string, auth: Record<string, unknown> = {}) => {
    const client = await connectChat(service.port, auth);
    clients.push(client);
    return client;
  };
  /** A shop customer, signed in with the token the shop's server signed for them. */
  const customer = async (sub: string) => chat(sub, { token: await customerToken(sub) });
  const json = { "content-type": "application/json" };
  const bearer = (client: ChatClient) => ({ ...json, authorization: `Bearer ${client.token}` });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-e2e-"));
    if (databaseUrl) {
      const c = new pg.Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`CREATE SCHEMA "${schema}"`);
      await c.end();
    }
    const config = loadConfig(
      localServiceEnv(dataDir, { CONCIERGE_IDENTITY_SECRET: SHOP_SECRET, CONCIERGE_BOTFRAMEWORK_ANONYMOUS: "1", ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema } : {}) }),
    );
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

  it("is healthy and ready, and serves the demo shop page", async () => {
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
    const shopper = await service.store.shoppers.getShopper(client.shopperId);
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
    // The page reports what the visitor viewed with the token the chat handed it.
    const res = await fetch(`${base}/api/events`, {
      method: "POST",
      headers: bearer(client),
      body: JSON.stringify(headphones.map((p) => ({ itemId: p.id, type: "view" }))),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: headphones.length, dropped: 0 });
    // An item the catalogue does not hold is dropped, and counted.
    const unknown = await fetch(`${base}/api/events`, { method: "POST", headers: bearer(client), body: JSON.stringify([{ itemId: "no-such-item", type: "view" }, { itemId: headphones[0]!.id, type: "view" }]) });
    expect(await unknown.json()).toEqual({ accepted: 1, dropped: 1 });
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/concierge_events_dropped_total\{reason="unknown_item"\} [1-9]/);
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
    const events = await service.store.shoppers.eventsForUser(client.shopperId);
    if (/out of stock/i.test(cart.reply.text)) expect(events.some((e) => e.type === "cart")).toBe(false);
    else expect(events.some((e) => e.type === "cart" && e.itemId === first!.id)).toBe(true);
  });

  it("falls back with what it can do when asked something out of scope", async () => {
    const client = await chat("e2e-oos");
    const { reply } = await client.send("what's the capital of Australia?");
    expect(reply.products).toEqual([]);
    expect(reply.text).toMatch(/outside what I can help with/i);
    expect(reply.suggestions.length).toBeGreaterThan(0);
    expect("sources" in reply).toBe(false);
  });

  it("answers questions about the shop from the demo's documents, with their sources in the ack", async () => {
    const client = await chat("e2e-kb");
    const { reply, deltas } = await client.send("is there a warranty?");
    expect(reply.text).toMatch(/2-year warranty/);
    expect(deltas.join("")).toBe(reply.text);
    expect(reply.products).toEqual([]);
    expect(reply.sources?.length).toBeGreaterThan(0);
    for (const source of reply.sources!) expect(source).toEqual({ title: expect.stringMatching(/^Warranty › /), snippet: expect.any(String) });
    expect(reply.sources!.some((s) => s.snippet.includes("2-year warranty"))).toBe(true);
    const zh = await client.send("可以用支付宝付款吗？");
    expect(zh.reply.text).toMatch(/支付宝/);
    expect(zh.reply.sources?.[0]?.title).toMatch(/^支付方式/);
    const search = await client.send("do you have running shoes");
    expect(search.reply.products.length).toBeGreaterThan(0);
    expect("sources" in search.reply).toBe(false);
  });

  it("exports a shopper's data through a one-time link, and deletes it once they confirm", async () => {
    const client = await chat("e2e-privacy");
    await client.send("show me red dresses");
    await client.emit("event", { itemId: "sku-000001", type: "favourite" });
    const exported = await client.send("export my data");
    const link = exportLinkIn(exported.reply.text);
    expect(link).toBeDefined();
    expect(link!.startsWith(`${base}/api/me/export/`)).toBe(true);
    expect(exported.reply.text).not.toContain("{");
    // A browser (or a chat app's link preview) opening it gets a page with a button; nothing is spent.
    const page = await fetch(link!, { headers: { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } });
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/<form method="post">/);
    // The button posts to the link itself.
    const download = await fetch(link!, { method: "POST" });
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toMatch(/attachment/);
    expect(download.headers.get("cache-control")).toBe("no-store");
    const data = (await download.json()) as { shopperId: string; origin: string; events: { itemId: string }[]; messages: { text: string }[] };
    expect(data.shopperId).toBe(client.shopperId);
    expect(data.origin).toBe("anon");
    expect(data.events.map((e) => e.itemId)).toContain("sku-000001");
    expect(data.messages.some((m) => /red dresses/.test(m.text))).toBe(true);
    // Once only.
    const again = await fetch(link!);
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("export_link_unknown");

    const asked = await client.send("please delete all my data");
    expect(asked.reply.text).toMatch(/Say "yes" to delete it/);
    expect((await service.store.shoppers.eventsForUser(client.shopperId)).length).toBeGreaterThan(0);
    const deleted = await client.send("yes");
    expect(deleted.reply.text).toMatch(/deleted/i);
    await service.flush();
    const after = await service.store.shoppers.exportUser(client.shopperId);
    expect(Object.entries(after).filter(([k, v]) => k !== "userId" && v !== null && (!Array.isArray(v) || v.length > 0))).toEqual([]);
  });

  it("keeps the data when the shopper says no, or says something else", async () => {
    const client = await chat("e2e-keep");
    await client.emit("event", { itemId: "sku-000002", type: "view" });
    expect((await client.send("delete my data")).reply.text).toMatch(/Say "yes"/);
    expect((await client.send("no")).reply.text).toMatch(/kept your data/);
    expect((await client.send("yes")).reply.text).not.toMatch(/deleted/i);
    expect((await client.send("delete my data")).reply.text).toMatch(/Say "yes"/);
    await client.send("show me headphones");
    expect((await client.send("yes")).reply.text).not.toMatch(/deleted/i);
    expect((await service.store.shoppers.eventsForUser(client.shopperId)).map((e) => e.itemId)).toEqual(["sku-000002"]);
  });

  it("stops personalising when asked", async () => {
    const client = await chat("e2e-optout");
    const { reply } = await client.send("stop personalising my recommendations");
    expect(reply.text).toMatch(/stop personalising/i);
    expect((await service.store.shoppers.getShopper(client.shopperId))?.personalise).toBe(false);
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
    // The channel's account is the shopper, with its origin: no web visitor can name it.
    await service.flush();
    expect(await service.store.shoppers.getShopper("bf:emulator:bf-user")).not.toBeNull();
  });

  it("survives bad input on every edge and keeps serving", async () => {
    const client = await chat("e2e-bad");
    const missing = (await client.emit("message", { userId: "x" })) as { error: { code: string; message: string } };
    expect(missing.error.message).toMatch(/text/);
    const huge = (await client.emit("message", { text: "a".repeat(1024 * 1024) })) as { error: { code: string; message: string } };
    expect(huge.error.message).toMatch(/text/);
    const badEvent = await fetch(`${base}/api/events`, { method: "POST", headers: bearer(client), body: JSON.stringify({ itemId: "i", type: "teleport" }) });
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
    const created = await fetch(`${base}/api/admin/experiments`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ name: "ranking test", variants: [{ name: "A", weight: 1, config: { ranking: "blend" } }, { name: "B", weight: 1, config: { ranking: "contentOnly" } }] }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const visitor = await chat("e2e-ab");
    const exposure = await fetch(`${base}/api/experiments/${id}/events`, { method: "POST", headers: bearer(visitor), body: JSON.stringify({ type: "exposure" }) });
    expect(exposure.status).toBe(202);
    const report = (await (await fetch(`${base}/api/admin/experiments/${id}/report`)).json()) as { variants: { exposures: number }[] };
    expect(report.variants.reduce((n, v) => n + v.exposures, 0)).toBe(1);
    expect((await fetch(`${base}/api/admin/segments`)).status).toBe(200);
  });

  describe("who a shopper is, and what their data answers to", () => {
    const CUSTOMER = "customer-1001";
    let owner: ChatClient;
    let bought: { id: string; title: string }[];
    const ownerEvents = async () => (await service.store.shoppers.eventsForUser(`customer:${CUSTOMER}`)).map((e) => e.itemId).sort();

    beforeAll(async () => {
      owner = await customer(CUSTOMER);
      const all = await service.store.catalogue.allProducts();
      bought = all.filter((p) => p.category === "outdoor" && p.locale === "en").slice(0, 3);
      const ack = await owner.emit(
        "event",
        bought.map((p) => ({ itemId: p.id, type: "purchase" })),
      );
      expect(ack).toEqual({ ok: true, accepted: 3, dropped: 0 });
      await owner.send("show me hiking boots");
    });

    it("the contract: a signed customer's events come back in their export link's JSON", async () => {
      expect(owner.session.shopper.kind).toBe("customer");
      expect(owner.session.token).toBeUndefined();
      const { reply } = await owner.send("export my data");
      const link = exportLinkIn(reply.text);
      expect(link).toBeDefined();
      const data = (await (await fetch(link!)).json()) as { shopperId: string; origin: string; events: { itemId: string; type: string }[] };
      expect(data.shopperId).toBe(`customer:${CUSTOMER}`);
      expect(data.origin).toBe("customer");
      expect(data.events.filter((e) => e.type === "purchase").map((e) => e.itemId).sort()).toEqual(bought.map((p) => p.id).sort());
    });

    it("a visitor with no token, whatever userId it claims, can neither see, export nor delete the customer's data", async () => {
      const before = await ownerEvents();
      for (const claim of [CUSTOMER, `customer:${CUSTOMER}`]) {
        const attacker = await chat("attacker", { userId: claim });
        expect(attacker.session.shopper.kind).toBe("anonymous");
        expect(attacker.shopperId).not.toBe(`customer:${CUSTOMER}`);
        // See: nothing of the customer's history explains the attacker's picks.
        const picks = await attacker.send("recommend something for me", { userId: claim });
        for (const card of picks.reply.products) for (const p of bought) expect(card.reason).not.toContain(p.title);
        // Write: events naming the customer are the attacker's own.
        await attacker.emit("event", { userId: claim, itemId: bought[0]!.id, type: "view" });
        // Export: the link holds the attacker's data only.
        const exported = await attacker.send("export my data", { userId: claim });
        const data = (await (await fetch(exportLinkIn(exported.reply.text)!)).json()) as { shopperId: string; events: { itemId: string; type: string }[] };
        expect(data.shopperId).toBe(attacker.shopperId);
        expect(data.events.some((e) => e.type === "purchase")).toBe(false);
        // Delete: confirmed, it deletes the attacker's data, not the customer's.
        await attacker.send("delete my data", { userId: claim });
        expect((await attacker.send("yes", { userId: claim })).reply.text).toMatch(/deleted/i);
      }
      expect(await ownerEvents()).toEqual(before);
    });

    it("refuses a forged, expired or unsigned token at the handshake, and a tampered anonymous token proves no one", async () => {
      const refusals = [
        await customerToken(CUSTOMER, { secret: "a-guess-at-the-shop-secret-0123456789" }),
        await customerToken(CUSTOMER, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
        `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: CUSTOMER, exp: 9e9 })).toString("base64url")}.`,
      ];
      for (const token of refusals) {
        const err = await connectChat(service.port, { token }).then(
          (c) => {
            c.close();
            return undefined;
          },
          (e: Error & { data?: { code: string } }) => e,
        );
        expect(err?.data?.code).toBe("invalid_token");
      }
      // An "anonymous" token naming the customer, signed by someone other than this server.
      const { SignJWT } = await import("jose");
      const tampered = await new SignJWT({})
        .setProtectedHeader({ alg: "HS256", kid: "concierge-anonymous" })
        .setIssuer("concierge")
        .setSubject(`customer:${CUSTOMER}`)
        .setExpirationTime("1h")
        .sign(new TextEncoder().encode("not-this-servers-secret-0123456789"));
      const renewed = await chat("tamperer", { token: tampered });
      expect(renewed.session).toMatchObject({ shopper: { kind: "anonymous" }, renewed: true });
      expect(renewed.shopperId).toMatch(/^anon:/);
      expect((await owner.send("recommend something for me")).reply.products.length).toBeGreaterThan(0);
    });

    it("over HTTP, nothing reads or writes the customer's data without their token", async () => {
      const before = await ownerEvents();
      const visitor = await chat("http-visitor");
      const named = JSON.stringify({ userId: `customer:${CUSTOMER}`, itemId: bought[1]!.id, type: "purchase" });
      expect((await fetch(`${base}/api/events`, { method: "POST", headers: json, body: named })).status).toBe(401);
      expect((await fetch(`${base}/api/events`, { method: "POST", headers: bearer(visitor), body: named })).status).toBe(202);
      expect((await fetch(`${base}/api/me/export`, { method: "POST", headers: json })).status).toBe(401);
      const forged = { ...json, authorization: `Bearer ${await customerToken(CUSTOMER, { secret: "a-guess-at-the-shop-secret-0123456789" })}` };
      expect((await fetch(`${base}/api/me/export`, { method: "POST", headers: forged })).status).toBe(401);
      expect((await fetch(`${base}/api/me`, { method: "DELETE", headers: forged, body: JSON.stringify({ confirm: true }) })).status).toBe(401);
      const mine = (await (await fetch(`${base}/api/me/export`, { method: "POST", headers: bearer(visitor) })).json()) as { url: string };
      const data = (await (await fetch(mine.url)).json()) as { shopperId: string; events: { itemId: string }[] };
      expect(data.shopperId).toBe(visitor.shopperId);
      expect(data.events.map((e) => e.itemId)).toEqual([bought[1]!.id]);
      expect((await fetch(`${base}/api/me/export/${"A".repeat(43)}`)).status).toBe(404);
      expect(await ownerEvents()).toEqual(before);
    });

    it("an expired export link gives nothing, and only a hash of any link is stored", async () => {
      const { createHash, randomBytes } = await import("node:crypto");
      const token = randomBytes(32).toString("base64url");
      const tokenHash = createHash("sha256").update(token).digest("hex");
      await service.store.shoppers.saveExportLink({ tokenHash, userId: `customer:${CUSTOMER}`, createdAt: Date.now() - 3_600_000, expiresAt: Date.now() - 60_000 });
      const expired = await fetch(`${base}/api/me/export/${token}`);
      expect(expired.status).toBe(410);
      expect(((await expired.json()) as { error: { code: string } }).error.code).toBe("export_link_expired");
      const { reply } = await owner.send("export my data");
      const issued = exportLinkIn(reply.text)!.split("/").at(-1)!;
      const kept = (await service.store.shoppers.exportUser(`customer:${CUSTOMER}`)).exportLinks;
      expect(kept.length).toBeGreaterThan(0);
      expect(JSON.stringify(kept)).not.toContain(issued);
    });

    it("a dozen exports leave the transcript small: no data and no link is ever stored in it", async () => {
      const client = await chat("exporter");
      await client.send("show me tents");
      for (let i = 0; i < 12; i++) {
        // Paced past the burst the rate limit allows (10 messages, then one a second).
        if (i >= 8) await new Promise((r) => setTimeout(r, 1100));
        expect(exportLinkIn((await client.send("export my data")).reply.text)).toBeDefined();
      }
      await service.flush();
      const transcript = await service.store.conversations.messagesForUser(client.shopperId);
      const chars = transcript.reduce((n, m) => n + m.text.length, 0);
      expect(transcript.length).toBe(26);
      expect(chars).toBeLessThan(26 * 300);
      for (const m of transcript) {
        expect(m.text).not.toMatch(/\/api\/me\/export\/[A-Za-z0-9_-]{20}/);
        expect(m.text).not.toContain('"events"');
      }
    });
  });

  it("describes its HTTP API in /openapi.json, admin and dashboard endpoints included", async () => {
    const res = await fetch(`${base}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toMatch(/^3\.1\./);
    for (const [p, method] of [
      ["/api/events", "post"],
      ["/api/me", "delete"],
      ["/api/messages", "post"],
      ["/api/admin/experiments", "post"],
      ["/api/admin/activity", "get"],
      ["/api/experiments/{id}/variant", "get"],
    ] as const) {
      expect(doc.paths[p]?.[method]?.responses, `${method} ${p}`).toBeDefined();
    }
  });

  it("exposes per-stage latency histograms", async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/concierge_stage_seconds_bucket\{[^}]*stage="turn"/);
    expect(text).toMatch(/concierge_stage_seconds_bucket\{[^}]*stage="nlu"/);
    expect(text).toMatch(/concierge_turns_total/);
  });
});
