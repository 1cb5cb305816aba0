import { createProgress } from "../../core/progress.ts";
import type { Product } from "../../store/types.ts";
import { Catalog } from "../catalog.ts";
import { type CooccurrenceOptions, CooccurrenceModel } from "../collab/cooccurrence.ts";
import { mulberry32 } from "../demo/prng.ts";
import { BuiltinEmbedder, type BuiltinEmbedderOptions } from "../embedders/builtin.ts";
import { productText } from "../product-text.ts";
import { catalogPrior } from "../ranking/prior.ts";
import { DEFAULT_RANKING, type RankingConfig, type RankingSources, type RankingWeights, rankForShopper } from "../ranking/ranker.ts";
import { strategyConfig } from "../ranking/strategies.ts";
import { HnswIndex } from "../vectors/hnsw.ts";
import { IdSpace } from "../vectors/ids.ts";
import type { FileEvent } from "./events-file.ts";
import { MetricsAccumulator, type SystemResult } from "./metrics.ts";
import { firstSeenArrivals, PopularityClock } from "./priors.ts";
import { crossDomainSplit, leaveLastOut, type Split, type TestCase, timeOrder } from "./split.ts";

/**
 * Offline evaluation of the recommender on a shop's own items and events, without the store: the
 * catalogue, the built-in embedder, the vector index and the co-occurrence model are built in
 * memory from the files, and every ranking system except the two baselines is the service's own
 * ranker (ranking/ranker.ts) with a different configuration.
 *
 * Systems:
 *   concierge          the service's default ranking (all signals, MMR, brand cap, fallbacks)
 *   popularity         most popular by distinct training shoppers (MostPop), unseen items only
 *   random             seeded uniform choice among unseen items
 *   popularityRecent   the ranker's popularity prior alone (30-day window as of each test's time)
 *   contentOnly        the long-term profile's content similarity alone
 *   collaborativeOnly  item-to-item co-occurrence alone
 *   blend              content + co-occurrence, equally weighted
 *   noSession          concierge without session intent
 *   noPriors           concierge without popularity and freshness
 *   noDiversity        concierge without MMR and the brand cap (what diversity costs)
 * The single-signal systems and blend rank by their signals only (λ = 1, no brand cap, no
 * fallback fill), so each shows what that signal alone does.
 */

export const SYSTEMS = [
  "concierge",
  "popularity",
  "random",
  "popularityRecent",
  "contentOnly",
  "collaborativeOnly",
  "blend",
  "noSession",
  "noPriors",
  "noDiversity",
] as const;
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
}

interface Ranker {
  rank(tc: TestCase, sources: RankingSources, k: number): string[];
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluationReport> {
  const started = performance.now();
  const say = options.onStage ?? (() => {});
  const progress = options.progress ?? !process.env.CONCIERGE_QUIET;
  const k = options.k;
  const seed = options.seed ?? 42;
  const systems = options.systems ?? SYSTEMS;

  // The catalogue and its vectors, in memory.
  const ids = new IdSpace();
  const catalog = new Catalog(ids);
  catalog.upsert(options.products);
  say(`embedding ${options.products.length} items (built-in embedder)`);
  const { embedder, vectors } = BuiltinEmbedder.fitAndEmbed(options.products.map(productText), options.builtin);
  const index = new HnswIndex(embedder.dimensions, { ids });
  const bar = createProgress("indexing item vectors", options.products.length, progress && options.products.length >= 5000);
  let indexed = 0;
  index.add(
    options.products.map((p, i) => ({ id: p.id, vector: vectors[i]! })),
    (done) => {
      bar.tick(done - indexed);
      indexed = done;
    },
  );
  bar.stop();

  // The split, and the models trained on it.
  const ordered = timeOrder(options.events);
  const split = options.crossDomain ? crossDomainSplit(ordered, (id) => catalog.get(id)?.category, seed) : leaveLastOut(ordered);
  const tests = [...split.tests].sort((a, b) => a.now - b.now || (a.userId < b.userId ? -1 : 1));
  say(
    `${options.crossDomain ? "cross-domain" : "leave-last-out"}: ${tests.length} shoppers tested, ${split.skipped} not tested, ` +
      `${split.train.length} training events; positives: ${split.positives}`,
  );
  const collab = new CooccurrenceModel(options.cooccurrence);
  const counting = createProgress("counting co-occurrence", split.train.length, progress && split.train.length >= 20_000);
  for (let i = 0; i < split.train.length; i += 10_000) {
    collab.add(split.train.slice(i, i + 10_000));
    counting.tick(Math.min(10_000, split.train.length - i));
  }
  counting.stop();
  const usersOf = new Map<string, Set<string>>();
  for (const e of split.train) {
    const set = usersOf.get(e.itemId) ?? new Set<string>();
    set.add(e.userId);
    usersOf.set(e.itemId, set);
  }
  const trainingUsers = new Set(split.train.map((e) => e.userId)).size;
  const mostPopular = [...usersOf.entries()]
    .map(([id, users]) => ({ id, n: users.size }))
    .sort((a, b) => b.n - a.n || (a.id < b.id ? -1 : 1))
    .map((x) => x.id);
  const clock = new PopularityClock(split.train, options.popularityWindowDays ?? 30, (id) => ids.slotOf(id));
  const arrivalsAt = firstSeenArrivals(split.train, (id) => ids.slotOf(id));
  let prior: number[] | undefined;
  const priorOrder = () => (prior ??= catalogPrior(catalog));

  // The systems.
  const base: RankingConfig = {
    ...DEFAULT_RANKING,
    ...options.ranking,
    weights: { ...DEFAULT_RANKING.weights, ...options.ranking?.weights },
  };
  const strategy = (name: string) => strategyConfig(base, name)!;
  const ranked = (config: RankingConfig, fill: boolean): Ranker => ({
    rank: (tc, sources, limit) =>
      rankForShopper(
        sources,
        { events: tc.history, now: tc.now },
        { limit, filter: catalog.compile(tc.category ? { categories: [tc.category] } : undefined), lang: "en", seen: "exclude", fill },
        config,
      ).map((r) => r.product.id),
  });
  const allItems = options.products.map((p) => p.id);
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
  const rankers: Record<SystemName, Ranker> = {
    concierge: ranked(base, true),
    popularity: { rank: (tc, _s, limit) => unseen(tc, mostPopular, limit) },
    random: {
      rank: (tc, _s, limit) => {
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
    },
    popularityRecent: ranked(strategy("popularityRecent"), false),
    contentOnly: ranked(strategy("contentOnly"), false),
    collaborativeOnly: ranked(strategy("collaborativeOnly"), false),
    blend: ranked(strategy("blend"), false),
    noSession: ranked(strategy("noSession"), true),
    noPriors: ranked(strategy("noPriors"), true),
    noDiversity: ranked(strategy("noDiversity"), true),
  };

  const vectorOf = (id: string) => index.exact.get(id);
  const accumulators = new Map(systems.map((s) => [s, new MetricsAccumulator(k, vectorOf, (id) => usersOf.get(id)?.size ?? 0, trainingUsers)]));
  const ranking = createProgress("ranking", tests.length * systems.length, progress);
  for (const tc of tests) {
    const sources: RankingSources = { catalog, vectors: index, collab, popularity: clock.at(tc.now), arrivals: arrivalsAt(tc.now), prior: priorOrder };
    for (const s of systems) {
      accumulators.get(s)!.add(rankers[s].rank(tc, sources, k), tc.relevant);
    }
    ranking.tick(systems.length);
  }
  ranking.stop();

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
  };
}
