import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "../../core/config.ts";
import { ModelUnavailableError } from "../../core/errors.ts";
import { createProgress } from "../../core/progress.ts";
import type { Lexicon } from "../../intents/types.ts";
import {
  type CatalogRecommender,
  createDownloadedEmbedder,
  createRecommender,
  DEMO_CATALOG_PATH,
  type Embedder,
  formatRowError,
  importCatalog,
  readCatalogFile,
} from "../../recommend/index.ts";
import { glossaryTerms } from "../../recommend/text/glossary.ts";
import type { Store } from "../../store/types.ts";
import { buildLexicon } from "./lexicon.ts";

export interface LoadedRecommender {
  recommender: CatalogRecommender;
  lexicon: Lexicon;
  close(): Promise<void>;
}

/**
 * The catalogue side of start-up: pick the embedder tier, load indexes, import the demo (or the
 * configured) catalogue into an empty store on first run, and read the NLU lexicon off it.
 */
export async function loadRecommender(deps: { config: Config; store: Store; logger: Logger }): Promise<LoadedRecommender> {
  const { config, store, logger } = deps;
  const embedder = await chooseEmbedder(config, logger);
  const rec = config.recommend;
  const recommender = createRecommender({
    store,
    embedder,
    dataDir: config.dataDir,
    halfLifeDays: config.profileHalfLifeDays,
    logger,
    ...(rec && {
      ranking: {
        weights: rec.weights,
        mmrLambda: rec.mmrLambda,
        brandCap: rec.brandCap,
        sessionMinutes: rec.sessionMinutes,
        newHalfLifeDays: rec.newHalfLifeDays,
        contentShrink: rec.contentShrink,
      },
      cooccurrence: rec.cooccurrence,
      popularityWindowDays: rec.popularityWindowDays,
      model: rec.ease.maxItems > 0 ? { maxItems: rec.ease.maxItems, lambda: rec.ease.lambda } : false,
    }),
  });
  await recommender.load();
  const stopTuning = rec ? scheduleTuning(recommender, rec.tuneIntervalHours, logger) : () => {};

  const source = config.catalogPath ?? DEMO_CATALOG_PATH;
  if ((await store.catalogue.countProducts()) === 0 && source !== "none") {
    logger.info({ file: source }, "empty catalogue: importing");
    const progress = createProgress("importing catalogue");
    let shown = 0;
    let unreadable = 0;
    const rows = readCatalogFile(source, {
      onError: (e) => {
        unreadable++;
        logger.warn({ problem: formatRowError(e) }, "catalogue row skipped");
      },
    });
    const result = await importCatalog({
      store,
      recommender,
      products: rows,
      onProgress: (p) => {
        if (p.phase !== "saving") return;
        if (shown === 0) progress.setTotal(p.total);
        progress.tick(p.done - shown);
        shown = p.done;
      },
    });
    progress.stop();
    logger.info({ added: result.added, failed: result.failed, seconds: result.seconds }, "catalogue imported");
    // The dashboard's import history; a failed write costs the history a line, not the start-up.
    await store.catalogue
      .recordImport({
        at: Date.now(),
        source: source === DEMO_CATALOG_PATH ? "demo" : path.basename(source),
        added: result.added,
        updated: result.updated,
        unchanged: result.unchanged,
        rejected: result.failed + unreadable,
        products: await store.catalogue.countProducts(),
        seconds: Number(result.seconds.toFixed(3)),
      })
      .catch((err: unknown) => logger.warn({ err }, "the catalogue import could not be recorded in the import history"));
  }

  const products = await store.catalogue.allProducts();
  const lexicon = buildLexicon(products, glossaryTerms());
  logger.info({ ...recommender.describe(), embedder: recommender.embedder?.id, tier: recommender.embedder?.tier ?? "built-in" }, "recommender ready");
  return {
    recommender,
    lexicon,
    async close() {
      stopTuning();
      await (embedder as { close?: () => Promise<void> } | undefined)?.close?.();
    },
  };
}

async function chooseEmbedder(config: Config, logger: Logger): Promise<Embedder | undefined> {
  if (config.embeddingModel.toLowerCase() === "none") {
    logger.info({ model: "embedding", tier: "built-in" }, "downloaded embedding model turned off");
    return undefined;
  }
  try {
    return await createDownloadedEmbedder(config, logger);
  } catch (err) {
    // Missing, unreadable or corrupt: whatever the reason, the built-in tier answers and the log says why.
    const reason = err instanceof Error ? err.message : String(err);
    const level = err instanceof ModelUnavailableError ? "warn" : "error";
    logger[level]({ model: "embedding", tier: "built-in", reason }, "downloaded embedding model unavailable; the built-in one serves");
    return undefined;
  }
}

/**
 * The periodic re-tune (CONCIERGE_REC_TUNE_INTERVAL_HOURS; 0 = off): every interval, and an interval
 * after the last stored tuning when the service starts, the ranking is re-tuned from the stored
 * events (recommend/eval/tune.ts) and put in force. It runs in this process and holds a core while it
 * runs (seconds for a small shop, minutes for a large one: recommend/README.md has timings).
 */
function scheduleTuning(recommender: CatalogRecommender, hours: number, logger: Logger): () => void {
  if (!(hours > 0)) return () => {};
  const every = hours * 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const run = async () => {
    if (stopped) return;
    const started = Date.now();
    try {
      const tuning = await recommender.retune();
      if (tuning) logger.info({ weights: tuning.weights, ease: tuning.ease, validation: tuning.validation, ms: Date.now() - started }, "ranking re-tuned");
      else logger.info("ranking not re-tuned: too few stored events");
    } catch (err) {
      logger.error({ err }, "ranking re-tune failed; the ranking in force stays");
    }
    if (!stopped) timer = setTimeout(run, every).unref();
  };
  const last = Date.parse(recommender.describe().tunedAt ?? "");
  const due = Number.isFinite(last) ? Math.max(60_000, last + every - Date.now()) : 60_000;
  timer = setTimeout(run, Math.min(due, 2 ** 31 - 1)).unref();
  logger.info({ everyHours: hours, firstInMinutes: Math.round(due / 60_000) }, "periodic ranking re-tune scheduled");
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
