import type { Product, ShopperEvent } from "../store/types.ts";

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
  userId?: string;
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

export interface Recommender {
  search(request: SearchRequest): Promise<Ranked[]>;
  /** Personalised for the shopper; popular items when they have no history (cold start). */
  recommend(userId: string, options?: RecommendOptions): Promise<Ranked[]>;
  popular(options?: { limit?: number; filters?: Filters; locale?: string }): Promise<Ranked[]>;
  recordEvents(events: ShopperEvent[]): Promise<void>;
  /** Seeds a new shopper's profile from what they said they like. */
  seedPreferences(userId: string, text: string): Promise<void>;
  /**
   * Takes a shopper out of everything kept in memory (co-occurrence counts, cached profile, session
   * query). Call it with store.shoppers.deleteUser and when they turn personalisation off. Optional so other
   * implementations (fakes) need not have it.
   */
  forgetShopper?(userId: string): Promise<{ cooccurrence: boolean }>;
  /** Finds catalogue products a message refers to by name (for details and compare). */
  findMentioned(text: string, limit?: number): Promise<Product[]>;
  getProduct(id: string): Promise<Product | null>;
}
