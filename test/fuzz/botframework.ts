import http from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { expect } from "vitest";
import { anyJson, blank, type Case, counted, deeplyNested, extraKeys, type FieldSpec, fuzz, longText, NORMAL_TURNS, notObject, notString, plainId, poisoned, preview, record, wildText } from "./fuzz.ts";
import { badBodies, judgeHttp, send } from "./http.ts";

/**
 * POST /api/messages with Activities as a channel would send them (the Bot Framework Activity
 * protocol: type, channelId, serviceUrl, conversation {id}, from {id}, recipient, text, locale,
 * deliveryMode, membersAdded, timestamps), valid or wrong in known places. Replies that are not
 * expected in the response go to a channel stand-in on loopback, so nothing leaves the machine.
 */

/** A channel's connector on loopback: takes every reply the bot posts to it. */
export async function startChannel(): Promise<{ url: string; posts: number; close(): Promise<void> }> {
  const channel = {
    url: "",
    posts: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      channel.posts++;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `reply-${channel.posts}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  channel.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return channel;
}

const nonEmptyId = fc.oneof(plainId(40), wildText(30), fc.constantFrom("29:1a2b3c", "a:b:c", "user@example.com", "  padded  "));
/** Conversation ids as channels make them (Teams "19:…@thread.v2", Direct Line's, the Emulator's). */
const conversationId = fc.oneof(plainId(40), fc.constantFrom("19:abc@thread.v2", "a:1Xyz-_", "8a7c|livechat", "  padded  ", "café"));
const badId = fc.oneof(notString, fc.constant(""), poisoned(plainId()));

function account(name: string, required: boolean): FieldSpec {
  return {
    name,
    required,
    valid: fc.record({ id: nonEmptyId, name: fc.option(wildText(20), { nil: undefined }) }, { requiredKeys: ["id"] }),
    invalid: fc.oneof(notObject, fc.constant({}), fc.record({ id: badId })),
    // The protocol puts no bound on an account id: a very long one may be taken or refused by name.
    unspecified: fc.record({ id: longText(300, 20_000) }),
  };
}

function activityFields(serviceUrl: string): FieldSpec[] {
  const unspecifiedHosts = ["http://0.0.0.0:3978/", "http://0:3978/", "http://[::]:3978/", "http://0x0:3978/", "https://[0:0:0:0:0:0:0:0]/", "http://0.1.2.3/"];
  return [
    {
      name: "type",
      required: true,
      valid: fc.oneof({ weight: 8, arbitrary: fc.constant("message") }, { weight: 2, arbitrary: fc.constantFrom("conversationUpdate", "typing", "messageReaction", "event", "invoke", "installationUpdate") }, { weight: 1, arbitrary: plainId(12) }),
      invalid: fc.oneof(notString, fc.constant(""), poisoned(fc.constant("message"))),
    },
    { name: "channelId", required: true, valid: fc.oneof(fc.constantFrom("emulator", "test", "webchat", "slack", "msteams", "directline"), plainId(12)), invalid: fc.oneof(notString, fc.constant(""), poisoned(fc.constant("emulator"))) },
    {
      name: "serviceUrl",
      required: true,
      valid: fc.constantFrom(serviceUrl, `${serviceUrl}api/`, serviceUrl.replace(/\/$/, "")),
      invalid: fc.oneof(notString, fc.constantFrom("", "not a url", "ftp://127.0.0.1/", "http://", "javascript:alert(1)", "//127.0.0.1/", "http:// 127.0.0.1/"), fc.constantFrom(...unspecifiedHosts), poisoned(fc.constant(serviceUrl))),
    },
    {
      name: "conversation",
      required: true,
      valid: fc.record({ id: conversationId, conversationType: fc.option(fc.constantFrom("personal", "groupChat", "channel"), { nil: undefined }), name: fc.option(wildText(20), { nil: undefined }) }, { requiredKeys: ["id"] }),
      invalid: fc.oneof(notObject, fc.constant({}), fc.record({ id: badId })),
      // The protocol does not bound an id; past 1024 characters (it goes into the connector URL) or past Latin-1 it is refused by name.
      unspecified: fc.record({ id: fc.oneof(longText(300, 20_000), wildText(30)) }),
    },
    account("from", true),
    account("recipient", false),
    {
      name: "text",
      valid: fc.oneof(wildText(80), fc.constantFrom("show me running shoes", "<at>Concierge</at> show me headphones", "hello"), longText(2001, 5000)),
      invalid: fc.oneof(notString.filter((v) => v !== null), poisoned(wildText(20))),
      unspecified: fc.oneof(fc.constant(null), blank),
    },
    // A card's submit button: the shopper's words in value.text.
    { name: "value", valid: fc.oneof(fc.record({ text: wildText(40) }), anyJson), invalid: fc.record({ text: poisoned(wildText(20)) }) },
    // A pressed Slack button: the Slack channel's interaction payload (SlackMessage or the older Payload), the shopper's words in its first action's value.
    {
      name: "channelData",
      valid: fc.oneof(
        fc.tuple(fc.constantFrom("SlackMessage", "Payload"), fc.array(fc.record({ action_id: plainId(20), value: wildText(40) }), { maxLength: 2 })).map(([key, actions]) => ({ [key]: { type: "block_actions", actions } })),
        anyJson,
      ),
      invalid: fc.tuple(fc.constantFrom("SlackMessage", "Payload"), poisoned(wildText(20))).map(([key, value]) => ({ [key]: { actions: [{ value }] } })),
    },
    { name: "locale", valid: fc.constantFrom("en-US", "zh-CN", "en", "fr-FR"), invalid: fc.oneof(notString.filter((v) => v !== null), poisoned(fc.constant("en-US")), longText(36, 100)), unspecified: fc.oneof(fc.constant(null), wildText(10)) },
    {
      name: "deliveryMode",
      // Mostly the replies in the response; "normal" posts them to the stand-in channel.
      valid: fc.oneof({ weight: 3, arbitrary: fc.constant("expectReplies") }, { weight: 1, arbitrary: fc.constant("normal") }),
      invalid: fc.oneof(notString.filter((v) => v !== null), fc.constantFrom("expect_replies", "sync", "")),
    },
    {
      name: "membersAdded",
      valid: fc.array(fc.record({ id: nonEmptyId }), { maxLength: 3 }),
      invalid: fc.oneof(notObject.filter((v) => v !== null && !Array.isArray(v)), fc.array(fc.oneof(fc.constant({}), fc.record({ id: badId }), fc.constant(7)), { minLength: 1, maxLength: 2 })),
    },
    { name: "id", valid: plainId(30), invalid: fc.oneof(notString, poisoned(plainId())) },
    {
      name: "timestamp",
      valid: fc.integer({ min: 0, max: Date.now() }).map((ms) => new Date(ms).toISOString()),
      invalid: fc.oneof(notString.filter((v) => v !== null), poisoned(fc.constant("2025-01-31T12:00:00Z"))),
      unspecified: fc.constantFrom("yesterday", "", "2025-13-45"),
    },
  ];
}

function activityCase(serviceUrl: string): fc.Arbitrary<Case> {
  return fc.oneof(
    { weight: 14, arbitrary: record(activityFields(serviceUrl), { invalidWeight: 0.35, extra: extraKeys(fc.oneof(anyJson, poisoned())) }) },
    { weight: 1, arbitrary: notObject.map((value) => ({ value, bad: ["activity"], maybe: [] })) },
    { weight: 1, arbitrary: fc.oneof(anyJson, deeplyNested).map((value) => ({ value, bad: ["activity"], maybe: [] })) },
  );
}

function answered(c: Case): (body: unknown) => boolean {
  return (body) => {
    const value = c.value as { deliveryMode?: unknown; type?: unknown; text?: unknown };
    if (value.deliveryMode === "expectReplies") {
      const activities = (body as { activities?: unknown } | undefined)?.activities;
      expect(Array.isArray(activities), preview(body)).toBe(true);
      if (value.type === "message" && typeof value.text === "string" && value.text.trim()) expect((activities as unknown[]).length).toBeGreaterThan(0);
    }
    return true;
  };
}

/** Activities of every shape; the anonymous endpoint on loopback (CONCIERGE_BOTFRAMEWORK_ANONYMOUS=1). */
export async function fuzzActivities(label: string, base: string, serviceUrl: string, runs: number): Promise<void> {
  const request = fc.oneof(
    { weight: 12, arbitrary: activityCase(serviceUrl).map((c) => ({ c, envelope: undefined })) },
    { weight: 1, arbitrary: badBodies.map((envelope) => ({ c: { value: undefined, bad: [], maybe: [] } as Case, envelope })) },
  );
  await fuzz(`${label} POST /api/messages`, request, runs, async ({ c, envelope }) => {
    const headers: Record<string, string> = {};
    const contentType = envelope ? envelope.contentType : "application/json";
    if (contentType) headers["content-type"] = contentType;
    const body = envelope?.body ?? JSON.stringify(c.value);
    const res = await send(`${base}/api/messages`, { headers, body: typeof body === "string" && !contentType ? Buffer.from(body) : body });
    // An invoke nothing handles is answered as the protocol says: 501, no body (the SDK's own answer).
    if (!envelope && c.bad.length === 0 && (c.value as { type?: unknown }).type === "invoke" && res.status === 501) return;
    // A body that is not JSON reaches the route as no body at all: the activity is what is missing.
    const expected = envelope ? { bad: [...envelope.bad, "activity"], maybe: [] } : c;
    judgeHttp(res, expected, `POST /api/messages ${preview(envelope ?? c.value, 500)}`, answered(c));
  });
}

/** A channel's shopper still gets running shoes after all that. */
export async function normalActivityTurn(base: string, serviceUrl: string): Promise<void> {
  counted(NORMAL_TURNS);
  const res = await send(`${base}/api/messages`, {
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      type: "message",
      channelId: "emulator",
      serviceUrl,
      from: { id: "fuzz-after" },
      recipient: { id: "bot" },
      conversation: { id: "fuzz-after-conv" },
      text: "show me running shoes",
      deliveryMode: "expectReplies",
    }),
  });
  expect(res.status).toBe(200);
  const activities = (res.body as { activities: { type: string; attachments?: unknown[] }[] }).activities;
  expect(activities.some((a) => a.type === "message" && (a.attachments?.length ?? 0) > 0)).toBe(true);
}
