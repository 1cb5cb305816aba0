import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerToken, SHOP_SECRET } from "../helpers/tokens.ts";
import { dropTestSchema, localServiceEnv, requireServiceUrl, testSchemaName } from "../services.ts";
import { type ChatClient, connectChat } from "./client.ts";
import { type ServiceProcess, startService } from "./process.ts";

const databaseUrl = requireServiceUrl("CONCIERGE_TEST_DATABASE_URL");
const redisUrl = requireServiceUrl("CONCIERGE_TEST_REDIS_URL");

/**
 * Two replicas of the service, each a process of its own, sharing PostgreSQL and Redis as a
 * scaled-out shop runs them: a shopper deleted through one is forgotten by the other's memory at
 * once (the cached profile that explained picks with their purchases, their share of "bought
 * together"), not a minute later when a cache would have expired.
 */
describe.skipIf(!databaseUrl || !redisUrl)("two replicas behind one store and Redis", () => {
  const schema = testSchemaName("replicas");
  const dirs: string[] = [];
  const replicas: ServiceProcess[] = [];
  const clients: ChatClient[] = [];
  let a: ServiceProcess;
  let b: ServiceProcess;

  beforeAll(async () => {
    const env = async () => {
      const dir = await mkdtemp(path.join(tmpdir(), "concierge-replica-"));
      dirs.push(dir);
      return {
        ...localServiceEnv(dir, {
          DATABASE_URL: databaseUrl!,
          DATABASE_SCHEMA: schema,
          REDIS_URL: redisUrl!,
          CONCIERGE_IDENTITY_SECRET: SHOP_SECRET,
          CONCIERGE_BOTFRAMEWORK_ANONYMOUS: "1",
        }),
        LOG_LEVEL: "info",
        CONCIERGE_QUIET: "1",
      };
    };
    // One after the other: the first imports the demo catalogue into the shared database.
    a = await startService(await env());
    replicas.push(a);
    b = await startService(await env());
    replicas.push(b);
  }, 300_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all(replicas.map((r) => r.stop()));
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    await dropTestSchema(databaseUrl!, schema);
  });

  const as = async (replica: ServiceProcess, sub: string) => {
    const client = await connectChat(replica.port, { token: await customerToken(sub) });
    clients.push(client);
    return client;
  };
  const productsOf = async (port: number) => {
    // The catalogue through the service's own search, so the test needs no database access of its own.
    const client = await connectChat(port);
    clients.push(client);
    const tents = (await client.send("show me tents")).reply.products;
    const boots = (await client.send("show me hiking boots")).reply.products;
    return { tent: tents[0]!, boot: boots.find((p) => !tents.some((t) => t.id === p.id))! };
  };

  it("forgets a shopper deleted through the other replica: their cached profile and their part of co-occurrence", async () => {
    const { tent, boot } = await productsOf(a.port);
    const leaver = await as(a, `leaver-${Date.now()}`);
    const stayer = await as(a, `stayer-${Date.now()}`);
    const newcomer = await as(a, `newcomer-${Date.now()}`);
    // Two shoppers bought the tent and the boot together: enough for "bought together" (2 by default).
    for (const c of [leaver, stayer]) await c.emit("event", [tent, boot].map((p) => ({ itemId: p.id, type: "purchase" })));
    await newcomer.emit("event", { itemId: tent.id, type: "purchase" });
    const together = `shoppers who bought ${tent.title} also bought this`;
    const newcomerPicks = async () => (await newcomer.send("recommend something for me")).reply.products;
    expect((await newcomerPicks()).some((p) => p.id === boot.id && p.reason === together)).toBe(true);
    // The leaver's own picks on A come from their cached profile (their purchases).
    const explained = (await leaver.send("recommend something for me")).reply.products;
    expect(explained.some((p) => /because you bought/.test(p.reason))).toBe(true);

    // The leaver deletes everything, on B.
    const onB = await as(b, leaver.shopperId.slice("customer:".length));
    expect((await onB.send("delete my data")).reply.text).toMatch(/Say "yes"/);
    expect((await onB.send("yes")).reply.text).toMatch(/deleted/i);

    // A hears of it through Redis within moments, long before its one-minute profile cache would lapse.
    // (A few tries over 3 s, within the socket's burst of messages.)
    let forgotten = false;
    for (let i = 0; i < 6 && !forgotten; i++) {
      const { reply } = await leaver.send("recommend something for me");
      expect(reply.error).toBeUndefined();
      forgotten = !reply.products.some((p) => /because you bought/.test(p.reason));
      if (!forgotten) await new Promise((r) => setTimeout(r, 500));
    }
    expect(forgotten).toBe(true);
    // One co-buyer left: the pair no longer has the support "bought together" needs.
    expect((await newcomerPicks()).some((p) => p.reason === together)).toBe(false);
  });

  it("moves one chat conversation between the replicas on every message, and it carries on: onboarding, then 'the second one'", async () => {
    const replicas = [a, b];
    let token: string | undefined;
    let conversation: string | undefined;
    let n = 0;
    // Each message on a new connection to the other replica, as a load balancer without stickiness would send it.
    const say = async (text: string) => {
      const client = await connectChat(replicas[n++ % 2]!.port, { ...(token && { token }), ...(conversation && { conversation }) });
      clients.push(client);
      token = client.token;
      conversation = (client.session as { conversation?: string }).conversation;
      const { reply } = await client.send(text);
      client.close();
      expect(reply.error).toBeUndefined();
      return reply;
    };
    expect((await say("hello")).text).toMatch(/what you like/i);
    // Answered on the other replica, it is still the answer to the greeting's question: it seeds the profile.
    await say("I love hiking and camping");
    const link = await fetch(`http://127.0.0.1:${a.port}/api/me/export`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    const exported = (await (await fetch(((await link.json()) as { url: string }).url, { method: "POST" })).json()) as { shopper: { preferences: string[] } };
    expect(exported.shopper.preferences.join(" ")).toMatch(/hiking/);
    const listed = await say("show me running shoes");
    expect(listed.products.length).toBeGreaterThan(1);
    const second = await say("tell me more about the second one");
    expect(second.products[0]!.id).toBe(listed.products[1]!.id);
    const compared = await say("compare the first two");
    expect(compared.products.map((p) => p.id).sort()).toEqual(listed.products.slice(0, 2).map((p) => p.id).sort());
  });

  it("moves one Bot Framework conversation between the replicas on every activity", async () => {
    const conversationId = `bf-moving-${Date.now()}`;
    let n = 0;
    const activity = async (text: string) => {
      const port = [a, b][n++ % 2]!.port;
      const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          type: "message",
          id: `act-${n}`,
          channelId: "emulator",
          serviceUrl: "http://127.0.0.1:9/",
          from: { id: "bf-mover" },
          recipient: { id: "bot" },
          conversation: { id: conversationId },
          text,
          locale: "en-US",
          deliveryMode: "expectReplies",
        }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { activities: { type: string; text?: string; attachments?: { content: { title?: string } }[] }[] };
      return body.activities.find((x) => x.type === "message")!;
    };
    const listed = await activity("show me headphones");
    const titles = (listed.attachments ?? []).map((x) => x.content.title).filter(Boolean) as string[];
    expect(titles.length).toBeGreaterThan(1);
    const first = await activity("tell me more about the first one");
    expect(first.text).toContain(titles[0]!);
    const second = await activity("tell me about the second one");
    expect(second.text).toContain(titles[1]!);
  });
});
