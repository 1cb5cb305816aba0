/**
 * What Concierge keeps: embedded PGlite by default, PostgreSQL with DATABASE_URL. The Store is one
 * narrow slice per aggregate (catalogue, shoppers, conversations, experiments, segments, model
 * blobs), so a part of the code depends only on the slice it uses and a test can fake just that.
 */
import type { EventType, Shopper, ShopperEvent } from "../core/shopper.ts";

export type { EventType, Shopper, ShopperEvent } from "../core/shopper.ts";
export { EVENT_TYPES } from "../core/shopper.ts";

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

export interface NegativeExamplesQuery {
  itemIds: string[];
  /** At most this many per product. */
  perItem: number;
  from?: number;
  to?: number;
}

export interface NegativeExample {
  itemId: string;
  source: "message" | "feedback";
  text: string;
  score: number;
  ts: number;
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

/** Where a conversation stands between turns (the dialogs' state), kept so any replica can continue it. */
export interface ConversationStateRow {
  conversationId: string;
  /** The shopper the conversation is with: their export and deletion include it. */
  userId: string;
  state: Record<string, unknown>;
  updatedAt: number;
}

/** A one-time link to a shopper's export: only a hash of its token is kept. */
export interface ExportLink {
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

/** Everything kept about one shopper: every row deleteUser removes, and nothing else. */
export interface UserExport {
  userId: string;
  shopper: Shopper | null;
  events: ShopperEvent[];
  messages: StoredMessage[];
  profile: number[] | null;
  /** Reviews and feedback the shop posted under their id. */
  feedback: FeedbackRecord[];
  /** Their segment in the latest segmentation. */
  segments: SegmentMembership[];
  /** What experiments assigned them, showed them and saw them do. */
  experimentEvents: ExperimentEvent[];
  experimentExposures: ExposedItem[];
  /** Export links still open for them (the token itself is never kept). */
  exportLinks: { createdAt: number; expiresAt: number }[];
  /** Where their conversations stand (what was shown last, a question awaiting their answer). */
  conversationStates: { conversationId: string; state: Record<string, unknown>; updatedAt: number }[];
}

/** Rows removed per part of the export, by the same names. */
export type DeletionReport = { [K in Exclude<keyof UserExport, "userId">]: number };

/** What a retention purge removed. */
export interface PurgeReport {
  events: number;
  messages: number;
  /** Shopper records (and profiles) left with nothing in them, of shoppers who had not opted out. */
  shoppers: number;
  profiles: number;
  exportLinks: number;
  /** Conversation states not touched since the cut-off. */
  conversationStates: number;
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

// ── service activity and catalogue imports (the admin dashboard) ─────────────────────────────

/** The width of a stored activity bucket: counters are kept per hour, and read in hours or days. */
export const ACTIVITY_BUCKET_MS = 3_600_000;

/**
 * One additive counter of one hour: adding the same key again adds to `count` and `sum`, so every
 * replica writes its own share and the store keeps the total.
 */
export interface ActivityCount {
  /** The hour's first instant, epoch ms (a multiple of ACTIVITY_BUCKET_MS). */
  bucket: number;
  /** "turns" (label: channel), "errors" (label: code), "latency" (label: stage), "latency_le" (label: "stage|le", cumulative). */
  metric: string;
  label: string;
  count: number;
  /** For "latency": the summed seconds; 0 otherwise. */
  sum: number;
}

export interface ActivityQuery {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  /** Width of a bucket read back: a whole number of hours. */
  bucketMs: number;
}

export interface ActivityTallies {
  /** Counters summed per read bucket (`bucket` is the read bucket's start). */
  counts: ActivityCount[];
  /** Distinct conversations with a stored message in each read bucket. */
  conversations: { bucket: number; count: number }[];
}

export interface ActivityStore {
  /** Adds the counts to what is kept (one statement); an empty list is a no-op. */
  addActivity(counts: ActivityCount[]): Promise<void>;
  activity(query: ActivityQuery): Promise<ActivityTallies>;
  /** Deletes the hours that started before `before`; returns how many rows went. */
  pruneActivity(before: number): Promise<number>;
}

/** One catalogue import, as `catalog import` or the start-up import ran it. */
export interface CatalogueImportRecord {
  at: number;
  /** The file (or "demo") it came from. */
  source: string;
  added: number;
  updated: number;
  unchanged: number;
  /** Rows refused: unreadable or invalid. */
  rejected: number;
  /** Products in the catalogue after it. */
  products: number;
  seconds: number;
}

export interface CatalogueStore {
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

  recordImport(record: CatalogueImportRecord): Promise<void>;
  /** The newest `limit` imports (default 50), newest first. */
  importHistory(limit?: number): Promise<CatalogueImportRecord[]>;
}

/** A shopper's record, events and profile, and the privacy operations over everything kept about them. */
export interface ShopperStore {
  getShopper(userId: string): Promise<Shopper | null>;
  /** Keeps the createdAt of the first write. */
  upsertShopper(shopper: Shopper): Promise<void>;

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
  /** Every shopper with at least one stored event, sorted. */
  eventUserIds(): Promise<string[]>;
  /** Each shopper's events, oldest first; shoppers without events are left out of the map. */
  eventsForUsers(userIds: string[]): Promise<Map<string, ShopperEvent[]>>;
  /** Shoppers who turned personalisation off (never segmented or targeted). */
  optedOutUserIds(): Promise<string[]>;

  saveProfile(userId: string, vector: Float32Array): Promise<void>;
  getProfile(userId: string): Promise<Float32Array | null>;

  /** Every row kept about the shopper, read in one snapshot. */
  exportUser(userId: string): Promise<UserExport>;
  /** Removes every row exportUser returns, in one transaction. */
  deleteUser(userId: string): Promise<DeletionReport>;

  saveExportLink(link: ExportLink): Promise<void>;
  /** Takes the link out (so it works once) and says whose it was; null when there is no such link. */
  takeExportLink(tokenHash: string): Promise<ExportLink | null>;

  /** Retention: removes events and messages from before `before`, and what is left empty by that. */
  purge(before: number): Promise<PurgeReport>;
}

/** What was said: transcripts, and the reviews and feedback the shop posts, with their sentiment. */
export interface ConversationStore {
  /** Several lines in one write, kept in the given order (a turn's question and answer). */
  appendMessages(messages: StoredMessage[]): Promise<void>;
  /** The newest `limit` messages (all when omitted), oldest first. */
  messagesForUser(userId: string, limit?: number): Promise<StoredMessage[]>;
  /** Reviews and feedback with their sentiment; one transaction per call. */
  addFeedback(rows: FeedbackRecord[]): Promise<void>;
  /** Sentiment counts of the shoppers' messages and of feedback, per product and per time bucket. */
  sentimentTallies(query: SentimentQuery): Promise<SentimentTallies>;
  /** The most negative shopper messages and feedback about each product (as stored: redacted), most negative first. */
  negativeExamples(query: NegativeExamplesQuery): Promise<NegativeExample[]>;
  /** Where a conversation stands, or null when it has not started (or was forgotten). */
  getConversationState(conversationId: string): Promise<ConversationStateRow | null>;
  /** Keeps where a conversation stands (the newest write wins). */
  saveConversationState(row: ConversationStateRow): Promise<void>;
}

export interface ExperimentStore {
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

export interface SegmentStore {
  /** Replaces the stored segmentation (only the latest is kept) and every shopper's segment. */
  saveSegmentation(run: SegmentationRecord, members: SegmentMember[]): Promise<void>;
  latestSegmentation(): Promise<SegmentationRecord | null>;
  segmentOf(userId: string): Promise<SegmentMembership | null>;
  /** Members of one segment of the latest segmentation, by user id. */
  segmentMembers(segment: number, options?: { limit?: number; offset?: number }): Promise<string[]>;
}

/** Opaque model state (a trained embedder, a classifier) so a restart does not retrain. */
export interface BlobStore {
  putBlob(key: string, value: Buffer): Promise<void>;
  getBlob(key: string): Promise<Buffer | null>;
  /** Writes `value` unless the key already has one; returns what the key holds afterwards (the first writer wins). */
  putBlobIfAbsent(key: string, value: Buffer): Promise<Buffer>;
}

// ── knowledge base (knowledge/) ──────────────────────────────────────────────────────────────

export const KB_FORMATS = ["markdown", "html", "text", "pdf"] as const;
export type KbFormat = (typeof KB_FORMATS)[number];

/** One of the shop's documents, as imported: its passages are replaced whenever its content hash changes. */
export interface KbDocument {
  /** Stable for a path (derived from it), so a re-import of the same file replaces it. */
  id: string;
  /** Where it was read from, as given on import (what `kb remove PATH` matches). */
  path: string;
  title: string;
  /** A link shoppers may follow to the full document. */
  url?: string;
  format: KbFormat;
  /** "en" or "zh" when the text is mostly one of them. */
  locale?: string;
  /** Content hash of the file's bytes. */
  hash: string;
  importedAt: number;
}

/** A passage of a document: a few sentences under one heading path (title › section › subsection). */
export interface KbPassage {
  /** `<document id>:<ord>`. */
  id: string;
  documentId: string;
  /** Position in the document, from 0. */
  ord: number;
  /** The headings above the passage, outermost first (the document title first). */
  headings: string[];
  text: string;
}

export interface KbDocumentSummary extends KbDocument {
  passages: number;
}

/** The shop's documents and their passages. */
export interface KnowledgeStore {
  /** Puts the document in place of any with its id, its passages replacing the old ones, in one transaction. */
  putDocument(document: KbDocument, passages: KbPassage[]): Promise<void>;
  /** Every document with its passage count, by path. */
  documents(): Promise<KbDocumentSummary[]>;
  /** Removes the document whose id or path this is (and its passages); null when there is none. */
  removeDocument(idOrPath: string): Promise<KbDocument | null>;
  /** Every passage, by document path then position. */
  passages(): Promise<KbPassage[]>;
  countDocuments(): Promise<number>;
}

export interface Store {
  /** Which backend this is, for start-up logs ("pglite:./data/db", "postgres"). */
  readonly description: string;
  init(): Promise<void>;
  close(): Promise<void>;
  readonly catalogue: CatalogueStore;
  readonly shoppers: ShopperStore;
  readonly conversations: ConversationStore;
  readonly experiments: ExperimentStore;
  readonly segments: SegmentStore;
  readonly blobs: BlobStore;
  readonly activity: ActivityStore;
  readonly knowledge: KnowledgeStore;
}
