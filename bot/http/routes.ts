import { createHash, timingSafeEqual } from "node:crypto";
import path from "node:path";
import express, { type Router } from "express";
import { ConciergeError, NotReadyError, ValidationError } from "../../core/errors.ts";
import { fromThisMachine } from "./loopback.ts";
import { registry } from "../../core/metrics.ts";
import type { ShopperEvent } from "../../shoppers/index.ts";
import { bearerToken, type IdentitySource, proveRequest } from "../identity.ts";
import { z } from "zod";
import { eventWireSchema, MAX_EVENTS_PER_REQUEST, parseEvents } from "../events.ts";
import { apiRoute } from "./api-route.ts";

/** What recording events came to: stored (or deliberately not, for a shopper who opted out) and dropped (unknown items). */
export interface RecordedEvents {
  accepted: number;
  dropped: number;
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

/**
 * Who may read /metrics on the service's port: with CONCIERGE_METRICS_TOKEN, a bearer of it; without,
 * this machine only (a loopback peer no proxy relayed). With CONCIERGE_METRICS_PORT it is not served
 * here at all (see metricsServer).
 */
export function metricsGuard(token: string | undefined): express.RequestHandler {
  const expected = token ? digest(token) : undefined;
  return (req, _res, next) => {
    if (expected) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.get("authorization") ?? "")?.[1];
      if (bearer && timingSafeEqual(digest(bearer), expected)) return next();
      return next(new ConciergeError("unauthorized", "/metrics: send Authorization: Bearer <CONCIERGE_METRICS_TOKEN>", 401));
    }
    if (fromThisMachine(req)) return next();
    next(new ConciergeError("forbidden", "/metrics answers this machine only; set CONCIERGE_METRICS_TOKEN (bearer) or CONCIERGE_METRICS_PORT (a port of its own) to scrape it from elsewhere", 403));
  };
}

export async function sendMetrics(_req: express.Request, res: express.Response): Promise<void> {
  res.type(registry.contentType).send(await registry.metrics());
}

/** /healthz (the process is up), /readyz (models and store loaded), /metrics (Prometheus text, guarded; absent when it has a port of its own). */
export function healthRoutes(isReady: () => boolean, metrics: { token?: string; ownPort: boolean } = { ownPort: false }): Router {
  const router = express.Router();
  apiRoute(router, "get", "/healthz", { summary: "The process is up", tag: "operations", responses: { 200: { description: "Up", schema: z.object({ status: z.literal("ok") }) } } }, (_req, res) => {
    res.json({ status: "ok" });
  });
  const readyDoc = {
    summary: "Models and store are loaded",
    tag: "operations",
    responses: {
      200: { description: "Ready for turns", schema: z.object({ status: z.literal("ready") }) },
      503: { description: "Still loading (Retry-After)", schema: z.object({ status: z.literal("loading") }) },
    },
  };
  apiRoute(router, "get", "/readyz", readyDoc, (_req, res) => {
    if (isReady()) res.json({ status: "ready" });
    else res.status(503).set("Retry-After", "5").json({ status: "loading" });
  });
  const metricsDoc = {
    summary: "Prometheus metrics (text exposition format)",
    description: "Absent here when CONCIERGE_METRICS_PORT gives /metrics a port of its own. Without CONCIERGE_METRICS_TOKEN, this machine only.",
    tag: "operations",
    security: ["metricsToken" as const],
    responses: { 200: { description: "Prometheus text", contentType: "text/plain" } },
  };
  if (!metrics.ownPort) apiRoute(router, "get", "/metrics", metricsDoc, metricsGuard(metrics.token), sendMetrics);
  return router;
}

/**
 * POST /api/events: one event or an array of up to 1,000 → 202 {accepted, dropped}. For the shopper
 * `Authorization: Bearer` proves (their token), or — with the shop's server key
 * (CONCIERGE_EVENTS_KEY) as the bearer — for the shopper each event's `userId` names. Events on
 * items the catalogue does not hold are dropped and counted.
 */
export function eventRoutes(deps: {
  isReady: () => boolean;
  identity: IdentitySource;
  eventsKey?: string;
  recordEvents: (events: ShopperEvent[]) => Promise<RecordedEvents>;
}): Router {
  const router = express.Router();
  const serverKey = deps.eventsKey ? digest(deps.eventsKey) : undefined;
  const doc = {
    summary: "Record shopper events (views, carts, purchases, favourites, ratings)",
    description: "One event or an array of up to 1,000. With a shopper token, every event is that shopper's; with the events key, each event names its shopper in userId. Events on items the catalogue does not hold are dropped and counted.",
    tag: "shoppers",
    security: ["shopperToken" as const, "eventsKey" as const],
    body: { schema: z.union([eventWireSchema, z.array(eventWireSchema).min(1).max(MAX_EVENTS_PER_REQUEST)]) },
    responses: { 202: { description: "Stored", schema: z.object({ accepted: z.number().int(), dropped: z.number().int() }) } },
  };
  apiRoute(router, "post", "/api/events", doc, async (req, res) => {
    const bearer = bearerToken(req);
    const byShop = serverKey !== undefined && bearer !== undefined && timingSafeEqual(digest(bearer), serverKey);
    const options = byShop ? ({ namedByShop: true } as const) : { shopperId: (await proveRequest(req, deps.identity)).id };
    if (req.body === undefined) throw new ValidationError("invalid events: expected a JSON body (Content-Type: application/json) with an event or an array of events");
    const events = parseEvents(req.body, options);
    if (!deps.isReady()) throw new NotReadyError();
    res.status(202).json(await deps.recordEvents(events));
  });
  return router;
}

const KIOSK_SCRIPTS = ["kiosk.js", "kiosk-audio.js", "kiosk-worklet.js", "kiosk-mic.js", "kiosk-player.js", "kiosk-text.js", "kiosk-view.js"];

/**
 * The embeddable widget (/widget.js, and /widget-voice.js it loads on first use of the microphone),
 * the demo shop page at / that embeds it as a shop would, the voice kiosk page (/kiosk) and their
 * assets; the socket.io client comes from socket.io itself at /socket.io/socket.io.js.
 */
export function webRoutes(webDir: string): Router {
  const router = express.Router();
  const file = (name: string, type: string) => (_req: express.Request, res: express.Response) => {
    res.type(type).set("Cache-Control", "no-cache").sendFile(path.join(webDir, name));
  };
  const page = (summary: string, contentType: string) => ({ summary, tag: "web", responses: { 200: { description: "The file", contentType } } });
  apiRoute(router, "get", ["/", "/index.html"], page("The demo shop page embedding the widget", "text/html"), file("index.html", "html"));
  apiRoute(router, "get", "/widget.js", page("The embeddable chat widget", "text/javascript"), file("widget.js", "js"));
  apiRoute(router, "get", "/widget-voice.js", page("The widget's voice module, loaded on first use of the microphone", "text/javascript"), file("widget-voice.js", "js"));
  // The voice kiosk (socket.io /voice); its scripts are ES modules, the worklet imports kiosk-audio.js.
  apiRoute(router, "get", ["/kiosk", "/kiosk.html"], page("The voice kiosk page", "text/html"), file("kiosk.html", "html"));
  apiRoute(router, "get", "/kiosk.css", page("The kiosk's stylesheet", "text/css"), file("kiosk.css", "css"));
  for (const name of KIOSK_SCRIPTS) apiRoute(router, "get", `/${name}`, page("A kiosk module", "text/javascript"), file(name, "js"));
  // /images/* (static files for the demo catalogue) is middleware, not a route: not in /openapi.json.
  router.use("/images", express.static(path.join(webDir, "images"), { index: false, maxAge: "1h", fallthrough: true }));
  return router;
}
