import type { ShopperProfile } from "../shoppers/index.ts";
import type { Product } from "../store/types.ts";

/** Turns texts into unit vectors in one shared space (products, queries, profiles). */
export interface Embedder {
  /** Stable id of the model and its fitted state, used to key stored vectors. */
  readonly id: string;
  readonly dimensions: number;
  /** "built-in" (learned from the catalogue, no download) or "downloaded". */
  readonly tier: "built-in" | "downloaded";
  embed(texts: string[]): Promise<Float32Array[]>;
  /**
   * Embeds shopper queries when the model encodes them differently from the texts they are matched
   * against (e5: "query: " vs "passage: "); without it, `embed` serves both.
   */
  embedQueries?(texts: string[]): Promise<Float32Array[]>;
}

export interface VectorHit {
  id: string;
  /** Cosine similarity, higher is closer. */
  score: number;
}

export interface VectorIndex {
  readonly size: number;
  add(entries: { id: string; vector: Float32Array }[]): void;
  remove(ids: string[]): void;
  /** Top-k by cosine similarity; `accept` filters inside the search, not after it. */
  search(query: Float32Array, k: number, accept?: (id: string) => boolean): VectorHit[];
}

export interface Filters {
  priceMin?: number;
  priceMax?: number;
  categories?: string[];
  brands?: string[];
  colors?: string[];
  sizes?: string[];
  inStock?: boolean;
  /**
   * The currency the price bounds are in: a product priced in another currency fails them. Ignored
   * when no product has this currency, so a single-currency shop never loses its results to it.
   */
  currency?: string;
}

/**
 * What ranked a recommendation (the reason is built from it): the shopper's long-term profile, their
 * current session (recent items, current query), co-occurrence with their items, the popularity or
 * freshness prior, popularity among the shopper's segment, an item from their own history, or the
 * catalogue's own order (cold start).
 */
export type RankingSignal = "content" | "session" | "collaborative" | "popularity" | "segment" | "recency" | "history" | "prior";

export interface Ranked {
  product: Product;
  score: number;
  /** One line, true to the signal that ranked it ("matches 'running shoes'", "popular right now"). */
  reason: string;
  /** Set by recommend() and popular(): which signal the reason comes from. */
  signal?: RankingSignal;
}

export interface SearchRequest {
  text: string;
  filters?: Filters;
  /** The shopper searching (shoppers/ builds it): their profile leans the fusion towards what suits them. */
  profile?: ShopperProfile | null;
  limit?: number;
  locale?: string;
}

export interface RecommendOptions {
  limit?: number;
  filters?: Filters;
  locale?: string;
  /**
   * What the shopper is asking for right now (session intent). Without it, the shopper's last search
   * within the session window serves.
   */
  query?: string;
}

/** Search and ranking over what it is given: the catalogue it holds, and a shopper's profile passed in. */
export interface Recommender {
  search(request: SearchRequest): Promise<Ranked[]>;
  /** Personalised for the profile; what everybody gets for null (opted out); popular items for a profile with no history (cold start). */
  recommend(profile: ShopperProfile | null, options?: RecommendOptions): Promise<Ranked[]>;
  popular(options?: { limit?: number; filters?: Filters; locale?: string }): Promise<Ranked[]>;
  /** Finds catalogue products a message refers to by name (for details and compare). */
  findMentioned(text: string, limit?: number): Promise<Product[]>;
  getProduct(id: string): Promise<Product | null>;
  /**
   * What shoppers who had this product also had (co-occurrence in their events), best first, in
   * stock; none without that evidence. Optional: a recommender without shopper events has none.
   */
  alsoChosen?(itemId: string, options?: { limit?: number; locale?: string }): Promise<Ranked[]>;
  /** Products added since the shop's first catalogue, newest first, in stock; optional like alsoChosen. */
  newArrivals?(options?: { limit?: number; locale?: string }): Promise<Ranked[]>;
}
