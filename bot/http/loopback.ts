import type { IncomingMessage } from "node:http";

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  return v4 === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** localhost or a loopback address, as a hostname (no port, no brackets). 0.0.0.0, "0" and [::] are not: they mean "any". */
export function isLoopbackName(hostname: string | undefined): boolean {
  return hostname === "localhost" || isLoopbackAddress(hostname);
}

const FORWARDING = ["forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "via"];

/**
 * A request made on this machine by this machine: a loopback peer that no proxy relayed. A reverse
 * proxy on the same machine makes every visitor a loopback peer, but adds forwarding headers; a
 * request carrying them is someone else's, whatever its peer address.
 */
export function fromThisMachine(req: IncomingMessage): boolean {
  if (!isLoopbackAddress(req.socket.remoteAddress)) return false;
  return !FORWARDING.some((h) => req.headers[h] !== undefined);
}

/** Which forwarding header a request carries (for an error that says what to change), if any. */
export function forwardingHeaderOf(req: IncomingMessage): string | undefined {
  return FORWARDING.find((h) => req.headers[h] !== undefined);
}
