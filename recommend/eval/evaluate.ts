import { createProgress, progressByDefault } from "../../core/progress.ts";
import type { Product } from "../../store/types.ts";
import type { CooccurrenceOptions } from "../collab/cooccurrence.ts";
import { fitEase, fitItemKnn, ImplicitData, type ItemItemModel } from "../collab/implicit.ts";
import { mulberry32 } from "../demo/prng.ts";
import type { BuiltinEmbedderOptions } from "../embedders/builtin.ts";
import { DEFAULT_RANKING, type RankingConfig, type RankingSources, type RankingWeights } from "../ranking/ranker.ts";
import { strategyConfig } from "../ranking/strategies.ts";
import type { FileEvent } from "./events-file.ts";
import { MetricsAccumulator, type SystemResult } from "./metrics.ts";
import { crossDomainSplit, leaveLastOut, type Split, type TestCase, timeOrder } from "./split.ts";
import { DEFAULT_EASE, type EaseSettings, type Tuning, tune, tunedRanking } from "./tune.ts";
import { createWorkbench, rankCase, sampleCases, sourcesAt, train } from "./workbench.ts";

/**
 * Offline evaluation of the recommender on a shop's own items and events, without the store: the
 * catalogue, the built-in embedder, the vector index, the co-occurrence model and the learned model
 * (EASE) are built in memory from the files, and every ranking system except the baselines is the
 * service's own ranker (ranking/ranker.ts) with a different configuration.
 *
 * Systems:
 *   concierge          the service's default ranking with its fixed default weights (all signals,
 *                      MMR, brand cap, fallbacks), EASE at its default λ
 *   tuned              the default ranking with the weights, EASE settings and diversity chosen by
 *                      `rec tune` on a validation split of the training events (each shopper's last
 *                      positive before the test item: test items are never seen while tuning)
 *   popularity         most popular by distinct training shoppers (MostPop), unseen items only
 *   itemKnn            textbook item-kNN: cosine of binary item columns, 100 neighbours per item,
 *                      score = Σ over the shopper's items of sim (collab/implicit.ts)
 *   ease               the learned model (EASE, tuned λ) alone
 *   random             seeded uniform choice among unseen items
 *   popularityRecent   the ranker's popularity prior alone (30-day window as of each test's time)
 *   contentOnly        the long-term profile's content similarity alone
 *   collaborativeOnly  item-to-item co-occurrence alone
 *   blend              content + co-occurrence, equally weighted
 *   noSession          concierge without session intent
 *   noPriors           concierge without popularity and freshness
 *   noModel            concierge without the learned model (the ranking before EASE was added)
 *   noDiversity        concierge without MMR and the brand cap (what diversity costs)
 * The single-signal systems and blend rank by their signals only (λ = 1, no brand cap, no
 * fallback fill), so each shows what that signal alone does.
 */

export const SYSTEMS = [
  "concierge",
  "tuned",
  "popularity",
  "itemKnn",
  "ease",
  "random",
  "popularityRecent",
  "contentOnly",
  "collaborativeOnly",
  "blend",
  "noSession",
  "noPriors",
  "noModel",
  "noDiversity",
] as const;

export { DEFAULT_EASE };
export type SystemName = (typeof SYSTEMS)[number];

export interface EvaluateOptions {
  products: Product[];
  /** Events in any order; those naming unknown items must already be removed. */
  events: FileEvent[];
  k: number;
  crossDomain?: boolean;
  seed?: number;
  systems?: readonly SystemName[];
  /** The concierge ranking (defaults: the service's, DEFAULT_RANKING). */
  ranking?: Partial<Omit<RankingConfig, "weights">> & { weights?: Partial<RankingWeights> };
  cooccurrence?: CooccurrenceOptions;
  /** Popularity window of the prior, as the service's popularityWindowDays (default 30). */
  popularityWindowDays?: number;
  builtin?: BuiltinEmbedderOptions;
  /** EASE for the default ranking (DEFAULT_EASE). */
  ease?: Partial<EaseSettings>;
  /** Passed to tune() for the `tuned` system. */
  tuneOptions?: { lambdas?: number[]; maxUsers?: number; maxItems?: number; gridItems?: number };
  /** Test shoppers at most (a seeded sample beyond it). */
  maxUsers?: number;
  progress?: boolean;
  /** One line per stage ("embedding 1682 items"), for the CLI's stderr. */
  onStage?: (message: string) => void;
}

export interface EvaluationReport {
  k: number;
  users: number;
  seconds: number;
  results: Partial<Record<SystemName, SystemResult>>;
  protocol: {
    name: "leave-last-out" | "cross-domain";
    positives: Split["positives"];
    items: number;
    events: number;
    trainingEvents: number;
    skippedUsers: number;
    seed: number;
  };
  /** What `tuned` used, chosen on the validation split. */
  tuning?: Tuning;
  /** Seconds (and bytes) the models took to fit on the training events. */
  timings: Record<string, number>;
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluationReport> {
  const started = performance.now();
  const say = options.onStage ?? (() => {});
  const progress = options.progress ?? progressByDefault();
  const k = options.k;
  const seed = options.seed ?? 42;
  const systems = options.systems ?? SYSTEMS;
  const timings: Record<string, number> = {};
  const time = <T>(name: string, f: () => T): T => {
    const t = performance.now();
    const out = f();
    timings[name] = Number(((performance.now() - t) / 1000).toFixed(2));
    return out;
  };

  // The catalogue and its vectors, in memory.
  const wb = createWorkbench(options.products, { builtin: options.builtin, progress, say });
  const catalog = wb.catalog;

  // The split, and the models trained on it.
  const ordered = timeOrder(options.events);
  const split = options.crossDomain ? crossDomainSplit(ordered, (id) => catalog.get(id)?.category, seed) : leaveLastOut(ordered);
  let tests = [...split.tests].sort((a, b) => a.now - b.now || (a.userId < b.userId ? -1 : 1));
  if (options.maxUsers && tests.length > options.maxUsers) {
    tests = sampleCases(tests, options.maxUsers, seed);
  }
  say(
    `${options.crossDomain ? "cross-domain" : "leave-last-out"}: ${tests.length} shoppers tested, ${split.skipped} not tested, ` +
      `${split.train.length} training events; positives: ${split.positives}`,
  );
  const trained = time("cooccurrenceSeconds", () => train(wb, split.train, { cooccurrence: options.cooccurrence, popularityWindowDays: options.popularityWindowDays, progress }));
  const { usersOf, trainingUsers, mostPopular } = trained;

  const base: RankingConfig = {
    ...DEFAULT_RANKING,
    ...options.ranking,
    weights: { ...DEFAULT_RANKING.weights, ...options.ranking?.weights },
  };
  const needs = (...names: SystemName[]) => names.some((n) => systems.includes(n));
  // EASE at the default settings, for the default ranking and its ablations.
  const defaultEase: EaseSettings = { ...DEFAULT_EASE, ...options.ease };
  let defaultModel: ItemItemModel | null = null;
  if (needs("concierge", "noSession", "noPriors", "noDiversity")) {
    const data = ImplicitData.fromEvents(split.train, { input: defaultEase.input, maxItems: defaultEase.maxItems });
    if (data.size >= 2) {
      const fit = fitEase(data, { lambda: defaultEase.lambda, minSupport: options.cooccurrence?.minSupport });
      defaultModel = fit.model;
      timings.easeSeconds = Number((data.seconds + fit.seconds).toFixed(2));
      timings.easeItems = data.size;
      timings.easePeakBytes = fit.peakBytes;
      say(`EASE (λ ${defaultEase.lambda}, ${defaultEase.input}) on ${data.size} items: Gram ${data.seconds.toFixed(1)} s, inverse ${fit.seconds.toFixed(1)} s, peak ${(fit.peakBytes / 2 ** 20).toFixed(0)} MB`);
    }
  }
  // The tuned ranking: chosen on the training events only (their last positive before the test).
  let tuning: Tuning | undefined;
  let tunedModel: ItemItemModel | null = null;
  let tunedConfig: RankingConfig = base;
  if (needs("tuned", "ease") && !options.crossDomain) {
    say("tuning on the training events (validation: each shopper's last positive before the test item)");
    tuning = time("tuneSeconds", () => tune(wb, split.train, { k, base, cooccurrence: options.cooccurrence, popularityWindowDays: options.popularityWindowDays, seed, say, ...options.tuneOptions }));
    tunedConfig = tunedRanking(base, tuning);
    const ease = tuning.ease;
    if (ease) {
      if (defaultModel && ease.lambda === defaultEase.lambda && ease.input === defaultEase.input && ease.maxItems === defaultEase.maxItems) tunedModel = defaultModel;
      else {
        const data = ImplicitData.fromEvents(split.train, { input: ease.input, maxItems: ease.maxItems });
        tunedModel = time("tunedEaseSeconds", () => fitEase(data, { lambda: ease.lambda, minSupport: options.cooccurrence?.minSupport }).model);
      }
    }
  } else if (needs("tuned", "ease")) {
    // Cross-domain: the stored tuning is for whole-catalogue lists; use the default's.
    tunedModel = defaultModel;
  }
  const knn = needs("itemKnn") ? time("itemKnnSeconds", () => fitItemKnn(split.train, { k: 100 })) : null;

  const strategy = (name: string) => strategyConfig(base, name)!;
  type Ranker = (tc: TestCase, sources: RankingSources, limit: number) => string[];
  const ranked =
    (config: RankingConfig, fill: boolean, model: ItemItemModel | null): Ranker =>
    (tc, sources, limit) =>
      rankCase(wb, { ...sources, model }, tc, config, limit, fill);
  const allItems = wb.allItems;
  const random = mulberry32(seed);
  const unseen = (tc: TestCase, list: Iterable<string>, limit: number) => {
    const seen = new Set(tc.history.map((e) => e.itemId));
    const out: string[] = [];
    for (const id of list) {
      if (out.length >= limit) break;
      if (seen.has(id) || (tc.category && catalog.get(id)?.category !== tc.category)) continue;
      out.push(id);
    }
    return out;
  };
  const inCategory = new Map<string, string[]>();
  const byModel = (model: ItemItemModel | null, tc: TestCase, limit: number, halfLife?: number) => {
    if (!model) return [];
    const hits = model
      .score(tc.history, { recencyHalfLife: halfLife })
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1))
      .map((h) => h.itemId);
    return unseen(tc, hits, limit);
  };
  const rankers: Record<SystemName, Ranker> = {
    concierge: ranked(base, true, defaultModel),
    tuned: ranked(tunedConfig, true, tunedModel),
    popularity: (tc, _s, limit) => unseen(tc, mostPopular, limit),
    itemKnn: (tc, _s, limit) => byModel(knn, tc, limit),
    ease: ranked({ ...strategy("modelOnly"), modelRecencyHalfLife: tunedConfig.modelRecencyHalfLife }, false, tunedModel),
    random: (tc, _s, limit) => {
      let pool = allItems;
      if (tc.category) {
        const category = tc.category;
        pool = inCategory.get(category) ?? allItems.filter((id) => catalog.get(id)?.category === category);
        inCategory.set(category, pool);
      }
      const seen = new Set(tc.history.map((e) => e.itemId));
      const out = new Set<string>();
      const available = pool.filter((id) => !seen.has(id)).length;
      while (out.size < Math.min(limit, available)) {
        const id = pool[Math.floor(random() * pool.length)]!;
        if (!seen.has(id)) out.add(id);
      }
      return [...out];
    },
    popularityRecent: ranked(strategy("popularityRecent"), false, null),
    contentOnly: ranked(strategy("contentOnly"), false, null),
    collaborativeOnly: ranked(strategy("collaborativeOnly"), false, null),
    blend: ranked(strategy("blend"), false, null),
    noSession: ranked(strategy("noSession"), true, defaultModel),
    noPriors: ranked(strategy("noPriors"), true, defaultModel),
    noModel: ranked(strategy("noModel"), true, null),
    noDiversity: ranked(strategy("noDiversity"), true, defaultModel),
  };

  const vectorOf = (id: string) => wb.index.exact.get(id);
  const accumulators = new Map(systems.map((s) => [s, new MetricsAccumulator(k, vectorOf, (id) => usersOf.get(id)?.size ?? 0, trainingUsers)]));
  const rankingBar = createProgress("ranking", tests.length * systems.length, progress);
  trained.rewind();
  const rankStarted = performance.now();
  for (const tc of tests) {
    const sources = sourcesAt(wb, trained, null, tc.now);
    for (const s of systems) {
      accumulators.get(s)!.add(rankers[s](tc, sources, k), tc.relevant);
    }
    rankingBar.tick(systems.length);
  }
  rankingBar.stop();
  timings.rankingMsPerList = Number(((performance.now() - rankStarted) / Math.max(1, tests.length * systems.length)).toFixed(2));

  const brandOf = (id: string) => catalog.get(id)?.brand?.trim().toLowerCase() || undefined;
  const results: Partial<Record<SystemName, SystemResult>> = {};
  // Cross-domain lists can only hold items of held-back categories: coverage and exposure are over those.
  const heldBack = new Set(tests.map((t) => t.category));
  const catalogue = options.crossDomain ? allItems.filter((id) => heldBack.has(catalog.get(id)?.category)) : allItems;
  for (const s of systems) results[s] = accumulators.get(s)!.result(catalogue, brandOf);
  return {
    k,
    users: tests.length,
    seconds: (performance.now() - started) / 1000,
    results,
    protocol: {
      name: options.crossDomain ? "cross-domain" : "leave-last-out",
      positives: split.positives,
      items: options.products.length,
      events: options.events.length,
      trainingEvents: split.train.length,
      skippedUsers: split.skipped,
      seed,
    },
    ...(tuning && { tuning }),
    timings,
  };
}
