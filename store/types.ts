/** What Concierge keeps, behind one interface: embedded PGlite by default, PostgreSQL with DATABASE_URL. */

export interface Product {
  id: string;
  title: string;
  description?: string;
  category?: string;
  brand?: string;
  price?: number;
  currency?: string;
  tags?: string[];
  image?: string;
  stock?: number;
  /** Optional facets the filters understand (lower-case values). */
  color?: string;
  sizes?: string[];
  /** Language of the title/description when known ("en", "zh"). */
  locale?: string;
}

export const EVENT_TYPES = ["view", "cart", "purchase", "favourite", "rating"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface ShopperEvent {
  userId: string;
  itemId: string;
  type: EventType;
  value?: number;
  /** Epoch milliseconds. */
  ts: number;
}

export interface Shopper {
  userId: string;
  locale?: string;
  /** Free-text likes a shopper gave at onboarding ("running, trail shoes"). */
  preferences: string[];
  /** False once the shopper asked us to stop personalising. */
  personalise: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface StoredMessage {
  conversationId: string;
  /** The shopper the conversation is with — on the assistant's messages too, so export and deletion find them. */
  userId: string;
  role: "user" | "assistant";
  text: string;
  ts: number;
  /** The shopper's messages: their sentiment as the NLU read it (kept for the sentiment reports). */
  sentiment?: SentimentScore;
  /** The product the turn was about, when it was about exactly one. */
  itemId?: string;
}

// ── sentiment and feedback (intents/feedback) ────────────────────────────────────────────────

export const SENTIMENT_LABELS = ["positive", "neutral", "negative"] as const;
export type SentimentLabelName = (typeof SENTIMENT_LABELS)[number];

export interface SentimentScore {
  label: SentimentLabelName;
  /** -1 (most negative) to 1. */
  score: number;
}

/** A review or piece of feedback the shop posted, with the sentiment read from its text. */
export interface FeedbackRecord {
  text: string;
  itemId?: string;
  userId?: string;
  /** The star rating that came with it, 1 to 5. */
  rating?: number;
  sentiment: SentimentScore;
  ts: number;
}

export interface SentimentQuery {
  itemId?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Width of a time bucket in ms, and an instant a bucket starts at (buckets are origin + k × width). */
  bucketMs: number;
  originMs: number;
}

/** Counts of one label from one source, per product or per time bucket. */
export interface SentimentTally {
  source: "message" | "feedback";
  label: SentimentLabelName;
  count: number;
  scoreSum: number;
  /** Of `count`, those with a rating, and the sum of their ratings. */
  rated: number;
  ratingSum: number;
  /** Set in byItem. */
  itemId?: string;
  /** Set in byBucket: the bucket's start, epoch ms. */
  bucket?: number;
}

export interface SentimentTallies {
  /** Rows about a product (messages and feedback with an item id). */
  byItem: SentimentTally[];
  /** Every row in the range, by time bucket. */
  byBucket: SentimentTally[];
}

export interface ProductRow {
  product: Product;
  /** Content hash of the product's fields; re-import skips rows whose hash did not change. */
  hash: string;
}

export interface UserExport {
  userId: string;
  shopper: Shopper | null;
  events: ShopperEvent[];
  messages: StoredMessage[];
  profile: number[] | null;
  /** Reviews and feedback the shop posted under their id. */
  feedback: FeedbackRecord[];
}

export interface DeletionReport {
  events: number;
  messages: number;
  shopper: boolean;
  profile: boolean;
}

// ── segments and experiments (recommend/segments, recommend/experiments) ─────────────────────

/** The latest clustering of shoppers; `summary` is the segmenter's own JSON (segments, names, sizes). */
export interface SegmentationRecord {
  id: string;
  createdAt: number;
  summary: Record<string, unknown>;
}

export interface SegmentMember {
  userId: string;
  /** Index of the segment within its segmentation. */
  segment: number;
}

export interface SegmentMembership {
  runId: string;
  segment: number;
}

export const EXPERIMENT_EVENT_TYPES = ["exposure", "click", "cart", "purchase"] as const;
export type ExperimentEventType = (typeof EXPERIMENT_EVENT_TYPES)[number];
export type ConversionType = Exclude<ExperimentEventType, "exposure">;

export interface ExperimentVariant {
  name: string;
  /** Relative share of shoppers; weights need not sum to 1. */
  weight: number;
  /** What the variant changes; an empty config is the status quo. */
  config: { ranking?: string; copy?: string };
}

export interface Experiment {
  id: string;
  name: string;
  description?: string;
  /** The first variant is the control every other one is compared with. */
  variants: ExperimentVariant[];
  /** The conversion the verdict is about; the report covers all three. */
  primaryMetric: ConversionType;
  status: "running" | "stopped";
  createdAt: number;
  startedAt: number;
  stoppedAt?: number;
}

export interface ExperimentEvent {
  experimentId: string;
  userId: string;
  variant: string;
  type: ExperimentEventType;
  ts: number;
}

/** The items one list showed a shopper in their variant of a ranking experiment. */
export interface ExposedItems {
  experimentId: string;
  userId: string;
  variant: string;
  itemIds: string[];
  shownAt: number;
}

/** When an item was last shown to a shopper, and in which experiment and variant. */
export interface ExposedItem {
  experimentId: string;
  userId: string;
  variant: string;
  itemId: string;
  shownAt: number;
}

/** Counts of one event type in one variant of an experiment. */
export interface ExperimentTally {
  variant: string;
  type: ExperimentEventType;
  events: number;
  /** Distinct shoppers with at least one such event. */
  users: number;
  /** Of `users`, those also exposed to this variant (a conversion counts only after an exposure). */
  exposedUsers: number;
}

export interface Store {
  /** Which backend this is, for start-up logs ("pglite:./data/db", "postgres"). */
  readonly description: string;
  init(): Promise<void>;
  close(): Promise<void>;

  upsertProducts(rows: ProductRow[]): Promise<void>;
  /** id → content hash of every stored product. */
  productHashes(): Promise<Map<string, string>>;
  /** In the order asked for; unknown ids are left out. */
  getProducts(ids: string[]): Promise<Product[]>;
  allProducts(): Promise<Product[]>;
  countProducts(): Promise<number>;
  /** Also removes their vectors under every model; returns how many of the products existed. */
  deleteProducts(ids: string[]): Promise<number>;

  /** Vectors are stored per embedding model, so swapping models never mixes spaces. */
  saveVectors(model: string, entries: { id: string; vector: Float32Array }[]): Promise<void>;
  loadVectors(model: string): Promise<Map<string, Float32Array>>;
  deleteVectors(model: string, ids?: string[]): Promise<void>;

  addEvents(events: ShopperEvent[]): Promise<void>;
  /** The newest `limit` events (all when omitted), oldest first. */
  eventsForUser(userId: string, limit?: number): Promise<ShopperEvent[]>;
  /**
   * Type-weighted interaction counts per item since `sinceTs` (all time when omitted). A rating counts
   * only when its value is 4 or more; items scoring 0 are left out of the map. Events of shoppers who
   * turned personalisation off are not counted.
   */
  itemPopularity(weights: Record<EventType, number>, sinceTs?: number): Promise<Map<string, number>>;
  /**
   * Every event of shoppers who have not turned personalisation off, oldest first (by ts, then
   * insertion), `batchSize` at a time (default 5000), read page by page (keyset) so no more than one
   * batch is held at once. For rebuilding shared models (co-occurrence) at start-up.
   */
  scanEvents(batchSize?: number): AsyncIterable<ShopperEvent[]>;

  getShopper(userId: string): Promise<Shopper | null>;
  /** Keeps the createdAt of the first write. */
  upsertShopper(shopper: Shopper): Promise<void>;

  saveProfile(userId: string, vector: Float32Array): Promise<void>;
  getProfile(userId: string): Promise<Float32Array | null>;

  appendMessage(message: StoredMessage): Promise<void>;
  /** Several lines in one write, kept in the given order (a turn's question and answer). */
  appendMessages(messages: StoredMessage[]): Promise<void>;
  /** The newest `limit` messages (all when omitted), oldest first. */
  messagesForUser(userId: string, limit?: number): Promise<StoredMessage[]>;

  exportUser(userId: string): Promise<UserExport>;
  /**
   * Removes everything kept about the shopper: events, profile, shopper record, conversations, and
   * their segment membership, experiment events, items experiments showed them and feedback (not
   * counted in the report).
   */
  deleteUser(userId: string): Promise<DeletionReport>;

  /** Reviews and feedback with their sentiment; one transaction per call. */
  addFeedback(rows: FeedbackRecord[]): Promise<void>;
  /** Sentiment counts of the shoppers' messages and of feedback, per product and per time bucket. */
  sentimentTallies(query: SentimentQuery): Promise<SentimentTallies>;

  /** Opaque model state (a trained embedder, a classifier) so a restart does not retrain. */
  putBlob(key: string, value: Buffer): Promise<void>;
  getBlob(key: string): Promise<Buffer | null>;

  /** Every shopper with at least one stored event, sorted. */
  eventUserIds(): Promise<string[]>;
  /** Each shopper's events, oldest first; shoppers without events are left out of the map. */
  eventsForUsers(userIds: string[]): Promise<Map<string, ShopperEvent[]>>;
  /** Shoppers who turned personalisation off (never segmented or targeted). */
  optedOutUserIds(): Promise<string[]>;

  /** Replaces the stored segmentation (only the latest is kept) and every shopper's segment. */
  saveSegmentation(run: SegmentationRecord, members: SegmentMember[]): Promise<void>;
  latestSegmentation(): Promise<SegmentationRecord | null>;
  segmentOf(userId: string): Promise<SegmentMembership | null>;
  /** Members of one segment of the latest segmentation, by user id. */
  segmentMembers(segment: number, options?: { limit?: number; offset?: number }): Promise<string[]>;

  /** Throws a 409 ConciergeError (code "conflict") when the id is taken. */
  createExperiment(experiment: Experiment): Promise<void>;
  getExperiment(id: string): Promise<Experiment | null>;
  /** Newest first. */
  listExperiments(): Promise<Experiment[]>;
  /** Marks it stopped (keeping the first stop time when already stopped); null when there is no such experiment. */
  stopExperiment(id: string, at: number): Promise<Experiment | null>;
  addExperimentEvents(events: ExperimentEvent[]): Promise<void>;
  experimentTallies(experimentId: string): Promise<ExperimentTally[]>;
  /**
   * Remembers the items a list showed, in one statement. A re-show moves an item's shownAt (and
   * variant) forward, never back. Bounded per shopper: of their rows, those shown before `since`
   * go, and only the newest `keep` (at least this list's items) stay.
   */
  recordExposedItems(shown: ExposedItems, bound: { keep: number; since: number }): Promise<void>;
  /** For each (shopper, item) asked about, its last show if that was at or after `since`. */
  exposedItems(keys: { userId: string; itemId: string }[], since: number): Promise<ExposedItem[]>;
  /** Deletes every shopper's rows shown before `before`; returns how many went. */
  pruneExposedItems(before: number): Promise<number>;
}
