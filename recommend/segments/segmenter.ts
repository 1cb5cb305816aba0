import { randomBytes } from "node:crypto";
import type { Product, ShopperEvent, Store } from "../../store/types.ts";
import { computeProfile, eventWeight } from "../profile.ts";
import { type ClusterOptions, clusterShoppers } from "./choose.ts";
import { buildFeatures } from "./features.ts";
import { type Character, characterOf, nameSegments, type PopulationRfm, populationRfm, type SegmentStats } from "./naming.ts";
import { median, type Rfm, rfmOf } from "./rfm.ts";

/** Bumped when the stored summary's shape changes; an older one is ignored until the next run. */
export const SEGMENTATION_FORMAT = 1;

export interface SegmentSummary extends SegmentStats {
  id: number;
  name: string;
  character: Character;
  /** Share of segmented shoppers. */
  share: number;
  /** Mean z-scores of the members' log RFM: where the centroid sits against the population (0 = average). */
  centroid: { recency: number; frequency: number; monetary: number };
  /** The segment's most engaged-with items (type-weighted counts): its popularity list for cold start. */
  topItems: { id: string; title: string; score: number }[];
}

export interface Segmentation {
  format: typeof SEGMENTATION_FORMAT;
  id: string;
  createdAt: number;
  /** The reference time recency is measured from. */
  asOf: number;
  shoppers: number;
  /** Shoppers with events left out because they turned personalisation off. */
  optedOut: number;
  k: number;
  chosenBy: "fixed" | "silhouette" | "too-few-shoppers";
  silhouette: number | null;
  candidates: { k: number; silhouette: number }[];
  /** Embedding model of the profile vectors (null: RFM only, no product vectors yet). */
  embedderId: string | null;
  features: { profileColumns: number; explainedVariance: number; rfmScale: number };
  population: PopulationRfm;
  segments: SegmentSummary[];
  seconds: number;
}

export interface SegmentOptions extends Omit<ClusterOptions, "onFit"> {
  /** Principal components kept of the profile vectors (default 16). */
  components?: number;
  /** Variance of the RFM block relative to the profile block (default 0.5, see features.ts). */
  rfmWeight?: number;
  /** Recency is measured to this time (default now). */
  asOf?: number;
  /** Shoppers read per store query (default 1000). */
  batchSize?: number;
  onProgress?: (progress: { phase: "reading" | "clustering"; done: number; total: number }) => void;
}

export interface SegmenterDeps {
  store: Store;
  /** Embedding model whose product vectors make the profiles (the recommender's embedder id). */
  embedderId: string | null | undefined;
  /** Half-life of an event's weight in a profile (config PROFILE_HALF_LIFE_DAYS). */
  halfLifeDays?: number;
}

interface Shopper {
  userId: string;
  profile: Float32Array | null;
  rfm: Rfm;
  categories: Map<string, number>;
  brands: Map<string, number>;
  items: Map<string, number>;
}

/** Enough for a segment's popularity to fill a list within a filter (segment-prior.ts), small enough to show. */
const TOP_ITEMS = 50;
const TOP_FACETS = 5;

/** Lets the event loop serve requests between chunks of CPU work (the admin API runs this in the service). */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Clusters every shopper with events into segments and saves the result (replacing the previous
 * one) with each shopper's segment. Opted-out shoppers are never segmented.
 */
export async function segmentShoppers(deps: SegmenterDeps, options: SegmentOptions = {}): Promise<Segmentation> {
  const started = Date.now();
  const { store } = deps;
  const asOf = options.asOf ?? Date.now();
  const optedOut = new Set(await store.shoppers.optedOutUserIds());
  const allIds = await store.shoppers.eventUserIds();
  const userIds = allIds.filter((u) => !optedOut.has(u));
  const products = new Map<string, Product>((await store.catalogue.allProducts()).map((p) => [p.id, p]));
  const vectors = deps.embedderId ? await store.catalogue.loadVectors(deps.embedderId) : new Map<string, Float32Array>();
  const dims = vectors.values().next().value?.length ?? 0;

  const shoppers: Shopper[] = [];
  const batch = options.batchSize ?? 1000;
  options.onProgress?.({ phase: "reading", done: 0, total: userIds.length });
  for (let i = 0; i < userIds.length; i += batch) {
    const events = await store.shoppers.eventsForUsers(userIds.slice(i, i + batch));
    for (const [userId, list] of events) shoppers.push(describeShopper(userId, list, products, vectors, dims, asOf, deps.halfLifeDays ?? 30));
    options.onProgress?.({ phase: "reading", done: Math.min(userIds.length, i + batch), total: userIds.length });
    await yieldToLoop();
  }

  const features = buildFeatures(
    shoppers.map((s) => s.profile),
    shoppers.map((s) => s.rfm),
    { components: options.components, rfmWeight: options.rfmWeight, seed: options.seed },
  );
  const clustering = await clusterShoppers(features.matrix, {
    ...options,
    onFit: async (done, total) => {
      options.onProgress?.({ phase: "clustering", done, total });
      await yieldToLoop();
    },
  });

  // Segments numbered by size, largest first; a cluster k-means left empty is dropped.
  const { labels, k } = clustering.result;
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < shoppers.length; i++) sizes[labels[i]!]!++;
  const order = sizes
    .map((size, c) => ({ size, c }))
    .filter((x) => x.size > 0)
    .sort((a, b) => b.size - a.size || a.c - b.c);
  const renumber = new Map(order.map((x, i) => [x.c, i]));
  const members: number[][] = order.map(() => []);
  for (let i = 0; i < shoppers.length; i++) members[renumber.get(labels[i]!)!]!.push(i);

  const population = populationRfm(shoppers.map((s) => s.rfm));
  const stats = members.map((m) => segmentStats(m.map((i) => shoppers[i]!)));
  const names = nameSegments(stats, population);
  const rfmCols = features.profileColumns;
  const width = features.matrix.cols;
  const segments: SegmentSummary[] = members.map((m, id) => {
    const centroid = [0, 0, 0];
    for (const i of m) for (let c = 0; c < 3; c++) centroid[c] += features.matrix.data[i * width + rfmCols + c]! / features.rfmScale / m.length;
    return {
      id,
      name: names[id]!,
      character: characterOf(stats[id]!, population),
      share: round(m.length / Math.max(1, shoppers.length)),
      ...stats[id]!,
      centroid: { recency: round(centroid[0]!), frequency: round(centroid[1]!), monetary: round(centroid[2]!) },
      topItems: topItems(m.map((i) => shoppers[i]!), products),
    };
  });

  const createdAt = Date.now();
  const segmentation: Segmentation = {
    format: SEGMENTATION_FORMAT,
    id: `seg-${createdAt.toString(36)}-${randomBytes(3).toString("hex")}`,
    createdAt,
    asOf,
    shoppers: shoppers.length,
    optedOut: allIds.length - userIds.length,
    k: segments.length,
    chosenBy: clustering.chosenBy,
    silhouette: clustering.silhouette === null ? null : round(clustering.silhouette),
    candidates: clustering.candidates.map((c) => ({ k: c.k, silhouette: round(c.silhouette) })),
    embedderId: dims > 0 ? (deps.embedderId ?? null) : null,
    features: { profileColumns: features.profileColumns, explainedVariance: round(features.explainedVariance), rfmScale: round(features.rfmScale) },
    population: { recencyDays: round(population.recencyDays), frequency: population.frequency, monetary: round(population.monetary) },
    segments,
    seconds: 0,
  };
  segmentation.seconds = round((Date.now() - started) / 1000);
  await store.segments.saveSegmentation(
    { id: segmentation.id, createdAt, summary: segmentation as unknown as Record<string, unknown> },
    members.flatMap((m, segment) => m.map((i) => ({ userId: shoppers[i]!.userId, segment }))),
  );
  return segmentation;
}

function describeShopper(
  userId: string,
  events: ShopperEvent[],
  products: Map<string, Product>,
  vectors: Map<string, Float32Array>,
  dims: number,
  asOf: number,
  halfLifeDays: number,
): Shopper {
  const profile = dims > 0 ? computeProfile(events, (id) => vectors.get(id), halfLifeDays, dims).vector : null;
  const rfm = rfmOf(events, (id) => products.get(id)?.price, asOf);
  const categories = new Map<string, number>();
  const brands = new Map<string, number>();
  const items = new Map<string, number>();
  for (const e of events) {
    // Interest, not aversion: a 1-star rating says nothing about what they like.
    const w = Math.max(0, eventWeight(e));
    if (w === 0) continue;
    items.set(e.itemId, (items.get(e.itemId) ?? 0) + w);
    const p = products.get(e.itemId);
    if (p?.category) categories.set(p.category, (categories.get(p.category) ?? 0) + w);
    if (p?.brand) brands.set(p.brand, (brands.get(p.brand) ?? 0) + w);
  }
  return { userId, profile, rfm, categories, brands, items };
}

/** Each member's interest shares averaged, so one heavy shopper cannot name a segment alone. */
function meanShares(maps: Map<string, number>[]): { name: string; share: number }[] {
  const sum = new Map<string, number>();
  let counted = 0;
  for (const m of maps) {
    let total = 0;
    for (const v of m.values()) total += v;
    if (total <= 0) continue;
    counted++;
    for (const [k, v] of m) sum.set(k, (sum.get(k) ?? 0) + v / total);
  }
  return [...sum]
    .map(([name, s]) => ({ name, share: round(s / Math.max(1, counted)) }))
    .sort((a, b) => b.share - a.share || (a.name < b.name ? -1 : 1))
    .slice(0, TOP_FACETS);
}

function segmentStats(members: Shopper[]): SegmentStats {
  return {
    size: members.length,
    topCategories: meanShares(members.map((s) => s.categories)),
    topBrands: meanShares(members.map((s) => s.brands)),
    recencyDays: round(median(members.map((s) => s.rfm.recencyDays))),
    frequency: median(members.map((s) => s.rfm.frequency)),
    monetary: round(median(members.map((s) => s.rfm.monetary))),
    buyerShare: round(members.filter((s) => s.rfm.purchases > 0).length / Math.max(1, members.length)),
  };
}

function topItems(members: Shopper[], products: Map<string, Product>): SegmentSummary["topItems"] {
  const sum = new Map<string, number>();
  for (const s of members) for (const [id, w] of s.items) sum.set(id, (sum.get(id) ?? 0) + w);
  return [...sum]
    .filter(([id]) => products.has(id))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_ITEMS)
    .map(([id, score]) => ({ id, title: products.get(id)!.title, score: round(score) }));
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
