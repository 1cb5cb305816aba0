import { createHmac, randomBytes } from "node:crypto";
import { isSafeText } from "../../core/text.ts";

/**
 * Every stored shopper id names where its proof came from, as `<origin>:<rest>`. Only this module
 * makes ids, each from its own kind of proof, so no client can produce an id of another origin:
 *
 * - `customer:<sub>`  the shop signed a token for its logged-in customer `sub`;
 * - `anon:<random>`   the server issued it to an anonymous visitor (unguessable, presented back signed);
 * - `bf:<channel>:<account>`  a Bot Framework channel's own authenticated account (Teams, Slack…);
 * - `phone:<keyed hash>`  a caller whose number the phone provider vouched for, hashed with a server secret.
 */
export const ORIGINS = ["customer", "anon", "bf", "phone"] as const;
export type Origin = (typeof ORIGINS)[number];

export function originOf(shopperId: string): Origin | undefined {
  const prefix = shopperId.slice(0, shopperId.indexOf(":"));
  return (ORIGINS as readonly string[]).includes(prefix) ? (prefix as Origin) : undefined;
}

/** An id a client may have typed is never trusted as one; ids are at most this long. */
export const MAX_SUBJECT_CHARS = 200;

/**
 * Control characters in an id would corrupt logs and exports, and PostgreSQL refuses NUL and a lone
 * half of a surrogate pair: such text can be no shopper's id.
 */
export function unusableInId(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  return /[\u0000-\u001f\u007f]/.test(text) || !isSafeText(text);
}

export function customerId(sub: string): string {
  return `customer:${sub}`;
}

export function newAnonymousId(): string {
  return `anon:${randomBytes(16).toString("base64url")}`;
}

export function botFrameworkId(channelId: string, accountId: string): string {
  return `bf:${channelId}:${accountId}`;
}

/** Keyed, so knowing a number is not enough to compute (or guess through) its caller's id. */
export function phoneId(number: string, key: Buffer): string {
  return `phone:${createHmac("sha256", key).update(`phone\n${number}`, "utf8").digest("hex").slice(0, 32)}`;
}

/**
 * How an admin (the shop itself) names a shopper: a stored id with its origin, or a bare id, which
 * is the shop's own customer id. Undefined when it is neither.
 */
export function shopNamedShopper(id: string): string | undefined {
  const trimmed = id.trim();
  if (!trimmed || trimmed.length > MAX_SUBJECT_CHARS + 40 || unusableInId(trimmed)) return undefined;
  return originOf(trimmed) ? trimmed : customerId(trimmed);
}
