import { describe, expect, it } from "vitest";
import { Catalog } from "../../recommend/catalog.ts";
import { CooccurrenceModel } from "../../recommend/collab/cooccurrence.ts";
import { intraListDiversity } from "../../recommend/eval/metrics.ts";
import { isConsumable } from "../../recommend/ranking/consumable.ts";
import { selectDiverse } from "../../recommend/ranking/mmr.ts";
import { catalogPrior } from "../../recommend/ranking/prior.ts";
import { DEFAULT_RANKING, type RankingConfig, type RankingSources, type RankingWeights, rankForShopper, type ShopperInput } from "../../recommend/ranking/ranker.ts";
import { arrivalSignal, popularitySignal } from "../../recommend/ranking/signals.ts";
import type { Filters, Ranked } from "../../recommend/types.ts";
import { HnswIndex } from "../../recommend/vectors/hnsw.ts";
import { IdSpace } from "../../recommend/vectors/ids.ts";
import type { EventType, Product, ShopperEvent } from "../../store/types.ts";

/**
 * The shared ranking on a small hand-made catalogue whose vectors we choose, so each signal can be
 * switched on alone and its effect seen: content (long-term profile), session intent (recent items,
 * the current query), co-occurrence, popularity, freshness; then MMR, the brand cap, exclusions,
 * reasons and the cross-category case.
 */

const NOW = Date.UTC(2025, 5, 1, 12);
const MIN = 60_000;
const DAY = 86_400_000;
const D = 6;

/** A direction plus a little of another, so items of one cluster are close but not identical. */
function vec(main: number, tilt = 0, tiltAxis = 5): Float32Array {
  const v = new Float32Array(D);
  v[main] = 1;
  v[tiltAxis] += tilt;
  return v;
}

interface Item {
  p: Product;
  v: Float32Array;
}
const item = (id: string, category: string, brand: string, v: Float32Array, extra: Partial<Product> = {}): Item => ({
  p: { id, title: `${id} title`, category, brand, ...extra },
  v,
});

// Shoes: s1–s4 a near-identical cluster (brand Acme), s5 and s6 further apart (Bolt, Cruz).
// Electronics h1–h4 on axis 1, beauty b1–b3 on axis 2 (consumable), books k1–k5 on axis 3.
const ITEMS: Item[] = [
  item("s1", "Shoes", "Acme", vec(0, 0.02)),
  item("s2", "Shoes", "Acme", vec(0, 0.03)),
  item("s3", "Shoes", "Acme", vec(0, 0.04)),
  item("s4", "Shoes", "Acme", vec(0, 0.05)),
  item("s5", "Shoes", "Bolt", vec(0, 0.7, 4)),
  item("s6", "Shoes", "Cruz", vec(0, -0.7, 4)),
  item("h1", "Electronics", "Hark", vec(1, 0.1)),
  item("h2", "Electronics", "Hark", vec(1, 0.12)),
  item("h3", "Electronics", "Ion", vec(1, -0.3, 4)),
  item("h4", "Electronics", "Jolt", vec(1, 0.3, 4)),
  item("b1", "Beauty", "Lumi", vec(2, 0.1), { title: "Lumi face cream" }),
  item("b2", "Beauty", "Lumi", vec(2, 0.15)),
  item("b3", "Beauty", "Mira", vec(2, -0.2, 4)),
  item("k1", "Books", "Nook", vec(3, 0.1)),
  item("k2", "Books", "Nook", vec(3, 0.2)),
  item("k3", "Books", "Opus", vec(3, 0.3, 4)),
  item("k4", "Books", "Opus", vec(3, 0.3, 4)),
  item("k5", "Books", "Page", vec(3, -0.3, 4)),
];

function sources(options: { collab?: CooccurrenceModel; popular?: Record<string, number>; arrivals?: Record<string, number> } = {}): RankingSources {
  const ids = new IdSpace();
  const catalog = new Catalog(ids);
  catalog.upsert(ITEMS.map((i) => i.p));
  const vectors = new HnswIndex(D, { ids });
  vectors.add(ITEMS.map((i) => ({ id: i.p.id, vector: i.v })));
  const counts = Object.entries(options.popular ?? {})
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score);
  return {
    catalog,
    vectors,
    collab: options.collab ?? null,
    popularity: options.popular ? popularitySignal(counts, (id) => ids.slotOf(id), true) : null,
    arrivals: options.arrivals ? arrivalSignal(new Map(Object.entries(options.arrivals)), (id) => ids.slotOf(id)) : null,
    prior: () => catalogPrior(catalog),
  };
}

const e = (itemId: string, type: EventType, agoMs: number, value?: number): ShopperEvent => ({ userId: "me", itemId, type, ts: NOW - agoMs, value });

function rank(src: RankingSources, shopper: Partial<ShopperInput>, options: { limit?: number; filters?: Filters; config?: Partial<RankingConfig>; weights?: Partial<RankingWeights>; only?: boolean; capBrands?: boolean } = {}): Ranked[] {
  const zero: RankingWeights = { content: 0, session: 0, collaborative: 0, model: 0, popularity: 0, recency: 0 };
  const weights = options.only ? { ...zero, ...options.weights } : { ...DEFAULT_RANKING.weights, ...options.weights };
  return rankForShopper(
    src,
    { events: [], now: NOW, ...shopper },
    { limit: options.limit ?? 5, filter: src.catalog.compile(options.filters), lang: "en", seen: "last", fill: false, capBrands: options.capBrands },
    { ...DEFAULT_RANKING, ...options.config, weights },
  );
}
const ids = (r: Ranked[]) => r.map((x) => x.product.id);

/** What each signal's reasons look like: a reason must come from the signal that ranked its item. */
const REASON_OF: Record<string, RegExp> = {
  content: /^(because you (viewed|added|bought|saved|rated) .+|matches what you like: .+|close to what you like)$/,
  session: /^(because you (viewed|added|bought|saved|rated) .+|related to “.+”|shoppers who (bought|looked at) .+ also (bought|looked at) this)$/,
  collaborative: /^shoppers who (bought .+ also bought|looked at .+ also looked at) this$/,
  popularity: /^popular (in .+ right now|right now|in .+|with shoppers)$/,
  recency: /^new in .+$/,
  history: /^(you looked at this recently|still in your cart|in your favourites|you bought this before: buy it again|you rated this highly)$/,
  prior: /^top pick in .+$/,
};

describe("ranking for a shopper", () => {
  it("content: ranks by the long-term profile and names the item that explains each pick", () => {
    const picks = rank(sources(), { events: [e("s1", "view", 2 * DAY)] }, { only: true, weights: { content: 1 } });
    expect(ids(picks).slice(0, 3).every((id) => id.startsWith("s"))).toBe(true);
    for (const p of picks.slice(0, 3)) {
      expect(p.signal).toBe("content");
      expect(p.reason).toBe("because you viewed s1 title");
    }
    expect(ids(picks)).not.toContain("s1");
  });

  it("session intent: what they viewed minutes ago leads; the same view hours ago does not", () => {
    const history = [e("k1", "purchase", 5 * DAY), e("k2", "purchase", 5 * DAY), e("k3", "view", 5 * DAY)];
    const now = rank(sources(), { events: [...history, e("h1", "view", 5 * MIN)] });
    expect(now[0]!.product.category).toBe("Electronics");
    expect(now[0]!.signal).toBe("session");
    expect(now[0]!.reason).toBe("because you viewed h1 title");
    const later = rank(sources(), { events: [...history, e("h1", "view", 3 * 60 * MIN)] });
    expect(later[0]!.product.category).toBe("Books");
  });

  it("session intent: a request for a category none of the session's items are in says the intent moved on", () => {
    const collab = new CooccurrenceModel();
    for (const u of ["a", "b", "c"]) collab.add([{ userId: u, itemId: "h1", type: "view" }, { userId: u, itemId: "k5", type: "view" }]);
    const shopper = { events: [e("k1", "purchase", 5 * DAY), e("h1", "view", 5 * MIN)] };
    const open = rank(sources({ collab }), shopper, { limit: 8 }).find((r) => r.product.id === "k5");
    expect(open).toMatchObject({ signal: "session", reason: "shoppers who looked at h1 title also looked at this" });
    const books = rank(sources({ collab }), shopper, { limit: 8, filters: { categories: ["Books"] } }).find((r) => r.product.id === "k5");
    expect(books?.signal).not.toBe("session");
  });

  it("session intent: the current query counts, and its reason quotes it", () => {
    const books = [e("k1", "purchase", 5 * DAY), e("k2", "view", 5 * DAY)];
    const picks = rank(sources(), { events: books, query: { text: "face cream", vector: vec(2) } });
    expect(picks[0]!.product.category).toBe("Beauty");
    expect(picks[0]!.signal).toBe("session");
    expect(picks[0]!.reason).toBe("related to “face cream”");
    expect(rank(sources(), { events: books })[0]!.product.category).toBe("Books");
  });

  it("collaborative: what shoppers bought together ranks, with 'shoppers who bought X also bought this'", () => {
    const collab = new CooccurrenceModel();
    for (const u of ["a", "b", "c"]) collab.add([{ userId: u, itemId: "s1", type: "purchase" }, { userId: u, itemId: "h3", type: "purchase" }]);
    const shopper = { events: [e("s1", "purchase", 2 * DAY)] };
    const alone = rank(sources({ collab }), shopper, { only: true, weights: { collaborative: 1 } });
    expect(ids(alone)).toEqual(["h3"]);
    expect(alone[0]!.reason).toBe("shoppers who bought s1 title also bought this");
    // Content alone never finds it (another category, far in the vector space) …
    expect(ids(rank(sources({ collab }), shopper, { only: true, weights: { content: 1 } }))).not.toContain("h3");
    // … the default blend does, and says why.
    const blended = rank(sources({ collab }), shopper, { limit: 5 });
    const h3 = blended.find((r) => r.product.id === "h3");
    expect(h3?.signal).toBe("collaborative");
    expect(h3?.reason).toBe("shoppers who bought s1 title also bought this");
  });

  it("popularity: between equally close items the popular one comes first, and a strong prior says 'popular in …'", () => {
    const shopper = { events: [e("k1", "view", 2 * DAY)] };
    // k3 and k4 have the same vector: only popularity separates them.
    const picks = ids(rank(sources({ popular: { k4: 50, k3: 1 } }), shopper, { limit: 6 }));
    expect(picks.indexOf("k4")).toBeLessThan(picks.indexOf("k3"));
    const flipped = ids(rank(sources({ popular: { k3: 50, k4: 1 } }), shopper, { limit: 6 }));
    expect(flipped.indexOf("k3")).toBeLessThan(flipped.indexOf("k4"));
    const strong = rank(sources({ popular: { b2: 100 } }), shopper, { weights: { popularity: 5 } });
    expect(strong[0]).toMatchObject({ signal: "popularity", reason: "popular in Beauty right now" });
  });

  it("recency: a product that just arrived comes before an equal old one, and can say 'new in …'", () => {
    const shopper = { events: [e("k1", "view", 2 * DAY)] };
    const picks = ids(rank(sources({ arrivals: { k3: NOW - 1 * DAY, k4: NOW - 90 * DAY } }), shopper, { limit: 6 }));
    expect(picks.indexOf("k3")).toBeLessThan(picks.indexOf("k4"));
    const strong = rank(sources({ arrivals: { h2: NOW - DAY } }), shopper, { weights: { recency: 5 } });
    expect(strong[0]).toMatchObject({ product: { id: "h2" }, signal: "recency", reason: "new in Electronics" });
    // Not yet arrived at the time of the request (offline evaluation replays the past): not new.
    const early = rank(sources({ arrivals: { h2: NOW + DAY } }), shopper, { weights: { recency: 5 } });
    expect(early[0]!.product.id).not.toBe("h2");
  });

  it("MMR: a lower λ gives a less redundant list than relevance order", () => {
    const shopper = { events: [e("s1", "view", 2 * DAY)] };
    const vectorOf = (r: Ranked[]) => r.map((x) => ITEMS.find((i) => i.p.id === x.product.id)!.v);
    const plain = rank(sources(), shopper, { limit: 3, config: { mmrLambda: 1, brandCap: 1 } });
    const diverse = rank(sources(), shopper, { limit: 3, config: { mmrLambda: 0.3, brandCap: 1 } });
    expect(ids(plain).sort()).toEqual(["s2", "s3", "s4"]);
    expect(ids(diverse)).toContain("s2");
    expect(ids(diverse).some((id) => id === "s5" || id === "s6")).toBe(true);
    expect(intraListDiversity(vectorOf(diverse))!).toBeGreaterThan(intraListDiversity(vectorOf(plain))! + 0.1);
    // Scores follow the list order.
    const scores = diverse.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("MMR picks by λ·relevance − (1−λ)·max similarity to what is already picked", () => {
    const sim = (a: number, b: number) => (Math.min(a, b) === 0 && Math.max(a, b) === 1 ? 0.9 : 0.1);
    const candidates = [
      { slot: 0, relevance: 1, brand: -1 },
      { slot: 1, relevance: 0.95, brand: -1 },
      { slot: 2, relevance: 0.6, brand: -1 },
    ];
    // After 0: slot 1 is worth 0.5·0.95 − 0.5·0.9 = 0.025, slot 2 0.5·0.6 − 0.5·0.1 = 0.25.
    expect(selectDiverse(candidates, 2, 0.5, sim).map((p) => p.slot)).toEqual([0, 2]);
    expect(selectDiverse(candidates, 2, 1, sim).map((p) => p.slot)).toEqual([0, 1]);
  });

  it("brand cap: no brand takes more than its share while others are available, unless the shopper asked for that brand", () => {
    const shopper = { events: [e("s1", "view", 2 * DAY)] };
    const capped = rank(sources(), shopper, { limit: 4, config: { mmrLambda: 1, brandCap: 0.5 } });
    const brands = capped.map((r) => r.product.brand);
    expect(brands.filter((b) => b === "Acme")).toHaveLength(2);
    expect(new Set(brands)).toEqual(new Set(["Acme", "Bolt", "Cruz"]));
    const uncapped = rank(sources(), shopper, { limit: 4, config: { mmrLambda: 1, brandCap: 1 } });
    expect(uncapped.filter((r) => r.product.brand === "Acme")).toHaveLength(3);
    const asked = rank(sources(), shopper, { limit: 3, filters: { brands: ["Acme"] }, config: { mmrLambda: 1, brandCap: 0.34 }, capBrands: false });
    expect(ids(asked).sort()).toEqual(["s2", "s3", "s4"]);
  });

  it("never recommends what they bought unless it is consumable, nor what they rated below 3", () => {
    const shopper = { events: [e("s2", "purchase", DAY), e("b1", "purchase", DAY), e("k2", "rating", DAY, 1)] };
    const picks = rank(sources(), shopper, { limit: 18 });
    expect(ids(picks)).not.toContain("s2");
    expect(ids(picks)).not.toContain("k2");
    const again = picks.find((r) => r.product.id === "b1");
    expect(again).toMatchObject({ signal: "history", reason: "you bought this before: buy it again" });
    // Something new first: the cream they bought comes after the fresh picks.
    expect(picks.indexOf(again!)).toBeGreaterThan(picks.findIndex((r) => r.signal !== "history"));
  });

  it("decides what is consumable from category and tags, not from a title word alone", () => {
    expect(isConsumable({ title: "Dark Roast Beans", category: "Food" })).toBe(true);
    expect(isConsumable({ title: "Night Cream", category: "beauty" })).toBe(true);
    expect(isConsumable({ title: "Ionic Hair Dryer", category: "Beauty" })).toBe(false);
    expect(isConsumable({ title: "Oak Coffee Table", category: "Home" })).toBe(false);
    expect(isConsumable({ title: "Printer Ink XL", category: "Office", tags: ["cartridge"] })).toBe(true);
    expect(isConsumable({ title: "Tent", category: "Outdoor", tags: ["consumable"] })).toBe(true);
    expect(isConsumable({ title: "Gift Box", category: "Food", tags: ["durable"] })).toBe(false);
    expect(isConsumable({ title: "绿茶", category: "食品" })).toBe(true);
    expect(isConsumable({ title: "Running Shoes", category: "Shoes" })).toBe(false);
  });

  it("every reason is true to the signal that ranked its item", () => {
    const collab = new CooccurrenceModel();
    for (const u of ["a", "b", "c"]) collab.add([{ userId: u, itemId: "s1", type: "view" }, { userId: u, itemId: "k5", type: "view" }]);
    const src = sources({ collab, popular: { b3: 20, h4: 5 }, arrivals: { h2: NOW - DAY } });
    const shoppers: Partial<ShopperInput>[] = [
      { events: [e("s1", "view", 2 * DAY), e("h1", "cart", 10 * MIN)] },
      { events: [e("k1", "purchase", 3 * DAY), e("b1", "purchase", DAY)], query: { text: "headphones", vector: vec(1) } },
      { events: [], likes: ["books"], likesVector: vec(3) },
    ];
    const single: [keyof RankingWeights, RegExp][] = [
      ["content", REASON_OF.content!],
      ["collaborative", REASON_OF.collaborative!],
      ["popularity", REASON_OF.popularity!],
      ["recency", REASON_OF.recency!],
    ];
    let checked = 0;
    for (const shopper of shoppers) {
      for (const r of rank(src, shopper, { limit: 12 })) {
        expect(r.reason, `${r.product.id} ranked by ${r.signal}`).toMatch(REASON_OF[r.signal!]!);
        checked++;
      }
      // With one signal on, every non-history reason is that signal's.
      for (const [signal, pattern] of single) {
        for (const r of rank(src, shopper, { limit: 12, only: true, weights: { [signal]: 1 } })) {
          if (r.signal === "history") continue;
          expect(r.signal).toBe(signal);
          expect(r.reason).toMatch(pattern);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("cross-domain: in a category new to the shopper, co-occurrence carries their history across; without it the priors lead", () => {
    const shopper = { events: [e("s1", "purchase", 2 * DAY), e("s5", "view", 2 * DAY)] };
    const electronics = { categories: ["electronics"] };
    const collab = new CooccurrenceModel();
    for (const u of ["a", "b", "c"]) collab.add([{ userId: u, itemId: "s1", type: "purchase" }, { userId: u, itemId: "h3", type: "purchase" }]);
    const withCollab = rank(sources({ collab, popular: { h4: 30 } }), shopper, { filters: electronics });
    expect(withCollab[0]).toMatchObject({ product: { id: "h3" }, signal: "collaborative" });
    for (const r of withCollab) expect(r.product.category).toBe("Electronics");
    // Nothing links their shoes to electronics: their taste says little there, so popularity leads.
    const without = rank(sources({ popular: { h4: 30 } }), shopper, { filters: electronics });
    expect(without[0]).toMatchObject({ product: { id: "h4" }, signal: "popularity", reason: "popular in Electronics right now" });
  });

  it("falls back in order: popularity within the filter, then the catalogue prior", () => {
    const src = sources({ popular: { k5: 10, h2: 5 } });
    const picks = rankForShopper(src, { events: [], now: NOW }, { limit: 4, filter: src.catalog.compile({ categories: ["Books", "Electronics"] }), lang: "en", seen: "last", fill: true }, DEFAULT_RANKING);
    expect(ids(picks).slice(0, 2)).toEqual(["k5", "h2"]);
    expect(picks.slice(0, 2).map((p) => p.signal)).toEqual(["popularity", "popularity"]);
    expect(picks.slice(2).map((p) => p.signal)).toEqual(["prior", "prior"]);
    expect(picks[2]!.reason).toMatch(/^top pick in (Books|Electronics)$/);
  });
});
