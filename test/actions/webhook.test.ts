import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionError, type ActionRequest, postToIncomingWebhook, verifySignature, WebhookActions } from "../../actions/index.ts";
import { registry } from "../../core/metrics.ts";
import { delay, json, webhookServer } from "./server.ts";

const SECRET = "a-test-secret-of-32-characters!!";
const request: ActionRequest = {
  action: "order_status",
  intent: "order_status",
  shopper: { id: "customer:42", verified: true },
  entities: { orderNumber: "AB-12345", email: "jane@example.com" },
  text: "where is order AB-12345? 谢谢 😀",
  locale: "en",
  conversationId: "conv-1",
};

let server: Awaited<ReturnType<typeof webhookServer>>;
beforeAll(async () => {
  server = await webhookServer({
    "/ok": (_r, res) => json(res, { text: "Order AB-12345 shipped on 3 May.", products: ["sku-1"], extra: "ignored" }),
    "/slow": async (_r, res) => {
      await delay(1500);
      json(res, { text: "too late" });
    },
    "/busy": async (_r, res) => {
      await delay(150);
      json(res, { text: "ok" });
    },
    "/500": (_r, res) => json(res, { text: "internal error" }, 500),
    "/badjson": (_r, res) => json(res, "{not json"),
    "/shape": (_r, res) => json(res, { text: 5, products: "sku-1" }),
    "/empty": (_r, res) => json(res, { text: "  " }),
    "/redirect": (_r, res) => {
      res.writeHead(302, { Location: server.url("/ok") }).end();
    },
    "/slack": (_r, res) => {
      res.writeHead(200).end("ok");
    },
  });
});
afterAll(() => server.close());

const client = (path: string, options: Partial<ConstructorParameters<typeof WebhookActions>[0]> = {}) => new WebhookActions({ url: server.url(path), secret: SECRET, timeoutMs: 2000, ...options });

async function failure(p: Promise<unknown>): Promise<ActionError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ActionError);
  return err as ActionError;
}

describe("the shop's webhook", () => {
  it("POSTs exactly the contract's keys, signed with an HMAC-SHA256 of the raw body", async () => {
    const answer = await client("/ok").call({ ...request, extra: "not sent" } as ActionRequest);
    expect(answer).toEqual({ text: "Order AB-12345 shipped on 3 May.", products: ["sku-1"] });
    const got = server.received.at(-1)!;
    // Computed here, independently of actions/sign.ts.
    const expected = `sha256=${createHmac("sha256", SECRET).update(got.raw).digest("hex")}`;
    expect(got.headers["x-concierge-signature"]).toBe(expected);
    expect(got.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(got.raw.toString("utf8"));
    expect(Object.keys(body).sort()).toEqual(["action", "conversationId", "entities", "intent", "locale", "shopper", "text"]);
    expect(Object.keys(body.shopper).sort()).toEqual(["id", "verified"]);
    expect(body).toEqual({ ...request });
    // What a shop's verification (docs/actions.md) does: a changed byte fails.
    expect(verifySignature(got.raw, SECRET, expected)).toBe(true);
    expect(verifySignature(Buffer.concat([got.raw, Buffer.from(" ")]), SECRET, expected)).toBe(false);
    expect(verifySignature(got.raw, "another-secret-of-some-length", expected)).toBe(false);
  });

  it("gives up at the timeout instead of waiting for a slow shop", async () => {
    const started = Date.now();
    const err = await failure(client("/slow", { timeoutMs: 200 }).call(request));
    expect(err.reason).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it.each([
    ["/500", "http_status", /HTTP 500/],
    ["/badjson", "bad_answer", /not JSON/],
    ["/shape", "bad_answer", /text: .*; products: /],
    ["/empty", "bad_answer", /text: must be a non-empty string/],
    ["/redirect", "unreachable", /could not be reached/],
  ])("treats %s as an error, never as an answer", async (path, reason, message) => {
    const err = await failure(client(path).call(request));
    expect(err.reason).toBe(reason);
    expect(err.message).toMatch(message);
  });

  it("counts calls by action and outcome for /metrics", async () => {
    const count = async (outcome: string) => {
      const m = (await registry.getSingleMetric("concierge_action_calls_total")?.get())?.values.find((v) => v.labels.action === "returns" && v.labels.outcome === outcome);
      return m?.value ?? 0;
    };
    const [ok, bad] = [await count("ok"), await count("bad_answer")];
    await client("/ok").call({ ...request, action: "returns" });
    await client("/badjson").call({ ...request, action: "returns" }).catch(() => undefined);
    expect(await count("ok")).toBe(ok + 1);
    expect(await count("bad_answer")).toBe(bad + 1);
  });

  it("an unreachable webhook is an error too", async () => {
    const err = await failure(new WebhookActions({ url: "http://127.0.0.1:1/", secret: SECRET, timeoutMs: 1000 }).call(request));
    expect(err.reason).toBe("unreachable");
  });

  it("keeps at most `concurrency` calls in flight, and refuses at once beyond the queue", async () => {
    server.inFlight.max = 0;
    const c = client("/busy", { concurrency: 2, queue: 3 });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => c.call(request)));
    expect(server.inFlight.max).toBe(2);
    const busy = results.filter((r) => r.status === "rejected" && (r.reason as ActionError).reason === "busy");
    expect(busy).toHaveLength(1);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
  });

  it("a call waiting for a slot still ends at its timeout", async () => {
    const c = client("/slow", { concurrency: 1, timeoutMs: 300 });
    const started = Date.now();
    const [a, b] = await Promise.allSettled([c.call(request), c.call(request)]);
    expect(Date.now() - started).toBeLessThan(1200);
    for (const r of [a, b]) expect(r.status === "rejected" && (r.reason as ActionError).reason).toBe("timeout");
  });

  it("posts a hand-off to a Slack or Teams incoming webhook as {text}", async () => {
    await postToIncomingWebhook(server.url("/slack"), "hand-off ABC", { timeoutMs: 1000 });
    const got = server.received.at(-1)!;
    expect(JSON.parse(got.raw.toString("utf8"))).toEqual({ text: "hand-off ABC" });
    await expect(postToIncomingWebhook(server.url("/500"), "x", { timeoutMs: 1000 })).rejects.toThrow(/HTTP 500/);
  });
});
