import type { IncomingMessage } from "node:http";
import { ConciergeError } from "../../core/errors.ts";
import { fromThisMachine, isLoopbackName } from "../http/loopback.ts";

/**
 * Who may post to /api/messages, and where replies may go. Closed by default: with Bot Framework
 * credentials every request is authenticated and replies go only to the Bot Framework's own hosts
 * (or hosts the operator lists); without them the endpoint answers only when the operator opens it
 * for a local tester (CONCIERGE_BOTFRAMEWORK_ANONYMOUS=1), and then only to this machine, replying
 * only to this machine — never to a serviceUrl a stranger names (server-side request forgery).
 */
export type BotAccessMode = "authenticated" | "anonymous-loopback" | "closed";

export interface BotAccess {
  mode: BotAccessMode;
  /** Extra hosts replies may go to (CONCIERGE_BOTFRAMEWORK_SERVICE_HOSTS), e.g. a sovereign cloud's. */
  extraHosts: string[];
}

// The Bot Framework's public and government connectors (Teams, Slack, Web Chat, Direct Line…).
const BOT_FRAMEWORK_HOSTS = [/\.botframework\.com$/, /\.botframework\.azure\.us$/, /^smba\.trafficmanager\.net$/, /\.teams\.microsoft\.com$/, /\.teams\.microsoft\.us$/];

export function botAccess(options: { appId?: string; anonymous: boolean; extraHosts?: string[] }): BotAccess {
  const mode: BotAccessMode = options.appId ? "authenticated" : options.anonymous ? "anonymous-loopback" : "closed";
  return { mode, extraHosts: (options.extraHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean) };
}

function hostOf(serviceUrl: string): { protocol: string; hostname: string } | undefined {
  try {
    const u = new URL(serviceUrl);
    return { protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, "").toLowerCase() };
  } catch {
    return undefined;
  }
}

/** Throws when this request may not be answered, or its replies may not go to its serviceUrl. */
export function checkBotRequest(req: IncomingMessage, serviceUrl: string, access: BotAccess): void {
  if (access.mode === "closed") {
    throw new ConciergeError(
      "bot_endpoint_closed",
      "/api/messages is closed: set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD for an Azure Bot (Teams, Slack), or CONCIERGE_BOTFRAMEWORK_ANONYMOUS=1 to test with the Agents Playground or the Emulator on this machine",
      401,
    );
  }
  const target = hostOf(serviceUrl);
  if (!target) throw new ConciergeError("invalid_input", "invalid activity: serviceUrl: expected an http(s) URL", 400);
  if (access.mode === "anonymous-loopback") {
    if (!fromThisMachine(req)) {
      throw new ConciergeError("forbidden", "/api/messages without Bot Framework credentials answers this machine only (a loopback peer, not relayed by a proxy)", 403);
    }
    if (!isLoopbackName(target.hostname)) {
      throw new ConciergeError("service_url_not_allowed", "activity.serviceUrl: without Bot Framework credentials replies go to this machine only (localhost, 127.0.0.1 or [::1])", 403);
    }
    return;
  }
  const allowed = target.protocol === "https:" && (BOT_FRAMEWORK_HOSTS.some((re) => re.test(target.hostname)) || access.extraHosts.includes(target.hostname));
  if (!allowed) {
    throw new ConciergeError(
      "service_url_not_allowed",
      `activity.serviceUrl: replies go only to the Bot Framework's hosts over https (or to CONCIERGE_BOTFRAMEWORK_SERVICE_HOSTS); ${target.hostname} is not one`,
      403,
    );
  }
}
