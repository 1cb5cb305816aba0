import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../bot/main.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { formatPrice } from "../../llm/index.ts";
import type { Product } from "../../store/types.ts";
import { checkReply, renderedFor } from "../llm/figure-checker.ts";
import { ENDLESS, hasToyModel, TOY_MODEL, until } from "../llm/toy-model.ts";
import { type ChatClient, connectChat } from "./client.ts";
import { localServiceEnv } from "../services.ts";

/**
 * The running service answering with the real toy GGUF: its prose is nonsense, so these check the
 * structure — what it may name, where figures come from, how the reply streams, and that the
 * service always answers — never the wording.
 */

// Start-up trains the intent classifier: measured at 195 s (138 s of training) with the 2 cores shared by other jobs.
const START_TIMEOUT_MS = 420_000;

async function start(env: Record<string, string>): Promise<{ service: RunningService; base: string; dataDir: string }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-e2e-llm-"));
  const config = loadConfig(localServiceEnv(dataDir, { CONCIERGE_BOTFRAMEWORK_ANONYMOUS: "1", ...env }));
  const service = await startService(config, createLogger("silent"));
  await service.ready;
  return { service, base: `http://127.0.0.1:${service.port}`, dataDir };
}

async function outcomes(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^concierge_llm_replies_total\{outcome="([a-z_]+)"\} (\d+)/gm)) counts[m[1]!] = Number(m[2]);
  return counts;
}

/** Every figure in the text is one of these products' catalogue facts, and it names no other product (the independent checker). */
function expectCatalogueFigures(text: string, products: Product[], catalogueTitles: string[] = []): void {
  expect(checkReply(text, renderedFor(products, "en", catalogueTitles)), text).toEqual([]);
}

/** Sends a message and records deltas and the acknowledgement in the order they arrived. */
async function turnInOrder(client: ChatClient, text: string): Promise<{ reply: Awaited<ReturnType<ChatClient["send"]>>["reply"]; deltas: string[]; order: string[] }> {
  const order: string[] = [];
  const onDelta = () => order.push("delta");
  client.socket.on("reply:delta", onDelta);
  try {
    const { reply, deltas } = await client.send(text);
    order.push("ack");
    return { reply, deltas, order };
  } finally {
    client.socket.off("reply:delta", onDelta);
  }
}

describe.skipIf(!hasToyModel)("the running service with the toy GGUF answering", () => {
  let service: RunningService;
  let base: string;
  let dataDir: string;
  const clients: ChatClient[] = [];
  const chat = async (_label: string) => {
    const client = await connectChat(service.port);
    clients.push(client);
    return client;
  };
  const SEARCH = "show me running shoes under 100";
  let templateCards: string[] = [];

  beforeAll(async () => {
    ({ service, base, dataDir } = await start({
      CONCIERGE_LLM_MODEL: TOY_MODEL,
      CONCIERGE_LLM_THREADS: "1",
      CONCIERGE_LLM_SEQUENCES: "1",
      CONCIERGE_LLM_QUEUE_MAX: "1",
      CONCIERGE_LLM_QUEUE_TIMEOUT_MS: "300",
      CONCIERGE_LLM_CONTEXT_SIZE: "2048",
    }));
    await until(() => service.languageModel() !== undefined, 60_000);
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    for (const c of clients) c.close();
    await service?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("degrades to the template, with the reason, when the model's queue is full or the wait times out", async () => {
    const model = service.languageModel()!;
    const hold = new AbortController();
    const holding = model.generate({ messages: [{ role: "user", text: "hold" }], grammar: ENDLESS, maxTokens: 100_000, signal: hold.signal });
    holding.catch(() => undefined);
    await until(() => model.status().busy === 1);
    const before = await outcomes(base);
    const [a, b] = await Promise.all([chat("e2e-llm-busy-a"), chat("e2e-llm-busy-b")]);
    const replies = await Promise.all([a.send(SEARCH), b.send(SEARCH)]);
    hold.abort(new Error("released"));
    const after = await outcomes(base);
    expect((after.queue_full ?? 0) - (before.queue_full ?? 0)).toBe(1);
    expect((after.queue_timeout ?? 0) - (before.queue_timeout ?? 0)).toBe(1);
    for (const { reply, deltas } of replies) {
      expect(reply.text).toMatch(/^Here (is 1 match|are \d+ matches)/);
      expect(deltas.join("")).toBe(reply.text);
      expect(reply.products.length).toBeGreaterThan(0);
    }
    templateCards = replies[0]!.reply.products.map((p) => p.id).sort();
    await until(() => model.status().busy === 0);
  });

  it("writes a search answer that streams in order, names only the retrieved products and states only catalogue figures", async () => {
    const before = await outcomes(base);
    const client = await chat("e2e-llm-search");
    const { reply, deltas, order } = await turnInOrder(client, SEARCH);
    expect(((await outcomes(base)).model ?? 0) - (before.model ?? 0)).toBe(1);
    expect(reply.error).toBeUndefined();
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.join("")).toBe(reply.text);
    expect(order.at(-1)).toBe("ack");
    expect(order.filter((o) => o === "ack")).toHaveLength(1);
    // The cards are what the catalogue retrieved (the template's, maybe reordered by what the model named).
    expect(reply.products.map((p) => p.id).sort()).toEqual(templateCards);
    const products = await service.store.catalogue.getProducts(reply.products.map((p) => p.id));
    expectCatalogueFigures(reply.text, products, (await service.store.catalogue.allProducts()).map((p) => p.title));
    // No product id in the text that was not retrieved.
    for (const id of reply.text.match(/sku-\d+/g) ?? []) expect(templateCards).toContain(id);
  });

  it("answers a product question with that product's catalogue price and stock, and a comparison from the two compared", async () => {
    const client = await chat("e2e-llm-details");
    const listed = await client.send(SEARCH);
    const first = listed.reply.products[0]!;
    const details = await client.send("how much is the first one");
    expect(details.deltas.join("")).toBe(details.reply.text);
    expect(details.reply.products.map((p) => p.id)).toEqual([first.id]);
    const [product] = await service.store.catalogue.getProducts([first.id]);
    expectCatalogueFigures(details.reply.text, [product!]);
    if (product!.price !== undefined) expect(details.reply.text).toContain(formatPrice(product!.price, product!.currency, "en"));

    const compared = await client.send("compare the first two");
    expect(compared.deltas.join("")).toBe(compared.reply.text);
    const ids = listed.reply.products.slice(0, 2).map((p) => p.id);
    expect(compared.reply.products.map((p) => p.id).sort()).toEqual([...ids].sort());
    expectCatalogueFigures(compared.reply.text, await service.store.catalogue.getProducts(ids));
  });

  it("answers a Chinese shopper through the model, streamed exactly", async () => {
    const before = await outcomes(base);
    const client = await chat("e2e-llm-zh");
    const { reply, deltas } = await client.send("有没有300元以下的跑鞋");
    expect(deltas.join("")).toBe(reply.text);
    if (reply.products.length) expect(((await outcomes(base)).model ?? 0) - (before.model ?? 0)).toBe(1);
  });

  it("stops generating when the shopper disconnects, and stores nothing of that turn", async () => {
    const model = service.languageModel()!;
    const before = await outcomes(base);
    const client = await chat("e2e-llm-gone");
    void client.send(SEARCH).catch(() => undefined);
    await until(() => model.status().busy === 1, 30_000);
    client.close();
    await until(() => model.status().busy === 0, 30_000);
    // Had it finished, it would have been counted as a reply the model wrote.
    expect((await outcomes(base)).model ?? 0).toBe(before.model ?? 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(await service.store.conversations.messagesForUser("e2e-llm-gone")).toEqual([]);
  });

  it("answers Bot Framework with typing before the model's message (expectReplies returns the whole reply)", async () => {
    const before = await outcomes(base);
    const res = await fetch(`${base}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        type: "message",
        id: "a1",
        channelId: "emulator",
        serviceUrl: "http://127.0.0.1:9/",
        from: { id: "bf-llm-user", name: "Shopper" },
        recipient: { id: "bot" },
        conversation: { id: "bf-llm-conv" },
        text: SEARCH,
        locale: "en-US",
        deliveryMode: "expectReplies",
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { activities: { type: string; text?: string; attachments?: { contentType: string }[] }[] };
    expect(body.activities.map((a) => a.type)).toEqual(["typing", "message"]);
    const message = body.activities[1]!;
    expect(message.text).toBeTruthy();
    expect(message.attachments?.length).toBe(templateCards.length);
    expect(((await outcomes(base)).model ?? 0) - (before.model ?? 0)).toBe(1);
    const shown = await service.store.catalogue.getProducts(templateCards);
    expectCatalogueFigures(message.text!, shown);
  });
});

describe("the running service when the model file is missing", () => {
  let service: RunningService;
  let base: string;
  let dataDir: string;
  beforeAll(async () => {
    ({ service, base, dataDir } = await start({ CONCIERGE_LLM_MODEL: path.join(tmpdir(), "no-such-model.gguf") }));
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await service?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("answers with the templates", async () => {
    const client = await connectChat(service.port);
    try {
      const { reply, deltas } = await client.send("show me running shoes under 100");
      expect(reply.text).toMatch(/^Here (is 1 match|are \d+ matches)/);
      expect(deltas.join("")).toBe(reply.text);
      expect(service.languageModel()).toBeUndefined();
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    } finally {
      client.close();
    }
  });
});
