import { pathToFileURL } from "node:url";
import { actionsFromConfig } from "../actions/index.ts";
import { type Config, loadConfig } from "../core/config.ts";
import { ConciergeError, NotReadyError } from "../core/errors.ts";
import { hostOf } from "../core/hosts.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { eventsDroppedTotal } from "../core/metrics.ts";
import { RedisNoticeBus } from "../core/notices.ts";
import { RedisLink } from "../core/redis.ts";
import { ConversationStates, createDialogEngine, type DialogEngine, groundedReplyWriter, isConversationNotice } from "../dialogs/index.ts";
import { type LanguageModel, loadLanguageModel } from "../llm/index.ts";
import { Experiments } from "../recommend/experiments/index.ts";
import { isRankingStrategy, STRATEGY_HELP } from "../recommend/ranking/strategies.ts";
import { Segments } from "../recommend/segments/index.ts";
import type { Nlu } from "../intents/nlu.ts";
import { ReviewingUnderstander, ReviewLog } from "../intents/review/index.ts";
import { Identity, LocalBus, redisShopperBus, type ShopperBus, Shoppers, startRetention } from "../shoppers/index.ts";
import { storeFor, type Store } from "../store/index.ts";
import { loadNlu, retrainOnShopIntents } from "./bootstrap/nlu.ts";
import { loadKnowledge } from "./bootstrap/knowledge.ts";
import { type LiveUpdates, readMarkers, startLiveUpdates } from "./bootstrap/live.ts";
import { buildLexicon } from "./bootstrap/lexicon.ts";
import { glossaryTerms } from "../recommend/text/glossary.ts";
import { type LoadedRecommender, loadRecommender } from "./bootstrap/recommender.ts";
import { ActivityRecorder } from "./admin/activity-recorder.ts";
import { adminRouter } from "./http/admin.ts";
import { adminDashboardRouter } from "./http/admin-dashboard.ts";
import { adminRepliesRouter } from "./http/admin-replies.ts";
import { loadReplies } from "./bootstrap/replies.ts";
import { adminImportsRouter } from "./http/admin-imports.ts";
import { ImportJobs } from "./admin/imports.ts";
import { createServer } from "./server.ts";
import { VoiceStackLoader } from "./voice/stack.ts";

export interface RunningService {
  port: number;
  store: Store;
  /** Resolves once models and store are loaded (what /readyz reports). */
  ready: Promise<void>;
  /** The local LLM once loaded; undefined while it loads or without one (templates answer). */
  languageModel(): LanguageModel | undefined;
  /** Resolves once the transcripts of turns already answered are written. */
  flush(): Promise<void>;
  /** Stops taking work, lets running turns finish for up to `drainMs` (default 0), writes what they said, and closes everything. */
  close(drainMs?: number): Promise<void>;
}

/**
 * Starts the whole service in one process: HTTP first (so /healthz answers and /readyz says
 * "loading"), then the store, the catalogue and the models; ready once all of them are.
 */
export async function startService(config: Config = loadConfig(), logger: Logger = createLogger(config.logLevel)): Promise<RunningService> {
  const store = storeFor(config);
  // Shared by the replicas' limits and notices; never holds up start-up (down: a single node until it returns).
  const redis = config.redisUrl ? new RedisLink(config.redisUrl, logger) : undefined;
  let engine: DialogEngine | undefined;
  let catalogue: LoadedRecommender | undefined;
  let segments: Segments | undefined;
  let experiments: Experiments | undefined;
  let identity: Identity | undefined;
  let shoppers: Shoppers | undefined;
  let bus: ShopperBus | undefined;
  let stopRetention: (() => void) | undefined;
  let stopRetraining: (() => void) | undefined;
  let recorder: ActivityRecorder | undefined;
  let live: LiveUpdates | undefined;
  let imports: ImportJobs | undefined;

  // Voice loads on first use, after the catalogue is in the store (its language model is built from it).
  let settleStore: { resolve: () => void; reject: (err: unknown) => void } = { resolve: () => {}, reject: () => {} };
  const storeReady = new Promise<void>((resolve, reject) => {
    settleStore = { resolve, reject };
  });
  storeReady.catch(() => undefined);
  let nlu: Nlu | undefined;
  const voice = new VoiceStackLoader({
    config,
    logger,
    products: async () => {
      await storeReady;
      return store.catalogue.allProducts();
    },
    // Until the classifier is in, no reading is preferred: the recogniser's best stands.
    intents: { predict: (text) => nlu?.classify(text) ?? { intent: "oos", confidence: 0 } },
  });

  // The LLM loads alongside the rest without holding up readiness: templates answer until it is in.
  let languageModel: LanguageModel | undefined;
  let closing = false;
  const llmLoaded = loadLanguageModel(config, logger).then(async (model) => {
    if (closing) await model?.close();
    else languageModel = model;
  }).catch((err) => logger.warn({ err }, "LLM: could not finish loading; replies use templates"));
  const writer = groundedReplyWriter({ model: () => languageModel, logger });

  const server = createServer({
    redis,
    voice,
    config,
    publicUrl: config.publicUrl,
    logger,
    admin: adminRouter({
      adminToken: config.adminToken,
      logger,
      segments: () => segments,
      experiments: () => experiments,
      // Copy, feedback and sentiment once the store is open; copy shares the dialogs' model.
      store: () => (engine ? store : undefined),
      languageModel: () => languageModel,
      identity: () => identity,
    }).use(adminDashboardRouter({ adminToken: config.adminToken, store: () => (engine ? store : undefined), recorder: () => recorder, dataDir: config.dataDir }))
      .use(adminRepliesRouter({ adminToken: config.adminToken, repliesFile: config.repliesFile, dataDir: config.dataDir, logger })),
    uploads: adminImportsRouter({ adminToken: config.adminToken, jobs: () => (engine ? imports : undefined) }),
    engine: () => engine,
    isReady: () => engine !== undefined,
    identity: () => identity,
    shoppers: () => shoppers,
    kioskIdleMs: (config.kioskIdleSeconds ?? 120) * 1000,
    recordEvents: async (events) => {
      if (!engine || !shoppers || !catalogue) throw new NotReadyError();
      // An item the catalogue does not hold would rank nothing, and would sit in memory for ever.
      const known = events.filter((e) => catalogue!.recommender.holds(e.itemId));
      const dropped = events.length - known.length;
      if (dropped) eventsDroppedTotal.inc({ reason: "unknown_item" }, dropped);
      if (known.length) await shoppers.record(known);
      return { accepted: known.length, dropped };
    },
  });
  const port = await server.listen();
  logger.info({ port, store: config.databaseUrl ? "postgres" : "pglite" }, "listening; loading store and models");

  // A shutdown during start-up stops loading at the next step (a step in progress finishes: the store stays whole).
  const step = () => {
    if (closing) throw new ConciergeError("shutting_down", "start-up stopped: the service is shutting down", 503);
  };
  const ready = (async () => {
    const started = Date.now();
    await loadReplies(config, logger);
    await store.init().catch((err: unknown) => {
      const where = config.databaseUrl ? `PostgreSQL at ${hostOf(config.databaseUrl, "DATABASE_URL")}` : `the embedded store in ${config.dataDir}`;
      throw new Error(`${where} could not be opened: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    });
    step();
    // Read before loading: an import landing while the service loads is then caught as a change.
    const markers = await readMarkers(store);
    identity = await Identity.create({ keys: config.identity ?? {}, blobs: store.blobs });
    logIdentity(identity, config, logger);
    bus = redis ? redisShopperBus(redis, logger, config.databaseSchema) : new LocalBus();
    shoppers = new Shoppers({ store: store.shoppers, bus, logger, exportLinkMinutes: config.privacy?.exportLinkMinutes });
    step();
    const loaded = await loadRecommender({ config, store, logger });
    step();
    // Profiles are made in the recommender's space; what it keeps in memory of shoppers follows their data.
    shoppers.useProfileModel(loaded.recommender);
    shoppers.useMemory(loaded.recommender);
    nlu = await loadNlu({ config, store, logger, lexicon: loaded.lexicon });
    stopRetraining = retrainOnShopIntents({ config, store, logger, nlu });
    step();
    const knowledge = await loadKnowledge({ config, store, logger, embedder: loaded.recommender.embedder ?? undefined });
    step();
    catalogue = loaded;
    segments = new Segments({ store, embedderId: () => loaded.recommender.embedder?.id ?? null, halfLifeDays: config.profileHalfLifeDays, logger });
    experiments = new Experiments({ store, logger, rankingStrategies: isRankingStrategy, strategyHelp: STRATEGY_HELP });
    // Variants that name a ranking strategy change the ranking their shoppers are served.
    loaded.recommender.useExperiments(experiments);
    engine = createDialogEngine({
      // Out of scope, or unsure: kept for the shop to label (`concierge nlu review`), never when set to 0.
      understander: config.nluReviewBelow === 0 ? nlu : new ReviewingUnderstander(nlu, new ReviewLog(config.dataDir), { unsureBelow: config.nluReviewBelow ?? 0.6 }, logger),
      recommender: loaded.recommender,
      shoppers,
      conversations: store.conversations,
      states: new ConversationStates({
        store: store.conversations,
        bus: redis ? new RedisNoticeBus(redis, `concierge:${config.databaseSchema}:conversations`, isConversationNotice, logger) : undefined,
        // The embedded store is this process's alone; a shared one is read again unless Redis says what changed.
        cacheMs: !config.databaseUrl ? Number.POSITIVE_INFINITY : redis ? 60_000 : 1_000,
      }),
      logger,
      writer: () => (languageModel ? writer : undefined),
      actions: actionsFromConfig(config.actions),
      knowledge,
    });
    live = startLiveUpdates({
      store,
      logger,
      redis,
      schema: config.databaseSchema,
      baseline: markers,
      intervalMs: config.liveUpdateMs,
      rebuild: {
        catalogue: async () => {
          await loaded.recommender.reload();
          nlu!.setLexicon(buildLexicon(await store.catalogue.allProducts(), glossaryTerms()));
          void voice.catalogueChanged();
        },
        knowledge: () => knowledge.refresh(),
      },
    });
    imports = new ImportJobs({
      store,
      logger,
      dataDir: config.dataDir,
      embedder: () => (loaded.recommender.embedder?.tier === "downloaded" ? loaded.recommender.embedder : undefined),
      changed: async (kind) => {
        await live!.changed(kind);
        await live!.settled();
      },
    });
    // The dashboard's hourly counters: flushed every minute and at a clean stop, never per turn.
    recorder = new ActivityRecorder({ store: store.activity, logger }).start();
    logActions(config, logger);
    const retentionDays = config.privacy?.retentionDays;
    if (retentionDays) stopRetention = startRetention({ shoppers, days: retentionDays, logger });
    logger.info({ seconds: (Date.now() - started) / 1000 }, "ready");
  })();
  ready.catch(() => undefined); // the caller reports it (startCommand exits non-zero naming the cause)
  ready.then(() => settleStore.resolve(), (err) => settleStore.reject(err));
  if (voice.settings.service === "preload") ready.then(() => voice.get()).catch(() => undefined);

  return {
    port,
    store,
    ready,
    languageModel: () => languageModel,
    flush: async () => {
      await engine?.flush?.();
    },
    async close(drainMs = 0) {
      closing = true;
      await server.shutdown(drainMs);
      await voice.close();
      await ready.catch(() => undefined);
      await catalogue?.close();
      await llmLoaded;
      await languageModel?.close();
      languageModel = undefined;
      stopRetention?.();
      stopRetraining?.();
      await live?.stop();
      await engine?.flush?.();
      await recorder?.stop().catch((err: unknown) => logger.warn({ err }, "activity counters could not be written at shutdown"));
      await bus?.close();
      await redis?.close();
      await store.close();
    },
  };
}

/** Which of the shop's systems the dialogs act through, by host only (the URLs may carry tokens). */
function logActions(config: Config, logger: Logger): void {
  const a = config.actions;
  if (a?.webhook) logger.info({ host: hostOf(a.webhook.url, "CONCIERGE_ACTIONS_URL"), timeoutMs: a.timeoutMs }, "actions: order status, returns, store stock and hand-offs go to the shop's webhook");
  else logger.info("actions: no CONCIERGE_ACTIONS_URL: order status, returns and store stock keep the fixed wording");
  if (a?.handoffUrl) logger.info({ host: hostOf(a.handoffUrl, "CONCIERGE_HANDOFF_URL") }, "actions: hand-offs are posted to the Slack/Teams incoming webhook");
}

function logIdentity(identity: Identity, config: Config, logger: Logger): void {
  const algorithms = identity.customerAlgorithms;
  if (algorithms.length) logger.info({ algorithms, issuer: config.identity?.issuer, audience: config.identity?.audience }, "identity: shop-signed customer tokens accepted");
  else logger.info("identity: no CONCIERGE_IDENTITY_SECRET (or _PUBLIC_KEY / _JWKS) set: every web and kiosk shopper is an anonymous visitor");
  if (config.identity?.secret && Buffer.byteLength(config.identity.secret, "utf8") < 32) {
    logger.warn("CONCIERGE_IDENTITY_SECRET is shorter than 32 bytes: an HS256 secret that short can be guessed; use 32 random bytes or more");
  }
}

/**
 * `concierge start` and `npm start`: run until a signal, then drain and close cleanly (exit 0). A
 * start-up that fails exits 1 naming the cause, so an orchestrator restarts it. Signals are heard
 * from the first moment: one during start-up stops loading at the next safe step.
 */
export async function startCommand(_args: string[] = []): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  let signalled = false;
  let wake = () => {};
  const stopped = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, "second signal: exiting without waiting for the drain");
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal, drainMs: config.shutdownDrainMs }, "shutting down: no new work; letting running turns finish");
    wake();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled promise rejection (a bug: the service carries on)"));

  const service = await startService(config, logger);
  const outcome = await Promise.race([service.ready.then(() => "ready" as const, (err: unknown) => ({ err })), stopped.then(() => "stop" as const)]);
  if (typeof outcome === "object" && !signalled) {
    const cause = outcome.err instanceof Error ? outcome.err.message : String(outcome.err);
    logger.fatal({ err: outcome.err }, `start-up failed: ${cause}`);
    process.stderr.write(`concierge: start-up failed: ${cause}\n`);
    await service.close().catch(() => undefined);
    return 1;
  }
  if (outcome === "ready") await stopped;
  await service.close(config.shutdownDrainMs ?? 10_000);
  logger.info("stopped");
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  startCommand().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
