import http from "node:http";
import path from "node:path";
import express from "express";
import { Server as SocketServer } from "socket.io";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/logger.ts";
import type { DialogEngine } from "../dialogs/types.ts";
import type { Shoppers, ShopperEvent } from "../shoppers/index.ts";
import type { IdentitySource } from "./identity.ts";
import { meRoutes } from "./http/me.ts";
import { Lifecycle, ShuttingDownError } from "./lifecycle.ts";
import type { ConciergeError } from "../core/errors.ts";
import type { RedisLink } from "../core/redis.ts";
import { type ClaimOnce, claimOnceInMemory } from "./voice/telephony-auth.ts";

/** A key claimed once across every replica (Redis SET NX); in this process alone while Redis is down. */
function claimOnceInRedis(redis: RedisLink): ClaimOnce {
  const local = claimOnceInMemory();
  return async (key, ttlMs) => {
    if (!redis.isReady) return local(key, ttlMs);
    try {
      return (await redis.commands.set(key, "1", { condition: "NX", expiration: { type: "PX", value: ttlMs } })) === "OK";
    } catch {
      return local(key, ttlMs);
    }
  };
}
import { createBotAdapter } from "./botframework/adapter.ts";
import { botFrameworkRoute } from "./botframework/route.ts";
import { cors, errorHandler, methodNotAllowed, notFound, requestLog, securityHeaders } from "./http/middleware.ts";
import { originPolicy } from "./http/origins.ts";
import { eventRoutes, healthRoutes, type RecordedEvents, sendMetrics, webRoutes } from "./http/routes.ts";
import { adminPageRoutes } from "./http/admin-page.ts";
import { apiRoute } from "./http/api-route.ts";
import { messagesDoc, openApiDoc, twimlDoc } from "./http/channel-docs.ts";
import { openApiHandler } from "./http/openapi.ts";
import { Limits, limitSettings } from "./limits.ts";
import { attachChat } from "./socket.ts";
import { attachVoice } from "./voice/socket.ts";
import type { VoiceStackLoader } from "./voice/stack.ts";
import { attachTelephony, TWIML_PATH, twimlRoute } from "./voice/telephony.ts";

export interface ServerDeps {
  config: Config;
  /** The engine once models and store are loaded; undefined while loading. */
  engine: () => DialogEngine | undefined;
  isReady: () => boolean;
  /** Stores events, dropping those on items the catalogue does not hold. */
  recordEvents: (events: ShopperEvent[]) => Promise<RecordedEvents>;
  /** Proves shoppers (handshakes, bearer tokens, channel accounts, callers); undefined until the store is open. */
  identity: IdentitySource;
  /** The shoppers' data (exports, deletion); undefined until the store is open. */
  shoppers: () => Shoppers | undefined;
  logger: Logger;
  /** Shared by the replicas (REDIS_URL): single-use telephone tokens, limits. */
  redis?: RedisLink;
  /** A /voice socket that is a shared kiosk starts a new anonymous shopper after this long without a turn (default 120 s). */
  kioskIdleMs?: number;

  /** JSON body limit for HTTP requests; default 256 kB. */
  bodyLimit?: string | number;
  /** Largest socket.io message in bytes; default 1.5 MiB, so a 1 MB text arrives and is refused by validation instead of the connection being dropped. */
  socketMaxBytes?: number;
  /** Replaces the limits built from config (tests). */
  limits?: Limits;
  /** A turn longer than this is answered with a timeout error and aborted; default 60 s (CPU generation is slow). */
  turnTimeoutMs?: number;
  /** Where the demo shop page, widget.js, the kiosk and images/ are; default ../web next to this folder. */
  webDir?: string;
  /** Public base URL for absolute image links in Bot Framework cards; default the request's own host. */
  publicUrl?: string;
  /** The admin API and experiment events (bot/http/admin.ts adminRouter), mounted after the JSON body parser. */
  admin?: express.Router;
  /** Routes that read their own (bigger) bodies, after authenticating: mounted before the JSON body parser (bot/http/admin-imports.ts). */
  uploads?: express.Router;
  /** The voice models (loaded on first use): enables the `/voice` namespace, the telephone media stream and its TwiML. */
  voice?: VoiceStackLoader;
}

export interface ConciergeServer {
  http: http.Server;
  io: SocketServer;
  app: express.Express;
  /** True when /api/messages runs without Bot Framework authentication (no MICROSOFT_APP_ID). */
  anonymousBot: boolean;
  /** The port /metrics listens on when it has one of its own (CONCIERGE_METRICS_PORT), once listening. */
  metricsPort(): number | undefined;
  /** Whether new work is taken, and the turns in flight. */
  lifecycle: Lifecycle;
  /** Stops taking work, lets running turns finish for up to `drainMs`, then closes; resolves to how many were still running. */
  shutdown(drainMs: number): Promise<number>;
  /** Listens on config.port/config.host (port 0 picks a free one); resolves to the port. */
  listen(): Promise<number>;
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT = "256kb";
export const DEFAULT_SOCKET_MAX_BYTES = 1.5 * 1024 * 1024;

/**
 * The service's front door: HTTP (health, metrics, events, Bot Framework, the widget and its demo page) and
 * socket.io `/chat` on one port. Answers from the first moment — /readyz says "loading" and turns
 * answer not_ready until `isReady()` — so orchestrators and clients can tell starting from broken.
 */
export function createServer(deps: ServerDeps): ConciergeServer {
  const { config, logger } = deps;
  const turnTimeoutMs = deps.turnTimeoutMs ?? 60_000;
  const webDir = deps.webDir ?? path.resolve(import.meta.dirname, "../web");
  const bot = createBotAdapter(config.bot, logger);
  const lifecycle = new Lifecycle();
  const limits = deps.limits ?? new Limits(limitSettings(config), { redis: deps.redis, logger, trustProxy: config.limits?.trustProxy, namespace: config.databaseSchema });

  const app = express();
  app.disable("x-powered-by");
  app.use(securityHeaders());
  app.use(requestLog(logger));
  const metricsPort = config.metrics?.port;
  app.use(healthRoutes(deps.isReady, { token: config.metrics?.token, ownPort: metricsPort !== undefined }));
  const origins = originPolicy(config.allowedOrigins, deps.publicUrl ?? config.publicUrl);
  app.use("/api", cors(origins));
  // While shutting down, new work goes to the other replicas (a load balancer retries a 503).
  app.use("/api", (_req, _res, next) => next(lifecycle.isAccepting ? undefined : new ShuttingDownError()));
  // Per client address, across replicas: a flood from one address is told to slow down, not served.
  app.use("/api", (req, _res, next) => {
    limits.check(limits.perIp, limits.clientIp(req), "requests from your address").then(() => next(), next);
  });
  if (deps.uploads) app.use(deps.uploads);
  // Not strict: a bare string or number parses, so the route can say what it expected instead of "Unexpected token".
  app.use(express.json({ limit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT, type: ["application/json", "application/*+json"], strict: false }));
  app.use(eventRoutes({ ...deps, eventsKey: config.eventsKey }));
  app.use(meRoutes({ identity: deps.identity, shoppers: deps.shoppers, publicUrl: deps.publicUrl }));
  if (deps.admin) app.use(deps.admin);
  apiRoute(
    app,
    "post",
    "/api/messages",
    messagesDoc,
    botFrameworkRoute({ adapter: bot.adapter, access: bot.access, config, engine: deps.engine, isReady: deps.isReady, identity: deps.identity, logger, turnTimeoutMs, publicUrl: deps.publicUrl, lifecycle }),
  );
  // route().all, not app.all: app.all registers each method by name, which reads as a route of its own in /openapi.json.
  app.route("/api/messages").all(methodNotAllowed("POST"));
  app.route("/api/events").all(methodNotAllowed("POST"));
  // The provider posts a form, and its signature covers every field of it: parsed here, for this route only.
  if (deps.voice?.enabled) {
    const twiml = [express.urlencoded({ extended: false, limit: "64kb" }), twimlRoute(deps.publicUrl, config.telephonyAuthToken)];
    apiRoute(app, "post", TWIML_PATH, twimlDoc("post", !!config.telephonyAuthToken), ...twiml);
    apiRoute(app, "get", TWIML_PATH, twimlDoc("get", !!config.telephonyAuthToken), ...twiml);
    // Whatever else a provider is configured to send is answered as before.
    app.route(TWIML_PATH).all(...twiml);
  }
  apiRoute(app, "get", "/openapi.json", openApiDoc, openApiHandler(app));
  // The widget's script, its lazily loaded voice modules and worklet, and images are fetched by shops' pages.
  app.use(cors(origins), webRoutes(webDir));
  // The dashboard is the shop's own: no other origin is granted it.
  app.use(adminPageRoutes(webDir));
  app.use(notFound());
  app.use(errorHandler(logger));

  const server = http.createServer(app);
  const io = new SocketServer(server, {
    maxHttpBufferSize: deps.socketMaxBytes ?? DEFAULT_SOCKET_MAX_BYTES,
    // Covers long-polling only: a WebSocket upgrade is not subject to CORS, so allowRequest refuses
    // a handshake (either transport, /chat and /voice alike) from a browser page of another origin.
    cors: { origin: (origin, callback) => callback(null, origin !== undefined && origins.listed(origin) ? origin : false) },
    allowRequest: (req, callback) => {
      const permitted = origins.permits(req.headers);
      callback(permitted ? null : "origin not allowed: add it to CONCIERGE_ALLOWED_ORIGINS", permitted);
    },
  });
  attachChat({
    io,
    config,
    engine: deps.engine,
    isReady: deps.isReady,
    recordEvents: deps.recordEvents,
    identity: deps.identity,
    publicUrl: deps.publicUrl,
    logger,
    limits,
    turnTimeoutMs,
    lifecycle,
  });
  const telephony =
    deps.voice?.enabled
      ? attachTelephony({ server, loader: deps.voice, engine: deps.engine, identity: deps.identity, logger, turnTimeoutMs, authToken: config.telephonyAuthToken, lifecycle, limits,
          idleMs: config.idle ? config.idle.telephoneSeconds * 1000 : undefined,
          claimOnce: deps.redis ? claimOnceInRedis(deps.redis) : undefined,
        })
      : undefined;
  if (deps.voice?.enabled) {
    attachVoice({ io, loader: deps.voice, engine: deps.engine, identity: deps.identity, logger, turnTimeoutMs, kioskIdleMs: deps.kioskIdleMs, publicUrl: deps.publicUrl, lifecycle, limits,
      sessionIdleMs: config.idle ? config.idle.voiceSeconds * 1000 : undefined,
    });
  }
  server.on("clientError", (err, socket) => {
    logger.debug({ err }, "malformed HTTP request");
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  });

  // /metrics on a port of its own: for a network the operator keeps to the scraper.
  const metricsApp = express();
  metricsApp.disable("x-powered-by");
  metricsApp.get("/metrics", sendMetrics);
  const metricsServer = metricsPort !== undefined ? http.createServer(metricsApp) : undefined;

  // A connection arriving during the drain is refused: it would start work the drain does not wait for.
  for (const name of ["/chat", "/voice"]) {
    io.of(name).use((socket, next) => {
      const refuse = (err: ConciergeError) => next(Object.assign(new Error(err.message), { data: err.toJSON() }));
      if (!lifecycle.isAccepting) return refuse(new ShuttingDownError());
      // One slot per connection and address (across replicas), given back when it closes.
      limits.connection(socket.request).then(
        (release) => {
          socket.once("disconnect", release);
          next();
        },
        (err: ConciergeError) => refuse(err),
      );
    });
  }

  const closeEverything = () =>
    new Promise<void>((resolve) => {
      // io.close() closes the HTTP server too; idle keep-alive connections would hold it open.
      telephony?.close();
      metricsServer?.close();
      io.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    http: server,
    io,
    app,
    lifecycle,
    anonymousBot: bot.anonymous,
    metricsPort: () => {
      const address = metricsServer?.address();
      return typeof address === "object" && address ? address.port : undefined;
    },
    listen: () =>
      new Promise<number>((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException) => {
          reject(err.code === "EADDRINUSE" ? Object.assign(new Error(`port ${config.port} is already in use; set PORT to another port`), { cause: err }) : err);
        };
        server.once("error", onError);
        server.listen(config.port, config.host, () => {
          server.off("error", onError);
          const address = server.address();
          const port = typeof address === "object" && address ? address.port : config.port;
          if (!metricsServer) return resolve(port);
          metricsServer.once("error", reject);
          metricsServer.listen(metricsPort, config.host, () => resolve(port));
        });
      }),
    close: closeEverything,
    async shutdown(drainMs) {
      // New connections and new turns are refused; the turns already running may finish.
      server.close();
      server.closeIdleConnections();
      const unfinished = await lifecycle.drain(drainMs);
      if (unfinished) logger.warn({ unfinished, drainMs }, "shutdown: turns still running when the drain ended; their clients get an error");
      await closeEverything();
      return unfinished;
    },
  };
}
