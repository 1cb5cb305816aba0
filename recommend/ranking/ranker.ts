import { CONFIG_DEFAULTS } from "../../core/config.ts";
import type { ShopperEvent } from "../../store/types.ts";
import type { Catalog, CompiledFilter } from "../catalog.ts";
import type { CollaborativeHit, CooccurrenceModel } from "../collab/cooccurrence.ts";
import type { ItemItemModel, ModelHit } from "../collab/implicit.ts";
import { blendPreferences, type Contribution, computeProfile, itemWeights, unit } from "../profile.ts";
import { type Lang, reasons } from "../reasons.ts";
import type { Ranked } from "../types.ts";
import { dot } from "../vectors/exact.ts";
import type { HnswIndex } from "../vectors/hnsw.ts";
import { isConsumable } from "./consumable.ts";
import { selectDiverse } from "./mmr.ts";

/**
 * Ranking for one shopper — the one implementation the service's recommend() and the offline
 * evaluation (`rec eval`) both call.
 *
 * 1. Candidates: the nearest products to the shopper's long-term profile vector, to their session
 *    vector (items of the last `sessionMinutes`) and to the current query; the products
 *    co-occurring with their items and with their session's items; the most popular and the newest
 *    products — each list `depth` long, all within the filter and without excluded items.
 * 2. Signals per candidate, each in [0, 1]:
 *      content        cosine(profile, item) × trust
 *      session        cosine(session vector, item) × trust + co-occurrence with the session's
 *                     items + cosine(query, item)
 *      collaborative  Σ_i w(i)·sim(i, item) over their history (collab/cooccurrence.ts)
 *      model          a learned item-item model (EASE, collab/implicit.ts) scoring the shopper's items
 *      popularity     log(1 + count) / log(1 + max), counts of the recent window
 *      recency        0.5^(age / newHalfLife) since the product arrived
 *    Cosines are scaled from 0 at the shopper's average similarity to any product to 1 at their
 *    best match anywhere they may be shown, and co-occurrence scores by their best anywhere — not
 *    by the candidates at hand, so in a category far from their taste every item scores low and
 *    the priors lead. The priors are absolute, so a weak prior stays weak. "Trust" in content is
 *    β/(β + m) × coherence (see below), so content leads for a new shop or a shopper of rare items
 *    and gives way to co-occurrence as it learns what shoppers actually do together.
 * 3. Score = Σ weight · signal. The reason comes from the largest term, so it names what actually
 *    ranked the item (ties go to the more personal signal, in the order of SIGNAL_ORDER).
 * 4. MMR re-ranking for diversity (λ = mmrLambda) with a brand cap (no brand over brandCap of the
 *    list while another brand is available), over the best 5 × limit.
 * 5. Items the shopper already interacted with: dropped (offline evaluation) or placed after the
 *    fresh ones (the service: "something new first"). Never shown: products they bought, unless
 *    consumable (consumable.ts), and products they rated below 3.
 * 6. A short list is filled from popularity, then the catalogue prior (the fallback order).
 *
 * Sparse data degrades in this order, each step by itself: profile + co-occurrence (+ session) →
 * content only (items nobody else touched, products just added: their vectors place them) →
 * popularity within the filter (a category the shopper asked for) → global popularity (recent
 * window, then all time) → the catalogue prior (round-robin across categories).
 */

export interface RankingWeights {
  content: number;
  session: number;
  collaborative: number;
  /** The learned item-item model (EASE) when one is fitted (RankingSources.model). */
  model: number;
  popularity: number;
  recency: number;
}

export const SIGNALS = ["content", "session", "collaborative", "model", "popularity", "recency"] as const satisfies readonly (keyof RankingWeights)[];

export interface RankingConfig {
  weights: RankingWeights;
  /** MMR trade-off: 1 = relevance order only, lower = more varied lists (default 0.85). */
  mmrLambda: number;
  /** Largest share of a list one brand may take while others are available (default 0.4; 1 = no cap). */
  brandCap: number;
  /** Half-life of an event's weight in the long-term profile, in days. */
  halfLifeDays: number;
  /** Events this recent (and the current query) are the session (default 30 minutes). */
  sessionMinutes: number;
  /** A product this many days old counts half as new (default 14). */
  newHalfLifeDays: number;
  /** Heaviest history items used for co-occurrence (default 50). */
  maxHistory: number;
  /** Candidates taken from each signal (at least 10 × limit; default 100). */
  depth: number;
  /**
   * β of the content trust β / (β + m) × coherence, m = the shopper's items with co-occurrence data
   * (default 10; 0 = content always at full weight, coherence ignored too).
   */
  contentShrink: number;
  /**
   * The model's input: the shopper's items weighted 0.5^(r / h), r = places before their latest
   * (undefined or 0: all weigh 1, as the model was trained).
   */
  modelRecencyHalfLife?: number;
}

// The knobs a shop can set take their defaults from the configuration schema (written once there).
const configured = CONFIG_DEFAULTS.recommend;
export const DEFAULT_WEIGHTS: Readonly<RankingWeights> = { ...configured.weights };

export const DEFAULT_RANKING: Readonly<RankingConfig> = {
  weights: DEFAULT_WEIGHTS,
  mmrLambda: configured.mmrLambda,
  brandCap: configured.brandCap,
  halfLifeDays: CONFIG_DEFAULTS.profileHalfLifeDays,
  sessionMinutes: configured.sessionMinutes,
  newHalfLifeDays: configured.newHalfLifeDays,
  maxHistory: 50,
  depth: 100,
  contentShrink: configured.contentShrink,
};

/** Tie-break order when two signals contribute equally: the more personal one explains better. */
const SIGNAL_ORDER = ["collaborative", "model", "session", "content", "popularity", "recency"] as const;
type BlendSignal = (typeof SIGNAL_ORDER)[number];

export interface PopularitySignal {
  /** In [0, 1]: log(1 + count) / log(1 + best count); 0 for products nobody touched. */
  scoreOf(slot: number): number;
  /** Slots, most popular first (only products with a count). */
  ranked(): Iterable<number>;
  /** Counts come from the recent window ("popular right now") rather than all time. */
  recent: boolean;
  /** True when the slot is popular in the shopper's segment (segmentPopularitySignal), not just the shop. */
  fromSegment?(slot: number): boolean;
}

export interface ArrivalSignal {
  /** When the product arrived (epoch ms), or undefined when it is not known to be new. */
  arrivedAt(slot: number): number | undefined;
  /** Slots, newest first. */
  newest(): Iterable<number>;
}

export interface RankingSources {
  catalog: Catalog;
  vectors: HnswIndex | null;
  collab: CooccurrenceModel | null;
  /** A learned item-item model (EASE), when fitted. */
  model?: ItemItemModel | null;
  popularity: PopularitySignal | null;
  arrivals?: ArrivalSignal | null;
  /** The catalogue prior (catalogPrior), cached by the caller. */
  prior: () => number[];
}

export interface ShopperInput {
  /** Their events, oldest first. */
  events: ShopperEvent[];
  /** The moment of the request (the session window ends here). */
  now: number;
  likes?: string[];
  /** Their stated likes embedded (onboarding). */
  likesVector?: Float32Array | null;
  /** The current query, embedded (session intent). */
  query?: { text: string; vector: Float32Array | null };
}

export interface RankRequest {
  limit: number;
  filter: CompiledFilter;
  lang: Lang;
  /** Items the shopper interacted with: after the fresh ones ("last", the service) or not at all ("exclude", offline evaluation). */
  seen: "last" | "exclude";
  /** Fill a short list from popularity, then the catalogue prior. */
  fill: boolean;
  /** False when the shopper asked for particular brands: then the cap is not ours to apply. */
  capBrands?: boolean;
}

interface Candidate {
  slot: number;
  content: number;
  sessionContent: number;
  query: number;
  collab: number;
  via?: CollaborativeHit;
  model: number;
  modelVia?: ModelHit;
  sessionCollab: number;
  sessionVia?: CollaborativeHit;
  popularity: number;
  recency: number;
  score: number;
  /** Unweighted: score = Σ weights[s] · terms[s]. */
  terms: Record<BlendSignal, number>;
  signal: BlendSignal;
  /** Which part of the session term was largest (for its reason). */
  sessionBy: "content" | "collaborative" | "query";
}

/**
 * How much a shopper's items agree in content space: the length of their weighted mean direction
 * (vectors centred on the catalogue mean) over the mean length — 1 when every item points the same
 * way, near 0 for items scattered in every direction, whose average says little about any of them.
 */
function coherence(contributions: Contribution[], vectorOf: (id: string) => Float32Array | undefined, mean: Float32Array): number {
  const sum = new Float64Array(mean.length);
  let total = 0;
  for (const c of contributions) {
    if (c.weight <= 0) continue;
    const v = vectorOf(c.itemId);
    if (!v) continue;
    let n = 0;
    for (let i = 0; i < sum.length; i++) {
      const x = v[i]! - mean[i]!;
      sum[i] += c.weight * x;
      n += x * x;
    }
    total += c.weight * Math.sqrt(n);
  }
  if (total <= 0) return 1;
  let n = 0;
  for (let i = 0; i < sum.length; i++) n += sum[i]! * sum[i]!;
  return Math.sqrt(n) / total;
}

const means = new WeakMap<HnswIndex, { size: number; mean: Float32Array }>();

/** The mean of the catalogue's (unit) item vectors: v · mean is v's average cosine to a product. */
function meanVector(vectors: HnswIndex): Float32Array {
  const cached = means.get(vectors);
  if (cached && cached.size === vectors.size) return cached.mean;
  const sum = new Float64Array(vectors.dimensions);
  for (const slot of vectors.exact.liveSlots()) {
    const v = vectors.exact.vectorOf(slot)!;
    for (let i = 0; i < sum.length; i++) sum[i] += v[i]!;
  }
  const mean = Float32Array.from(sum, (x) => x / Math.max(1, vectors.size));
  means.set(vectors, { size: vectors.size, mean });
  return mean;
}

/** Products the shopper must not be shown again: bought (unless consumable) or rated below 3. */
export function exclusions(catalog: Catalog, events: ShopperEvent[]): Set<number> {
  const out = new Set<number>();
  for (const e of events) {
    const slot = catalog.ids.slotOf(e.itemId);
    const product = slot === undefined ? undefined : catalog.product(slot);
    if (!product) continue;
    if (e.type === "purchase" && !isConsumable(product)) out.add(slot!);
    else if (e.type === "rating" && typeof e.value === "number" && e.value < 3) out.add(slot!);
  }
  return out;
}

/** A candidate's unweighted signal terms (what each weight multiplies), for tuning the weights. */
export interface CandidateTerms {
  slot: number;
  terms: Record<keyof RankingWeights, number>;
}

/**
 * Every candidate the ranker would consider for this shopper with its unweighted signal terms —
 * score = Σ weight · term — so weights can be tried by re-weighting instead of re-ranking
 * (rec tune). Candidates come from every signal whose weight in `cfg` is positive; pass all
 * weights > 0 to see them all. Items the shopper must not be shown are left out; `seen` lists
 * the ones they already interacted with.
 */
export function candidateTerms(src: RankingSources, shopper: ShopperInput, req: RankRequest, cfg: RankingConfig = DEFAULT_RANKING): { candidates: CandidateTerms[]; seen: Set<number> } {
  const { cands, seen } = scoreCandidates(src, shopper, req, cfg);
  return {
    candidates: cands.map((c) => ({ slot: c.slot, terms: c.terms })),
    seen: new Set(seen.keys()),
  };
}

export function rankForShopper(src: RankingSources, shopper: ShopperInput, req: RankRequest, cfg: RankingConfig = DEFAULT_RANKING): Ranked[] {
  const { catalog, vectors } = src;
  const ids = catalog.ids;
  const limit = req.limit;
  const { cands, seen, excluded, pool, longTerm, session } = scoreCandidates(src, shopper, req, cfg);

  const fresh = cands.filter((c) => !seen.has(c.slot) && c.score > 0).sort((a, b) => b.score - a.score || a.slot - b.slot);
  const pick = fresh.slice(0, Math.max(limit * 5, 50));
  const top = pick[0]?.score ?? 1;
  const perBrand = req.capBrands === false || cfg.brandCap >= 1 ? Number.POSITIVE_INFINITY : Math.max(1, Math.floor(cfg.brandCap * limit));
  const similarity = vectors
    ? (a: number, b: number) => {
        const va = vectors.exact.vectorOf(a);
        const vb = vectors.exact.vectorOf(b);
        return va && vb ? dot(va, vb) : 0;
      }
    : () => 0;
  const picked = selectDiverse(
    pick.map((c) => ({ slot: c.slot, relevance: c.score / top, brand: catalog.brandOf(c.slot) })),
    limit,
    cfg.mmrLambda,
    similarity,
    perBrand,
  );
  const bySlot = new Map(pick.map((c) => [c.slot, c]));
  const explain = new Explainer(src, shopper, req.lang, longTerm?.contributions ?? [], session?.contributions ?? []);
  const out: Ranked[] = [];
  let last = Number.POSITIVE_INFINITY;
  for (const p of picked) {
    const c = bySlot.get(p.slot)!;
    // Position-consistent scores: the MMR value at pick time, never above the one before.
    last = Math.min(last, p.value);
    const signal = c.signal === "popularity" && src.popularity?.fromSegment?.(c.slot) ? "segment" : c.signal === "model" ? "collaborative" : c.signal;
    out.push({ product: catalog.product(c.slot)!, score: last, reason: explain.reason(c), signal });
  }
  const used = new Set(out.map((r) => ids.slotOf(r.product.id)!));
  if (out.length < limit && req.seen === "last") {
    // Something new first: what they already looked at comes after, most relevant first.
    const again = [...seen.keys()]
      .filter((s) => !used.has(s) && req.filter.accept(s) && !excluded.has(s))
      .map((s) => ({ s, score: pool.get(s)?.score ?? 0 }))
      .sort((a, b) => b.score - a.score || a.s - b.s);
    for (const { s } of again) {
      if (out.length >= limit) break;
      used.add(s);
      out.push({ product: catalog.product(s)!, score: 0, reason: reasons.again(req.lang, seen.get(s)?.strongest ?? "view"), signal: "history" });
    }
  }
  if (out.length < limit && req.fill) {
    for (const s of excluded) used.add(s);
    if (req.seen === "exclude") for (const s of seen.keys()) used.add(s);
    out.push(...fallbackPicks(src, limit - out.length, req.filter, req.lang, used));
  }
  return out;
}

/**
 * Popular products within the filter (the shopper's segment's first when the popularity signal is
 * segmentPopularitySignal), then the catalogue prior — the end of the fallback order,
 * and all a shopper with no usable history gets. `skip` is extended with what is picked.
 */
export function fallbackPicks(src: Pick<RankingSources, "catalog" | "popularity" | "prior">, limit: number, filter: CompiledFilter, lang: Lang, skip: Set<number>): Ranked[] {
  const out: Ranked[] = [];
  if (limit <= 0) return out;
  const c = src.catalog;
  if (src.popularity) {
    const recent = src.popularity.recent;
    for (const slot of src.popularity.ranked()) {
      if (out.length >= limit) break;
      if (skip.has(slot) || !filter.accept(slot)) continue;
      skip.add(slot);
      if (src.popularity.fromSegment?.(slot)) {
        out.push({ product: c.product(slot)!, score: src.popularity.scoreOf(slot), reason: reasons.popularWithSimilar(lang), signal: "segment" });
        continue;
      }
      out.push({ product: c.product(slot)!, score: src.popularity.scoreOf(slot), reason: recent ? reasons.popular(lang) : reasons.favourite(lang), signal: "popularity" });
    }
  }
  if (out.length < limit) {
    for (const slot of src.prior()) {
      if (out.length >= limit) break;
      if (skip.has(slot) || !filter.accept(slot)) continue;
      skip.add(slot);
      out.push({ product: c.product(slot)!, score: 0, reason: reasons.topPick(lang, c.categoryLabel(slot)), signal: "prior" });
    }
  }
  return out;
}

/** Builds each pick's reason from the signal that ranked it. */
class Explainer {
  constructor(
    private readonly src: RankingSources,
    private readonly shopper: ShopperInput,
    private readonly lang: Lang,
    private readonly contributions: Contribution[],
    private readonly sessionContributions: Contribution[],
  ) {}

  private title(itemId: string): string {
    return this.src.catalog.get(itemId)?.title ?? itemId;
  }

  /** The history item that best explains `slot`: the largest weight × similarity. */
  private closest(slot: number, from: Contribution[]): { c: Contribution; s: number } | undefined {
    const vectors = this.src.vectors;
    const target = vectors?.exact.vectorOf(slot);
    if (!vectors || !target) return undefined;
    const own = this.src.catalog.ids.idOf(slot);
    let best: { c: Contribution; s: number } | undefined;
    for (const c of from) {
      if (c.weight <= 0 || c.itemId === own) continue;
      const v = vectors.exact.get(c.itemId);
      if (!v) continue;
      const s = c.weight * dot(target, v);
      if (!best || s > best.s) best = { c, s };
    }
    return best && best.s > 0 ? best : undefined;
  }

  reason(c: Candidate): string {
    const lang = this.lang;
    const category = this.src.catalog.categoryLabel(c.slot);
    switch (c.signal) {
      case "collaborative": {
        const via = c.via!;
        return via.boughtTogether ? reasons.alsoBought(lang, this.title(via.via)) : reasons.alsoViewed(lang, this.title(via.via));
      }
      case "model": {
        // A learned weight between their item and this one: "shoppers who … also …", named by the
        // co-occurrence data when at least minSupport shoppers bought both.
        const via = c.modelVia!.via;
        const bought = this.src.collab?.similarity(via, this.src.catalog.ids.idOf(c.slot)) ? this.src.collab.boughtTogether(via, this.src.catalog.ids.idOf(c.slot)) : false;
        return bought ? reasons.alsoBought(lang, this.title(via)) : reasons.alsoViewed(lang, this.title(via));
      }
      case "session": {
        if (c.sessionBy === "collaborative" && c.sessionVia) {
          const via = c.sessionVia;
          return via.boughtTogether ? reasons.alsoBought(lang, this.title(via.via)) : reasons.alsoViewed(lang, this.title(via.via));
        }
        if (c.sessionBy === "query" && this.shopper.query) return reasons.related(lang, this.shopper.query.text);
        const item = this.closest(c.slot, this.sessionContributions);
        if (item) return reasons.because(lang, item.c.strongest, this.title(item.c.itemId));
        return this.contentReason(c.slot);
      }
      case "content":
        return this.contentReason(c.slot);
      case "popularity":
        if (this.src.popularity?.fromSegment?.(c.slot)) return reasons.popularWithSimilar(lang);
        return reasons.popularIn(lang, category, this.src.popularity?.recent ?? false);
      case "recency":
        return reasons.newIn(lang, category);
    }
  }

  private contentReason(slot: number): string {
    const best = this.closest(slot, this.contributions);
    if (best) return reasons.because(this.lang, best.c.strongest, this.title(best.c.itemId));
    const likes = this.shopper.likes ?? [];
    if (likes.length) return reasons.likes(this.lang, truncate(likes.join(", "), 60));
    return reasons.closeToTaste(this.lang);
  }
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

function scoreCandidates(src: RankingSources, shopper: ShopperInput, req: RankRequest, cfg: RankingConfig) {
  const { catalog, vectors } = src;
  const ids = catalog.ids;

  const w = cfg.weights;
  const { events, now } = shopper;
  const limit = req.limit;

  const seen = new Map<number, Contribution | undefined>();
  const weights = itemWeights(events, cfg.halfLifeDays);
  const weightOf = new Map(weights.map((c) => [c.itemId, c]));
  for (const e of events) {
    const s = ids.slotOf(e.itemId);
    if (s !== undefined && catalog.product(s)) seen.set(s, weightOf.get(e.itemId));
  }
  const excluded = exclusions(catalog, events);
  const eligible = (s: number) => req.filter.accept(s) && !excluded.has(s) && !(req.seen === "exclude" && seen.has(s));

  // The shopper's vectors: long-term (events and stated likes), the session's items, the current query.
  const dims = vectors?.dimensions ?? 0;
  const vectorOf = (id: string) => vectors?.exact.get(id);
  const longTerm = vectors && events.length ? computeProfile(events, vectorOf, cfg.halfLifeDays, dims) : null;
  const profile = blendPreferences(longTerm?.vector ?? null, shopper.likesVector ?? null);
  const since = now - cfg.sessionMinutes * 60_000;
  const sessionEvents = events.filter((e) => e.ts >= since && e.ts <= now);
  // Within a session the latest item leads: a half-life of a third of the window.
  const sessionHalfLife = cfg.sessionMinutes / 3 / 1440;
  const session = vectors && sessionEvents.length ? computeProfile(sessionEvents, vectorOf, sessionHalfLife, dims) : null;
  const sessionVector = session?.vector ?? null;
  const queryVector = shopper.query?.vector && dims && shopper.query.vector.length === dims ? unit(shopper.query.vector) : null;
  const seeds = weights.filter((c) => c.weight > 0);
  const sessionSeeds = itemWeights(sessionEvents, sessionHalfLife).filter((c) => c.weight > 0);

  // How far to trust content similarity for this shopper, from two things the data says:
  //   - co-occurrence: content stands in for it while it knows little of the shopper's items, and
  //     counts for less as it learns them: β / (β + m), m = their items with co-occurrence data;
  //   - coherence: a profile is the mean of their items' vectors, which says much when the items
  //     agree (a runner's shoes) and little when they are scattered (a film buff's hundred films).
  // The product of the two scales content (long-term, and the session's with its own coherence).
  // Stated likes with no events are trusted fully; the current query is explicit intent and is
  // never scaled.
  const collab = src.collab;
  let warm = 0;
  if (collab && cfg.contentShrink > 0) for (const c of seeds) if (collab.shoppersOf(c.itemId) > collab.minSupport) warm++;
  const shrink = cfg.contentShrink > 0 ? cfg.contentShrink / (cfg.contentShrink + warm) : 1;
  const mean = vectors ? meanVector(vectors) : null;
  const coherent = (from: Contribution[]) => (vectors && mean && cfg.contentShrink > 0 ? coherence(from, vectorOf, mean) : 1);
  const contentScale = shopper.likesVector && !longTerm?.contributions.length ? 1 : shrink * coherent(longTerm?.contributions ?? []);
  // A request for a category none of the session's items are in says their intent moved on:
  // the session counts by the share of its weight inside the filter (the query still counts).
  let inFilter = 1;
  if (!req.filter.none && sessionSeeds.length) {
    let inside = 0;
    let total = 0;
    for (const c of sessionSeeds) {
      const s = ids.slotOf(c.itemId);
      total += c.weight;
      if (s !== undefined && req.filter.accept(s)) inside += c.weight;
    }
    inFilter = total > 0 ? inside / total : 1;
  }
  const sessionScale = shrink * coherent(session?.contributions ?? []) * inFilter;

  // Candidates from every signal.
  const depth = Math.max(cfg.depth, limit * 10);
  const pool = new Map<number, Candidate>();
  const add = (slot: number) => {
    if (!pool.has(slot)) {
      pool.set(slot, { slot, content: 0, sessionContent: 0, query: 0, collab: 0, model: 0, sessionCollab: 0, popularity: 0, recency: 0, score: 0, terms: { collaborative: 0, model: 0, session: 0, content: 0, popularity: 0, recency: 0 }, signal: "content", sessionBy: "content" });
    }
  };
  const within = { accept: eligible, candidates: req.filter.candidates };
  if (vectors && profile && w.content > 0) for (const h of vectors.searchSlots(profile, depth, within)) add(h.slot);
  if (vectors && w.session > 0) {
    if (sessionVector) for (const h of vectors.searchSlots(sessionVector, depth, within)) add(h.slot);
    if (queryVector) for (const h of vectors.searchSlots(queryVector, depth, within)) add(h.slot);
  }
  const coOccurring = (all: CollaborativeHit[]) => {
    const out = new Map<number, CollaborativeHit>();
    for (const h of all) {
      const s = ids.slotOf(h.itemId);
      if (s !== undefined && eligible(s)) out.set(s, h);
    }
    for (const [s] of [...out.entries()].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]).slice(0, depth)) add(s);
    return out;
  };
  const collabAll = collab && w.collaborative > 0 && seeds.length ? collab.score(seeds, cfg.maxHistory) : [];
  const sessionCollabAll = collab && w.session > 0 && sessionSeeds.length ? collab.score(sessionSeeds, cfg.maxHistory) : [];
  const collabBySlot = coOccurring(collabAll);
  const sessionCollabBySlot = coOccurring(sessionCollabAll);
  const modelAll = src.model && w.model > 0 && events.length ? src.model.score(events, { recencyHalfLife: cfg.modelRecencyHalfLife }) : [];
  const modelBySlot = new Map<number, ModelHit>();
  for (const h of modelAll) {
    if (h.score <= 0) continue;
    const s = ids.slotOf(h.itemId);
    if (s !== undefined && eligible(s)) modelBySlot.set(s, h);
  }
  for (const [s] of [...modelBySlot.entries()].sort((a, b) => b[1].score - a[1].score || a[0] - b[0]).slice(0, depth)) add(s);
  if (src.popularity && w.popularity > 0) {
    let n = 0;
    for (const s of src.popularity.ranked()) {
      if (n >= depth) break;
      if (!eligible(s)) continue;
      add(s);
      n++;
    }
  }
  const freshness = (slot: number) => {
    const at = src.arrivals?.arrivedAt(slot);
    return at === undefined || at > now ? 0 : 0.5 ** ((now - at) / (cfg.newHalfLifeDays * 86_400_000));
  };
  if (src.arrivals && w.recency > 0) {
    let n = 0;
    for (const s of src.arrivals.newest()) {
      if (n >= depth) break;
      if (!eligible(s) || freshness(s) < 0.01) continue;
      add(s);
      n++;
    }
  }

  // Signal values, scaled, blended and attributed.
  const cands = [...pool.values()];
  for (const c of cands) {
    if (vectors && profile) c.content = Math.max(0, vectors.exact.cosine(profile, c.slot));
    if (vectors && sessionVector) c.sessionContent = Math.max(0, vectors.exact.cosine(sessionVector, c.slot));
    if (vectors && queryVector) c.query = Math.max(0, vectors.exact.cosine(queryVector, c.slot));
    const hit = collabBySlot.get(c.slot);
    if (hit) {
      c.collab = hit.score;
      c.via = hit;
    }
    const modelHit = modelBySlot.get(c.slot);
    if (modelHit) {
      c.model = modelHit.score;
      c.modelVia = modelHit;
    }
    const sessionHit = sessionCollabBySlot.get(c.slot);
    if (sessionHit) {
      c.sessionCollab = sessionHit.score;
      c.sessionVia = sessionHit;
    }
    if (src.popularity) c.popularity = src.popularity.scoreOf(c.slot);
    if (src.arrivals) c.recency = freshness(c.slot);
  }
  // Similarities are scaled against the whole catalogue, not the candidates: 0 at the shopper's
  // average similarity to any product (vector · catalogue mean), 1 at their best match anywhere
  // they may be shown. In a category far from their taste every item then scores low and the
  // priors lead, instead of small differences being stretched to look like a strong preference.
  const anywhere = (s: number) => catalog.product(s) !== undefined && !excluded.has(s) && !(req.seen === "exclude" && seen.has(s));
  const scale = (key: "content" | "sessionContent" | "query", v: Float32Array | null) => {
    if (!v || !vectors) return;
    const lo = dot(v, meanVector(vectors));
    let hi = cands.reduce((m, c) => Math.max(m, c[key]), 0);
    // Unfiltered, the candidates already hold the best match; filtered, look beyond the filter.
    if (!req.filter.none) hi = Math.max(hi, vectors.searchSlots(v, 1, { accept: anywhere })[0]?.score ?? 0);
    const span = hi - lo;
    for (const c of cands) c[key] = span > 1e-9 ? Math.min(1, Math.max(0, (c[key] - lo) / span)) : 0;
  };
  const byMax = (key: "collab" | "sessionCollab" | "model", all: { itemId: string; score: number }[]) => {
    let max = 0;
    for (const h of all) {
      const s = ids.slotOf(h.itemId);
      if (s !== undefined && anywhere(s)) max = Math.max(max, h.score);
    }
    if (max > 0) for (const c of cands) c[key] = Math.min(1, c[key] / max);
  };
  scale("content", profile);
  scale("sessionContent", sessionVector);
  scale("query", queryVector);
  byMax("collab", collabAll);
  byMax("sessionCollab", sessionCollabAll);
  byMax("model", modelAll);
  for (const c of cands) {
    const sessionParts = { content: sessionScale * c.sessionContent, collaborative: inFilter * c.sessionCollab, query: c.query };
    c.sessionBy = sessionParts.collaborative >= sessionParts.content && sessionParts.collaborative >= sessionParts.query ? "collaborative" : sessionParts.query >= sessionParts.content ? "query" : "content";
    c.terms = {
      collaborative: c.collab,
      model: c.model,
      session: sessionParts.content + sessionParts.collaborative + sessionParts.query,
      content: contentScale * c.content,
      popularity: c.popularity,
      recency: c.recency,
    };
    const terms: Record<BlendSignal, number> = {
      collaborative: w.collaborative * c.terms.collaborative,
      model: w.model * c.terms.model,
      session: w.session * c.terms.session,
      content: w.content * c.terms.content,
      popularity: w.popularity * c.terms.popularity,
      recency: w.recency * c.terms.recency,
    };
    let best: BlendSignal = "content";
    let bestTerm = Number.NEGATIVE_INFINITY;
    for (const s of SIGNAL_ORDER) {
      c.score += terms[s];
      if (terms[s] > bestTerm) {
        bestTerm = terms[s];
        best = s;
      }
    }
    c.signal = best;
  }
  return { cands, seen, excluded, pool, longTerm, session };
}
