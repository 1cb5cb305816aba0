import type { Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../core/logger.ts";
import { RedisLink } from "../../core/redis.ts";
import { Limits, limitSettings } from "../../bot/limits.ts";
import { customerToken, SHOP_SECRET } from "../helpers/tokens.ts";
import { requireServiceUrl } from "../services.ts";
import { chatClient, type Harness, postJson, startHarness, testConfig } from "./harness.ts";

const harnesses: Harness[] = [];
const sockets: Socket[] = [];
const links: RedisLink[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  for (const h of harnesses.splice(0)) await h.close();
  for (const l of links.splice(0)) await l.close();
});

async function harness(env: Record<string, string>, extra: Parameters<typeof startHarness>[0] = {}) {
  const h = await startHarness({ env: { CONCIERGE_IDENTITY_SECRET: SHOP_SECRET, ...env }, ...extra });
  harnesses.push(h);
  return h;
}
const send = (socket: Socket, text: string) => socket.timeout(10_000).emitWithAck("message", { text });

describe("limits per address", () => {
  it("answers 429 with Retry-After past RATE_LIMIT_PER_IP_PER_MINUTE, on every API route and the chat alike", async () => {
    const h = await harness({ RATE_LIMIT_PER_IP_PER_MINUTE: "3" });
    const bearer = { authorization: `Bearer ${await customerToken("ip-test")}` };
    for (let i = 0; i < 3; i++) expect((await postJson(`${h.url}/api/events`, { itemId: "sku-1", type: "view" }, bearer)).status).toBe(202);
    const refused = await postJson(`${h.url}/api/events`, { itemId: "sku-1", type: "view" }, bearer);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: "rate_limited", message: expect.stringMatching(/requests from your address/) });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // A new socket (another shopper, the same address) is limited too: the address has spent its minute.
    const socket = await chatClient(h.url);
    sockets.push(socket);
    expect((await send(socket, "hello")).error.code).toBe("rate_limited");
    // Health checks are not the API: an orchestrator is never refused.
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it("refuses a connection past MAX_CONNECTIONS_PER_IP, and takes one again once another closed", async () => {
    const h = await harness({ MAX_CONNECTIONS_PER_IP: "2" });
    const a = await chatClient(h.url);
    const b = await chatClient(h.url);
    sockets.push(a, b);
    const refused = await chatClient(h.url).catch((err: Error & { data?: { code: string } }) => err);
    expect((refused as { data?: { code: string } }).data?.code).toBe("rate_limited");
    a.close();
    await new Promise((r) => setTimeout(r, 100));
    const c = await chatClient(h.url);
    sockets.push(c);
    expect(c.connected).toBe(true);
  });
});

describe("limits per shopper", () => {
  it("counts each event, up to RATE_LIMIT_EVENTS_PER_MINUTE, whatever socket they come through", async () => {
    const h = await harness({ RATE_LIMIT_EVENTS_PER_MINUTE: "5" });
    const token = await customerToken("eventful");
    const first = await chatClient(h.url, { token });
    sockets.push(first);
    const batch = Array.from({ length: 4 }, (_, i) => ({ itemId: `sku-${i}`, type: "view" }));
    expect(await first.timeout(5000).emitWithAck("event", batch)).toMatchObject({ ok: true, accepted: 4 });
    const second = await chatClient(h.url, { token });
    sockets.push(second);
    expect(await second.timeout(5000).emitWithAck("event", batch)).toMatchObject({ error: { code: "rate_limited" } });
    expect(h.events.flat()).toHaveLength(4);
  });
});

describe("voice sessions per replica", () => {
  it("hands out MAX_VOICE_SESSIONS slots and takes one back when it is given back", () => {
    const limits = new Limits({ ...limitSettings(testConfig()), maxVoiceSessions: 2 }, { logger: createLogger("silent") });
    const a = limits.voiceSession();
    limits.voiceSession();
    expect(() => limits.voiceSession()).toThrow(expect.objectContaining({ code: "busy", status: 503 }));
    a();
    a(); // giving back twice frees one slot, not two
    limits.voiceSession();
    expect(() => limits.voiceSession()).toThrow(/voice sessions/);
  });
});

const redisUrl = requireServiceUrl("CONCIERGE_TEST_REDIS_URL");

describe.skipIf(!redisUrl)("limits shared by replicas through the real Redis", () => {
  it("a shopper's messages count on every replica; an address's connections too", async () => {
    const config = testConfig({ RATE_LIMIT_BURST: "3", RATE_LIMIT_PER_SECOND: "0.01", MAX_CONNECTIONS_PER_IP: "3", CONCIERGE_IDENTITY_SECRET: SHOP_SECRET });
    // A namespace of its own keeps this run's counts apart from any other on the same Redis.
    const namespace = `limits-test-${process.pid}-${Date.now()}`;
    const shared = () => {
      const link = new RedisLink(redisUrl!, createLogger("silent"));
      links.push(link);
      return new Limits(limitSettings(config), { redis: link, logger: createLogger("silent"), namespace });
    };
    const sub = "replicated";
    const [one, two] = [await harness({}, { config, limits: shared() }), await harness({}, { config, limits: shared() })];
    for (let i = 0; i < 50 && !links.every((l) => l.isReady); i++) await new Promise((r) => setTimeout(r, 20));
    const token = await customerToken(sub);
    const onOne = await chatClient(one.url, { token });
    const onTwo = await chatClient(two.url, { token });
    sockets.push(onOne, onTwo);
    await send(onOne, "one");
    await send(onTwo, "two");
    await send(onOne, "three");
    expect((await send(onTwo, "four")).error.code).toBe("rate_limited");
    // Two connections open above, a third anywhere is the last one allowed, a fourth is refused.
    const third = await chatClient(one.url);
    sockets.push(third);
    const fourth = await chatClient(two.url).catch((err: Error & { data?: { code: string } }) => err);
    expect((fourth as { data?: { code: string } }).data?.code).toBe("rate_limited");
  });
});
