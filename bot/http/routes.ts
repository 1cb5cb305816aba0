import { createHash, timingSafeEqual } from "node:crypto";
import path from "node:path";
import express, { type Router } from "express";
import { ConciergeError, NotReadyError, ValidationError } from "../../core/errors.ts";
import { fromThisMachine } from "./loopback.ts";
import { registry } from "../../core/metrics.ts";
import type { ShopperEvent } from "../../shoppers/index.ts";
import { parseEvents } from "../events.ts";
import { bearerToken, type IdentitySource, proveRequest } from "../identity.ts";

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
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", (_req, res) => {
    if (isReady()) res.json({ status: "ready" });
    else res.status(503).set("Retry-After", "5").json({ status: "loading" });
  });
  if (!metrics.ownPort) router.get("/metrics", metricsGuard(metrics.token), sendMetrics);
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
  router.post("/api/events", async (req, res) => {
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
  router.get(["/", "/index.html"], file("index.html", "html"));
  router.get("/widget.js", file("widget.js", "js"));
  router.get("/widget-voice.js", file("widget-voice.js", "js"));
  // The voice kiosk (socket.io /voice); its scripts are ES modules, the worklet imports kiosk-audio.js.
  router.get(["/kiosk", "/kiosk.html"], file("kiosk.html", "html"));
  router.get("/kiosk.css", file("kiosk.css", "css"));
  for (const name of KIOSK_SCRIPTS) router.get(`/${name}`, file(name, "js"));
  router.use("/images", express.static(path.join(webDir, "images"), { index: false, maxAge: "1h", fallthrough: true }));
  return router;
}
