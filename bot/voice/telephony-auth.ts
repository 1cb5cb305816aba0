import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type express from "express";

/**
 * Authentication of the telephone line with the phone provider's auth token (Twilio's scheme):
 * the provider signs its webhook requests, and the TwiML we answer hands the media stream a
 * per-call token, so the stream can prove it belongs to a call the provider announced.
 */

export const SIGNATURE_HEADER = "x-twilio-signature";

type FormParams = Record<string, string | string[] | undefined>;

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed with the auth token, over the full URL
 * followed by every POST parameter's name and value (no separators), in name order. A repeated
 * name contributes each of its values, sorted, as Twilio's own validator does.
 */
export function twilioSignature(authToken: string, url: string, params: FormParams = {}): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    const values = Array.isArray(value) ? [...value].sort() : value === undefined ? [] : [value];
    for (const v of values) data += name + v;
  }
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

/** Hashing both sides first makes the comparison constant-time and hides the expected length too. */
function safeEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * What the provider signed may or may not carry the port, depending on how the webhook URL was
 * written in its console; Twilio's own validators accept either, so this does too.
 */
function withAndWithoutPort(url: string): string[] {
  const m = /^(https?):\/\/([^/?#:@]+)(?::(\d+))?(.*)$/s.exec(url);
  if (!m) return [url];
  const [, scheme, host, port, rest] = m;
  if (port) return [url, `${scheme}://${host}${rest}`];
  return [url, `${scheme}://${host}:${scheme === "https" ? 443 : 80}${rest}`];
}

export function validTwilioSignature(authToken: string, signature: string | undefined, url: string, params: FormParams = {}): boolean {
  if (!signature) return false;
  // Every candidate is checked, so the time taken does not say which one matched.
  return withAndWithoutPort(url)
    .map((candidate) => safeEqual(twilioSignature(authToken, candidate, params), signature))
    .reduce((a, b) => a || b, false);
}

/** How long after the webhook a stream may present its call's token: the provider connects within seconds. */
export const CALL_TOKEN_TTL_MS = 60_000;

/**
 * The media stream's proof that it belongs to a call whose webhook was signed: `<issued ms>.<hex
 * HMAC-SHA256 of the CallSid, the caller's number as signed and the issue time>`. A token seen once
 * (providers log TwiML) opens no other caller's profile (the number is in it), expires within a
 * minute, and is taken once per call (see CallTokens).
 */
export function callToken(authToken: string, callSid: string, from: string | undefined, issuedAt: number): string {
  return `${issuedAt}.${createHmac("sha256", authToken).update(`${callSid}\n${from ?? ""}\n${issuedAt}`, "utf8").digest("hex")}`;
}

/** A stream's token, checked: signed for this call and number, and not older than CALL_TOKEN_TTL_MS. */
export function validCallToken(authToken: string, token: string, callSid: string, from: string | undefined, now = Date.now()): boolean {
  const issuedAt = Number(/^(\d{1,15})\./.exec(token)?.[1]);
  if (!Number.isFinite(issuedAt) || now - issuedAt > CALL_TOKEN_TTL_MS || issuedAt - now > 5_000) return false;
  return safeEqual(callToken(authToken, callSid, from, issuedAt), token);
}

/** "Has this key been claimed already?", shared by replicas when they share a Redis. */
export type ClaimOnce = (key: string, ttlMs: number) => Promise<boolean>;

/** In one process: a key is claimed once within its time to live. */
export function claimOnceInMemory(): ClaimOnce {
  const claimed = new Map<string, number>();
  return async (key, ttlMs) => {
    const now = Date.now();
    for (const [k, until] of claimed) if (until < now) claimed.delete(k);
    if (claimed.has(key)) return false;
    claimed.set(key, now + ttlMs);
    return true;
  };
}

/** E.164; anything else (withheld numbers, SIP or client identities) gets no lasting identity. */
const PHONE_NUMBER = /^\+[1-9]\d{6,14}$/;

/** The caller's number as a usable id, or undefined when it identifies no one in particular. */
export function callerNumber(from: unknown): string | undefined {
  return typeof from === "string" && PHONE_NUMBER.test(from) ? from : undefined;
}

export interface StreamStart {
  streamSid: string;
  callSid?: string;
  customParameters?: Record<string, string>;
}

/**
 * Who a media stream's `start` speaks for, or undefined when it must be refused. With an auth
 * token the start must carry the call's token, and then the caller number it was signed with is
 * vouched for (shoppers/ Identity turns it into a keyed id); without one nothing in the start is
 * trusted: no number, and every call is a shopper of its own.
 */
export async function streamCaller(
  start: StreamStart,
  authToken: string | undefined,
  claimOnce: ClaimOnce,
): Promise<{ number: string | undefined; conversationId: string } | undefined> {
  const conversationId = `phone:${start.callSid ?? start.streamSid}`;
  if (!authToken) return { number: undefined, conversationId };
  const token = start.customParameters?.token;
  const number = callerNumber(start.customParameters?.from);
  if (!start.callSid || !token || !validCallToken(authToken, token, start.callSid, number)) return undefined;
  // One stream per call: a replayed start (the TwiML was seen somewhere) is refused.
  if (!(await claimOnce(`concierge:call:${start.callSid}`, 2 * CALL_TOKEN_TTL_MS))) return undefined;
  return { number, conversationId };
}

/**
 * The URL the provider called, as it signed it: the public URL when configured, else the scheme
 * and host the request arrived with (a proxy's X-Forwarded-Proto/Host first), plus the original
 * path and query. Undefined when the host is not a host name.
 */
export function signedUrl(req: express.Request, publicUrl: string | undefined, hostPattern: RegExp): string | undefined {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, "")}${req.originalUrl}`;
  const host = requestHost(req);
  if (!hostPattern.test(host)) return undefined;
  const proto = firstForwarded(req, "x-forwarded-proto")?.toLowerCase();
  return `${proto === "https" || proto === "http" ? proto : req.protocol}://${host}${req.originalUrl}`;
}

function firstForwarded(req: express.Request, name: string): string | undefined {
  return req.get(name)?.split(",")[0]?.trim();
}

/** The host the provider called: a proxy's X-Forwarded-Host (its first hop) before Host. */
export function requestHost(req: express.Request): string {
  return firstForwarded(req, "x-forwarded-host") || req.get("host") || "";
}
