import { createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../bot/main.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { json, webhookServer } from "../actions/server.ts";
import { customerToken, SHOP_SECRET } from "../helpers/tokens.ts";
import { localServiceEnv } from "../services.ts";
import { type ChatClient, connectChat } from "./client.ts";

const SECRET = "e2e-actions-secret-0123456789";

describe("the running service acts through the shop's webhook", () => {
  let service: RunningService;
  let dataDir: string;
  let shop: Awaited<ReturnType<typeof webhookServer>>;
  let productId = "";
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    shop = await webhookServer({
      "/actions": (r, res) => {
        const signature = `sha256=${createHmac("sha256", SECRET).update(r.raw).digest("hex")}`;
        if (r.headers["x-concierge-signature"] !== signature) return json(res, { error: "bad signature" }, 401);
        const body = JSON.parse(r.raw.toString("utf8"));
        json(res, { text: `Order ${body.entities.orderNumber} left our warehouse yesterday.`, products: [productId, "not-in-the-catalogue"] });
      },
    });
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-actions-e2e-"));
    const config = loadConfig(localServiceEnv(dataDir, { CONCIERGE_IDENTITY_SECRET: SHOP_SECRET, CONCIERGE_ACTIONS_URL: shop.url("/actions"), CONCIERGE_ACTIONS_SECRET: SECRET }));
    service = await startService(config, createLogger("silent"));
    await service.ready;
    productId = (await service.store.catalogue.allProducts())[0]!.id;
  }, 180_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await service?.close();
    await shop?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("a signed-in customer's order question is answered by the shop, with its products as catalogue cards", async () => {
    const client = await connectChat(service.port, { token: await customerToken("c-77") });
    clients.push(client);
    const { reply } = await client.send("where is my order #AB-12345?");
    expect(reply.text).toBe("Order AB-12345 left our warehouse yesterday.");
    expect(reply.products.map((p) => p.id)).toEqual([productId]);
    const body = JSON.parse(shop.received.at(-1)!.raw.toString("utf8"));
    expect(body).toMatchObject({ action: "order_status", shopper: { id: "customer:c-77", verified: true }, entities: { orderNumber: "AB-12345" } });
  });

  it("an anonymous visitor is asked for the order number and e-mail or postcode first", async () => {
    const client = await connectChat(service.port);
    clients.push(client);
    const before = shop.received.length;
    const { reply } = await client.send("where is my order?");
    expect(reply.text).toMatch(/order number/i);
    expect(shop.received.length).toBe(before);
    const { reply: done } = await client.send("order 55501, postcode SW1A 1AA");
    expect(done.text).toBe("Order 55501 left our warehouse yesterday.");
    const body = JSON.parse(shop.received.at(-1)!.raw.toString("utf8"));
    expect(body.shopper.verified).toBe(false);
    expect(body.entities).toEqual({ orderNumber: "55501", postcode: "SW1A 1AA" });
  });
});
