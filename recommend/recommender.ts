import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Logger } from "../core/logger.ts";
import { timeStage } from "../core/metrics.ts";
import { CONFIG_DEFAULTS } from "../core/config.ts";
import { createProgress, progressByDefault } from "../core/progress.ts";
import { parseInput } from "../core/validation.ts";
import type { ProfileVectors, ShopperProfile } from "../shoppers/index.ts";
import type { Product, ShopperEvent, Store } from "../store/types.ts";
import type { CompiledFilter } from "./catalog.ts";
import { type CooccurrenceOptions, CooccurrenceModel } from "./collab/cooccurrence.ts";
import { fitEaseInWorker, ImplicitData, type ItemItemModel } from "./collab/implicit.ts";
import { DEFAULT_EASE, type EaseSettings, type Tuning, tunedRanking } from "./eval/tune.ts";
import { loadTuning, tuneAndStore } from "./eval/tune-store.ts";
import { BuiltinEmbedder, type BuiltinEmbedderOptions } from "./embedders/builtin.ts";
import { CatalogIndexes } from "./indexes.ts";
import { Bm25Index } from "./lexical/bm25.ts";
import { Popularity } from "./popularity.ts";
import { productText } from "./product-text.ts";
import { blendPreferences, computeProfile } from "./profile.ts";
import { catalogPrior } from "./ranking/prior.ts";
import { DEFAULT_RANKING, exclusions, fallbackPicks, type RankingConfig, type RankingSources, type RankingWeights, rankForShopper, type ShopperInput } from "./ranking/ranker.ts";
import { arrivalSignal, popularitySignal, segmentPopularitySignal } from "./ranking/signals.ts";
import { type Lang, langOf, reasons } from "./reasons.ts";
import { LiveExperiments, type RankingExperiments } from "./experiments/live.ts";
import { SegmentPrior, type ShopperSegmentPick } from "./segment-prior.ts";
import { listOptionsSchema, recommendOptionsSchema, searchRequestSchema } from "./schemas.ts";
import { stripPriceWords } from "./text/query.ts";
import { analyzeQuery, type QueryGroup, tokenize, tokenizerFingerprint } from "./text/tokenize.ts";
import type { Embedder, Filters, Ranked, RecommendOptions, Recommender, SearchRequest } from "./types.ts";
import { HnswIndex, type HnswOptions } from "./vectors/hnsw.ts";
import { IdSpace } from "./vectors/ids.ts";

/** Where the fitted built-in embedder and its drift counter are kept (store blobs). */
export const BUILTIN_BLOB = "recommend:builtin-embedder";
const DRIFT_BLOB = "recommend:builtin-drift";
/** Products added after the first catalogue import, with when (for "new in …"). */
const ARRIVALS_BLOB = "recommend:arrivals";

export interface RecommenderOptions {
  store: Store;
  /** The downloaded tier, when start-up resolved one; otherwise the built-in embedder is fitted on the catalogue. */
  embedder?: Embedder;
  /** Saved HNSW graphs go to `<dataDir>/index/`. */
  dataDir: string;
  /** Half-life of an event's weight in a profile (config PROFILE_HALF_LIFE_DAYS). */
  halfLifeDays?: number;
  logger?: Logger;
  builtin?: BuiltinEmbedderOptions;
  /**
   * The built-in embedder is refitted when the products added or changed since its fit exceed this
   * share of the products it was fitted on (default 0.25); until then new text is folded in.
   */
  refitFraction?: number;
  /** "Popular right now" counts events of this many days (default 30). */
  popularityWindowDays?: number;
  /** Reciprocal-rank-fusion constant: score = Σ 1 / (k + rank) (default 60, Cormack et al. 2009). */
  rrfK?: number;
  /** Weight of the shopper's profile ranking in search's fusion, next to 1 for BM25 and 1 for vectors (default 0.5). */
  personalWeight?: number;
  hnsw?: HnswOptions;
  /** Progress bars on stderr for long work (default: unless CONCIERGE_QUIET). */
  progress?: boolean;
  /**
   * How recommend() ranks (ranking/ranker.ts): signal weights, MMR λ, brand cap, session window,
   * freshness half-life. Unset fields keep DEFAULT_RANKING; halfLifeDays comes from above.
   */
  ranking?: Partial<Omit<RankingConfig, "weights" | "halfLifeDays">> & { weights?: Partial<RankingWeights> };
  /** Running A/B experiments whose variants are ranking strategies (or call useExperiments later). */
  experiments?: RankingExperiments;
  /** Co-occurrence counting (window, minimum support, shrinkage), or false to keep none (batch tools that never recommend). */
  cooccurrence?: CooccurrenceOptions | false;
  /**
   * The learned item-item model (EASE, collab/implicit.ts), fitted in the background from the stored
   * events after load() and again after a re-tune, a forget() or a rebuild(); false for none (batch
   * tools). λ and input come from the stored tuning when there is one.
   */
  model?: Partial<EaseSettings> | false;
  /** Read `<dataDir>/rec-tuning.json` (written by `rec tune` and retune()) at load (default true). */
  useTuning?: boolean;
}

export interface IndexProductsResult {
  /** Products whose vectors were computed (all of them after a refit). */
  embedded: number;
  refitted: boolean;
}

/**
 * The name a product goes by: its brand and model — the title's first words up to the first with a
 * digit ("Lumora Prism 9"), else its first two ("Qinyin Arc"), never more than three; none when the
 * title does not start with the brand (the brand alone names no one product).
 */
function leadingName(p: Product | undefined): string | undefined {
  if (!p?.brand || !p.title.toLowerCase().startsWith(p.brand.toLowerCase())) return undefined;
  const words = p.title.split(/[,，(]/)[0]!.trim().split(/\s+/);
  const brandWords = p.brand.trim().split(/\s+/).length;
  const digit = words.findIndex((w, i) => i >= brandWords && /\d/.test(w));
  const count = Math.min(digit >= 0 ? digit + 1 : brandWords + 1, brandWords + 2);
  return count > brandWords && words.length > count ? words.slice(0, count).join(" ") : undefined;
}

/**
 * Products a message names by brand and model ("the Lumora Prism 9", "the Qinyin Arc"), in the order
 * it names them, each name's best product first; a shorter name inside a longer one named ("Lumora
 * Prism" inside "Lumora Prism 9") is not taken for a name of its own.
 */
function namedByBrandAndModel(message: string, terms: Set<string>, hits: { slot: number; name: string | undefined }[]): { slots: number[]; names: string[] } {
  const lower = message.toLowerCase();
  const found = hits
    .filter((h): h is { slot: number; name: string } => !!h.name && tokenize(h.name).every((t) => terms.has(t)))
    .map((h) => ({ ...h, at: lower.indexOf(h.name.split(/\s+/)[0]!) }))
    .sort((a, b) => a.at - b.at);
  const kept = found.filter((h) => !found.some((o) => o.name.startsWith(`${h.name} `)));
  return { slots: kept.map((h) => h.slot), names: [...new Set(kept.map((h) => h.name))] };
}

/** Each name once before a second product of a name already there: "compare the Lumora Prism 9 and the Qinyin Arc" is those two. */
function oneOfEachNameFirst(slots: number[], nameOf: (slot: number) => string | undefined): number[] {
  const seen = new Set<string>();
  const again: number[] = [];
  const distinct = slots.filter((slot) => {
    const name = nameOf(slot);
    if (name && seen.has(name)) {
      again.push(slot);
      return false;
    }
    if (name) seen.add(name);
    return true;
  });
  return [...distinct, ...again];
}

/** A title counts as named in a message when the message covers this share of its words' IDF mass. */
const MENTION_COVERAGE = 0.5;
const SAME_LANGUAGE_LIFT = 1.15;

/**
 * The recommender: hybrid search, profile recommendations, cold start and reasons, over in-memory
 * indexes rebuilt from (and kept in step with) the store. Construct with createRecommender; every
 * method waits for load(), which reads the catalogue and vectors, fits the built-in embedder when
 * none is stored, and loads (or builds and saves) the HNSW graph.
 */
export class CatalogRecommender implements Recommender {
  private loading: Promise<void> | undefined;
  private embedderRef: Embedder | null = null;
  private state: CatalogIndexes = new CatalogIndexes(new IdSpace());
  private hashes = new Map<string, string>();
  private drift = 0;
  private readonly popularity: Popularity;
  private priorOrder: number[] | undefined;
  private lowerIds: Map<string, number> | undefined;
  private indexSource: "saved" | "built" | "none" = "none";
  private lexicalSource: "saved" | "built" = "built";
  private readonly collab: CooccurrenceModel | null;
  private collabSource: "store" | "off" = "off";
  private ranking: RankingConfig;
  /** The configured ranking, before any stored tuning. */
  private readonly baseRanking: RankingConfig;
  private tuning: Tuning | null = null;
  private model: ItemItemModel | null = null;
  private modelInfo: Record<string, unknown> | null = null;
  private fitting: Promise<void> | null = null;
  private fitAgain = false;
  /** Bumped whenever product vectors change, so profiles made of the old ones are rebuilt (shoppers/ caches them). */
  private vectorsVersion = 0;
  private arrivals = new Map<string, number>();
  private popularityCache: { items: unknown; state: CatalogIndexes; signal: RankingSources["popularity"] } | undefined;
  private arrivalCache: { state: CatalogIndexes; version: number; signal: RankingSources["arrivals"] } | undefined;
  private arrivalVersion = 0;
  private readonly segmentPrior: SegmentPrior;
  private live: LiveExperiments | null = null;
  private readonly segmentSignals = new Map<string, { base: RankingSources["popularity"]; state: CatalogIndexes; signal: NonNullable<RankingSources["popularity"]> }>();
  private readonly o: Required<Omit<RecommenderOptions, "embedder" | "logger" | "builtin" | "hnsw" | "ranking" | "cooccurrence" | "experiments" | "model" | "useTuning">>;

  constructor(private readonly options: RecommenderOptions) {
    this.o = {
      store: options.store,
      dataDir: options.dataDir,
      halfLifeDays: options.halfLifeDays ?? CONFIG_DEFAULTS.profileHalfLifeDays,
      refitFraction: options.refitFraction ?? 0.25,
      popularityWindowDays: options.popularityWindowDays ?? CONFIG_DEFAULTS.recommend.popularityWindowDays,
      rrfK: options.rrfK ?? 60,
      personalWeight: options.personalWeight ?? 0.5,
      progress: options.progress ?? progressByDefault(),
    };
    this.popularity = new Popularity(options.store, this.o.popularityWindowDays);
    this.segmentPrior = new SegmentPrior(options.store);
    if (options.experiments) this.useExperiments(options.experiments);
    this.collab = options.cooccurrence === false ? null : new CooccurrenceModel(options.cooccurrence);
    const r = options.ranking ?? {};
    this.ranking = {
      ...DEFAULT_RANKING,
      ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)),
      weights: { ...DEFAULT_RANKING.weights, ...Object.fromEntries(Object.entries(r.weights ?? {}).filter(([, v]) => v !== undefined)) },
      halfLifeDays: this.o.halfLifeDays,
    };
    this.baseRanking = this.ranking;
  }

  private get store(): Store {
    return this.o.store;
  }

  /** Resolves once the indexes are built; safe to call many times. A failed load is retried by the next call. */
  load(): Promise<void> {
    if (!this.loading) {
      this.loading = this.doLoad();
      this.loading.catch(() => {
        this.loading = undefined;
      });
    }
    return this.loading;
  }

  get ready(): Promise<void> {
    return this.load();
  }

  /** The embedder in use (null until a built-in one has a catalogue to learn from). */
  get embedder(): Embedder | null {
    return this.embedderRef;
  }

  /** For start-up logs and health: what is loaded, and whether the vector index came from disk. */
  describe(): {
    products: number;
    vectors: number;
    vectorIndex: "saved" | "built" | "none";
    lexicalIndex: "saved" | "built";
    embedder: { id: string; tier: string; dimensions: number } | null;
    /** Co-occurrence: shoppers and items counted; "store" once rebuilt from the store's events. */
    cooccurrence: { shoppers: number; items: number; source: "store" | "off"; minSupport?: number; window?: number };
    /** The ranking knobs in force (config CONCIERGE_REC_*, or the stored tuning). */
    ranking: RankingConfig;
    popularityWindowDays: number;
    /** When the stored tuning was made, or null (the configured weights serve). */
    tunedAt: string | null;
    /** The learned model in use (EASE), or null while none is fitted. */
    model: Record<string, unknown> | null;
  } {
    const e = this.embedderRef;
    return {
      products: this.state.catalog.size,
      vectors: this.state.vectors?.size ?? 0,
      vectorIndex: this.indexSource,
      lexicalIndex: this.lexicalSource,
      embedder: e ? { id: e.id, tier: e.tier, dimensions: e.dimensions } : null,
      cooccurrence: {
        shoppers: this.collab?.shoppers ?? 0,
        items: this.collab?.items ?? 0,
        source: this.collabSource,
        ...(this.collab && { minSupport: this.collab.minSupport, window: this.collab.window }),
      },
      ranking: this.ranking,
      popularityWindowDays: this.o.popularityWindowDays,
      tunedAt: this.tuning?.tunedAt ?? null,
      model: this.modelInfo,
    };
  }

  private async doLoad(): Promise<void> {
    const started = Date.now();
    const [products, hashes] = await Promise.all([this.store.catalogue.allProducts(), this.store.catalogue.productHashes()]);
    this.hashes = hashes;
    let embedder: Embedder | null = this.options.embedder ?? null;
    let fitted: Map<string, Float32Array> | undefined;
    if (!embedder) {
      const blob = await this.store.blobs.getBlob(BUILTIN_BLOB);
      if (blob) {
        try {
          const stored = BuiltinEmbedder.deserialize(blob);
          if (stored.currentTokenizer) {
            embedder = stored;
            this.drift = await this.readDrift(stored.id);
          } else this.options.logger?.info("the stored built-in embedder was fitted with another tokeniser; refitting");
        } catch (err) {
          this.options.logger?.warn({ err }, "stored built-in embedder is unreadable; refitting");
        }
      }
      if (!embedder && products.length) {
        const fit = await this.fitBuiltin(products);
        embedder = fit.embedder;
        fitted = fit.vectors;
      }
    }
    this.embedderRef = embedder;
    const file = embedder ? this.indexFile(embedder.id) : null;
    const ids = (file && HnswIndex.readIds(file)) || new IdSpace();
    this.state = new CatalogIndexes(ids, this.options.hnsw);
    this.priorOrder = undefined;
    this.lowerIds = undefined;
    const saved = file && ids.size ? this.readLexical(file, products.length) : null;
    this.lexicalSource = saved ? "saved" : "built";
    if (saved) this.state.restore(products, saved.lexical, saved.titles);
    else {
      const bar = createProgress("indexing products", products.length, this.o.progress && products.length >= 5000);
      let last = 0;
      this.state.upsertProducts(products, (done) => {
        bar.tick(done - last);
        last = done;
      });
      bar.stop();
    }
    if (embedder) {
      const vectors = fitted ?? (await this.store.catalogue.loadVectors(embedder.id));
      for (const id of vectors.keys()) if (!this.state.catalog.get(id)) vectors.delete(id);
      const missing = products.filter((p) => !vectors.has(p.id) || vectors.get(p.id)!.length !== embedder.dimensions);
      if (missing.length) {
        for (const [i, v] of (await this.embedProducts(missing, "embedding products")).entries()) vectors.set(missing[i]!.id, v);
      }
      const loaded = file && !missing.length ? HnswIndex.load(file, embedder.dimensions, vectors, ids, this.options.hnsw) : null;
      if (loaded) {
        this.state.vectors = loaded;
        this.indexSource = "saved";
        if (!saved && file) {
          try {
            this.writeLexical(file);
          } catch (err) {
            this.options.logger?.warn({ err, file }, "could not save the lexical index");
          }
        }
      } else {
        this.buildVectorIndex(embedder.dimensions, [...vectors].map(([id, vector]) => ({ id, vector })));
        this.saveIndex();
      }
    }
    this.arrivals = await this.readArrivals();
    this.arrivalVersion++;
    await this.rebuildCooccurrence();
    if (this.options.useTuning !== false) await this.applyTuning(await loadTuning(this.o.dataDir));
    if (this.options.model !== false && this.collab) void this.refitModel();
    // Jieba loads its dictionary on first use (~0.5 s): pay that now, not on a shopper's first Chinese query.
    if (products.slice(0, 1000).some((p) => p.locale?.startsWith("zh") || /[\u3400-\u9fff]/.test(p.title))) tokenize("预热");
    this.options.logger?.info(
      {
        products: products.length,
        embedder: embedder ? { id: embedder.id, tier: embedder.tier, dimensions: embedder.dimensions } : null,
        vectors: this.state.vectors?.size ?? 0,
        vectorIndex: this.indexSource,
        ms: Date.now() - started,
      },
      "recommender ready",
    );
  }

  /**
   * Recounts co-occurrence from every stored event of shoppers who have not opted out, streamed from
   * the store a page at a time (Store.shoppers.scanEvents), so memory holds the counts, never the events.
   * Safe to call again (another replica recorded events meanwhile, or a shopper was deleted there).
   */
  async rebuildCooccurrence(): Promise<void> {
    const model = this.collab;
    if (!model) return;
    model.clear();
    const started = Date.now();
    let n = 0;
    for await (const batch of this.store.shoppers.scanEvents(5000)) {
      model.add(batch);
      n += batch.length;
    }
    this.collabSource = "store";
    this.options.logger?.info({ events: n, shoppers: model.shoppers, items: model.items, mb: Math.round(model.bytes / 1e6), ms: Date.now() - started }, "co-occurrence rebuilt");
  }

  /** Puts a tuning's weights, MMR λ, brand cap and model input in force (null: the configured ranking). */
  private async applyTuning(tuning: Tuning | null): Promise<void> {
    this.tuning = tuning;
    this.ranking = tuning ? tunedRanking(this.baseRanking, tuning) : this.baseRanking;
    if (tuning) this.options.logger?.info({ tunedAt: tuning.tunedAt, weights: tuning.weights, mmrLambda: tuning.mmrLambda, brandCap: tuning.brandCap, ease: tuning.ease }, "stored ranking tuning in force");
  }

  /** The EASE settings in force: the stored tuning's, else the configured ones. */
  private easeSettings(): EaseSettings {
    const configured = { ...DEFAULT_EASE, ...(this.options.model || {}) };
    return this.tuning?.ease ? { ...this.tuning.ease, maxItems: this.options.model && this.options.model.maxItems !== undefined ? this.options.model.maxItems : this.tuning.ease.maxItems } : configured;
  }

  /**
   * Fits the learned model from every stored event of shoppers who have not opted out (as
   * co-occurrence), in the background; rankings use the new model once it is ready. A call while a
   * fit runs makes it run once more afterwards (a shopper forgotten meanwhile must not stay in it).
   */
  refitModel(): Promise<void> {
    // Batch tools that keep no co-occurrence (catalog import) never recommend: no model either.
    if (this.options.model === false || !this.collab) return Promise.resolve();
    if (this.fitting) {
      this.fitAgain = true;
      return this.fitting;
    }
    const run = async () => {
      do {
        this.fitAgain = false;
        const settings = this.easeSettings();
        if (settings.maxItems <= 0) {
          this.model = null;
          this.modelInfo = null;
          return;
        }
        const started = Date.now();
        const events: ShopperEvent[] = [];
        for await (const batch of this.store.shoppers.scanEvents(5000)) events.push(...batch);
        const data = ImplicitData.fromEvents(events, { input: settings.input, maxItems: settings.maxItems });
        events.length = 0;
        if (data.size < 2 || data.users < 2) {
          this.model = null;
          this.modelInfo = null;
          continue;
        }
        // In a worker: the inversion is n³ and would hold the event loop for seconds to minutes.
        const fit = await fitEaseInWorker(data, { lambda: settings.lambda, minSupport: this.collab?.minSupport });
        this.model = fit.model;
        this.modelInfo = { ...fit.model.describe(), shoppers: data.users, fitSeconds: Number(fit.seconds.toFixed(2)), peakMb: Math.round(fit.peakBytes / 2 ** 20) };
        this.options.logger?.info({ ...this.modelInfo, ms: Date.now() - started }, "learned model (EASE) fitted");
      } while (this.fitAgain);
    };
    this.fitting = run()
      .catch((err) => {
        this.options.logger?.error({ err }, "learned model fit failed; ranking goes on without it");
      })
      .finally(() => {
        this.fitting = null;
      });
    return this.fitting;
  }

  /**
   * Re-tunes the ranking on the stored events (the service's periodic job, CONCIERGE_REC_TUNE_INTERVAL_HOURS):
   * stores the result in the data folder, puts it in force and refits the model with its settings.
   */
  async retune(options: { say?: (line: string) => void } = {}): Promise<Tuning | null> {
    await this.load();
    const events: ShopperEvent[] = [];
    for await (const batch of this.store.shoppers.scanEvents(5000)) events.push(...batch);
    if (events.length < 10) return null;
    const products = await this.store.catalogue.allProducts();
    const tuning = await tuneAndStore({
      products,
      events,
      dataDir: this.o.dataDir,
      base: this.baseRanking,
      cooccurrence: this.collab ? { minSupport: this.collab.minSupport, window: this.collab.window, shrink: this.collab.shrink } : undefined,
      popularityWindowDays: this.o.popularityWindowDays,
      maxItems: this.options.model ? this.options.model.maxItems : undefined,
      say: options.say,
    });
    if (tuning.validation.users === 0) return tuning;
    await this.applyTuning(tuning);
    await this.refitModel();
    return tuning;
  }

  private async readArrivals(): Promise<Map<string, number>> {
    const blob = await this.store.blobs.getBlob(ARRIVALS_BLOB);
    if (!blob) return new Map();
    try {
      const parsed = z.record(z.string(), z.number()).parse(JSON.parse(blob.toString("utf8")));
      return new Map(Object.entries(parsed));
    } catch (err) {
      this.options.logger?.warn({ err }, "stored product arrivals unreadable; none are new");
      return new Map();
    }
  }

  /** Keeps arrivals while they still count as new (freshness above ~0.4%: eight half-lives). */
  private async writeArrivals(now: number): Promise<void> {
    const horizon = now - 8 * this.ranking.newHalfLifeDays * 86_400_000;
    for (const [id, at] of this.arrivals) if (at < horizon) this.arrivals.delete(id);
    this.arrivalVersion++;
    await this.store.blobs.putBlob(ARRIVALS_BLOB, Buffer.from(JSON.stringify(Object.fromEntries(this.arrivals))));
  }

  private buildVectorIndex(dimensions: number, entries: { id: string; vector: Float32Array }[]): void {
    const index = this.state.resetVectors(dimensions);
    this.indexSource = "built";
    const bar = createProgress("building vector index", entries.length, this.o.progress && entries.length >= 5000);
    let last = 0;
    index.add(entries, (done) => {
      bar.tick(done - last);
      last = done;
    });
    bar.stop();
  }

  private async fitBuiltin(products: Product[]): Promise<{ embedder: BuiltinEmbedder; vectors: Map<string, Float32Array> }> {
    const started = Date.now();
    const { embedder, vectors } = BuiltinEmbedder.fitAndEmbed(products.map(productText), this.options.builtin);
    await this.store.blobs.putBlob(BUILTIN_BLOB, embedder.serialize());
    const entries = products.map((p, i) => ({ id: p.id, vector: vectors[i]! }));
    for (let i = 0; i < entries.length; i += 2000) await this.store.catalogue.saveVectors(embedder.id, entries.slice(i, i + 2000));
    this.drift = 0;
    await this.writeDrift(embedder.id);
    this.options.logger?.info(
      { embedder: embedder.id, dimensions: embedder.dimensions, vocabulary: embedder.vocabularySize, products: products.length, ms: Date.now() - started },
      "fitted the built-in embedder on the catalogue",
    );
    return { embedder, vectors: new Map(entries.map((e) => [e.id, e.vector])) };
  }

  private async readDrift(embedderId: string): Promise<number> {
    const blob = await this.store.blobs.getBlob(DRIFT_BLOB);
    if (!blob) return 0;
    try {
      const d = JSON.parse(blob.toString("utf8")) as { embedderId?: string; changed?: number };
      return d.embedderId === embedderId && typeof d.changed === "number" ? d.changed : 0;
    } catch {
      return 0;
    }
  }

  private async writeDrift(embedderId: string): Promise<void> {
    await this.store.blobs.putBlob(DRIFT_BLOB, Buffer.from(JSON.stringify({ embedderId, changed: this.drift })));
  }

  /** Vectors for products, in batches, saved to the store under the current embedder. */
  private async embedProducts(products: Product[], label: string, onProgress?: (done: number) => void): Promise<Float32Array[]> {
    const embedder = this.embedderRef;
    if (!embedder) throw new Error("no embedder");
    const batch = embedder.tier === "built-in" ? 500 : 64;
    const bar = createProgress(label, products.length, this.o.progress && products.length >= 2000);
    const out: Float32Array[] = [];
    for (let i = 0; i < products.length; i += batch) {
      const part = products.slice(i, i + batch);
      const vectors = await embedder.embed(part.map(productText));
      await this.store.catalogue.saveVectors(
        embedder.id,
        part.map((p, j) => ({ id: p.id, vector: vectors[j]! })),
      );
      out.push(...vectors);
      bar.tick(part.length);
      onProgress?.(Math.min(products.length, i + batch));
    }
    bar.stop();
    return out;
  }

  private indexFile(embedderId: string): string {
    const model = createHash("sha256").update(embedderId).digest("hex").slice(0, 12);
    const catalog = createHash("sha256");
    for (const id of [...this.hashes.keys()].sort()) catalog.update(`${id}\t${this.hashes.get(id)}\n`);
    return path.join(this.o.dataDir, "index", `${model}-${catalog.digest("hex").slice(0, 16)}.usearch`);
  }

  /** The BM25 indexes saved beside a graph by the same tokeniser, or null (then they are rebuilt). */
  private readLexical(file: string, products: number): { lexical: Bm25Index; titles: Bm25Index } | null {
    const base = `${file}.${tokenizerFingerprint()}`;
    try {
      if (!existsSync(`${base}.lexical`) || !existsSync(`${base}.titles`)) return null;
      const lexical = Bm25Index.deserialize(readFileSync(`${base}.lexical`));
      const titles = Bm25Index.deserialize(readFileSync(`${base}.titles`));
      return lexical.size === products && titles.size === products ? { lexical, titles } : null;
    } catch (err) {
      this.options.logger?.warn({ err, file: base }, "saved lexical index unreadable; rebuilding");
      return null;
    }
  }

  private writeLexical(file: string): void {
    const base = `${file}.${tokenizerFingerprint()}`;
    for (const [suffix, index] of [
      ["lexical", this.state.lexical],
      ["titles", this.state.titles],
    ] as const) {
      writeFileSync(`${base}.${suffix}.tmp`, index.serialize());
      renameSync(`${base}.${suffix}.tmp`, `${base}.${suffix}`);
    }
  }

  /**
   * Saves the HNSW graph and the BM25 indexes keyed by embedder and catalogue fingerprint, so the
   * next start with the same catalogue loads them instead of rebuilding (a minute at 100k
   * products). Keeps the newest two sets (another process may still use the previous one).
   */
  saveIndex(): void {
    const embedder = this.embedderRef;
    const vectors = this.state.vectors;
    if (!embedder || !vectors) return;
    const file = this.indexFile(embedder.id);
    try {
      vectors.save(file);
      this.writeLexical(file);
      const dir = path.dirname(file);
      const names = readdirSync(dir);
      const graphs = names
        .filter((f) => f.endsWith(".usearch"))
        .map((f) => ({ f, at: statSync(path.join(dir, f)).mtimeMs }))
        .sort((a, b) => b.at - a.at);
      for (const { f } of graphs.slice(2)) for (const n of names) if (n.startsWith(f)) rmSync(path.join(dir, n), { force: true });
    } catch (err) {
      // A read-only data dir costs start-up time, not correctness.
      this.options.logger?.warn({ err, file }, "could not save the vector index");
    }
  }

  /**
   * Brings new or changed products (already saved in the store) into every index: embeds them with
   * the current basis, or refits the built-in embedder when asked or when the catalogue drifted past
   * `refitFraction` since the fit. `hashes` are their stored content hashes (for the index fingerprint).
   */
  async indexProducts(
    products: Product[],
    options: { hashes?: Map<string, string>; refit?: boolean; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<IndexProductsResult> {
    await this.load();
    for (const p of products) {
      const h = options.hashes?.get(p.id);
      if (h) this.hashes.set(p.id, h);
    }
    if (!products.length && !options.refit) return { embedded: 0, refitted: false };
    // The first catalogue is the shop as it is; products that come after it are new arrivals.
    if (this.state.catalog.size > 0) {
      const now = Date.now();
      let arrived = 0;
      for (const p of products) {
        if (this.state.catalog.get(p.id) || this.arrivals.has(p.id)) continue;
        this.arrivals.set(p.id, now);
        arrived++;
      }
      if (arrived) await this.writeArrivals(now);
    }
    this.state.upsertProducts(products);
    this.priorOrder = undefined;
    this.lowerIds = undefined;
    this.vectorsVersion++;
    const builtin = !this.options.embedder;
    const current = this.embedderRef;
    const drifted = current instanceof BuiltinEmbedder && this.drift + products.length > this.o.refitFraction * current.fittedOn;
    if (builtin && (options.refit || !current || drifted)) {
      const all = [...this.state.catalog.slots()].map((s) => this.state.catalog.product(s)!);
      options.onProgress?.(0, all.length);
      const { embedder, vectors } = await this.fitBuiltin(all);
      if (current && current.id !== embedder.id) await this.store.catalogue.deleteVectors(current.id);
      this.embedderRef = embedder;
      this.buildVectorIndex(embedder.dimensions, [...vectors].map(([id, vector]) => ({ id, vector })));
      options.onProgress?.(all.length, all.length);
      this.saveIndex();
      return { embedded: all.length, refitted: true };
    }
    const embedder = this.embedderRef!;
    const vectors = await this.embedProducts(products, "embedding products", (done) => options.onProgress?.(done, products.length));
    if (!this.state.vectors) {
      this.state.resetVectors(embedder.dimensions);
      this.indexSource = "built";
    }
    this.state.vectors!.add(products.map((p, i) => ({ id: p.id, vector: vectors[i]! })));
    if (builtin) {
      this.drift += products.length;
      await this.writeDrift(embedder.id);
    }
    this.saveIndex();
    return { embedded: products.length, refitted: false };
  }

  /**
   * Reads the catalogue again from the store (another process imported into it) into new indexes
   * built aside, then puts them in force in one step: searches meanwhile use the old ones, none sees
   * half a catalogue. The learned signals (co-occurrence, the ranking model, the tuning) stay.
   */
  async reload(): Promise<{ products: number; ms: number }> {
    const started = Date.now();
    await this.load();
    const aside = new CatalogRecommender({ ...this.options, logger: undefined, progress: false, cooccurrence: false, model: false, useTuning: false });
    await aside.load();
    this.state = aside.state;
    this.embedderRef = aside.embedderRef;
    this.hashes = aside.hashes;
    this.drift = aside.drift;
    this.indexSource = aside.indexSource;
    this.lexicalSource = aside.lexicalSource;
    this.arrivals = aside.arrivals;
    this.arrivalVersion++;
    this.priorOrder = undefined;
    this.lowerIds = undefined;
    this.vectorsVersion++;
    return { products: this.state.catalog.size, ms: Date.now() - started };
  }

  /** Removes products from the store and every index. */
  async removeProducts(ids: string[]): Promise<number> {
    await this.load();
    const n = await this.store.catalogue.deleteProducts(ids);
    this.state.removeProducts(ids);
    for (const id of ids) this.hashes.delete(id);
    this.priorOrder = undefined;
    this.lowerIds = undefined;
    this.vectorsVersion++;
    this.saveIndex();
    return n;
  }

  private async embedQuery(text: string): Promise<Float32Array | null> {
    const e = this.embedderRef;
    if (!e) return null;
    const [v] = e.embedQueries ? await e.embedQueries([text]) : await e.embed([text]);
    if (!v) return null;
    let n = 0;
    for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
    return n > 1e-12 ? v : null;
  }

  /**
   * The query's vector. A Chinese query whose words the glossary knows is also embedded as its
   * English concept words, and the two averaged: the literal words pull towards Chinese listings,
   * the concepts towards every listing of the thing asked for, whatever its language.
   */
  private async embedSearchQuery(cleaned: string, groups: QueryGroup[]): Promise<Float32Array | null> {
    const concepts = groups
      .filter((g) => g.cjk)
      .flatMap((g) => g.alternatives.filter((a) => a.every((t) => /^[a-z0-9]+$/.test(t))).slice(0, 1))
      .flat();
    const literal = await this.embedQuery(cleaned);
    if (!concepts.length) return literal;
    const gloss = await this.embedQuery(concepts.join(" "));
    if (!literal || !gloss) return literal ?? gloss;
    return Float32Array.from(literal, (x, i) => x + gloss[i]!);
  }

  async search(request: SearchRequest): Promise<Ranked[]> {
    const req = parseInput(searchRequestSchema, request, "search request");
    await this.load();
    return timeStage("retrieve", async () => {
      const lang = langOf(req.locale, req.text);
      const limit = req.limit ?? 10;
      const filter = this.state.catalog.compile(req.filters as Filters | undefined);
      if (filter.empty) return [];
      const cleaned = stripPriceWords(req.text);
      const groups = analyzeQuery(cleaned);
      const profile = request.profile ?? null;
      if (groups.length === 0) return this.popularRanked(limit, filter, lang, profile?.exclude);

      const depth = Math.max(50, limit * 4);
      const within = filter.none ? {} : filter;
      const lexical = this.state.lexical.search(
        groups.map((g) => g.alternatives),
        depth,
        within,
      );
      const qv = this.state.vectors ? await this.embedSearchQuery(cleaned, groups) : null;
      let semantic = qv && this.state.vectors ? this.state.vectors.searchSlots(qv, depth, within) : [];
      // Past half the best similarity a neighbour is no longer "related": keep it out of the fusion.
      if (semantic.length) semantic = semantic.filter((h) => h.score >= semantic[0]!.score * 0.5 && h.score > 0);

      const k = this.o.rrfK;
      const fused = new Map<number, { score: number; matched?: number[]; personal?: number }>();
      // A lexical hit counts in proportion to the share of the query's words it matched, so "red
      // dress" puts red dresses above dresses of any colour that BM25 ranked close by on "dress".
      lexical.forEach((h, rank) => {
        fused.set(h.slot, { score: h.matched.length / groups.length / (k + rank + 1), matched: h.matched });
      });
      // The built-in space only knows the catalogue's words: for a query word it never saw (a new
      // brand, a typo) the vector rests on trigrams alone, and counts for less.
      const e = this.embedderRef;
      const known = e instanceof BuiltinEmbedder ? groups.filter((g) => g.alternatives.flat().some((t) => e.hasTerm(t))).length / groups.length : 1;
      const semanticWeight = 0.5 + 0.5 * known;
      semantic.forEach((h, rank) => {
        const f = fused.get(h.slot);
        if (f) f.score += semanticWeight / (k + rank + 1);
        else fused.set(h.slot, { score: semanticWeight / (k + rank + 1) });
      });
      if (profile?.vector && this.state.vectors) {
        const scored = [...fused.keys()]
          .map((slot) => ({ slot, sim: this.state.vectors!.exact.cosine(profile.vector!, slot) }))
          .sort((a, b) => b.sim - a.sim);
        scored.forEach(({ slot, sim }, rank) => {
          if (sim <= 0) return;
          const f = fused.get(slot)!;
          f.score += this.o.personalWeight / (k + rank + 1);
          f.personal = rank;
        });
      }
      // Among equally relevant listings, the shopper's language first (a 15% lift, about five RRF ranks).
      for (const [slot, f] of fused) {
        const locale = this.state.catalog.product(slot)?.locale;
        if (locale && langOf(locale) === lang) f.score *= SAME_LANGUAGE_LIFT;
      }
      const quoteAll = joinGroups(groups) || cleaned;
      return [...fused.entries()]
        .sort((a, b) => b[1].score - a[1].score || a[0] - b[0])
        .slice(0, limit)
        .map(([slot, f]) => {
          let reason: string;
          if (f.matched?.length) {
            reason = reasons.matches(lang, joinGroups(f.matched.map((i) => groups[i]!)));
          } else {
            reason = reasons.related(lang, quoteAll);
          }
          if (f.personal !== undefined && f.personal < 3) reason += reasons.personalSuffix(lang);
          return { product: this.state.catalog.product(slot)!, score: f.score, reason };
        });
    });
  }

  /**
   * Personalised for the shopper the profile describes; what everybody gets for a shopper who opted
   * out (null), and popular picks (their segment's first) for one we know nothing about yet.
   */
  async recommend(profile: ShopperProfile | null, options?: RecommendOptions): Promise<Ranked[]> {
    const opts = parseInput(recommendOptionsSchema, options, "options") ?? {};
    await this.load();
    return timeStage("retrieve", async () => {
      const lang = langOf(opts.locale);
      const limit = opts.limit ?? 10;
      const filter = this.state.catalog.compile(opts.filters as Filters | undefined);
      if (filter.empty) return [];
      // Opted out: what everybody gets, nothing of theirs used.
      if (!profile) return this.popularRanked(limit, filter, lang);
      const user = profile.shopperId;
      const now = Date.now();
      const query = await this.sessionQuery(profile, opts.query, now);
      // Their segment's popularity stands in for the shop's (cold start: see segment-prior.ts).
      const segment = await this.segmentPrior.forShopper(user, profile.events, profile.likes, (id) => this.state.catalog.get(id));
      const sources = await this.rankingSources(segment);
      // A running ranking experiment decides the strategy for this shopper's variant.
      const experiment = this.live ? await this.live.rankingFor(user, this.ranking) : null;
      let picks: Ranked[];
      if (!profile.events.length && !profile.likesVector && !query) picks = fallbackPicks(sources, limit, filter, lang, this.slotsOf(profile.exclude));
      else {
        const shopper: ShopperInput = { events: profile.events, now, likes: profile.likes, likesVector: profile.likesVector, query };
        picks = rankForShopper(
          sources,
          shopper,
          { limit, filter, lang, seen: "last", fill: true, capBrands: !opts.filters?.brands?.length },
          experiment?.config ?? this.ranking,
        );
      }
      if (experiment) await this.live!.exposed(user, experiment.assignment, picks.map((p) => p.product.id), now);
      return picks;
    });
  }

  /**
   * Applies A/B experiments to live ranking (see experiments/live.ts): the service passes its
   * Experiments once they are loaded. Shoppers who opted out are never in an experiment.
   */
  useExperiments(experiments: RankingExperiments | null): void {
    this.live = experiments ? new LiveExperiments(experiments, this.options.logger) : null;
  }

  /** The query that states the shopper's current intent: the one given, else their last search within the session window. */
  private async sessionQuery(profile: ShopperProfile, given: string | undefined, now: number): Promise<ShopperInput["query"]> {
    const last = profile.lastQuery && now - profile.lastQuery.at <= this.ranking.sessionMinutes * 60_000 ? profile.lastQuery.text : undefined;
    const raw = given?.trim() || last?.trim();
    if (!raw) return undefined;
    const text = stripPriceWords(raw).trim() || raw;
    return { text, vector: await this.embedQuery(text) };
  }

  /**
   * What the ranker reads besides the shopper: indexes, co-occurrence, and the priors (rebuilt when
   * their inputs change); with a segment, popularity among it leads the popularity prior.
   */
  private async rankingSources(segment?: ShopperSegmentPick | null): Promise<RankingSources> {
    const { items, recent } = await this.popularity.ranked();
    const state = this.state;
    if (!this.popularityCache || this.popularityCache.items !== items || this.popularityCache.state !== state) {
      this.popularityCache = { items, state, signal: popularitySignal(items, (id) => state.ids.slotOf(id), recent) };
    }
    if (!this.arrivalCache || this.arrivalCache.state !== state || this.arrivalCache.version !== this.arrivalVersion) {
      this.arrivalCache = { state, version: this.arrivalVersion, signal: arrivalSignal(this.arrivals, (id) => state.ids.slotOf(id)) };
    }
    let popularity = this.popularityCache.signal;
    if (segment) {
      const key = `${segment.segmentation}:${segment.segment}`;
      let cached = this.segmentSignals.get(key);
      if (!cached || cached.base !== popularity || cached.state !== state) {
        cached = { base: popularity, state, signal: segmentPopularitySignal(segment.items, popularity, (id) => state.ids.slotOf(id)) };
        if (this.segmentSignals.size >= 64) this.segmentSignals.clear();
        this.segmentSignals.set(key, cached);
      }
      popularity = cached.signal;
    }
    return {
      catalog: state.catalog,
      vectors: state.vectors,
      collab: this.collab,
      model: this.model,
      popularity,
      arrivals: this.arrivalCache.signal,
      prior: () => this.prior(),
    };
  }

  async popular(options?: { limit?: number; filters?: Filters; locale?: string }): Promise<Ranked[]> {
    const opts = parseInput(listOptionsSchema, options, "options") ?? {};
    await this.load();
    const filter = this.state.catalog.compile(opts.filters as Filters | undefined);
    if (filter.empty) return [];
    return this.popularRanked(opts.limit ?? 10, filter, langOf(opts.locale));
  }

  private slotsOf(ids: Iterable<string>): Set<number> {
    const out = new Set<number>();
    for (const id of ids) {
      const s = this.state.ids.slotOf(id);
      if (s !== undefined) out.add(s);
    }
    return out;
  }

  /** Popular items within the filter, then the catalogue prior when there are too few (cold start). */
  private async popularRanked(limit: number, filter: CompiledFilter, lang: Lang, excludeIds?: Set<string>): Promise<Ranked[]> {
    return fallbackPicks(await this.rankingSources(), limit, filter, lang, excludeIds ? this.slotsOf(excludeIds) : new Set());
  }

  private prior(): number[] {
    this.priorOrder ??= catalogPrior(this.state.catalog);
    return this.priorOrder;
  }

  /** Changes whenever the vectors profiles are made of change (another embedder, products re-indexed). */
  get profileVersion(): string {
    return `${this.embedderRef?.id ?? ""}:${this.vectorsVersion}`;
  }

  /** A shopper's events and stated likes as vectors in the catalogue's space (shoppers/ caches the result). */
  async profileVectors(events: ShopperEvent[], likes: string[]): Promise<ProfileVectors> {
    await this.load();
    const embedder = this.embedderRef;
    const vectors = this.state.vectors;
    const dims = embedder?.dimensions ?? 0;
    const fromEvents = vectors ? computeProfile(events, (id) => vectors.exact.get(id), this.o.halfLifeDays, dims) : { vector: null, contributions: [] };
    const likesVector = likes.length && embedder ? await this.embedQuery(likes.join(". ")) : null;
    const catalog = this.state.catalog;
    const exclude = new Set([...exclusions(catalog, events)].map((s) => catalog.ids.idOf(s)));
    return { vector: blendPreferences(fromEvents.vector, likesVector), likesVector, exclude };
  }

  /**
   * Events just stored (shoppers/ records them, leaving out shoppers who opted out): they count in
   * popularity, co-occurrence and running experiments' conversions at once.
   */
  async observe(events: ShopperEvent[]): Promise<void> {
    await this.load();
    await this.live?.converted(events);
    this.popularity.record(events);
    this.collab?.add([...events].sort((a, b) => a.ts - b.ts));
  }

  /**
   * Takes a shopper out of everything the recommender holds in memory: their co-occurrence
   * contributions; popularity is recounted. For a shopper deleted or who turned personalisation off
   * — their stored events then no longer count for anyone. Returns whether they had contributed.
   */
  async forget(shopperId: string): Promise<{ cooccurrence: boolean }> {
    await this.load();
    this.popularity.invalidate();
    // The learned model holds everyone's items: refit it without this shopper (in the background).
    if (this.model) {
      this.model = null;
      this.modelInfo = null;
      void this.refitModel();
    }
    return { cooccurrence: this.collab?.forget(shopperId) ?? false };
  }

  /** After a retention purge removed old events: recount from what is left. */
  async rebuild(): Promise<void> {
    await this.load();
    this.popularity.invalidate();
    await this.rebuildCooccurrence();
    void this.refitModel();
  }

  /**
   * Products a message names: an exact id ("sku-000123"), or a title whose words the message covers
   * — at least half of the title's IDF mass, so the rare words (brand, line, model) must be there.
   */
  async findMentioned(text: string, limit = 3): Promise<Product[]> {
    const message = parseInput(z.string().max(2000, "at most 2000 characters"), text, "text");
    const max = parseInput(z.number().int().min(1).max(50), limit, "limit");
    await this.load();
    const out: number[] = [];
    if (!this.lowerIds || this.lowerIds.size !== this.state.ids.size) {
      this.lowerIds = new Map();
      for (let s = 0; s < this.state.ids.size; s++) this.lowerIds.set(this.state.ids.idOf(s).toLowerCase(), s);
    }
    for (const raw of message.split(/[\s,;:!?()"'“”‘’<>[\]{}，。！？；：、]+/u)) {
      const slot = this.lowerIds.get(raw.replace(/[.]+$/, "").toLowerCase());
      if (slot !== undefined && this.state.catalog.product(slot) && !out.includes(slot)) out.push(slot);
    }
    const terms = new Set(tokenize(message));
    const titles = this.state.titles;
    const hits = titles.searchTerms([...terms], 50);
    const scored = hits
      .map((h) => {
        let covered = 0;
        let total = 0;
        for (const t of titles.termsOf(h.slot)) {
          const w = titles.idf(t);
          total += w;
          if (terms.has(t)) covered += w;
        }
        return { slot: h.slot, coverage: total > 0 ? covered / total : 0, score: h.score };
      })
      .filter((h) => h.coverage >= MENTION_COVERAGE)
      .sort((a, b) => b.coverage - a.coverage || b.score - a.score);
    const best = scored[0]?.coverage ?? 1;
    const close = scored.filter((h) => h.coverage >= best - 0.25);
    const nameOf = (slot: number) => leadingName(this.state.catalog.product(slot))?.toLowerCase();
    const named = namedByBrandAndModel(message, terms, hits.map((h) => ({ slot: h.slot, name: nameOf(h.slot) })));
    // A whole title named comes first; then products named by brand and model; then titles mostly
    // named — unless by a shorter name inside one named ("Qinyin Arc" when "Qinyin Arc 7" is).
    const shadowed = (slot: number) => named.names.some((n) => n !== nameOf(slot) && n.startsWith(`${nameOf(slot)} `));
    const order = [
      ...out,
      ...close.filter((h) => h.coverage >= 0.99).map((h) => h.slot),
      ...named.slots,
      ...close.map((h) => h.slot).filter((slot) => !shadowed(slot)),
    ];
    return oneOfEachNameFirst([...new Set(order)], nameOf)
      .slice(0, max)
      .map((s) => this.state.catalog.product(s)!);
  }

  /** Whether the catalogue holds this product now (false until loaded). */
  holds(id: string): boolean {
    return this.state.catalog.get(id) !== undefined;
  }

  async getProduct(id: string): Promise<Product | null> {
    await this.load();
    return this.state.catalog.get(id) ?? null;
  }

  /** The product, when it can be offered: in the catalogue, in stock, and in the language asked for (if one is). */
  private offerable(id: string, locale: string | undefined): Product | undefined {
    const product = this.state.catalog.get(id);
    if (!product || (product.stock !== undefined && product.stock <= 0)) return undefined;
    if (locale && langOf(product.locale, product.title) !== langOf(locale)) return undefined;
    return product;
  }

  async newArrivals(options: { limit?: number; locale?: string } = {}): Promise<Ranked[]> {
    await this.load();
    const lang = langOf(options.locale);
    const out: Ranked[] = [];
    for (const [id] of [...this.arrivals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
      const product = this.offerable(id, options.locale);
      if (!product) continue;
      out.push({ product, score: 1, reason: reasons.newIn(lang, undefined), signal: "recency" });
      if (out.length >= (options.limit ?? 10)) break;
    }
    return out;
  }

  async alsoChosen(itemId: string, options: { limit?: number; locale?: string } = {}): Promise<Ranked[]> {
    await this.load();
    const source = this.state.catalog.get(itemId);
    if (!this.collab || !source) return [];
    const lang = langOf(options.locale);
    const out: Ranked[] = [];
    for (const n of this.collab.neighbours(itemId, 100)) {
      const product = this.offerable(n.itemId, options.locale);
      if (!product) continue;
      out.push({ product, score: n.similarity, reason: reasons.alsoViewed(lang, source.title), signal: "collaborative" });
      if (out.length >= (options.limit ?? 10)) break;
    }
    return out;
  }
}

/** The groups' words as written: spaces between Latin words, none between Chinese ones. */
function joinGroups(groups: QueryGroup[]): string {
  let s = "";
  groups.forEach((g, i) => {
    if (i > 0 && !(g.cjk && groups[i - 1]!.cjk)) s += " ";
    s += g.text;
  });
  return s;
}

export function createRecommender(options: RecommenderOptions): CatalogRecommender {
  return new CatalogRecommender(options);
}
