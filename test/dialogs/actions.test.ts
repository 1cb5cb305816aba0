import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ActionsSetup, postToIncomingWebhook, WebhookActions } from "../../actions/index.ts";
import { createDialogEngine } from "../../dialogs/index.ts";
import { say } from "../../dialogs/templates.ts";
import { extractEntities } from "../../intents/entities.ts";
import type { Understander } from "../../intents/types.ts";
import { delay, json, webhookServer } from "../actions/server.ts";
import { onStore, scriptedRecommender, tempStore } from "./helpers.ts";

const SECRET = "dialog-test-secret-0123456789";

// Intents by phrase (the classifier is not under test); entities by the real extractor.
const INTENTS: [RegExp, string][] = [
  [/where is|到哪|order status|my order/i, "order_status"],
  [/return/i, "returns"],
  [/in stock|有货/i, "availability"],
  [/human|colleague|人工/i, "human_handoff"],
];
const understander: Understander = {
  understand(text) {
    const intent = INTENTS.find(([re]) => re.test(text))?.[1] ?? "oos";
    return {
      locale: /[\u4e00-\u9fff]/.test(text) ? "zh" : "en",
      intent,
      confidence: 0.9,
      ranking: [],
      entities: extractEntities(text, { categories: {}, brands: [] }),
      sentiment: { label: "neutral", score: 0 },
    };
  },
};

type Body = { action: string; intent: string; shopper: { id: string; verified: boolean }; entities: Record<string, unknown>; text: string; locale: string; conversationId: string };

let server: Awaited<ReturnType<typeof webhookServer>>;
let db: Awaited<ReturnType<typeof tempStore>>;
let answer: (body: Body) => unknown = () => ({ text: "Order 12345 was delivered on Tuesday." });
let failWith: "none" | "500" | "slow" | "shape" = "none";

beforeAll(async () => {
  db = await tempStore();
  server = await webhookServer({
    "/actions": async (r, res) => {
      // The shop's side: refuse anything not signed with the shared secret.
      const signature = `sha256=${createHmac("sha256", SECRET).update(r.raw).digest("hex")}`;
      if (r.headers["x-concierge-signature"] !== signature) return json(res, { error: "bad signature" }, 401);
      if (failWith === "500") return json(res, { error: "down" }, 500);
      if (failWith === "slow") await delay(1000);
      if (failWith === "shape") return json(res, { status: "delivered" });
      json(res, answer(JSON.parse(r.raw.toString("utf8"))));
    },
    "/slack": (_r, res) => {
      res.writeHead(200).end("ok");
    },
  });
}, 60_000);
afterAll(async () => {
  await server?.close();
  await db?.close();
});

const calls = () => server.received.filter((r) => r.path === "/actions").map((r) => JSON.parse(r.raw.toString("utf8")) as Body);
const slackPosts = () => server.received.filter((r) => r.path === "/slack").map((r) => JSON.parse(r.raw.toString("utf8")) as { text: string });

function engineWith(actions: ActionsSetup) {
  return createDialogEngine({ understander, recommender: scriptedRecommender(), ...onStore(db.store), actions });
}
// Generous, so a loaded machine never turns an answer into an apology; the timeout case sets its own.
const webhook = (timeoutMs = 5000) => new WebhookActions({ url: server.url("/actions"), secret: SECRET, timeoutMs });
const sink = { delta() {} };
let n = 0;
const fresh = () => `conv-${++n}`;

describe("order actions through the shop's webhook", () => {
  it("asks an unverified shopper for the order number and e-mail or postcode, over several turns, then passes them for the shop to check", async () => {
    failWith = "none";
    const engine = engineWith({ webhook: webhook() });
    const conversationId = fresh();
    const turn = (text: string) => engine.handle({ conversationId, userId: "anon:visitor-1", text }, sink);
    const before = calls().length;

    const first = await turn("where is my order?");
    expect(first.text).toMatch(/order number.*e-mail address or postcode/);
    const second = await turn("it's 12345");
    expect(second.text).toMatch(/order 12345 is yours.*e-mail address or postcode/);
    expect(calls().length).toBe(before);

    const third = await turn("jane.doe@example.com");
    expect(third.text).toBe("Order 12345 was delivered on Tuesday.");
    expect(third.intent).toBe("order_status");
    const body = calls().at(-1)!;
    expect(body).toEqual({
      action: "order_status",
      intent: "order_status",
      shopper: { id: "anon:visitor-1", verified: false },
      entities: { orderNumber: "12345", email: "jane.doe@example.com" },
      text: "jane.doe@example.com",
      locale: "en",
      conversationId,
    });
    // The e-mail reached the shop; the stored transcript has it redacted.
    await engine.flush!();
    const stored = (await db.store.conversations.messagesForUser("anon:visitor-1")).map((m) => m.text).join("\n");
    expect(stored).not.toContain("jane.doe@example.com");
    expect(stored).toContain("[email]");
  });

  it("passes a postcode given with the order number in one message (ZH phrasing)", async () => {
    const engine = engineWith({ webhook: webhook() });
    const asked = await engine.handle({ conversationId: fresh(), userId: "anon:visitor-2", text: "订单号 12345 到哪了" }, sink);
    expect(asked.text).toMatch(/订单 12345.*电子邮箱或邮编/);
    const conversationId = fresh();
    await engine.handle({ conversationId, userId: "anon:visitor-2", text: "订单号 AB-777888 到哪了，邮编 100000" }, sink);
    expect(calls().at(-1)!.entities).toEqual({ orderNumber: "AB-777888", postcode: "100000" });
    expect(calls().at(-1)!.locale).toBe("zh");
  });

  it("a verified customer's question goes straight to the shop, marked verified", async () => {
    const engine = engineWith({ webhook: webhook() });
    const reply = await engine.handle({ conversationId: fresh(), userId: "customer:42", text: "where is my order #AB-12345?" }, sink);
    expect(reply.text).toBe("Order 12345 was delivered on Tuesday.");
    expect(calls().at(-1)!.shopper).toEqual({ id: "customer:42", verified: true });
    expect(calls().at(-1)!.entities).toEqual({ orderNumber: "AB-12345" });
  });

  it("a shopper who changes the subject drops the open question", async () => {
    const engine = engineWith({ webhook: webhook() });
    const conversationId = fresh();
    const before = calls().length;
    await engine.handle({ conversationId, userId: "anon:visitor-3", text: "where is my order?" }, sink);
    await engine.handle({ conversationId, userId: "anon:visitor-3", text: "show me something nice" }, sink);
    const later = await engine.handle({ conversationId, userId: "anon:visitor-3", text: "jane@example.com" }, sink);
    expect(calls().length).toBe(before);
    expect(later.intent).not.toBe("order_status");
  });

  it("a request for a person while an order question is open goes to the hand-off, not the order system", async () => {
    const posted: string[] = [];
    const engine = engineWith({ webhook: webhook(), notify: async (text) => void posted.push(text) });
    const conversationId = fresh();
    await engine.handle({ conversationId, userId: "anon:visitor-4", text: "where is my order 12345?" }, sink);
    const before = calls().length;
    const reply = await engine.handle({ conversationId, userId: "anon:visitor-4", text: "just get me a human, I'm kim@example.com" }, sink);
    expect(reply.intent).toBe("human_handoff");
    expect(calls().slice(before).map((c) => c.action)).toEqual(["handoff"]);
  });

  it.each(["500", "slow", "shape"] as const)("when the shop's system fails (%s) the shopper gets an apology and no invented status", async (mode) => {
    failWith = mode;
    try {
      const engine = engineWith({ webhook: webhook(mode === "slow" ? 300 : 5000) });
      const reply = await engine.handle({ conversationId: fresh(), userId: "customer:42", text: "where is my order #12345?" }, sink);
      expect(reply.text).toMatch(/^Sorry, I can't reach the shop's order system right now, so I can't check order 12345\./);
      expect(reply.text).not.toMatch(/delivered|shipped|dispatched|on its way|arriv/i);
      expect(reply.products).toEqual([]);
      expect(reply.suggestions.length).toBeGreaterThan(0);
    } finally {
      failWith = "none";
    }
  });

  it("renders the shop's product ids as catalogue cards, dropping ids the catalogue does not know", async () => {
    answer = () => ({ text: "Your return for order 12345 is booked. You might also like these.", products: ["sku-tea", "no-such-id", "sku-hat"] });
    try {
      const engine = engineWith({ webhook: webhook() });
      const reply = await engine.handle({ conversationId: fresh(), userId: "customer:7", text: "I want to start a return for order 12345" }, sink);
      expect(calls().at(-1)!.action).toBe("returns");
      expect(reply.text).toBe("Your return for order 12345 is booked. You might also like these.");
      expect(reply.products.map((p) => [p.id, p.title, p.price])).toEqual([
        ["sku-tea", "Green tea tin", 43.21],
        ["sku-hat", "Red wool hat", 1234.56],
      ]);
    } finally {
      answer = () => ({ text: "Order 12345 was delivered on Tuesday." });
    }
  });

  it("a returns policy question is answered as without a webhook (from the shop's documents), not sent to the webhook", async () => {
    const before = calls().length;
    const text = "can I return things I bought?";
    const reply = await engineWith({ webhook: webhook() }).handle({ conversationId: fresh(), userId: "anon:v", text }, sink);
    expect(calls().length).toBe(before);
    const withoutWebhook = await engineWith({}).handle({ conversationId: fresh(), userId: "anon:v", text }, sink);
    expect(reply.text).toBe(withoutWebhook.text);
  });

  it("without a webhook, order questions keep today's wording", async () => {
    const reply = await engineWith({}).handle({ conversationId: fresh(), userId: "anon:v", text: "where is my order 12345?" }, sink);
    expect(reply.text).toBe(say("en", "orderStatus"));
  });

  it("asks the shop about stock at a named store, for the product the message names", async () => {
    answer = (body) => ({ text: `The ${body.entities.store} store has 3 in stock.` });
    try {
      const reply = await engineWith({ webhook: webhook() }).handle({ conversationId: fresh(), userId: "anon:v", text: "is the red wool hat in stock at your Leeds store?" }, sink);
      expect(calls().at(-1)).toMatchObject({ action: "store_stock", intent: "availability", entities: { store: "Leeds", products: ["sku-hat"] } });
      expect(reply.text).toBe("The Leeds store has 3 in stock.");
    } finally {
      answer = () => ({ text: "Order 12345 was delivered on Tuesday." });
    }
  });
});

describe("the human hand-off", () => {
  it("posts the redacted conversation to a Slack/Teams incoming webhook and tells the shopper what happens next", async () => {
    const engine = engineWith({ notify: (text, signal) => postToIncomingWebhook(server.url("/slack"), text, { timeoutMs: 1000, signal }) });
    const conversationId = fresh();
    await engine.handle({ conversationId, userId: "anon:h1", text: "where is my order? I'm jane@example.com" }, sink);
    await engine.flush!();
    const reply = await engine.handle({ conversationId, userId: "anon:h1", text: "let me talk to a human, call me on 07700 900123" }, sink);
    const post = slackPosts().at(-1)!;
    const ref = /reference ([0-9A-F]{8})/.exec(reply.text)?.[1];
    expect(ref).toBeDefined();
    expect(post.text).toContain(`hand-off ${ref}`);
    expect(post.text).toContain("where is my order?");
    expect(post.text).toContain("talk to a human");
    expect(post.text).not.toContain("jane@example.com");
    expect(post.text).not.toContain("07700 900123");
    expect(reply.text).toMatch(/passed our conversation to the shop's team/);
  });

  it("sends action handoff with the redacted transcript to the webhook and uses its answer", async () => {
    answer = (body) => ({ text: body.action === "handoff" ? "Sam from our team will join in about 5 minutes." : "?", handoff: { agent: "Sam", etaMinutes: 5 } });
    try {
      const engine = engineWith({ webhook: webhook() });
      const reply = await engine.handle({ conversationId: fresh(), userId: "customer:9", text: "I need a colleague, mail me at sam@example.org" }, sink);
      const body = calls().at(-1)!;
      expect(body.action).toBe("handoff");
      expect(body.text).not.toContain("sam@example.org");
      expect(body.entities.transcript).toEqual([{ role: "user", text: expect.stringContaining("[email]") }]);
      expect(reply.text).toBe("Sam from our team will join in about 5 minutes.");
    } finally {
      answer = () => ({ text: "Order 12345 was delivered on Tuesday." });
    }
  });

  it("says plainly when no colleague could be reached", async () => {
    const engine = engineWith({ notify: (text, signal) => postToIncomingWebhook("http://127.0.0.1:1/", text, { timeoutMs: 500, signal }) });
    const reply = await engine.handle({ conversationId: fresh(), userId: "anon:h2", text: "human please" }, sink);
    expect(reply.text).toMatch(/couldn't reach a colleague/);
  });
});
