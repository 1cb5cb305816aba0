import type { IncomingHttpHeaders } from "node:http";

/**
 * Which browser origins may use the service: its own (the request's Host, or CONCIERGE_PUBLIC_URL
 * behind a proxy that rewrites Host) and those CONCIERGE_ALLOWED_ORIGINS lists. A request with no
 * Origin header is not a cross-origin browser request (a server, a same-origin GET) and is let through.
 */
export interface OriginPolicy {
  /** A cross-origin page from here may read responses (gets Access-Control-Allow-Origin). */
  listed(origin: string): boolean;
  /** The request may be served at all: no Origin, the service's own, or a listed one. */
  permits(headers: IncomingHttpHeaders): boolean;
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export function originPolicy(allowed: readonly string[] = [], publicUrl?: string): OriginPolicy {
  const any = allowed.includes("*");
  const exact = new Set(allowed.filter((o) => o !== "*"));
  const publicOrigin = originOf(publicUrl);
  const listed = (origin: string) => origin !== "null" && (any || exact.has(origin));
  return {
    listed,
    permits(headers) {
      const origin = headers.origin;
      if (origin === undefined) return true;
      if (listed(origin)) return true;
      if (publicOrigin !== undefined && origin === publicOrigin) return true;
      let host: string;
      try {
        host = new URL(origin).host;
      } catch {
        return false; // "null" (a sandboxed frame, a file) and garbage are nobody's own origin
      }
      return typeof headers.host === "string" && host === headers.host.toLowerCase();
    },
  };
}
