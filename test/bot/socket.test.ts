import type { Socket } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { customerToken, SHOP_SECRET } from "../helpers/tokens.ts";
import { chatClient, type Harness, SCRIPTED_REPLY, sessionOf, startHarness } from "./harness.ts";

const withSecret = { env: { CONCIERGE_IDENTITY_SECRET: SHOP_SECRET } };

let harness: Harness | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await harness?.close();
  harness = undefined;
});

async function open(options: Parameters<typeof startHarness>[0] = {}, auth: Record<string, unknown> = {}) {
  harness = await startHarness(options);
  const socket = await chatClient(harness.url, auth);
  sockets.push(socket);
  return { harness, socket };
}

const send = (socket: Socket, payload: unknown) => socket.timeout(10_000).emitWithAck("message", payload);

describe("socket.io /chat message", () => {
  it("streams reply:delta before the acknowledgement, which carries exactly the public reply", async () => {
    const { harness, socket } = await open(withSecret, { token: await customerToken("shopper-7") });
    const deltas: string[] = [];
    let ackedBeforeDelta = false;
    let acked = false;
    socket.on("reply:delta", (d: { text: string }) => {
      if (acked) ackedBeforeDelta = true;
      deltas.push(d.text);
    });
    const reply = await send(socket, { text: "trail shoes please", locale: "en-GB" });
    acked = true;

    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe(SCRIPTED_REPLY.text);
    expect(ackedBeforeDelta).toBe(false);
    expect(reply).toEqual({
      text: SCRIPTED_REPLY.text,
      products: [
        { id: "sku-1", title: "Trailblazer Running Shoe", price: 89.5, currency: "USD", image: "/images/shoes.svg", reason: "because you viewed running gear" },
        { id: "sku-2", title: "Summit Hiking Boot", reason: "popular this week" },
      ],
      suggestions: ["Cheaper ones", "Show me jackets"],
    });
    const turn = harness.engine.turns[0]!;
    expect(turn).toEqual({
      conversationId: expect.stringMatching(/^web:[A-Za-z0-9_-]{27}$/),
      userId: "customer:shopper-7",
      text: "trail shoes please",
      locale: "en-GB",
      medium: "text",
      baseUrl: harness.url,
    });
  });

  it("gives an anonymous visitor an unguessable id of their own, which no message can change, and a token to come back with", async () => {
    harness = await startHarness();
    const socket = await chatClient(harness.url);
    sockets.push(socket);
    const session = (await sessionOf(socket)) as { shopper: { kind: string }; token: string };
    expect(session.shopper.kind).toBe("anonymous");
    await send(socket, { text: "hi" });
    await send(socket, { text: "again" });
    await send(socket, { text: "as someone", userId: "u-42" });
    const [a, b, c] = harness.engine.turns;
    expect(a!.userId).toMatch(/^anon:[A-Za-z0-9_-]{22}$/);
    expect(b!.userId).toBe(a!.userId);
    expect(b!.conversationId).toBe(a!.conversationId);
    expect(c!.userId).toBe(a!.userId);

    const other = await chatClient(harness.url);
    sockets.push(other);
    await send(other, { text: "hello" });
    expect(harness.engine.turns[3]!.conversationId).not.toBe(a!.conversationId);
    expect(harness.engine.turns[3]!.userId).not.toBe(a!.userId);

    // The token it was handed brings the same visitor back on a new connection; the id alone does not.
    const back = await chatClient(harness.url, { token: session.token });
    sockets.push(back);
    await send(back, { text: "back again" });
    expect(harness.engine.turns[4]!.userId).toBe(a!.userId);
    // Knowing the id is not enough: as a token it is refused, as auth.userId it is ignored.
    await expect(chatClient(harness.url, { token: a!.userId })).rejects.toMatchObject({ data: { code: "identity_not_configured" } });
    const claimed = await chatClient(harness.url, { userId: a!.userId });
    sockets.push(claimed);
    await send(claimed, { text: "I am them", userId: a!.userId });
    expect(harness.engine.turns[5]!.userId).not.toBe(a!.userId);
  });

  it.each([
    ["missing text", {}, "invalid_input", /text: required/],
    ["text a number", { text: 42 }, "invalid_input", /text: expected a string/],
    ["empty text", { text: "   " }, "invalid_input", /text: must not be empty/],
    ["not an object", "hello", "invalid_input", /expected an object \{text/],
    ["text over the limit", { text: "x".repeat(2001) }, "payload_too_large", /text: at most 2000 characters \(got 2001\)/],
  ])("answers %s with a clear error and keeps serving", async (_name, payload, code, message) => {
    const { harness, socket } = await open();
    const answer = await send(socket, payload);
    expect(answer.error.code).toBe(code);
    expect(answer.error.message).toMatch(message);
    expect(harness.engine.turns).toHaveLength(0);
    expect((await send(socket, { text: "still there?" })).text).toBe(SCRIPTED_REPLY.text);
  });

  it("refuses a 1 MB message by validation, without dropping the connection", async () => {
    const { socket } = await open();
    const answer = await send(socket, { text: "a".repeat(1024 * 1024) });
    expect(answer.error.code).toBe("payload_too_large");
    expect(answer.error.message).toMatch(/^text: at most 2000 characters \(got 1048576\)/);
    expect(socket.connected).toBe(true);
    expect((await send(socket, { text: "short one" })).text).toBe(SCRIPTED_REPLY.text);
  });

  it("answers a message sent without an acknowledgement callback with an error event", async () => {
    const { harness, socket } = await open();
    const error = new Promise<{ error: { code: string; message: string } }>((resolve) => socket.once("error", resolve));
    socket.emit("message", { text: "hi" });
    const { error: e } = await error;
    expect(e.code).toBe("invalid_input");
    expect(e.message).toMatch(/acknowledgement callback/);
    expect(harness.engine.turns).toHaveLength(0);
    expect((await send(socket, { text: "with ack" })).text).toBe(SCRIPTED_REPLY.text);
  });

  it("answers an unknown event with an error naming it", async () => {
    const { socket } = await open();
    const answer = await socket.timeout(5000).emitWithAck("mesage", { text: "typo" });
    expect(answer.error.message).toMatch(/unknown event "mesage"/);
  });

  it("answers not_ready until the engine is loaded", async () => {
    const { harness, socket } = await open({ ready: false });
    const answer = await send(socket, { text: "hi" });
    expect(answer.error.code).toBe("not_ready");
    harness.ready.value = true;
    expect((await send(socket, { text: "hi" })).text).toBe(SCRIPTED_REPLY.text);
  });

  it("answers an engine failure with internal_error, hiding the internals, and keeps serving", async () => {
    const { harness, socket } = await open();
    harness.engine.behaviour = "throw";
    const answer = await send(socket, { text: "boom" });
    expect(answer).toEqual({ error: { code: "internal_error", message: "something went wrong on our side" } });
    harness.engine.behaviour = "answer";
    expect((await send(socket, { text: "ok now" })).text).toBe(SCRIPTED_REPLY.text);
  });

  it("times a hanging turn out and aborts the engine's work", async () => {
    const { harness, socket } = await open({ turnTimeoutMs: 300 });
    harness.engine.behaviour = "hang";
    const answer = await send(socket, { text: "slow" });
    expect(answer.error.code).toBe("timeout");
    expect(harness.engine.lastSignal?.aborted).toBe(true);
  });

  it("rate-limits a shopper's messages across all their sockets, not each socket", async () => {
    const env = { CONCIERGE_IDENTITY_SECRET: SHOP_SECRET, RATE_LIMIT_BURST: "2", RATE_LIMIT_PER_SECOND: "0.01" };
    const { socket, harness } = await open({ env }, { token: await customerToken("chatty") });
    await send(socket, { text: "one" });
    await send(socket, { text: "two" });
    const third = await send(socket, { text: "three" });
    expect(third.error.code).toBe("rate_limited");
    expect(third.error.message).toMatch(/too many messages; try again in \d+ s/);
    // Another socket of the same shopper (a reconnect, a second tab) shares the limit.
    const again = await chatClient(harness.url, { token: await customerToken("chatty") });
    sockets.push(again);
    expect((await send(again, { text: "four" })).error.code).toBe("rate_limited");
    // Another shopper has their own.
    const other = await chatClient(harness.url);
    sockets.push(other);
    expect((await send(other, { text: "one" })).text).toBe(SCRIPTED_REPLY.text);
  });

  it("continues a conversation on a new connection when the shopper names its key, and only theirs", async () => {
    harness = await startHarness(withSecret);
    const token = await customerToken("returning");
    const first = await chatClient(harness.url, { token });
    sockets.push(first);
    const { conversation } = (await sessionOf(first)) as { conversation: string };
    expect(conversation).toMatch(/^[A-Za-z0-9_-]{16}$/);
    await send(first, { text: "one" });
    const again = await chatClient(harness.url, { token, conversation });
    sockets.push(again);
    expect(((await sessionOf(again)) as { conversation: string }).conversation).toBe(conversation);
    await send(again, { text: "two" });
    // The same key under another shopper is a conversation of theirs, not this one.
    const stranger = await chatClient(harness.url, { conversation });
    sockets.push(stranger);
    await send(stranger, { text: "three" });
    const [a, b, c] = harness.engine.turns;
    expect(b!.conversationId).toBe(a!.conversationId);
    expect(c!.conversationId).not.toBe(a!.conversationId);
  });

  it("takes no identity from auth.userId, and says so", async () => {
    harness = await startHarness();
    const socket = await chatClient(harness.url, { userId: "customer:customer-1001" });
    sockets.push(socket);
    const session = (await sessionOf(socket)) as { shopper: { kind: string }; notice?: string };
    expect(session.shopper.kind).toBe("anonymous");
    expect(session.notice).toMatch(/auth\.userId is ignored/);
    await send(socket, { text: "hi", userId: "customer:customer-1001" });
    expect(harness.engine.turns[0]!.userId).toMatch(/^anon:/);
  });
});

describe("socket.io /chat event", () => {
  it("records an event for the socket's shopper, with ts defaulting to now", async () => {
    const { harness, socket } = await open(withSecret, { token: await customerToken("shopper-9") });
    const before = Date.now();
    const answer = await socket.timeout(5000).emitWithAck("event", { itemId: "sku-1", type: "view" });
    expect(answer).toEqual({ ok: true, accepted: 1, dropped: 0 });
    const [event] = harness.events[0]!;
    expect(event).toMatchObject({ userId: "customer:shopper-9", itemId: "sku-1", type: "view" });
    expect(event!.ts).toBeGreaterThanOrEqual(before);
    expect(event!.ts).toBeLessThanOrEqual(Date.now());
  });

  it("accepts an ISO ts and an array, recording them as the socket's shopper whatever userId they name", async () => {
    const { harness, socket } = await open(withSecret, { token: await customerToken("u1") });
    const answer = await socket.timeout(5000).emitWithAck("event", [
      { userId: "customer:someone-else", itemId: "sku-1", type: "rating", value: 5, ts: "2025-03-01T10:00:00Z" },
      { itemId: "sku-2", type: "cart", ts: 1735689600000 },
    ]);
    expect(answer).toEqual({ ok: true, accepted: 2, dropped: 0 });
    expect(harness.events[0]).toEqual([
      { userId: "customer:u1", itemId: "sku-1", type: "rating", value: 5, ts: Date.parse("2025-03-01T10:00:00Z") },
      { userId: "customer:u1", itemId: "sku-2", type: "cart", ts: 1735689600000 },
    ]);
  });

  it.each([
    ["an unknown type", { itemId: "sku-1", type: "like" }, /type: unknown event type "like"; expected one of view, cart, purchase, favourite, rating/],
    ["a bad ts", { itemId: "sku-1", type: "view", ts: "yesterday" }, /ts: expected epoch milliseconds/],
    ["no itemId", { type: "view" }, /itemId: expected a string/],
    ["a rating out of range", { itemId: "sku-1", type: "rating", value: 9 }, /value: a rating's value must be between 1 and 5/],
  ])("refuses %s naming the field", async (_name, payload, message) => {
    const { harness, socket } = await open();
    const answer = await socket.timeout(5000).emitWithAck("event", payload);
    expect(answer.error.code).toBe("invalid_input");
    expect(answer.error.message).toMatch(message);
    expect(harness.events).toHaveLength(0);
  });

  it("reports a failure to store events as an error event when there is no acknowledgement", async () => {
    const { harness, socket } = await open();
    harness.failEvents.value = true;
    const error = new Promise<{ error: { code: string } }>((resolve) => socket.once("error", resolve));
    socket.emit("event", { itemId: "sku-1", type: "view" });
    expect((await error).error.code).toBe("internal_error");
  });
});

describe("socket.io /chat handshake identity", () => {
  it.each([
    ["signed with another secret", () => customerToken("customer-1001", { secret: "not-the-shop-secret-0123456789abcdef" }), /signature does not verify/],
    ["expired", () => customerToken("customer-1001", { expiresIn: Math.floor(Date.now() / 1000) - 3600 }), /expired/],
    ["without exp", () => customerToken("customer-1001", { noExp: true }), /claim exp is required/],
    ["unsigned (alg none)", async () => `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "customer-1001", exp: 9e9 })).toString("base64url")}.`, /algorithm none is not accepted/],
    ["not a token at all", async () => "customer-1001", /not a signed token/],
  ])("refuses a token %s with its reason, never as an anonymous visitor", async (_name, make, message) => {
    harness = await startHarness(withSecret);
    const refused = await chatClient(harness.url, { token: await make() }).then(
      (socket) => {
        sockets.push(socket);
        return undefined;
      },
      (err: Error & { data?: { code: string; message: string } }) => err,
    );
    expect(refused?.data?.code).toBe("invalid_token");
    expect(refused?.message).toMatch(/^auth\.token: /);
    expect(refused?.message).toMatch(message);
    expect(harness.engine.turns).toHaveLength(0);
  });

  it("refuses any customer token when the shop configured no way to sign them", async () => {
    harness = await startHarness();
    const err = await chatClient(harness.url, { token: await customerToken("customer-1001") }).catch((e: Error & { data?: { code: string } }) => e);
    expect((err as { data?: { code: string } }).data?.code).toBe("identity_not_configured");
    expect((err as Error).message).toMatch(/CONCIERGE_IDENTITY_SECRET/);
  });

  it("takes the token's name and locale, and never reads a sub as another origin", async () => {
    harness = await startHarness(withSecret);
    const socket = await chatClient(harness.url, { token: await customerToken("anon:abc", { claims: { name: "Ada", locale: "zh-CN" } }) });
    sockets.push(socket);
    const session = (await sessionOf(socket)) as { shopper: { kind: string; name?: string }; token?: string };
    expect(session).toEqual({ shopper: { kind: "customer", name: "Ada" }, conversation: expect.any(String) });
    await send(socket, { text: "hi" });
    expect(harness.engine.turns[0]).toMatchObject({ userId: "customer:anon:abc", locale: "zh-CN" });
  });
});
