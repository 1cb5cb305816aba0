import { pathToFileURL } from "node:url";
import { type Config, loadConfig } from "../core/config.ts";
import { NotReadyError } from "../core/errors.ts";
import { createLogger, type Logger } from "../core/logger.ts";
import { createDialogEngine, type DialogEngine, groundedReplyWriter } from "../dialogs/index.ts";
import { type LanguageModel, loadLanguageModel } from "../llm/index.ts";
import { loadNlu } from "./bootstrap/nlu.ts";
import { type LoadedRecommender, loadRecommender } from "./bootstrap/recommender.ts";
import { Experiments } from "../recommend/experiments/index.ts";
import { isRankingStrategy, STRATEGY_HELP } from "../recommend/ranking/strategies.ts";
import { Segments } from "../recommend/segments/index.ts";
import { adminRouter } from "./http/admin.ts";
import { attachRedisAdapter } from "./scale-out.ts";
import { createServer } from "./server.ts";
import { VoiceStackLoader } from "./voice/stack.ts";
import { createStore, type Store } from "../store/index.ts";

export interface RunningService {
  port: number;
  store: Store;
  /** Resolves once models and store are loaded (what /readyz reports). */
  ready: Promise<void>;
  /** The local LLM once loaded; undefined while it loads or without one (templates answer). */
  languageModel(): LanguageModel | undefined;
  close(): Promise<void>;
}

/**
 * Starts the whole service in one process: HTTP first (so /healthz answers and /readyz says
 * "loading"), then the store, the catalogue and the models; ready once all of them are.
 */
export async function startService(config: Config = loadConfig(), logger: Logger = createLogger(config.logLevel)): Promise<RunningService> {
  const store = createStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, schema: config.databaseSchema });
  let engine: DialogEngine | undefined;
  let catalogue: LoadedRecommender | undefined;
  let segments: Segments | undefined;
  let experiments: Experiments | undefined;

  // Voice loads on first use, after the catalogue is in the store (its language model is built from it).
  let settleStore: { resolve: () => void; reject: (err: unknown) => void } = { resolve: () => {}, reject: () => {} };
  const storeReady = new Promise<void>((resolve, reject) => {
    settleStore = { resolve, reject };
  });
  storeReady.catch(() => undefined);
  const voice = new VoiceStackLoader({
    config,
    logger,
    products: async () => {
      await storeReady;
      return store.catalogue.allProducts();
    },
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
    voice,
    config,
    publicUrl: config.publicUrl,
    logger,
    messageRate: config.messageRate,
    admin: adminRouter({
      adminToken: config.adminToken,
      logger,
      segments: () => segments,
      experiments: () => experiments,
      // Copy, feedback and sentiment once the store is open; copy shares the dialogs' model.
      store: () => (engine ? store : undefined),
      languageModel: () => languageModel,
    }),
    engine: () => engine,
    isReady: () => engine !== undefined,
    recordEvents: async (events) => {
      if (!catalogue) throw new NotReadyError();
      await catalogue.recommender.recordEvents(events);
    },
  });
  const detachRedis = config.redisUrl ? await attachRedisAdapter(server.io, config.redisUrl, logger) : undefined;
  const port = await server.listen();
  logger.info({ port, store: config.databaseUrl ? "postgres" : "pglite" }, "listening; loading store and models");

  const ready = (async () => {
    const started = Date.now();
    await store.init();
    const loaded = await loadRecommender({ config, store, logger });
    const nlu = await loadNlu({ config, store, logger, lexicon: loaded.lexicon });
    catalogue = loaded;
    segments = new Segments({ store, embedderId: () => loaded.recommender.embedder?.id ?? null, halfLifeDays: config.profileHalfLifeDays, logger });
    experiments = new Experiments({ store, logger, rankingStrategies: isRankingStrategy, strategyHelp: STRATEGY_HELP });
    // Variants that name a ranking strategy change the ranking their shoppers are served.
    loaded.recommender.useExperiments(experiments);
    engine = createDialogEngine({ understander: nlu, recommender: loaded.recommender, store, logger, writer: () => (languageModel ? writer : undefined) });
    logger.info({ seconds: (Date.now() - started) / 1000 }, "ready");
  })();
  ready.catch((err) => logger.fatal({ err }, "start-up failed"));
  ready.then(() => settleStore.resolve(), (err) => settleStore.reject(err));
  if (voice.settings.service === "preload") ready.then(() => voice.get()).catch(() => undefined);

  return {
    port,
    store,
    ready,
    languageModel: () => languageModel,
    async close() {
      closing = true;
      await server.close();
      await voice.close();
      await detachRedis?.();
      await ready.catch(() => undefined);
      await catalogue?.close();
      await llmLoaded;
      await languageModel?.close();
      languageModel = undefined;
      await engine?.flush?.();
      await store.close();
    },
  };
}

/** `concierge start` and `npm start`: run until a signal, then close cleanly. */
export async function startCommand(_args: string[] = []): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const service = await startService(config, logger);
  await service.ready.catch(() => {
    process.exitCode = 1;
  });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "shutting down");
      resolve();
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  });
  await service.close();
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
