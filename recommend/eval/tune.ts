import { CONFIG_DEFAULTS } from "../../core/config.ts";
import type { ShopperEvent } from "../../store/types.ts";
import type { CooccurrenceOptions } from "../collab/cooccurrence.ts";
import { fitEase, ImplicitData, type ImplicitInput, type ItemItemModel } from "../collab/implicit.ts";
import { candidateTerms, type RankingConfig, type RankingWeights, SIGNALS } from "../ranking/ranker.ts";
import { withWeights } from "../ranking/strategies.ts";
import { leaveLastOut, type TestCase } from "./split.ts";
import { ndcgOf, rankCase, sampleCases, sourcesAt, train, type Workbench } from "./workbench.ts";

/**
 * Tuning the ranking to a shop's own events (`concierge rec tune`, the service's periodic job, and
 * the `tuned` system of `rec eval`).
 *
 * Validation split, time-ordered: each shopper's LAST positive interaction in the events given is
 * their validation item; everything before it (and every other shopper's events) trains. `rec eval`
 * calls this on its own training events only, so the validation item is the one before its test
 * item and no test item is ever seen while tuning.
 *
 * What is chosen, in order, each by validation NDCG@k:
 *   1. the learned model (EASE): which events make X (all interactions, or positives only, when the
 *      data has both), the regularisation λ from a grid, and the recency half-life of a shopper's
 *      items in its input — by EASE's own ranking;
 *   2. the signal weights (content, session, co-occurrence, model, popularity, recency): every
 *      validation shopper's candidates and unweighted signal terms are computed once
 *      (ranking/ranker.ts candidateTerms), then weights are searched by coordinate ascent over a
 *      grid, starting from the best of the single signals, the configured default and the
 *      content + co-occurrence blend — so the result is never below any of them on validation;
 *   3. diversity: the configured MMR λ and brand cap are kept unless plain relevance order ranks
 *      the validation items better with the chosen weights (then λ = 1 and no brand cap).
 * The stored result (TUNING_FILE in the data folder) is what the service's recommender reads.
 */

export const TUNING_FILE = "rec-tuning.json";

export interface EaseSettings {
  lambda: number;
  input: ImplicitInput;
  maxItems: number;
}

/** EASE as the service fits it before any tuning. */
export const DEFAULT_EASE: EaseSettings = { lambda: CONFIG_DEFAULTS.recommend.ease.lambda, input: "all", maxItems: CONFIG_DEFAULTS.recommend.ease.maxItems };

export interface Tuning {
  version: 1;
  tunedAt: string;
  weights: RankingWeights;
  mmrLambda: number;
  brandCap: number;
  modelRecencyHalfLife: number | null;
  /** null when no model is fitted (too little data). */
  ease: EaseSettings | null;
  validation: {
    users: number;
    k: number;
    /** NDCG@k on the validation items: tuned, configured default, and each single signal. */
    ndcg: Record<string, number>;
  };
  data: { events: number; shoppers: number; items: number };
  seconds: number;
  timings: { easeFitSeconds: number[]; easeItems: number; easeBytes: number; candidatesSeconds: number; searchSeconds: number };
}

export interface TuneOptions {
  k?: number;
  /** The configured ranking (the starting point, and what diversity settings fall back to). */
  base: RankingConfig;
  cooccurrence?: CooccurrenceOptions;
  popularityWindowDays?: number;
  /** λ grid for EASE (default 10, 50, 200, 1000). */
  lambdas?: number[];
  /** Items EASE covers, most-touched first (default 4,000). */
  maxItems?: number;
  /** Items the λ / input / recency grid is searched on (default 1,500). */
  gridItems?: number;
  /** Validation shoppers at most (a seeded sample beyond it; default 2,000). */
  maxUsers?: number;
  seed?: number;
  say?: (line: string) => void;
}

const GRID = [0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5];
const HALF_LIVES: (number | undefined)[] = [undefined, 50, 20, 8, 3];

interface Features {
  slots: Int32Array;
  /** terms[c * S + s] for candidate c, signal s (SIGNALS order). */
  terms: Float64Array;
  relevant: Set<number>;
}

/** NDCG@k of the validation items if candidates were scored Σ w·terms (ties by slot, score must be > 0, as the ranker). */
function fastNdcg(features: Features[], w: number[], k: number): number {
  const S = SIGNALS.length;
  let total = 0;
  const scores: number[] = [];
  for (const f of features) {
    const n = f.slots.length;
    scores.length = n;
    for (let c = 0; c < n; c++) {
      let s = 0;
      const o = c * S;
      for (let j = 0; j < S; j++) s += w[j]! * f.terms[o + j]!;
      scores[c] = s;
    }
    // Rank of each relevant item among candidates with score > 0.
    let dcg = 0;
    for (let c = 0; c < n; c++) {
      if (!f.relevant.has(f.slots[c]!) || !(scores[c]! > 0)) continue;
      let rank = 0;
      const sc = scores[c]!;
      const slot = f.slots[c]!;
      for (let d = 0; d < n && rank < k; d++) {
        const sd = scores[d]!;
        if (sd > sc || (sd === sc && f.slots[d]! < slot)) rank++;
      }
      if (rank < k) dcg += 1 / Math.log2(rank + 2);
    }
    let idcg = 0;
    for (let i = 0; i < Math.min(k, f.relevant.size); i++) idcg += 1 / Math.log2(i + 2);
    total += idcg > 0 ? dcg / idcg : 0;
  }
  return features.length ? total / features.length : 0;
}

const asArray = (w: RankingWeights) => SIGNALS.map((s) => w[s]);
const asWeights = (a: number[]): RankingWeights => Object.fromEntries(SIGNALS.map((s, i) => [s, a[i]!])) as unknown as RankingWeights;

/** `events` in time order (timeOrder). */
export function tune(wb: Workbench, events: (ShopperEvent & { line?: number })[], options: TuneOptions): Tuning {
  const started = performance.now();
  const k = options.k ?? 10;
  const say = options.say ?? (() => {});
  const seed = options.seed ?? 42;
  const base = options.base;
  const split = leaveLastOut(events.map((e, i) => ({ ...e, line: e.line ?? i })));
  const cases = sampleCases(
    [...split.tests].sort((a, b) => a.now - b.now || (a.userId < b.userId ? -1 : 1)),
    options.maxUsers ?? 2000,
    seed,
  );
  say(`tuning on ${split.train.length} events: ${split.tests.length} shoppers' last positive is their validation item${cases.length < split.tests.length ? ` (${cases.length} sampled)` : ""}`);
  const trained = train(wb, split.train, { cooccurrence: options.cooccurrence, popularityWindowDays: options.popularityWindowDays });
  const slotOf = (id: string) => wb.catalog.ids.slotOf(id);

  // 1. The model: input, λ, recency of its input — by EASE's own ranking of the validation items.
  const modelNdcg = (model: ItemItemModel, halfLife: number | undefined, list: TestCase[]) => {
    let total = 0;
    for (const tc of list) {
      const seen = new Set(tc.history.map((e) => e.itemId));
      const top = model
        .score(tc.history, { recencyHalfLife: halfLife })
        .filter((h) => h.score > 0 && !seen.has(h.itemId) && slotOf(h.itemId) !== undefined)
        .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1))
        .slice(0, k)
        .map((h) => h.itemId);
      total += ndcgOf(top, tc.relevant, k);
    }
    return list.length ? total / list.length : 0;
  };
  const lambdas = options.lambdas ?? [10, 50, 200, 1000];
  const maxItems = options.maxItems ?? 4000;
  // The grid is searched on the most-touched items only (at most gridItems: a fit costs n³/2), then
  // the chosen settings are fitted once on all maxItems.
  const gridItems = Math.min(maxItems, options.gridItems ?? 1500);
  const fitSeconds: number[] = [];
  let ease: EaseSettings | null = null;
  let halfLife: number | undefined;
  const hasBoth = split.train.some((e) => e.type === "view" || (e.type === "rating" && (e.value ?? 0) < 4)) && split.train.some((e) => e.type !== "view");
  const inputs: ImplicitInput[] = hasBoth ? ["all", "positive"] : ["all"];
  let best = -1;
  const datas = new Map<ImplicitInput, ImplicitData>();
  const tryFit = (input: ImplicitInput, lambda: number) => {
    let data = datas.get(input);
    if (!data) {
      data = ImplicitData.fromEvents(split.train, { input, maxItems: gridItems });
      datas.set(input, data);
    }
    if (data.size < 2 || data.users < 2) return;
    const fit = fitEase(data, { lambda, minSupport: options.cooccurrence?.minSupport });
    fitSeconds.push(Number(fit.seconds.toFixed(2)));
    for (const h of HALF_LIVES) {
      const score = modelNdcg(fit.model, h, cases);
      if (score > best) {
        best = score;
        ease = { lambda, input, maxItems };
        halfLife = h;
      }
    }
    say(`  EASE ${input} λ ${lambda} on ${data.size} items: fitted in ${fit.seconds.toFixed(1)} s; best validation NDCG@${k} so far ${best.toFixed(4)}`);
  };
  const mid = lambdas[Math.floor(lambdas.length / 2)] ?? 200;
  for (const input of inputs) tryFit(input, mid);
  const chosenInput: ImplicitInput = (ease as EaseSettings | null)?.input ?? "all";
  for (const lambda of lambdas) if (lambda !== mid) tryFit(chosenInput, lambda);
  datas.clear();
  let model: ItemItemModel | null = null;
  let easeItems = 0;
  let easeBytes = 0;
  const chosenEase = ease as EaseSettings | null;
  if (chosenEase) {
    const data = ImplicitData.fromEvents(split.train, { input: chosenEase.input, maxItems });
    const fit = fitEase(data, { lambda: chosenEase.lambda, minSupport: options.cooccurrence?.minSupport });
    fitSeconds.push(Number(fit.seconds.toFixed(2)));
    model = fit.model;
    easeItems = data.size;
    easeBytes = fit.peakBytes;
    say(`  EASE ${chosenEase.input} λ ${chosenEase.lambda} on ${data.size} items: fitted in ${fit.seconds.toFixed(1)} s (peak ${(fit.peakBytes / 2 ** 20).toFixed(0)} MB)`);
  }

  // 2. The weights: candidates and unweighted terms once per validation shopper, then a search.
  const t0 = performance.now();
  const allOn: RankingConfig = { ...base, modelRecencyHalfLife: halfLife, weights: { content: 1, session: 1, collaborative: 1, model: model ? 1 : 0, popularity: 1, recency: 1 } };
  const features: Features[] = [];
  const S = SIGNALS.length;
  for (const tc of cases) {
    const sources = sourcesAt(wb, trained, model, tc.now);
    const { candidates } = candidateTerms(sources, { events: tc.history, now: tc.now }, { limit: k, filter: wb.catalog.compile(undefined), lang: "en", seen: "exclude", fill: false }, allOn);
    const slots = new Int32Array(candidates.length);
    const terms = new Float64Array(candidates.length * S);
    candidates.forEach((c, i) => {
      slots[i] = c.slot;
      SIGNALS.forEach((s, j) => {
        terms[i * S + j] = c.terms[s];
      });
    });
    const relevant = new Set<number>();
    for (const id of tc.relevant) {
      const s = slotOf(id);
      if (s !== undefined) relevant.add(s);
    }
    features.push({ slots, terms, relevant });
  }
  const candidatesSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const ndcg: Record<string, number> = {};
  const starts: { name: string; w: number[] }[] = [
    { name: "default", w: asArray({ ...base.weights, model: model ? base.weights.model : 0 }) },
    { name: "blend", w: asArray(withWeights(base, { content: 1, collaborative: 1 }, true).weights) },
    ...SIGNALS.filter((s) => s !== "model" || model).map((s) => ({ name: s, w: SIGNALS.map((x) => (x === s ? 1 : 0)) })),
  ];
  let bestW = starts[0]!.w;
  let bestScore = -1;
  for (const s of starts) {
    const v = fastNdcg(features, s.w, k);
    ndcg[s.name] = Number(v.toFixed(6));
    if (v > bestScore + 1e-12) {
      bestScore = v;
      bestW = s.w;
    }
  }
  for (let pass = 0; pass < 4; pass++) {
    let improved = false;
    for (let j = 0; j < S; j++) {
      if (SIGNALS[j] === "model" && !model) continue;
      for (const g of GRID) {
        if (g === bestW[j]) continue;
        const w = [...bestW];
        w[j] = g;
        if (w.every((x) => x === 0)) continue;
        const v = fastNdcg(features, w, k);
        if (v > bestScore + 1e-9) {
          bestScore = v;
          bestW = w;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  const searchSeconds = (performance.now() - t1) / 1000;
  ndcg.tunedRelevanceOrder = Number(bestScore.toFixed(6));
  const weights = asWeights(bestW);
  say(`  weights ${SIGNALS.map((s) => `${s} ${weights[s]}`).join(", ")}: validation NDCG@${k} ${bestScore.toFixed(4)} (default ${ndcg.default?.toFixed(4)}; ${candidatesSeconds.toFixed(1)} s for the candidates, ${searchSeconds.toFixed(1)} s for the search)`);

  // 3. Diversity: keep the configured MMR and brand cap unless relevance order is better here.
  const realNdcg = (config: RankingConfig) => {
    trained.rewind();
    let total = 0;
    for (const tc of cases) total += ndcgOf(rankCase(wb, sourcesAt(wb, trained, model, tc.now), tc, config, k, true), tc.relevant, k);
    return cases.length ? total / cases.length : 0;
  };
  const withDiversity: RankingConfig = { ...base, weights, modelRecencyHalfLife: halfLife };
  const a = realNdcg(withDiversity);
  const plain: RankingConfig = { ...withDiversity, mmrLambda: 1, brandCap: 1 };
  const b = base.mmrLambda >= 1 && base.brandCap >= 1 ? a : realNdcg(plain);
  const chosen = b > a ? plain : withDiversity;
  ndcg.tuned = Number(Math.max(a, b).toFixed(6));
  ndcg.tunedWithDiversity = Number(a.toFixed(6));
  say(`  diversity: NDCG@${k} ${a.toFixed(4)} with MMR λ ${base.mmrLambda} and brand cap ${base.brandCap}, ${b.toFixed(4)} without: ${b > a ? "relevance order" : "kept"}`);

  return {
    version: 1,
    tunedAt: new Date().toISOString(),
    weights,
    mmrLambda: chosen.mmrLambda,
    brandCap: chosen.brandCap,
    modelRecencyHalfLife: halfLife ?? null,
    ease,
    validation: { users: cases.length, k, ndcg },
    data: { events: events.length, shoppers: new Set(events.map((e) => e.userId)).size, items: wb.products.length },
    seconds: (performance.now() - started) / 1000,
    timings: { easeFitSeconds: fitSeconds, easeItems, easeBytes, candidatesSeconds, searchSeconds },
  };
}

/** The ranking a stored tuning stands for, on top of the configured one. */
export function tunedRanking(base: RankingConfig, t: Pick<Tuning, "weights" | "mmrLambda" | "brandCap" | "modelRecencyHalfLife">): RankingConfig {
  return { ...base, weights: { ...base.weights, ...t.weights }, mmrLambda: t.mmrLambda, brandCap: t.brandCap, modelRecencyHalfLife: t.modelRecencyHalfLife ?? undefined };
}
