import { describe, expect, it } from "vitest";
import { actionsFromConfig, WebhookActions } from "../../actions/index.ts";
import { loadConfig } from "../../core/config.ts";

const SECRET = "0123456789abcdef-secret";

describe("actions configuration", () => {
  it("reads the webhook, its secret, the timeout and a hand-off URL", () => {
    const config = loadConfig({ CONCIERGE_ACTIONS_URL: "https://shop.example/concierge", CONCIERGE_ACTIONS_SECRET: SECRET, CONCIERGE_ACTIONS_TIMEOUT_MS: "2500", CONCIERGE_HANDOFF_URL: "https://hooks.slack.com/services/T0/B0/x" });
    expect(config.actions).toEqual({ webhook: { url: "https://shop.example/concierge", secret: SECRET }, handoffUrl: "https://hooks.slack.com/services/T0/B0/x", timeoutMs: 2500, concurrency: 8 });
    const setup = actionsFromConfig(config.actions);
    expect(setup.webhook).toBeInstanceOf(WebhookActions);
    expect((setup.webhook as WebhookActions).timeoutMs).toBe(2500);
    expect(setup.notify).toBeTypeOf("function");
  });

  it("without them there is no webhook and no hand-off target, and the default timeout is a few seconds", () => {
    const config = loadConfig({ CONCIERGE_ACTIONS_URL: "", CONCIERGE_HANDOFF_URL: "" });
    expect(config.actions?.webhook).toBeUndefined();
    expect(config.actions?.timeoutMs).toBeGreaterThanOrEqual(1000);
    expect(config.actions?.timeoutMs).toBeLessThanOrEqual(10_000);
    expect(actionsFromConfig(config.actions)).toEqual({ webhook: undefined, notify: undefined });
  });

  it.each([
    [{ CONCIERGE_ACTIONS_URL: "ftp://shop.example/x", CONCIERGE_ACTIONS_SECRET: SECRET }, /CONCIERGE_ACTIONS_URL: must be an http\(s\) URL/],
    [{ CONCIERGE_ACTIONS_URL: "shop.example/x", CONCIERGE_ACTIONS_SECRET: SECRET }, /CONCIERGE_ACTIONS_URL: must be an http\(s\) URL/],
    [{ CONCIERGE_ACTIONS_URL: "https://shop.example/x", CONCIERGE_ACTIONS_SECRET: "short" }, /CONCIERGE_ACTIONS_SECRET: must be at least 16 characters/],
    [{ CONCIERGE_ACTIONS_URL: "https://shop.example/x" }, /CONCIERGE_ACTIONS_SECRET: is required when CONCIERGE_ACTIONS_URL is set/],
    [{ CONCIERGE_HANDOFF_URL: "not a url" }, /CONCIERGE_HANDOFF_URL: must be an http\(s\) URL/],
    [{ CONCIERGE_ACTIONS_TIMEOUT_MS: "0" }, /CONCIERGE_ACTIONS_TIMEOUT_MS/],
  ])("refuses %j naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
