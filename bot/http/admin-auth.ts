import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { ConciergeError } from "../../core/errors.ts";
import { forwardingHeaderOf, isLoopbackAddress, isLoopbackName } from "./loopback.ts";

export { isLoopbackAddress } from "./loopback.ts";


/** The hostname of a Host header or an Origin URL, without port or brackets. */
function hostnameOf(value: string, isOrigin: boolean): string | undefined {
  try {
    return new URL(isOrigin ? value : `http://${value}`).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return undefined;
  }
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s).digest();
}

/**
 * Guards /api/admin/*. With a token: `Authorization: Bearer <token>` or 401 (compared in constant
 * time). Without one: only requests from this machine (loopback peer address, no proxy's forwarding
 * headers) — and, because a web
 * page the operator opens could otherwise reach the loopback port from their browser, the Host must
 * be a loopback name (defeats DNS rebinding) and a browser Origin, when sent, must be one too.
 */
export function adminAuth(token: string | undefined): RequestHandler {
  const expected = token === undefined ? undefined : digest(token);
  return (req, res, next) => {
    if (expected) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "");
      if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
        res.set("WWW-Authenticate", 'Bearer realm="concierge-admin"');
        next(new ConciergeError("unauthorized", "admin API: send Authorization: Bearer <CONCIERGE_ADMIN_TOKEN>", 401));
        return;
      }
      next();
      return;
    }
    if (!isLoopbackAddress(req.socket.remoteAddress)) {
      next(new ConciergeError("forbidden", "admin API: CONCIERGE_ADMIN_TOKEN is not set, so only requests from this machine (loopback) are accepted", 403));
      return;
    }
    // A reverse proxy on this machine makes every visitor look local; what it relays carries these.
    const forwarded = forwardingHeaderOf(req);
    if (forwarded) {
      next(new ConciergeError("forbidden", `admin API: a request relayed by a proxy (${forwarded} header) needs CONCIERGE_ADMIN_TOKEN`, 403));
      return;
    }
    const host = req.get("host");
    if (!host || !isLoopbackName(hostnameOf(host, false))) {
      next(new ConciergeError("forbidden", "admin API: without CONCIERGE_ADMIN_TOKEN, call it as localhost, 127.0.0.1 or [::1]", 403));
      return;
    }
    const origin = req.get("origin");
    if (origin !== undefined && !isLoopbackName(hostnameOf(origin, true))) {
      // "null" (a sandboxed frame, a file: page) has no hostname and is refused with the rest.
      next(new ConciergeError("forbidden", "admin API: cross-origin browser requests need CONCIERGE_ADMIN_TOKEN", 403));
      return;
    }
    next();
  };
}
