import { createHash, createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VoiceStackLoader } from "../../bot/voice/stack.ts";
import { twilioSignature, validTwilioSignature } from "../../bot/voice/telephony-auth.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { concatPcm, silence } from "../../voice/index.ts";
import { fliteSpeech } from "../voice/helpers.ts";
import { type Harness, startHarness, testConfig } from "./harness.ts";
import { callLine } from "./phone-line.ts";

/**
 * The telephone line with and without CONCIERGE_TELEPHONY_AUTH_TOKEN: the provider's signed
 * webhook, the per-call token it hands the media stream, and who a call speaks for. Two services
 * share one set of voice models (real VAD, recogniser and flite); the dialogs are the harness's
 * scripted engine, so the test sees exactly which user and conversation each turn ran as.
 */
const AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
const CALL_SID = "CA1234567890abcdef1234567890abcdef";
const FROM = "+14155550123";
const TWIML = "/api/telephony/twiml";

// Independent of bot/voice/telephony-auth.ts: Twilio's documented recipe, straight on node:crypto.
const sign = (url: string, form: Record<string, string>) =>
  createHmac("sha1", AUTH_TOKEN)
    .update(url + Object.keys(form).sort().map((k) => k + form[k]).join(""))
    .digest("base64");
const expectedToken = (callSid: string, from = "", issuedAt = Date.now()) =>
  `${issuedAt}.${createHmac("sha256", AUTH_TOKEN).update(`${callSid}\n${from}\n${issuedAt}`).digest("hex")}`;
/** The token the TwiML carries, checked as a test would: its issue time, and its HMAC over call, number and time. */
const tokenIn = (twiml: string) => {
  const token = /<Parameter name="token" value="(\d+)\.([0-9a-f]{64})"\/>/.exec(twiml);
  expect(token, "a token of the form <issued ms>.<hex HMAC>").not.toBeNull();
  const issuedAt = Number(token![1]);
  expect(Math.abs(Date.now() - issuedAt)).toBeLessThan(10_000);
  expect(`${token![1]}.${token![2]}`).toBe(expectedToken(CALL_SID, FROM, issuedAt));
  return `${token![1]}.${token![2]}`;
};

let dataDir: string;
let loader: VoiceStackLoader;
let secured: Harness;
let open: Harness;
let openLog = "";
const request = () => concatPcm([silence(300), fliteSpeech("show me running shoes under one hundred dollars"), silence(1500)]);

async function postTwiml(h: Harness, form: Record<string, string>, headers: Record<string, string> = {}, query = "") {
  const res = await fetch(`${h.url}${TWIML}${query}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  return { status: res.status, text, json: res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined };
}

const callForm = { AccountSid: "AC0", CallSid: CALL_SID, From: FROM, To: "+18005550100", CallStatus: "ringing", Direction: "inbound" };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "concierge-telephony-"));
  const modelsDir = process.env.CONCIERGE_MODELS_DIR ?? "";
  const env = { CONCIERGE_DATA_DIR: dataDir, CONCIERGE_MODELS_DIR: modelsDir };
  loader = new VoiceStackLoader({ config: testConfig(env), logger: createLogger("silent"), products: async () => [] });
  const sink = new Writable({
    write(chunk, _enc, done) {
      openLog += chunk.toString();
      done();
    },
  });
  const capture = pino({ level: "warn" }, sink);
  secured = await startHarness({ env: { ...env, CONCIERGE_TELEPHONY_AUTH_TOKEN: AUTH_TOKEN }, voice: loader });
  open = await startHarness({ env, voice: loader, logger: capture });
  await loader.get();
}, 900_000);

afterAll(async () => {
  await secured?.close();
  await open?.close();
  await loader?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the provider's signature", () => {
  it("matches the worked example in Twilio's webhook security documentation", () => {
    // twilio.com/docs/usage/webhooks/webhooks-security: auth token 12345, this URL and these fields.
    const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    const form = { CallSid: "CA1234567890ABCDE", Caller: "+14158675310", Digits: "1234", From: "+14158675310", To: "+18005551212" };
    expect(twilioSignature("12345", url, form)).toBe("GvWf1cFY/Q7PnoempGyD5oXAezc=");
    expect(validTwilioSignature("12345", "GvWf1cFY/Q7PnoempGyD5oXAezc=", url, form)).toBe(true);
    expect(validTwilioSignature("12345", "GvWf1cFY/Q7PnoempGyD5oXAezc=", url, { ...form, Digits: "9999" })).toBe(false);
    expect(validTwilioSignature("12345", "GvWf1cFY/Q7PnoempGyD5oXAezc=", url.replace("https", "http"), form)).toBe(false);
    expect(validTwilioSignature("54321", "GvWf1cFY/Q7PnoempGyD5oXAezc=", url, form)).toBe(false);
    // What Twilio signed may carry the default port or not, depending on how the webhook was configured.
    expect(validTwilioSignature("12345", "GvWf1cFY/Q7PnoempGyD5oXAezc=", "https://mycompany.com:443/myapp.php?foo=1&bar=2", form)).toBe(true);
  });

  it("config: CONCIERGE_TELEPHONY_AUTH_TOKEN is optional, and a bad value names it", () => {
    expect(loadConfig({}).telephonyAuthToken).toBeUndefined();
    expect(loadConfig({ CONCIERGE_TELEPHONY_AUTH_TOKEN: "" }).telephonyAuthToken).toBeUndefined();
    expect(loadConfig({ CONCIERGE_TELEPHONY_AUTH_TOKEN: AUTH_TOKEN }).telephonyAuthToken).toBe(AUTH_TOKEN);
    expect(() => loadConfig({ CONCIERGE_TELEPHONY_AUTH_TOKEN: "short" })).toThrow(/CONCIERGE_TELEPHONY_AUTH_TOKEN: must be at least 16/);
    expect(() => loadConfig({ CONCIERGE_TELEPHONY_AUTH_TOKEN: `${AUTH_TOKEN} trailing` })).toThrow(/CONCIERGE_TELEPHONY_AUTH_TOKEN: must not contain spaces/);
  });

  it("config: CONCIERGE_PUBLIC_URL, the address the provider signs, is an http(s) URL without its trailing slash", () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ CONCIERGE_PUBLIC_URL: "https://shop.example/concierge/" }).publicUrl).toBe("https://shop.example/concierge");
    expect(() => loadConfig({ CONCIERGE_PUBLIC_URL: "shop.example" })).toThrow(/CONCIERGE_PUBLIC_URL/);
    expect(() => loadConfig({ CONCIERGE_PUBLIC_URL: "https://shop.example/?x=1" })).toThrow(/CONCIERGE_PUBLIC_URL/);
  });
});

describe("with CONCIERGE_TELEPHONY_AUTH_TOKEN", () => {
  it("answers a correctly signed webhook with TwiML carrying the call's token and the caller's number", async () => {
    const res = await postTwiml(secured, callForm, { "x-twilio-signature": sign(`${secured.url}${TWIML}`, callForm) });
    expect(res.status).toBe(200);
    tokenIn(res.text);
    expect(res.text).toContain(`<Parameter name="from" value="${FROM}"/>`);
    expect(res.text).toMatch(/<Stream url="wss:\/\/127\.0\.0\.1:\d+\/api\/telephony\/media-stream">/);
  });

  it("checks the URL the provider called through a TLS proxy, query included", async () => {
    const headers = { "x-forwarded-proto": "https", "x-forwarded-host": "shop.example" };
    const good = await postTwiml(secured, callForm, { ...headers, "x-twilio-signature": sign(`https://shop.example${TWIML}?line=2`, callForm) }, "?line=2");
    expect(good.status).toBe(200);
    expect(good.text).toContain(`<Stream url="wss://shop.example/api/telephony/media-stream">`);
    // The same signature does not hold for the URL as the service itself saw it.
    const direct = await postTwiml(secured, callForm, { "x-twilio-signature": sign(`https://shop.example${TWIML}?line=2`, callForm) }, "?line=2");
    expect(direct.status).toBe(403);
  });

  it("checks the configured public URL rather than the Host the request claims", async () => {
    const h = await startHarness({ env: { CONCIERGE_DATA_DIR: dataDir, CONCIERGE_TELEPHONY_AUTH_TOKEN: AUTH_TOKEN }, voice: loader, publicUrl: "https://shop.example/" });
    try {
      const good = await postTwiml(h, callForm, { "x-twilio-signature": sign(`https://shop.example${TWIML}`, callForm) });
      expect(good.status).toBe(200);
      expect(good.text).toContain(`<Stream url="wss://shop.example/api/telephony/media-stream">`);
      expect((await postTwiml(h, callForm, { "x-twilio-signature": sign(`${h.url}${TWIML}`, callForm) })).status).toBe(403);
    } finally {
      await h.close();
    }
  });

  it("refuses a missing, wrong or replayed-onto-other-fields signature with 403 unauthorized", async () => {
    const missing = await postTwiml(secured, callForm);
    expect(missing.status).toBe(403);
    expect(missing.json).toEqual({ error: { code: "unauthorized", message: expect.stringMatching(/X-Twilio-Signature: missing/) } });
    const wrong = await postTwiml(secured, callForm, { "x-twilio-signature": "GvWf1cFY/Q7PnoempGyD5oXAezc=" });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error).toMatchObject({ code: "unauthorized", message: expect.stringMatching(/does not match/) });
    // A genuine signature, sent with another caller's number in the body.
    const tampered = await postTwiml(secured, { ...callForm, From: "+14155550199" }, { "x-twilio-signature": sign(`${secured.url}${TWIML}`, callForm) });
    expect(tampered.status).toBe(403);
    expect(tampered.text).not.toContain("Parameter");
  });

  it("takes the token from the TwiML into a call that is heard and answered as the caller's own shopper", async () => {
    const twiml = await postTwiml(secured, callForm, { "x-twilio-signature": sign(`${secured.url}${TWIML}`, callForm) });
    const params = Object.fromEntries([...twiml.text.matchAll(/<Parameter name="(\w+)" value="([^"]*)"\/>/g)].map((m) => [m[1], m[2]]));
    expect(params).toEqual({ token: tokenIn(twiml.text), from: FROM });
    const call = await callLine(Number(new URL(secured.url).port), { callSid: CALL_SID, customParameters: params, sendStart: false });
    // Audio before the start belongs to no one: never heard, even once the start is accepted.
    await call.play(concatPcm([fliteSpeech("show me hiking boots"), silence(1500)]).samples);
    call.start();
    await call.play(request().samples);
    await call.until(() => call.received.some((m) => m.event === "mark"));
    expect(call.received.filter((m) => m.event === "media").length).toBeGreaterThan(10);
    const turns = secured.engine.turns.filter((t) => t.conversationId === `phone:${CALL_SID}`);
    expect(turns.length).toBeGreaterThan(0);
    expect(turns.map((t) => t.text).join(" ")).toMatch(/running shoes/);
    expect(turns.map((t) => t.text).join(" ")).not.toMatch(/hiking|boots/);
    // The caller is known by a hash keyed with the server's secret: not one anyone can compute from the number.
    const unkeyed = createHash("sha256").update(FROM).digest("hex");
    expect(turns[0]!.userId).toMatch(/^phone:[0-9a-f]{32}$/);
    expect(unkeyed).not.toContain(turns[0]!.userId.slice("phone:".length, "phone:".length + 16));
    for (const t of turns) expect(t).toMatchObject({ userId: turns[0]!.userId, medium: "speech" });
    call.ws.close();
    // The same start replayed (the TwiML was logged somewhere): the token is taken, once per call.
    const replay = await callLine(Number(new URL(secured.url).port), { callSid: CALL_SID, customParameters: params });
    await replay.play(request().samples);
    expect(await replay.closed).toEqual({ code: 1008, reason: "unauthorised" });
  });

  for (const [name, callSid, parameters] of [
    // A token genuinely issued, but for another call.
    ["a wrong token", "CA00000000000000000000000000wrong", { token: expectedToken(CALL_SID, FROM), from: FROM }],
    // The call's own token, presented with another caller's number to open their profile.
    ["a token for another caller", "CA0000000000000000000000000spoof", { token: expectedToken("CA0000000000000000000000000spoof", FROM), from: "+14155550199" }],
    ["no token", "CA0000000000000000000000000000none", { from: FROM }],
    // Genuinely signed for this call and number, but issued two minutes ago.
    ["an expired token", "CA000000000000000000000000000expd", { token: expectedToken("CA000000000000000000000000000expd", FROM, Date.now() - 120_000), from: FROM }],
  ] as const) {
    it(`closes a stream with ${name} 1008 before hearing anything`, async () => {
      const call = await callLine(Number(new URL(secured.url).port), { callSid, customParameters: parameters });
      await call.play(request().samples);
      expect(await call.closed).toEqual({ code: 1008, reason: "unauthorised" });
      expect(call.received).toEqual([]);
      expect(secured.engine.turns.filter((t) => t.conversationId === `phone:${callSid}`)).toEqual([]);
    });
  }
});

describe("without CONCIERGE_TELEPHONY_AUTH_TOKEN", () => {
  it("warns once at start-up that the line is unauthenticated", () => {
    expect(openLog.match(/CONCIERGE_TELEPHONY_AUTH_TOKEN is not set/g)).toHaveLength(1);
  });

  it("serves TwiML without a signature, and hands the stream no token", async () => {
    const res = await postTwiml(open, callForm);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<Stream url="wss:\/\/127\.0\.0\.1:\d+\/api\/telephony\/media-stream"\/>/);
    expect(res.text).not.toContain("Parameter");
  });

  it("ignores a userId custom parameter: the call is a shopper of its own", async () => {
    const callSid = "CA00000000000000000000000000open";
    const call = await callLine(Number(new URL(open.url).port), { callSid, customParameters: { userId: "shopper-42", from: FROM } });
    await call.play(request().samples);
    await call.until(() => call.received.some((m) => m.event === "mark"));
    const turns = open.engine.turns.filter((t) => t.conversationId === `phone:${callSid}`);
    expect(turns.length).toBeGreaterThan(0);
    expect(turns[0]!.userId).toMatch(/^anon:/);
    for (const t of turns) expect(t.userId).toBe(turns[0]!.userId);
    call.ws.close();
  });
});
