import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, postJson, SCRIPTED_REPLY, startHarness, anonymousBot } from "./harness.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests read the wire fields directly
type Json = any;

let harness: Harness | undefined;
let connector: http.Server | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await new Promise<void>((r) => (connector ? connector.close(() => r()) : r()));
  connector = undefined;
});

/** A Bot Connector on this machine that records what the bot posts and gives each post an id, as Teams does. */
async function fakeConnector(): Promise<{ serviceUrl: string; received: { path: string; body: Json }[] }> {
  const received: { path: string; body: Json }[] = [];
  connector = http.createServer((req, res) => {
    let data = "";
    req.on("data", (c) => {
      data += c;
    });
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(data) });
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: `teams-${received.length}` }));
    });
  });
  await new Promise<void>((r) => connector!.listen(0, "127.0.0.1", r));
  return { serviceUrl: `http://127.0.0.1:${(connector!.address() as AddressInfo).port}/`, received };
}

function teamsActivity(serviceUrl: string, conversationType: string, overrides: Record<string, unknown> = {}) {
  return {
    type: "message",
    id: "act-1",
    channelId: "msteams",
    serviceUrl,
    conversation: { id: "a:teams-conv", conversationType },
    from: { id: "29:user", name: "Shopper" },
    recipient: { id: "28:bot", name: "Concierge" },
    text: "trail shoes please",
    locale: "en-US",
    ...overrides,
  };
}

/**
 * The stream fields as they reach the connector: in the streaminfo entity, and the same in
 * channelData (as Microsoft's Teams AI library for JS sends them).
 */
const streaminfo = (a: Json) => {
  const entity = a.entities?.find((e: Json) => e.type === "streaminfo");
  if (!entity) return undefined;
  const { type: _type, ...fields } = entity;
  expect(a.channelData).toMatchObject(fields);
  return entity;
};

describe("Bot Framework replies in Teams", () => {
  it("streams in a one-on-one chat: an informative typing activity opens the stream, the final message closes it with the cards", async () => {
    const { serviceUrl, received } = await fakeConnector();
    harness = await startHarness(anonymousBot);
    const res = await postJson(`${harness.url}/api/messages`, teamsActivity(serviceUrl, "personal"));
    expect(res.status).toBe(200);
    const [first, ...rest] = received.map((r) => r.body);
    expect(first.type).toBe("typing");
    expect(streaminfo(first)).toEqual({ type: "streaminfo", streamType: "informative", streamSequence: 1 });
    const final = rest.at(-1);
    expect(final.type).toBe("message");
    expect(final.text).toBe(SCRIPTED_REPLY.text);
    expect(final.attachments.map((a: Json) => a.contentType)).toEqual(["application/vnd.microsoft.card.adaptive", "application/vnd.microsoft.card.adaptive"]);
    // The stream's id is the one the connector gave the informative activity.
    expect(streaminfo(final)).toEqual({ type: "streaminfo", streamType: "final", streamId: "teams-1" });
    for (const update of rest.slice(0, -1)) {
      expect(update.type).toBe("typing");
      expect(streaminfo(update)).toMatchObject({ streamType: "streaming", streamId: "teams-1" });
      expect(SCRIPTED_REPLY.text.startsWith(update.text)).toBe(true);
    }
    for (const r of received) expect(r.path).toBe("/v3/conversations/a%3Ateams-conv/activities/act-1");
  });

  it("sends typing, then one message, in a Teams channel (Teams streams only one-on-one)", async () => {
    const { serviceUrl, received } = await fakeConnector();
    harness = await startHarness(anonymousBot);
    await postJson(`${harness.url}/api/messages`, teamsActivity(serviceUrl, "channel"));
    expect(received.map((r) => r.body.type)).toEqual(["typing", "message"]);
    for (const r of received) expect(streaminfo(r.body)).toBeUndefined();
    expect(received[1]!.body.text).toBe(SCRIPTED_REPLY.text);
  });

  it("returns typing then the whole reply with expectReplies, even one-on-one", async () => {
    harness = await startHarness(anonymousBot);
    const res = await postJson(`${harness.url}/api/messages`, teamsActivity("http://127.0.0.1:9/", "personal", { deliveryMode: "expectReplies" }));
    expect(res.status).toBe(200);
    const activities = res.body.activities as Json[];
    expect(activities.map((a) => a.type)).toEqual(["typing", "message"]);
    expect(activities[1].text).toBe(SCRIPTED_REPLY.text);
  });
});
