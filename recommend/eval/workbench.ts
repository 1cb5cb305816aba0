import { createProgress } from "../../core/progress.ts";
import type { Product, ShopperEvent } from "../../store/types.ts";
import { Catalog } from "../catalog.ts";
import { type CooccurrenceOptions, CooccurrenceModel } from "../collab/cooccurrence.ts";
import type { ItemItemModel } from "../collab/implicit.ts";
import { BuiltinEmbedder, type BuiltinEmbedderOptions } from "../embedders/builtin.ts";
import { productText } from "../product-text.ts";
import { catalogPrior } from "../ranking/prior.ts";
import { type RankingConfig, type RankingSources, rankForShopper } from "../ranking/ranker.ts";
import { HnswIndex } from "../vectors/hnsw.ts";
import { IdSpace } from "../vectors/ids.ts";
import { firstSeenArrivals, PopularityClock } from "./priors.ts";
import type { TestCase } from "./split.ts";

/**
 * What offline evaluation and tuning share: the catalogue and its built-in vectors (built once per
 * run), and the models trained on one split's training events.
 */
export interface Workbench {
  products: Product[];
  catalog: Catalog;
  index: HnswIndex;
  allItems: string[];
  prior: () => number[];
}

export function createWorkbench(products: Product[], options: { builtin?: BuiltinEmbedderOptions; progress?: boolean; say?: (line: string) => void } = {}): Workbench {
  const ids = new IdSpace();
  const catalog = new Catalog(ids);
  catalog.upsert(products);
  options.say?.(`embedding ${products.length} items (built-in embedder)`);
  const { embedder, vectors } = BuiltinEmbedder.fitAndEmbed(products.map(productText), options.builtin);
  const index = new HnswIndex(embedder.dimensions, { ids });
  const bar = createProgress("indexing item vectors", products.length, (options.progress ?? false) && products.length >= 5000);
  let indexed = 0;
  index.add(
    products.map((p, i) => ({ id: p.id, vector: vectors[i]! })),
    (done) => {
      bar.tick(done - indexed);
      indexed = done;
    },
  );
  bar.stop();
  let prior: number[] | undefined;
  return { products, catalog, index, allItems: products.map((p) => p.id), prior: () => (prior ??= catalogPrior(catalog)) };
}

/** The models fitted on one set of training events (time-ordered). */
export interface Trained {
  collab: CooccurrenceModel;
  clock: PopularityClock;
  arrivalsAt: ReturnType<typeof firstSeenArrivals>;
  /** Distinct training shoppers per item. */
  usersOf: Map<string, Set<string>>;
  trainingUsers: number;
  mostPopular: string[];
  /** Sets the popularity clock back to the start, for another pass over test cases in time order. */
  rewind(): void;
}

export function train(wb: Workbench, events: ShopperEvent[], options: { cooccurrence?: CooccurrenceOptions; popularityWindowDays?: number; progress?: boolean } = {}): Trained {
  const collab = new CooccurrenceModel(options.cooccurrence);
  const counting = createProgress("counting co-occurrence", events.length, (options.progress ?? false) && events.length >= 20_000);
  for (let i = 0; i < events.length; i += 10_000) {
    collab.add(events.slice(i, i + 10_000));
    counting.tick(Math.min(10_000, events.length - i));
  }
  counting.stop();
  const usersOf = new Map<string, Set<string>>();
  for (const e of events) {
    const set = usersOf.get(e.itemId) ?? new Set<string>();
    set.add(e.userId);
    usersOf.set(e.itemId, set);
  }
  const trainingUsers = new Set(events.map((e) => e.userId)).size;
  const mostPopular = [...usersOf.entries()]
    .map(([id, users]) => ({ id, n: users.size }))
    .sort((a, b) => b.n - a.n || (a.id < b.id ? -1 : 1))
    .map((x) => x.id);
  const slotOf = (id: string) => wb.catalog.ids.slotOf(id);
  const t: Trained = {
    collab,
    clock: new PopularityClock(events, options.popularityWindowDays ?? 30, slotOf),
    arrivalsAt: firstSeenArrivals(events, slotOf),
    usersOf,
    trainingUsers,
    mostPopular,
    rewind() {
      t.clock = new PopularityClock(events, options.popularityWindowDays ?? 30, slotOf);
    },
  };
  return t;
}

/** The ranker's sources as of a test case's "now" (ask in time order: the popularity clock moves forward only). */
export function sourcesAt(wb: Workbench, t: Trained, model: ItemItemModel | null, now: number): RankingSources {
  return { catalog: wb.catalog, vectors: wb.index, collab: t.collab, model, popularity: t.clock.at(now), arrivals: t.arrivalsAt(now), prior: wb.prior };
}

/** The service's ranking for a test case (seen items excluded, as offline evaluation does). */
export function rankCase(wb: Workbench, sources: RankingSources, tc: TestCase, config: RankingConfig, k: number, fill: boolean): string[] {
  return rankForShopper(
    sources,
    { events: tc.history, now: tc.now },
    { limit: k, filter: wb.catalog.compile(tc.category ? { categories: [tc.category] } : undefined), lang: "en", seen: "exclude", fill },
    config,
  ).map((r) => r.product.id);
}

/** NDCG@k of one list against the relevant items (gain 1/log2(rank + 1)). */
export function ndcgOf(list: string[], relevant: Set<string>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, list.length); i++) if (relevant.has(list[i]!)) dcg += 1 / Math.log2(i + 2);
  let idcg = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) idcg += 1 / Math.log2(i + 2);
  return idcg > 0 ? dcg / idcg : 0;
}

/** FNV-1a: stable per-shopper choices that do not depend on file order. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** At most `max` test cases, chosen by a hash of the shopper id and the seed (all when fewer). */
export function sampleCases(tests: TestCase[], max: number, seed: number): TestCase[] {
  if (tests.length <= max) return tests;
  return [...tests]
    .map((t) => ({ t, h: hash(`${seed}:${t.userId}`) }))
    .sort((a, b) => a.h - b.h)
    .slice(0, max)
    .map((x) => x.t)
    .sort((a, b) => a.now - b.now || (a.userId < b.userId ? -1 : 1));
}
