import http from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../core/logger.ts";
import { createServer } from "../../bot/index.ts";
import { type Harness, postJson, SCRIPTED_REPLY, serverDeps, startHarness, testConfig, anonymousBot } from "./harness.ts";

let harness: Harness | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const c of cleanups.splice(0)) await c();
});

function activity(overrides: Record<string, unknown> = {}) {
  return {
    type: "message",
    id: "act-1",
    channelId: "emulator",
    serviceUrl: "http://127.0.0.1:9/",
    conversation: { id: "conv-1" },
    from: { id: "user-1", name: "Shopper" },
    recipient: { id: "bot-1", name: "Concierge" },
    text: "trail shoes please",
    locale: "en-US",
    deliveryMode: "expectReplies",
    timestamp: "2025-05-01T10:00:00.000Z",
    ...overrides,
  };
}

const post = (body: unknown, headers: Record<string, string> = {}) => postJson(`${harness!.url}/api/messages`, body, headers);

describe("POST /api/messages (expectReplies)", () => {
  it("returns typing then the reply with hero cards in a carousel and suggested actions", async () => {
    harness = await startHarness(anonymousBot);
    const res = await post(activity());
    expect(res.status).toBe(200);
    const [typing, message, ...rest] = res.body.activities;
    expect(rest).toHaveLength(0);
    expect(typing.type).toBe("typing");
    expect(message.type).toBe("message");
    expect(message.text).toBe(SCRIPTED_REPLY.text);
    expect(message.replyToId).toBe("act-1");
    // The Agents SDK's Activity keeps the channel in `_channelId`; the wire names it channelId only.
    for (const a of [typing, message]) {
      expect(a.channelId).toBe("emulator");
      expect(a).not.toHaveProperty("_channelId");
    }
    expect(message.conversation.id).toBe("conv-1");
    expect(message.recipient.id).toBe("user-1");
    expect(message.attachmentLayout).toBe("carousel");
    expect(message.attachments.map((a: { contentType: string }) => a.contentType)).toEqual([
      "application/vnd.microsoft.card.hero",
      "application/vnd.microsoft.card.hero",
    ]);
    const [first, second] = message.attachments.map((a: { content: unknown }) => a.content);
    expect(first).toMatchObject({
      title: "Trailblazer Running Shoe",
      subtitle: "$89.50",
      text: "because you viewed running gear",
      images: [{ url: `${harness.url}/images/shoes.svg` }],
      buttons: [{ type: "imBack", title: "Tell me more", value: "tell me more about Trailblazer Running Shoe" }],
    });
    expect(second.images).toEqual([]);
    expect(second.subtitle).toBeUndefined();
    expect(message.suggestedActions).toEqual({
      to: ["user-1"],
      actions: [
        { type: "imBack", title: "Cheaper ones", value: "Cheaper ones" },
        { type: "imBack", title: "Show me jackets", value: "Show me jackets" },
      ],
    });
    expect(harness.engine.turns).toEqual([
      { conversationId: "conv-1", userId: "bf:emulator:user-1", text: "trail shoes please", locale: "en-US", medium: "text", baseUrl: harness.url },
    ]);
  });

  it("renders Adaptive Cards for Teams, with an imBack submit and without the bot's @mention in the text", async () => {
    harness = await startHarness(anonymousBot);
    const res = await post(activity({ channelId: "msteams", text: "<at>Concierge</at> trail shoes" }));
    expect(res.status).toBe(200);
    const message = res.body.activities.find((a: { type: string }) => a.type === "message");
    expect(message.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
    const card = message.attachments[0].content;
    expect(card.type).toBe("AdaptiveCard");
    expect(card.body.map((b: { type: string; text?: string }) => b.text ?? b.type)).toEqual([
      "Image",
      "Trailblazer Running Shoe",
      "$89.50",
      "because you viewed running gear",
    ]);
    expect(card.actions[0]).toMatchObject({ type: "Action.Submit", data: { msteams: { type: "imBack", value: "tell me more about Trailblazer Running Shoe" } } });
    expect(harness.engine.turns[0]).toMatchObject({ userId: "bf:msteams:user-1", text: "trail shoes" });
  });

  it("welcomes a shopper who joins the conversation through the engine's greeting", async () => {
    harness = await startHarness(anonymousBot);
    const res = await post(
      activity({ type: "conversationUpdate", text: undefined, membersAdded: [{ id: "bot-1" }, { id: "user-1" }] }),
    );
    expect(res.status).toBe(200);
    expect(res.body.activities.at(-1).text).toBe(SCRIPTED_REPLY.text);
    expect(harness.engine.turns).toEqual([{ conversationId: "conv-1", userId: "bf:emulator:user-1", text: "hello", locale: "en-US", medium: "text", baseUrl: harness.url }]);

    // Only the bot joining: nothing to say.
    const botOnly = await post(activity({ type: "conversationUpdate", text: undefined, membersAdded: [{ id: "bot-1" }] }));
    expect(botOnly.body.activities).toEqual([]);
  });

  it("answers an over-long or text-less message in the chat without running the engine", async () => {
    harness = await startHarness(anonymousBot);
    const long = await post(activity({ text: "x".repeat(5000) }));
    expect(long.status).toBe(200);
    expect(long.body.activities[0].text).toMatch(/too long.*2000 characters/);
    const zh = await post(activity({ text: "长".repeat(5000), locale: "zh-CN" }));
    expect(zh.body.activities[0].text).toMatch(/太长.*2000/);
    const empty = await post(activity({ text: undefined }));
    expect(empty.body.activities[0].text).toMatch(/only read text/);
    expect(harness.engine.turns).toHaveLength(0);
  });

  it("apologises in the chat when the engine fails, and ignores activity types it has nothing to say to", async () => {
    harness = await startHarness(anonymousBot);
    harness.engine.behaviour = "throw";
    const failed = await post(activity());
    expect(failed.status).toBe(200);
    expect(failed.body.activities.at(-1).text).toMatch(/something went wrong/);
    const typing = await post(activity({ type: "typing", text: undefined }));
    expect(typing.status).toBe(200);
    expect(typing.body.activities).toEqual([]);
  });

  it("answers 503 not_ready until the engine is loaded", async () => {
    harness = await startHarness({ ...anonymousBot, ready: false });
    const res = await post(activity());
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("not_ready");
  });
});

describe("POST /api/messages (normal delivery through the channel's serviceUrl, as the Emulator does)", () => {
  it("posts typing and the reply to the connector", async () => {
    const received: { path: string; body: Record<string, unknown> }[] = [];
    const connector = http.createServer((req, res) => {
      let data = "";
      req.on("data", (c) => {
        data += c;
      });
      req.on("end", () => {
        received.push({ path: req.url ?? "", body: JSON.parse(data) });
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `sent-${received.length}` }));
      });
    });
    await new Promise<void>((r) => connector.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => connector.close(() => r())));
    const serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;

    harness = await startHarness(anonymousBot);
    const res = await post(activity({ deliveryMode: undefined, serviceUrl }));
    expect(res.status).toBe(200);
    expect(received.map((r) => [r.path, r.body.type])).toEqual([
      ["/v3/conversations/conv-1/activities/act-1", "typing"],
      ["/v3/conversations/conv-1/activities/act-1", "message"],
    ]);
    expect(received[1]!.body.text).toBe(SCRIPTED_REPLY.text);
    expect((received[1]!.body.attachments as unknown[]).length).toBe(2);
  });

  it("encodes the conversation id in the connector's path, whatever it contains", async () => {
    const paths: string[] = [];
    const connector = http.createServer((req, res) => {
      paths.push(req.url ?? "");
      req.resume();
      req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"id":"x"}'));
    });
    await new Promise<void>((r) => connector.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise((r) => connector.close(() => r())));
    harness = await startHarness(anonymousBot);
    const serviceUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
    const res = await post(activity({ deliveryMode: undefined, serviceUrl, conversation: { id: "19:a/../b?c#d@thread.v2;messageid=1" } }));
    expect(res.status).toBe(200);
    expect(paths).toEqual(Array(2).fill("/v3/conversations/19%3Aa%2F..%2Fb%3Fc%23d%40thread.v2%3Bmessageid%3D1/activities/act-1"));
  });

  it("answers 502 naming the serviceUrl when the channel cannot be reached", async () => {
    harness = await startHarness(anonymousBot);
    const res = await post(activity({ deliveryMode: undefined, serviceUrl: "http://127.0.0.1:9/" }));
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe("channel_unreachable");
    expect(res.body.error.message).toMatch(/serviceUrl http:\/\/127\.0\.0\.1:9\//);
  });
});

describe("malformed activities", () => {
  const { type: _t, ...noType } = activity();
  const { conversation: _c, ...noConversation } = activity();
  const { from: _f, ...noFrom } = activity();
  const { serviceUrl: _s, ...noServiceUrl } = activity();
  it.each([
    ["an array", [activity()], /invalid activity: expected a JSON object/],
    ["a bare string", "hello", /invalid activity: expected a JSON object/],
    ["no type", noType, /activity\.type: required/],
    ["no conversation", noConversation, /activity\.conversation: required/],
    ["a conversation without id", activity({ conversation: {} }), /activity\.conversation\.id: required/],
    ["no from", noFrom, /activity\.from: required/],
    ["no serviceUrl", noServiceUrl, /activity\.serviceUrl: required/],
    ["a serviceUrl that is not a URL", activity({ serviceUrl: "not a url" }), /activity\.serviceUrl: expected an http\(s\) URL/],
    ["a numeric text", activity({ text: 42 }), /activity\.text: expected a string/],
    ["an unknown deliveryMode", activity({ deliveryMode: "pigeon" }), /activity\.deliveryMode: expected one of/],
    // What the Agents SDK would fail on inside the turn (it reads entities with every channelId, splits "channel:subchannel", compares roles as text).
    ["entities that are not an array of objects", activity({ entities: { type: "mention" } }), /activity\.entities: expected an array of objects/],
    ["a null entity", activity({ entities: [null] }), /activity\.entities\[0\]: expected an object/],
    ["a channelId starting with a colon", activity({ channelId: ":teams" }), /activity\.channelId: must not start with ":"/],
    ["a recipient role that is not text", activity({ recipient: { id: "bot-1", role: 7 } }), /activity\.recipient\.role: expected a string/],
  ])("refuses %s with 400 naming the field", async (_name, body, message) => {
    harness ??= await startHarness(anonymousBot);
    const res = await post(typeof body === "string" ? JSON.stringify(body) : body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_input");
    expect(res.body.error.message).toMatch(message);
    expect(harness.engine.turns).toHaveLength(0);
  });

  it("answers an activity without a recipient, replying from no one in particular, and ignores fields named like the SDK's methods", async () => {
    harness = await startHarness(anonymousBot);
    const { recipient: _r, ...noRecipient } = activity();
    const res = await post(noRecipient);
    expect(res.status).toBe(200);
    expect(res.body.activities.map((a: { type: string }) => a.type)).toEqual(["typing", "message"]);
    for (const a of res.body.activities) {
      expect(a).not.toHaveProperty("from");
      expect(a.recipient.id).toBe("user-1");
    }
    const odd = await post(JSON.parse(JSON.stringify(activity()).replace(/^\{/, '{"__proto__": {"x": 1}, "isAgenticRequest": 1, "getConversationReference": "x", "channelIdChannel": "other", ')));
    expect(odd.status).toBe(200);
    expect(odd.body.activities.at(-1)).toMatchObject({ text: SCRIPTED_REPLY.text, channelId: "emulator" });
  });

  it("refuses malformed JSON and a 1 MB body", async () => {
    harness = await startHarness(anonymousBot);
    const bad = await post('{"type": "message",');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
    const huge = await post(activity({ text: "x".repeat(1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe("payload_too_large");
    const ok = await post(activity());
    expect(ok.status).toBe(200);
  });
});

describe("authentication", () => {
  it("refuses a request without a token with 401 when an app id is configured", async () => {
    harness = await startHarness({ env: { MICROSOFT_APP_ID: "00000000-0000-0000-0000-000000000001", MICROSOFT_APP_PASSWORD: "secret" } });
    expect(harness.server.anonymousBot).toBe(false);
    const res = await post(activity({ channelId: "msteams", serviceUrl: "https://smba.trafficmanager.net/amer/" }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
    expect(res.body.error.message).toMatch(/authentication failed/);
    expect(harness.engine.turns).toHaveLength(0);
  });

  it("opens to this machine only with CONCIERGE_BOTFRAMEWORK_ANONYMOUS, and says so at start-up", async () => {
    const lines: string[] = [];
    const server = createServer({
      config: testConfig(anonymousBot.env),
      logger: pino({ level: "warn" }, { write: (line: string) => lines.push(line) }),
      engine: () => undefined,
      isReady: () => false,
      recordEvents: async () => ({ accepted: 0, dropped: 0 }),
      ...(await serverDeps(testConfig())),
    });
    cleanups.push(() => server.close());
    expect(server.anonymousBot).toBe(true);
    expect(lines.join("")).toMatch(/CONCIERGE_BOTFRAMEWORK_ANONYMOUS=1: \/api\/messages accepts unauthenticated requests from this machine only/);
  });

  it("refuses a password or tenant without an app id, and names the missing tenant for SingleTenant", async () => {
    const deps = { logger: createLogger("silent"), engine: () => undefined, isReady: () => false, recordEvents: async () => ({ accepted: 0, dropped: 0 }), ...(await serverDeps(testConfig())) };
    expect(() => createServer({ ...deps, config: testConfig({ MICROSOFT_APP_PASSWORD: "secret" }) })).toThrow(/MICROSOFT_APP_ID is required/);
    expect(() =>
      createServer({ ...deps, config: testConfig({ MICROSOFT_APP_ID: "app", MICROSOFT_APP_PASSWORD: "secret", MICROSOFT_APP_TYPE: "SingleTenant" }) }),
    ).toThrow(/MICROSOFT_APP_TENANT_ID is required for SingleTenant/);
  });
});

describe("closed by default", () => {
  it("refuses every request without credentials unless the operator opens it", async () => {
    harness = await startHarness();
    const res = await post(activity());
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ code: "bot_endpoint_closed", message: expect.stringMatching(/CONCIERGE_BOTFRAMEWORK_ANONYMOUS=1/) });
    expect(harness.engine.turns).toHaveLength(0);
  });

  it.each(["http://0.0.0.0:9/", "http://0:9/", "http://[::]:9/", "http://169.254.169.254/latest/", "https://attacker.example/", "http://10.0.0.8:8080/"])(
    "opened to this machine, replies to this machine only: refuses serviceUrl %s before doing anything",
    async (serviceUrl) => {
      harness ??= await startHarness(anonymousBot);
      const res = await post(activity({ deliveryMode: undefined, serviceUrl }));
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("service_url_not_allowed");
      expect(harness.engine.turns).toHaveLength(0);
    },
  );

  it("opened to this machine, refuses what a proxy relays (a reverse proxy makes every visitor a loopback peer)", async () => {
    harness = await startHarness(anonymousBot);
    for (const header of ["x-forwarded-for", "forwarded", "x-real-ip"]) {
      const res = await post(activity(), { [header]: "203.0.113.7" });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/this machine only/);
    }
    expect((await post(activity())).status).toBe(200);
  });

  it("with credentials, replies go only to the Bot Framework's hosts over https, or hosts the operator lists", async () => {
    harness = await startHarness({
      env: { MICROSOFT_APP_ID: "00000000-0000-0000-0000-000000000001", MICROSOFT_APP_PASSWORD: "secret", CONCIERGE_BOTFRAMEWORK_SERVICE_HOSTS: "bots.shop.example" },
    });
    for (const serviceUrl of ["http://127.0.0.1:9/", "http://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net.attacker.example/", "https://internal.shop.example/"]) {
      const res = await post(activity({ serviceUrl }));
      expect(res.status, serviceUrl).toBe(403);
      expect(res.body.error.code).toBe("service_url_not_allowed");
    }
    // Allowed hosts get as far as authentication (and fail it: no token).
    for (const serviceUrl of ["https://smba.trafficmanager.net/emea/", "https://slack.botframework.com/", "https://bots.shop.example/api/"]) {
      expect((await post(activity({ serviceUrl }))).body.error.code, serviceUrl).toBe("unauthorized");
    }
  });
});
