import type { IncomingHttpHeaders } from "node:http";
import type { Request } from "express";
import type { Socket } from "socket.io";
import { ConciergeError, NotReadyError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { type Identity, InvalidTokenError, type ProvenShopper } from "../shoppers/index.ts";

/** The service's Identity once the store has given it its secret; undefined while loading. */
export type IdentitySource = () => Identity | undefined;

/** Who a socket is, set by `authenticate` at the handshake: read it, never re-derive it from the payload. */
export function shopperOf(socket: Socket): ProvenShopper {
  const shopper = socket.data.shopper as ProvenShopper | undefined;
  if (!shopper) throw new ConciergeError("unauthenticated", "this connection has no proven shopper", 401);
  return shopper;
}

/** The store gives Identity its secret a few seconds into start-up: a handshake that early waits for it this long. */
const HANDSHAKE_WAIT_MS = 10_000;

async function waitFor<T>(get: () => T | undefined, ms: number): Promise<T | undefined> {
  for (let waited = 0; waited < ms; waited += 100) {
    await new Promise((r) => setTimeout(r, 100));
    const value = get();
    if (value !== undefined) return value;
  }
  return undefined;
}

/** A handshake refusal the client sees as connect_error: `message`, and `data` {code, message}. */
function refusal(err: ConciergeError): Error & { data: { code: string; message: string } } {
  return Object.assign(new Error(err.message), { data: { code: err.code, message: err.message } });
}

/**
 * socket.io middleware proving the shopper at the handshake from `auth.token`: the shop's signed
 * customer token, the anonymous token this server issued before, or nothing (a new anonymous
 * visitor). A bad, expired or wrongly signed token is refused here with its reason, never read as
 * anonymous. `auth.userId` is not an identity and is ignored.
 */
export function authenticate(identity: IdentitySource, logger: Logger) {
  return async (socket: Socket, next: (err?: Error) => void) => {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    try {
      const source = identity() ?? (await waitFor(identity, HANDSHAKE_WAIT_MS));
      if (!source) throw new NotReadyError("the assistant is still starting; connect again in a moment");
      socket.data.shopper = await source.prove(auth.token, "auth.token");
      next();
    } catch (err) {
      if (err instanceof InvalidTokenError) logger.info({ code: err.code, namespace: socket.nsp.name }, "handshake refused: the token proves no one");
      else if (!(err instanceof ConciergeError)) logger.error({ err }, "handshake failed");
      next(refusal(err instanceof ConciergeError ? err : new ConciergeError("internal_error", "something went wrong on our side", 500)));
    }
  };
}

/** What a socket is told about itself once connected (the `session` event). */
export function sessionNotice(shopper: ProvenShopper, extra: { reason?: "new" | "goodbye" | "idle"; claimedUserId?: boolean } = {}): Record<string, unknown> {
  const kind = shopper.origin === "customer" ? "customer" : "anonymous";
  return {
    shopper: { kind, ...(shopper.name && { name: shopper.name }) },
    // The client keeps this and presents it as auth.token to come back as the same visitor.
    ...(shopper.anonymousToken && { token: shopper.anonymousToken }),
    ...(shopper.renewed && { renewed: true }),
    ...(extra.reason && { reason: extra.reason }),
    ...(extra.claimedUserId && { notice: "auth.userId is ignored: a shopper is who auth.token proves (or an anonymous visitor)" }),
  };
}

/** The bearer token of an HTTP request, if any. */
export function bearerToken(req: Request): string | undefined {
  const header = req.get("authorization");
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new InvalidTokenError("Authorization: expected \"Bearer <token>\"");
  return m[1];
}

/**
 * The shopper an HTTP request proves with `Authorization: Bearer <token>` (a shop customer token or
 * the anonymous token the chat handed out). Without a token there is no one to act for: 401.
 */
export async function proveRequest(req: Request, identity: IdentitySource): Promise<ProvenShopper> {
  const token = bearerToken(req);
  if (!token) {
    throw new ConciergeError(
      "unauthenticated",
      "Authorization: send \"Bearer <token>\" — the shop's signed token for its customer, or the anonymous token the chat's session event handed out",
      401,
    );
  }
  const source = identity();
  if (!source) throw new NotReadyError();
  return source.prove(token, "Authorization");
}

/**
 * This service's address as the client reached it, for links in replies: CONCIERGE_PUBLIC_URL when
 * set, else the scheme and host the request came with (a proxy's X-Forwarded-Proto/Host first).
 */
export function baseUrlOf(headers: IncomingHttpHeaders, publicUrl: string | undefined, encrypted = false): string | undefined {
  if (publicUrl) return publicUrl;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)?.split(",")[0]?.trim();
  const host = first(headers["x-forwarded-host"]) || first(headers.host);
  if (!host || !/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return undefined;
  const proto = first(headers["x-forwarded-proto"])?.toLowerCase();
  return `${proto === "https" || proto === "http" ? proto : encrypted ? "https" : "http"}://${host}`;
}
