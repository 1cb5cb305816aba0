import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createBotAdapter } from "../../bot/botframework/adapter.ts";
import { parseActivity } from "../../bot/botframework/activity.ts";
import { createLogger } from "../../core/logger.ts";
import { testConfig } from "./harness.ts";

// biome-ignore lint/suspicious/noExplicitAny: tests read the wire fields directly
type Json = any;

const APP_ID = "00000000-0000-0000-0000-00000000a11d";
const SERVICE_URL = "https://smba.trafficmanager.net/amer/";

/**
 * An identity provider on this machine: it publishes a signing key at the address the SDK derives
 * from the authority (…/discovery/v2.0/keys), and its issuer is the authority's v2.0 issuer, which
 * the SDK accepts for the configured tenant. Tokens are signed here with jose, not with the SDK.
 */
let provider: http.Server;
let authority: string;
let keysAnswer: "keys" | "error" = "keys";
const keys = { signing: undefined as CryptoKey | undefined, other: undefined as CryptoKey | undefined, jwks: {} as Json };

beforeAll(async () => {
  const signing = await generateKeyPair("RS256", { extractable: true });
  const other = await generateKeyPair("RS256");
  keys.signing = signing.privateKey;
  keys.other = other.privateKey;
  keys.jwks = { keys: [{ ...(await exportJWK(signing.publicKey)), kid: "key-1", use: "sig", alg: "RS256" }] };
  provider = http.createServer((req, res) => {
    if (keysAnswer === "error") return res.writeHead(500).end("down");
    if (req.url?.endsWith("/discovery/v2.0/keys")) return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(keys.jwks));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => provider.listen(0, "127.0.0.1", r));
  authority = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/tenant-a`;
});
afterAll(() => new Promise<void>((r) => provider.close(() => r())));

function token(claims: Record<string, unknown> = {}, options: { key?: CryptoKey; kid?: string; expiresIn?: string; audience?: string; issuer?: string } = {}) {
  return new SignJWT({ serviceurl: SERVICE_URL, ...claims })
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? "key-1" })
    .setIssuer(options.issuer ?? `${authority}/v2.0`)
    .setAudience(options.audience ?? APP_ID)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "10m")
    .sign(options.key ?? keys.signing!);
}

function adapterAt(authorityEndpoint: string) {
  const config = testConfig({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: "secret" });
  return createBotAdapter(config.bot, createLogger("silent"), { authorityEndpoint }).adapter;
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; status: number; message: string };
  }
  throw new Error("expected a refusal");
}

describe("Bot Framework authentication (the Agents SDK's token check, our answers)", () => {
  it("accepts a token signed by the issuer's published key, for our app id", async () => {
    const claims = await adapterAt(authority).authenticate(`Bearer ${await token()}`, SERVICE_URL);
    expect(claims).toMatchObject({ aud: APP_ID, iss: `${authority}/v2.0`, serviceurl: SERVICE_URL });
  });

  it.each([
    ["no token", async () => ""],
    ["a token that is not a JWT", async () => "Bearer not-a-token"],
    ["another scheme", async () => `Basic ${Buffer.from("a:b").toString("base64")}`],
    ["a token for another app", async () => `Bearer ${await token({}, { audience: "someone-else" })}`],
    ["a token from another issuer (signed with the published key)", async () => `Bearer ${await token({}, { issuer: "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0" })}`],
    ["an expired token", async () => `Bearer ${await token({}, { expiresIn: "-1h" })}`],
    ["a token signed with another key under the published key's id", async () => `Bearer ${await token({}, { key: keys.other })}`],
    ["a token signed with a key the issuer does not publish", async () => `Bearer ${await token({}, { kid: "key-9" })}`],
  ])("refuses %s with 401 unauthorized", async (_name, header) => {
    const err = await refusal(adapterAt(authority).authenticate(await header(), SERVICE_URL));
    expect(err).toMatchObject({ code: "unauthorized", status: 401 });
    expect(err.message).toMatch(/^Bot Framework authentication failed: /);
  });

  it("refuses a token issued for another serviceUrl than the activity names", async () => {
    const err = await refusal(adapterAt(authority).authenticate(`Bearer ${await token()}`, "https://smba.trafficmanager.net/emea/"));
    expect(err).toMatchObject({ code: "unauthorized", status: 401, message: expect.stringMatching(/serviceurl claim/) });
  });

  it("answers 503 auth_unavailable when the signing keys cannot be fetched (the sender is not at fault)", async () => {
    const unreachable = await refusal(adapterAt("http://127.0.0.1:9/tenant-a").authenticate(`Bearer ${await token()}`, SERVICE_URL));
    expect(unreachable).toMatchObject({ code: "auth_unavailable", status: 503, message: expect.stringMatching(/^could not verify the Bot Framework token: /) });
    keysAnswer = "error";
    try {
      // A fresh address: the SDK keeps the keys it fetched per address.
      const failing = await refusal(adapterAt(`${authority.replace("tenant-a", "tenant-b")}`).authenticate(`Bearer ${await token()}`, SERVICE_URL));
      expect(failing).toMatchObject({ code: "auth_unavailable", status: 503 });
    } finally {
      keysAnswer = "keys";
    }
  });

  it("runs an authenticated turn and returns its replies in the channel's format, with nothing printed", async () => {
    const printed = [vi.spyOn(process.stderr, "write"), vi.spyOn(process.stdout, "write"), vi.spyOn(console, "error"), vi.spyOn(console, "warn"), vi.spyOn(console, "log")];
    try {
      const adapter = adapterAt(authority);
      const activity = parseActivity({
        type: "message",
        id: "act-7",
        channelId: "msteams",
        serviceUrl: SERVICE_URL,
        conversation: { id: "a:conv" },
        from: { id: "29:user" },
        recipient: { id: "28:bot" },
        text: "hi",
        deliveryMode: "expectReplies",
      });
      const result = await adapter.run({ authorization: `Bearer ${await token()}` }, activity, async (context) => {
        await context.sendActivity({ type: "message", text: "hello" } as Parameters<typeof context.sendActivity>[0]);
      });
      expect(result?.status).toBe(200);
      const [reply] = (result?.body as Json | undefined)?.activities ?? [];
      expect(reply).toMatchObject({ type: "message", text: "hello", channelId: "msteams", replyToId: "act-7", conversation: { id: "a:conv" }, from: { id: "28:bot" }, recipient: { id: "29:user" } });
      // The SDK's class keeps the channel in a private field; the wire has channelId only.
      expect(reply).not.toHaveProperty("_channelId");

      // A failing turn reaches the caller as it failed: the SDK neither answers it in the chat nor logs it.
      const boom = new Error("engine exploded");
      await expect(adapter.run({ authorization: `Bearer ${await token()}` }, activity, async () => Promise.reject(boom))).rejects.toBe(boom);
      await refusal(adapter.run({}, activity, async () => {}));
      for (const spy of printed) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of printed) spy.mockRestore();
    }
  });
});

describe("Bot Framework configuration", () => {
  const build = (env: Record<string, string>) => () => createBotAdapter(testConfig(env).bot, createLogger("silent"));
  it.each([
    [{ MICROSOFT_APP_ID: "app", MICROSOFT_APP_TYPE: "SingleTenant", MICROSOFT_APP_PASSWORD: "s" }, /MICROSOFT_APP_TENANT_ID is required for SingleTenant/],
    [{ MICROSOFT_APP_ID: "app", MICROSOFT_APP_TYPE: "SingleTenant", MICROSOFT_APP_TENANT_ID: "t" }, /MICROSOFT_APP_PASSWORD is required for SingleTenant/],
    [{ MICROSOFT_APP_ID: "app", MICROSOFT_APP_TYPE: "UserAssignedMSI" }, /MICROSOFT_APP_TENANT_ID is required for MSI/],
    [{ MICROSOFT_APP_ID: "app", MICROSOFT_APP_TYPE: "UserAssignedMSI", MICROSOFT_APP_TENANT_ID: "t", MICROSOFT_APP_PASSWORD: "s" }, /MICROSOFT_APP_PASSWORD must not be set for MSI/],
  ])("refuses %j as botbuilder did", (env, message) => {
    expect(build(env)).toThrow(message);
  });

  it.each<Record<string, string>>([
    {},
    { CONCIERGE_BOTFRAMEWORK_ANONYMOUS: "1" },
    { MICROSOFT_APP_ID: "app" },
    { MICROSOFT_APP_ID: "app", MICROSOFT_APP_TYPE: "SingleTenant", MICROSOFT_APP_PASSWORD: "s", MICROSOFT_APP_TENANT_ID: "t" },
    { MICROSOFT_APP_ID: "app", MICROSOFT_APP_TYPE: "UserAssignedMSI", MICROSOFT_APP_TENANT_ID: "t" },
  ])("starts with %j", (env) => {
    expect(build(env)).not.toThrow();
  });

  it("starts without an app id under NODE_ENV=production too (the SDK refuses that for itself)", () => {
    vi.stubEnv("NODE_ENV", "production");
    try {
      expect(build({ CONCIERGE_BOTFRAMEWORK_ANONYMOUS: "1" })).not.toThrow();
      expect(build({})).not.toThrow();
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
