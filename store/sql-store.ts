import { ConciergeError, NotReadyError, ValidationError } from "../core/errors.ts";
import { logger } from "../core/logger.ts";
import type { Row, SqlAdapter, SqlRunner } from "./adapter.ts";
import { migrate } from "./migrations.ts";
import type {
  DeletionReport,
  EventType,
  Experiment,
  ExperimentEvent,
  ExposedItem,
  ExposedItems,
  ExperimentTally,
  FeedbackRecord,
  Product,
  ProductRow,
  SegmentationRecord,
  SegmentMember,
  SegmentMembership,
  SentimentQuery,
  SentimentTallies,
  SentimentTally,
  Shopper,
  ShopperEvent,
  Store,
  StoredMessage,
  UserExport,
} from "./types.ts";
import {
  checkVector,
  eventSchema,
  experimentEventSchema,
  experimentSchema,
  exposedItemsSchema,
  exposedKeySchema,
  exposureBoundSchema,
  feedbackSchema,
  idSchema,
  limitSchema,
  sinceSchema,
  messageSchema,
  pageSchema,
  parseEach,
  parseInput,
  productRowSchema,
  segmentationSchema,
  segmentMemberSchema,
  sentimentQuerySchema,
  shopperSchema,
  weightsSchema,
} from "./validate.ts";
import { asBuffer, bytesToFloat32, float32ToBytes } from "./vectors.ts";

export interface SqlStoreOptions {
  /** Postgres schema holding the tables; created on init. Default "public". */
  schema?: string;
  /**
   * Rows per INSERT statement in batch writes (a whole batch is still one transaction). Large enough
   * to amortise round trips, small enough to keep one statement's parameters to a few MB.
   */
  batchSize?: number;
}

const DEFAULT_BATCH = 5000;
/** Vectors are bigger per row (1.5 KB at 384-d); keep one statement's blob to a few MB. */
const VECTOR_BYTES_PER_STATEMENT = 4 * 1024 * 1024;

type EventRow = { user_id: string; item_id: string; type: EventType; value: number | null; ts: number | string };
type MessageRow = {
  conversation_id: string;
  user_id: string;
  role: "user" | "assistant";
  text: string;
  ts: number | string;
  sentiment: SentimentTally["label"] | null;
  sentiment_score: number | null;
  item_id: string | null;
};
type FeedbackRow = { user_id: string | null; item_id: string | null; text: string; rating: number | null; label: SentimentTally["label"]; score: number; ts: number | string };
type TallyRow = { source: SentimentTally["source"]; key: string; label: SentimentTally["label"]; n: number | string; total: number; rated: number | string; ratings: number | null };
type ShopperRow = {
  user_id: string;
  locale: string | null;
  preferences: string[];
  personalise: boolean;
  created_at: number | string;
  updated_at: number | string;
};

const EVENT_COLUMNS = "user_id, item_id, type, value, ts";
const MESSAGE_COLUMNS = "conversation_id, user_id, role, text, ts, sentiment, sentiment_score, item_id";
const FEEDBACK_COLUMNS = "user_id, item_id, text, rating, label, score, ts";

function toEvent(r: EventRow): ShopperEvent {
  const e: ShopperEvent = { userId: r.user_id, itemId: r.item_id, type: r.type, ts: Number(r.ts) };
  if (r.value !== null) e.value = r.value;
  return e;
}

function toMessage(r: MessageRow): StoredMessage {
  const m: StoredMessage = { conversationId: r.conversation_id, userId: r.user_id, role: r.role, text: r.text, ts: Number(r.ts) };
  if (r.sentiment !== null && r.sentiment_score !== null) m.sentiment = { label: r.sentiment, score: r.sentiment_score };
  if (r.item_id !== null) m.itemId = r.item_id;
  return m;
}

function toFeedback(r: FeedbackRow): FeedbackRecord {
  const f: FeedbackRecord = { text: r.text, sentiment: { label: r.label, score: r.score }, ts: Number(r.ts) };
  if (r.item_id !== null) f.itemId = r.item_id;
  if (r.user_id !== null) f.userId = r.user_id;
  if (r.rating !== null) f.rating = r.rating;
  return f;
}

function toTally(r: TallyRow, key: "itemId" | "bucket"): SentimentTally {
  return {
    source: r.source,
    label: r.label,
    count: Number(r.n),
    scoreSum: Number(r.total),
    rated: Number(r.rated),
    ratingSum: Number(r.ratings ?? 0),
    ...(key === "itemId" ? { itemId: r.key } : { bucket: Number(r.key) }),
  };
}

function toShopper(r: ShopperRow): Shopper {
  const s: Shopper = {
    userId: r.user_id,
    preferences: r.preferences,
    personalise: r.personalise,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
  if (r.locale !== null) s.locale = r.locale;
  return s;
}

/** Keeps the last of each key: one INSERT … ON CONFLICT cannot touch the same row twice. */
function lastByKey<T>(items: T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    byKey.delete(k); // re-insert so the kept order is that of the last occurrence
    byKey.set(k, item);
  }
  return byKey.size === items.length ? items : [...byKey.values()];
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * The Store over any Postgres: the same SQL runs on embedded PGlite and on a server. Batch writes
 * bind whole columns as arrays (`unnest`), so a 100k-row import is a few dozen statements, not 100k.
 */
export class SqlStore implements Store {
  private ready: Promise<void> | null = null;
  private opened = false;
  private readonly schema: string;
  private readonly batchSize: number;

  constructor(
    private readonly db: SqlAdapter,
    options: SqlStoreOptions = {},
  ) {
    this.schema = options.schema ?? "public";
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
  }

  get description(): string {
    return this.db.description;
  }

  init(): Promise<void> {
    this.ready ??= (async () => {
      try {
        await this.db.open();
        const { from, to } = await migrate(this.db, this.schema);
        if (from !== to) logger.info({ store: this.db.description, from, to }, "store schema migrated");
        this.opened = true;
      } catch (err) {
        this.ready = null; // let a later init() retry, e.g. once the database is reachable
        await this.db.close().catch(() => undefined);
        throw err;
      }
    })();
    return this.ready;
  }

  async close(): Promise<void> {
    if (this.ready) await this.ready.catch(() => undefined);
    this.opened = false;
    this.ready = null;
    await this.db.close();
  }

  private get sql(): SqlAdapter {
    if (!this.opened) throw new NotReadyError("store is not open: call init() first");
    return this.db;
  }

  private async count(runner: SqlRunner, sql: string, params: unknown[]): Promise<number> {
    const [row] = await runner.query<{ n: number | string }>(`WITH d AS (${sql} RETURNING 1) SELECT count(*) AS n FROM d`, params);
    return Number(row.n);
  }

  // ── products ──────────────────────────────────────────────────────────────────────────────

  async upsertProducts(rows: ProductRow[]): Promise<void> {
    const valid = lastByKey(parseEach(productRowSchema, rows, "products"), (r) => r.product.id);
    if (!valid.length) return;
    await this.sql.transaction(async (tx) => {
      for (const part of chunks(valid, this.batchSize)) {
        await tx.query(
          `INSERT INTO products (id, data, hash)
           SELECT u.id, u.data::jsonb, u.hash FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, data, hash)
           ON CONFLICT (id) DO UPDATE SET data = excluded.data, hash = excluded.hash,
             updated_at = CASE WHEN products.hash = excluded.hash THEN products.updated_at ELSE now() END`,
          [part.map((r) => r.product.id), part.map((r) => JSON.stringify(r.product)), part.map((r) => r.hash)],
        );
      }
    });
  }

  async productHashes(): Promise<Map<string, string>> {
    const rows = await this.sql.query<{ id: string; hash: string }>("SELECT id, hash FROM products");
    return new Map(rows.map((r) => [r.id, r.hash]));
  }

  /** In the order asked for; ids not in the catalogue are left out. */
  async getProducts(ids: string[]): Promise<Product[]> {
    const wanted = parseEach(idSchema, ids, "ids");
    if (!wanted.length) return [];
    const rows = await this.sql.query<{ id: string; data: Product }>("SELECT id, data FROM products WHERE id = ANY($1::text[])", [
      [...new Set(wanted)],
    ]);
    const byId = new Map(rows.map((r) => [r.id, r.data]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  async allProducts(): Promise<Product[]> {
    const rows = await this.sql.query<{ data: Product }>("SELECT data FROM products ORDER BY id");
    return rows.map((r) => r.data);
  }

  async countProducts(): Promise<number> {
    const [row] = await this.sql.query<{ n: number | string }>("SELECT count(*) AS n FROM products");
    return Number(row.n);
  }

  /** Also drops the products' vectors under every model: a vector of a product that is gone is noise. */
  async deleteProducts(ids: string[]): Promise<number> {
    const doomed = [...new Set(parseEach(idSchema, ids, "ids"))];
    if (!doomed.length) return 0;
    return this.sql.transaction(async (tx) => {
      await tx.query("DELETE FROM vectors WHERE id = ANY($1::text[])", [doomed]);
      return this.count(tx, "DELETE FROM products WHERE id = ANY($1::text[])", [doomed]);
    });
  }

  // ── vectors ───────────────────────────────────────────────────────────────────────────────

  async saveVectors(model: string, entries: { id: string; vector: Float32Array }[]): Promise<void> {
    parseInput(idSchema, model, "model");
    if (!Array.isArray(entries)) throw new ValidationError("invalid entries: expected an array");
    const valid = lastByKey(
      entries.map((e, i) => ({ id: parseInput(idSchema, e?.id, `entries[${i}].id`), vector: checkVector(e?.vector, `entries[${i}].vector`) })),
      (e) => e.id,
    );
    if (!valid.length) return;
    await this.sql.transaction(async (tx) => {
      let start = 0;
      while (start < valid.length) {
        // One blob a statement, sliced server-side: binary transfer, no per-vector hex or array quoting.
        let end = start;
        let bytes = 0;
        while (end < valid.length && (end === start || bytes + valid[end].vector.byteLength <= VECTOR_BYTES_PER_STATEMENT)) {
          bytes += valid[end].vector.byteLength;
          end++;
        }
        const blob = Buffer.allocUnsafe(bytes);
        const ids: string[] = [];
        const offsets: number[] = [];
        const lengths: number[] = [];
        let at = 0;
        for (let i = start; i < end; i++) {
          const b = float32ToBytes(valid[i].vector);
          b.copy(blob, at);
          ids.push(valid[i].id);
          offsets.push(at + 1); // substring() counts from 1
          lengths.push(b.byteLength);
          at += b.byteLength;
        }
        await tx.query(
          `INSERT INTO vectors (model, id, vector)
           SELECT $1, u.id, substring($2::bytea FROM u.off FOR u.len)
           FROM unnest($3::text[], $4::int[], $5::int[]) AS u(id, off, len)
           ON CONFLICT (model, id) DO UPDATE SET vector = excluded.vector`,
          [model, blob, ids, offsets, lengths],
        );
        start = end;
      }
    });
  }

  async loadVectors(model: string): Promise<Map<string, Float32Array>> {
    parseInput(idSchema, model, "model");
    const rows = await this.sql.query<{ id: string; vector: Uint8Array }>("SELECT id, vector FROM vectors WHERE model = $1", [model]);
    return new Map(rows.map((r) => [r.id, bytesToFloat32(r.vector, `vector ${model}/${r.id}`)]));
  }

  async deleteVectors(model: string, ids?: string[]): Promise<void> {
    parseInput(idSchema, model, "model");
    if (ids === undefined) {
      await this.sql.query("DELETE FROM vectors WHERE model = $1", [model]);
      return;
    }
    const doomed = [...new Set(parseEach(idSchema, ids, "ids"))];
    if (doomed.length) await this.sql.query("DELETE FROM vectors WHERE model = $1 AND id = ANY($2::text[])", [model, doomed]);
  }

  // ── events ────────────────────────────────────────────────────────────────────────────────

  async addEvents(events: ShopperEvent[]): Promise<void> {
    const valid = parseEach(eventSchema, events, "events");
    if (!valid.length) return;
    await this.sql.transaction(async (tx) => {
      for (const part of chunks(valid, this.batchSize)) {
        await tx.query(
          `INSERT INTO events (${EVENT_COLUMNS})
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::int8[])`,
          [part.map((e) => e.userId), part.map((e) => e.itemId), part.map((e) => e.type), part.map((e) => e.value ?? null), part.map((e) => e.ts)],
        );
      }
    });
  }

  /** The newest `limit` events (all when omitted), oldest first. */
  async eventsForUser(userId: string, limit?: number): Promise<ShopperEvent[]> {
    parseInput(idSchema, userId, "userId");
    parseInput(limitSchema, limit, "limit");
    const rows = await this.sql.query<EventRow & { seq: unknown }>(
      `SELECT * FROM (SELECT seq, ${EVENT_COLUMNS} FROM events WHERE user_id = $1 ORDER BY ts DESC, seq DESC LIMIT $2) AS newest
       ORDER BY ts, seq`,
      [userId, limit ?? null],
    );
    return rows.map(toEvent);
  }

  /**
   * Keyset pages over (ts, seq), written as a range on ts so the events_ts index serves it (with an
   * incremental sort on seq): each page costs the same however far the scan has got.
   */
  async *scanEvents(batchSize = DEFAULT_BATCH): AsyncIterable<ShopperEvent[]> {
    const size = parseInput(limitSchema, batchSize, "batchSize") ?? DEFAULT_BATCH;
    let after: { ts: number | string; seq: number | string } | null = null;
    // Bounded by the table: every page moves the key strictly forward, and a short page ends it.
    for (;;) {
      const rows: (EventRow & { seq: number | string })[] = await this.sql.query(
        `SELECT e.seq, e.user_id, e.item_id, e.type, e.value, e.ts FROM events e
         WHERE NOT EXISTS (SELECT 1 FROM shoppers s WHERE s.user_id = e.user_id AND NOT s.personalise)
           ${after ? "AND e.ts >= $2::int8 AND (e.ts > $2::int8 OR e.seq > $3::int8)" : ""}
         ORDER BY e.ts, e.seq LIMIT $1`,
        after ? [size, after.ts, after.seq] : [size],
      );
      if (rows.length) yield rows.map(toEvent);
      if (rows.length < size) return;
      const last = rows[rows.length - 1]!;
      after = { ts: last.ts, seq: last.seq };
    }
  }

  /**
   * Items with a non-zero score only; a rating counts only when its value is 4 or more. Shoppers who
   * opted out count for nothing, not even anonymously.
   */
  async itemPopularity(weights: Record<EventType, number>, sinceTs?: number): Promise<Map<string, number>> {
    const w = Object.entries(parseInput(weightsSchema, weights, "weights")).filter(([, v]) => v !== 0);
    parseInput(sinceSchema, sinceTs, "sinceTs");
    if (!w.length) return new Map();
    const types = w.map(([type]) => type);
    const values = w.map(([, v]) => v);
    // The time filter is left out of the SQL, not bound as NULL, so the planner can use events_ts.
    const rows = await this.sql.query<{ id: string; score: number }>(
      `SELECT e.item_id AS id,
              sum(w.weight * CASE WHEN e.type = 'rating' AND NOT coalesce(e.value >= 4, false) THEN 0 ELSE 1 END) AS score
       FROM events e JOIN unnest($1::text[], $2::float8[]) AS w(type, weight) ON w.type = e.type
       WHERE NOT EXISTS (SELECT 1 FROM shoppers s WHERE s.user_id = e.user_id AND NOT s.personalise)
       ${sinceTs === undefined ? "" : "AND e.ts >= $3::int8"}
       GROUP BY e.item_id
       HAVING sum(w.weight * CASE WHEN e.type = 'rating' AND NOT coalesce(e.value >= 4, false) THEN 0 ELSE 1 END) <> 0`,
      sinceTs === undefined ? [types, values] : [types, values, sinceTs],
    );
    return new Map(rows.map((r) => [r.id, Number(r.score)]));
  }

  // ── shoppers and profiles ─────────────────────────────────────────────────────────────────

  async getShopper(userId: string): Promise<Shopper | null> {
    parseInput(idSchema, userId, "userId");
    const [row] = await this.sql.query<ShopperRow>("SELECT * FROM shoppers WHERE user_id = $1", [userId]);
    return row ? toShopper(row) : null;
  }

  /** createdAt is kept from the first write: a later upsert cannot move when we first met them. */
  async upsertShopper(shopper: Shopper): Promise<void> {
    const s = parseInput(shopperSchema, shopper, "shopper");
    await this.sql.query(
      `INSERT INTO shoppers (user_id, locale, preferences, personalise, created_at, updated_at)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6)
       ON CONFLICT (user_id) DO UPDATE SET locale = excluded.locale, preferences = excluded.preferences,
         personalise = excluded.personalise, updated_at = excluded.updated_at`,
      [s.userId, s.locale ?? null, JSON.stringify(s.preferences), s.personalise, s.createdAt, s.updatedAt],
    );
  }

  async saveProfile(userId: string, vector: Float32Array): Promise<void> {
    parseInput(idSchema, userId, "userId");
    const bytes = float32ToBytes(checkVector(vector, "profile"));
    await this.sql.query(
      `INSERT INTO profiles (user_id, vector) VALUES ($1, $2::bytea)
       ON CONFLICT (user_id) DO UPDATE SET vector = excluded.vector, updated_at = now()`,
      [userId, bytes],
    );
  }

  async getProfile(userId: string): Promise<Float32Array | null> {
    parseInput(idSchema, userId, "userId");
    const [row] = await this.sql.query<{ vector: Uint8Array }>("SELECT vector FROM profiles WHERE user_id = $1", [userId]);
    return row ? bytesToFloat32(row.vector, `profile ${userId}`) : null;
  }

  // ── messages ──────────────────────────────────────────────────────────────────────────────

  async appendMessage(message: StoredMessage): Promise<void> {
    await this.appendMessages([message]);
  }

  /** A turn's lines in one statement, in the given order: on the embedded database each statement costs ~2 ms. */
  async appendMessages(messages: StoredMessage[]): Promise<void> {
    const valid = parseEach(messageSchema, messages, "messages");
    if (!valid.length) return;
    for (const part of chunks(valid, this.batchSize)) {
      await this.sql.query(
        `INSERT INTO messages (${MESSAGE_COLUMNS})
         SELECT c, u, r, t, ts, s, sc, i
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[], $6::text[], $7::float8[], $8::text[]) WITH ORDINALITY AS m(c, u, r, t, ts, s, sc, i, n)
         ORDER BY n`,
        [
          part.map((m) => m.conversationId),
          part.map((m) => m.userId),
          part.map((m) => m.role),
          part.map((m) => m.text),
          part.map((m) => m.ts),
          part.map((m) => m.sentiment?.label ?? null),
          part.map((m) => m.sentiment?.score ?? null),
          part.map((m) => m.itemId ?? null),
        ],
      );
    }
  }

  /** The newest `limit` messages (all when omitted), oldest first — ready to use as history. */
  async messagesForUser(userId: string, limit?: number): Promise<StoredMessage[]> {
    parseInput(idSchema, userId, "userId");
    parseInput(limitSchema, limit, "limit");
    const rows = await this.sql.query<MessageRow>(
      `SELECT * FROM (SELECT seq, ${MESSAGE_COLUMNS} FROM messages WHERE user_id = $1 ORDER BY ts DESC, seq DESC LIMIT $2) AS newest
       ORDER BY ts, seq`,
      [userId, limit ?? null],
    );
    return rows.map(toMessage);
  }

  // ── privacy ───────────────────────────────────────────────────────────────────────────────

  async exportUser(userId: string): Promise<UserExport> {
    parseInput(idSchema, userId, "userId");
    return this.sql.transaction(async (tx) => {
      // One snapshot for all four reads, so the parts agree even while the shopper is chatting.
      await tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      const shopper = await tx.query<ShopperRow>("SELECT * FROM shoppers WHERE user_id = $1", [userId]);
      const events = await tx.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE user_id = $1 ORDER BY ts, seq`, [userId]);
      const messages = await tx.query<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE user_id = $1 ORDER BY ts, seq`, [userId]);
      const profile = await tx.query<{ vector: Uint8Array }>("SELECT vector FROM profiles WHERE user_id = $1", [userId]);
      const feedback = await tx.query<FeedbackRow>(`SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE user_id = $1 ORDER BY ts, seq`, [userId]);
      return {
        userId,
        shopper: shopper[0] ? toShopper(shopper[0]) : null,
        events: events.map(toEvent),
        messages: messages.map(toMessage),
        profile: profile[0] ? Array.from(bytesToFloat32(profile[0].vector, `profile ${userId}`)) : null,
        feedback: feedback.map(toFeedback),
      };
    });
  }

  async deleteUser(userId: string): Promise<DeletionReport> {
    parseInput(idSchema, userId, "userId");
    return this.sql.transaction(async (tx) => {
      const report: DeletionReport = {
        events: await this.count(tx, "DELETE FROM events WHERE user_id = $1", [userId]),
        messages: await this.count(tx, "DELETE FROM messages WHERE user_id = $1", [userId]),
        shopper: (await this.count(tx, "DELETE FROM shoppers WHERE user_id = $1", [userId])) > 0,
        profile: (await this.count(tx, "DELETE FROM profiles WHERE user_id = $1", [userId])) > 0,
      };
      // Not in the report (its shape predates them), but gone all the same: targeting data is theirs too.
      await tx.query("DELETE FROM segment_members WHERE user_id = $1", [userId]);
      await tx.query("DELETE FROM experiment_events WHERE user_id = $1", [userId]);
      await tx.query("DELETE FROM experiment_exposed_items WHERE user_id = $1", [userId]);
      await tx.query("DELETE FROM feedback WHERE user_id = $1", [userId]);
      return report;
    });
  }

  // ── sentiment and feedback ────────────────────────────────────────────────────────────────

  async addFeedback(rows: FeedbackRecord[]): Promise<void> {
    const valid = parseEach(feedbackSchema, rows, "feedback");
    if (!valid.length) return;
    await this.sql.transaction(async (tx) => {
      for (const batch of chunks(valid, this.batchSize)) {
        await tx.query(
          `INSERT INTO feedback (${FEEDBACK_COLUMNS})
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::float8[], $7::bigint[])`,
          [
            batch.map((f) => f.userId ?? null),
            batch.map((f) => f.itemId ?? null),
            batch.map((f) => f.text),
            batch.map((f) => f.rating ?? null),
            batch.map((f) => f.sentiment.label),
            batch.map((f) => f.sentiment.score),
            batch.map((f) => f.ts),
          ],
        );
      }
    });
  }

  async sentimentTallies(query: SentimentQuery): Promise<SentimentTallies> {
    const q = parseInput(sentimentQuerySchema, query, "sentiment query");
    // Shopper messages and feedback read as one relation; ratings come with feedback only.
    const rows = `(
      SELECT 'message' AS source, item_id, sentiment AS label, sentiment_score AS score, NULL::float8 AS rating, ts
        FROM messages WHERE role = 'user' AND sentiment IS NOT NULL
      UNION ALL
      SELECT 'feedback', item_id, label, score, rating, ts FROM feedback
    ) AS s
    WHERE ($1::text IS NULL OR item_id = $1) AND ($2::bigint IS NULL OR ts >= $2) AND ($3::bigint IS NULL OR ts < $3)`;
    const measures = "label, count(*) AS n, sum(score) AS total, count(rating) AS rated, sum(rating) AS ratings";
    const params = [q.itemId ?? null, q.from ?? null, q.to ?? null];
    return this.sql.transaction(async (tx) => {
      await tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      const byItem = await tx.query<TallyRow>(
        `SELECT source, item_id AS key, ${measures} FROM ${rows} AND item_id IS NOT NULL GROUP BY source, item_id, label ORDER BY item_id, source, label`,
        params,
      );
      const byBucket = await tx.query<TallyRow>(
        `SELECT source, (floor((ts - $4::bigint)::float8 / $5::bigint)::bigint * $5::bigint + $4::bigint)::text AS key, ${measures}
           FROM ${rows} GROUP BY 1, 2, label ORDER BY 2, 1, label`,
        [...params, q.originMs, q.bucketMs],
      );
      return { byItem: byItem.map((r) => toTally(r, "itemId")), byBucket: byBucket.map((r) => toTally(r, "bucket")).sort((a, b) => a.bucket! - b.bucket!) };
    });
  }

  // ── blobs ─────────────────────────────────────────────────────────────────────────────────

  async putBlob(key: string, value: Buffer): Promise<void> {
    parseInput(idSchema, key, "key");
    if (!(value instanceof Uint8Array)) throw new ValidationError("invalid value: expected a Buffer");
    await this.sql.query(
      `INSERT INTO blobs (key, value) VALUES ($1, $2::bytea)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,
      [key, asBuffer(value)],
    );
  }

  async getBlob(key: string): Promise<Buffer | null> {
    parseInput(idSchema, key, "key");
    const [row] = await this.sql.query<{ value: Uint8Array } & Row>("SELECT value FROM blobs WHERE key = $1", [key]);
    return row ? asBuffer(row.value) : null;
  }

  // ── shoppers in bulk (segmentation) ───────────────────────────────────────────────────────

  async eventUserIds(): Promise<string[]> {
    const rows = await this.sql.query<{ user_id: string }>("SELECT DISTINCT user_id FROM events ORDER BY user_id");
    return rows.map((r) => r.user_id);
  }

  async eventsForUsers(userIds: string[]): Promise<Map<string, ShopperEvent[]>> {
    const wanted = [...new Set(parseEach(idSchema, userIds, "userIds"))];
    const out = new Map<string, ShopperEvent[]>();
    if (!wanted.length) return out;
    for (const part of chunks(wanted, this.batchSize)) {
      const rows = await this.sql.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE user_id = ANY($1::text[]) ORDER BY user_id, ts, seq`, [part]);
      for (const r of rows) {
        const list = out.get(r.user_id);
        if (list) list.push(toEvent(r));
        else out.set(r.user_id, [toEvent(r)]);
      }
    }
    return out;
  }

  async optedOutUserIds(): Promise<string[]> {
    const rows = await this.sql.query<{ user_id: string }>("SELECT user_id FROM shoppers WHERE NOT personalise ORDER BY user_id");
    return rows.map((r) => r.user_id);
  }

  // ── segments ──────────────────────────────────────────────────────────────────────────────

  async saveSegmentation(run: SegmentationRecord, members: SegmentMember[]): Promise<void> {
    const r = parseInput(segmentationSchema, run, "segmentation");
    const valid = lastByKey(parseEach(segmentMemberSchema, members, "members"), (m) => m.userId);
    await this.sql.transaction(async (tx) => {
      // Two replicas saving at once would otherwise interleave their deletes and inserts.
      await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`concierge:segments:${this.schema}`]);
      await tx.query("DELETE FROM segmentations"); // cascades to segment_members
      await tx.query("INSERT INTO segmentations (id, created_at, summary) VALUES ($1, $2, $3::jsonb)", [r.id, r.createdAt, JSON.stringify(r.summary)]);
      for (const part of chunks(valid, this.batchSize)) {
        await tx.query(
          `INSERT INTO segment_members (user_id, run_id, segment)
           SELECT u.user_id, $1, u.segment FROM unnest($2::text[], $3::int[]) AS u(user_id, segment)`,
          [r.id, part.map((m) => m.userId), part.map((m) => m.segment)],
        );
      }
    });
  }

  async latestSegmentation(): Promise<SegmentationRecord | null> {
    const [row] = await this.sql.query<{ id: string; created_at: number | string; summary: Record<string, unknown> }>(
      "SELECT id, created_at, summary FROM segmentations ORDER BY created_at DESC, id LIMIT 1",
    );
    return row ? { id: row.id, createdAt: Number(row.created_at), summary: row.summary } : null;
  }

  async segmentOf(userId: string): Promise<SegmentMembership | null> {
    parseInput(idSchema, userId, "userId");
    const [row] = await this.sql.query<{ run_id: string; segment: number }>("SELECT run_id, segment FROM segment_members WHERE user_id = $1", [userId]);
    return row ? { runId: row.run_id, segment: Number(row.segment) } : null;
  }

  async segmentMembers(segment: number, options?: { limit?: number; offset?: number }): Promise<string[]> {
    parseInput(segmentMemberSchema.shape.segment, segment, "segment");
    const page = parseInput(pageSchema, options, "options") ?? {};
    const rows = await this.sql.query<{ user_id: string }>(
      "SELECT user_id FROM segment_members WHERE segment = $1 ORDER BY user_id LIMIT $2 OFFSET $3",
      [segment, page.limit ?? null, page.offset ?? 0],
    );
    return rows.map((r) => r.user_id);
  }

  // ── experiments ───────────────────────────────────────────────────────────────────────────

  async createExperiment(experiment: Experiment): Promise<void> {
    const e = parseInput(experimentSchema, experiment, "experiment") as Experiment;
    const inserted = await this.sql.query(
      `INSERT INTO experiments (id, data, status, created_at) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [e.id, JSON.stringify(e), e.status, e.createdAt],
    );
    if (!inserted.length) throw new ConciergeError("conflict", `an experiment with id "${e.id}" already exists`, 409);
  }

  async getExperiment(id: string): Promise<Experiment | null> {
    parseInput(idSchema, id, "id");
    const [row] = await this.sql.query<{ data: Experiment }>("SELECT data FROM experiments WHERE id = $1", [id]);
    return row ? row.data : null;
  }

  async listExperiments(): Promise<Experiment[]> {
    const rows = await this.sql.query<{ data: Experiment }>("SELECT data FROM experiments ORDER BY created_at DESC, id");
    return rows.map((r) => r.data);
  }

  async stopExperiment(id: string, at: number): Promise<Experiment | null> {
    parseInput(idSchema, id, "id");
    parseInput(sinceSchema.unwrap(), at, "at");
    const [row] = await this.sql.query<{ data: Experiment }>(
      `UPDATE experiments
       SET status = 'stopped',
           data = CASE WHEN status = 'stopped' THEN data
                       ELSE data || jsonb_build_object('status', 'stopped', 'stoppedAt', $2::bigint) END
       WHERE id = $1 RETURNING data`,
      [id, at],
    );
    return row ? row.data : null;
  }

  async addExperimentEvents(events: ExperimentEvent[]): Promise<void> {
    const valid = parseEach(experimentEventSchema, events, "events");
    if (!valid.length) return;
    await this.sql.transaction(async (tx) => {
      for (const part of chunks(valid, this.batchSize)) {
        await tx.query(
          `INSERT INTO experiment_events (experiment_id, user_id, variant, type, ts)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int8[])`,
          [part.map((e) => e.experimentId), part.map((e) => e.userId), part.map((e) => e.variant), part.map((e) => e.type), part.map((e) => e.ts)],
        );
      }
    });
  }

  async experimentTallies(experimentId: string): Promise<ExperimentTally[]> {
    parseInput(idSchema, experimentId, "experimentId");
    const rows = await this.sql.query<{ variant: string; type: ExperimentTally["type"]; events: number | string; users: number | string; exposed_users: number | string }>(
      `WITH exposed AS (
         SELECT DISTINCT variant, user_id FROM experiment_events WHERE experiment_id = $1 AND type = 'exposure'
       )
       SELECT e.variant, e.type, count(*) AS events, count(DISTINCT e.user_id) AS users,
              count(DISTINCT x.user_id) AS exposed_users
       FROM experiment_events e LEFT JOIN exposed x ON x.variant = e.variant AND x.user_id = e.user_id
       WHERE e.experiment_id = $1
       GROUP BY e.variant, e.type
       ORDER BY e.variant, e.type`,
      [experimentId],
    );
    return rows.map((r) => ({ variant: r.variant, type: r.type, events: Number(r.events), users: Number(r.users), exposedUsers: Number(r.exposed_users) }));
  }

  /**
   * The upsert and the per-shopper bound in one statement (a list is shown on every recommendation).
   * Both parts see the rows as they were before it, so the trim leaves this list's items alone and
   * keeps room for them; an item is never touched by both parts.
   */
  async recordExposedItems(shown: ExposedItems, bound: { keep: number; since: number }): Promise<void> {
    const s = parseInput(exposedItemsSchema, shown, "exposure");
    const b = parseInput(exposureBoundSchema, bound, "bound");
    const items = [...new Set(s.itemIds)];
    if (!items.length) return;
    await this.sql.query(
      `WITH shown AS (
         INSERT INTO experiment_exposed_items AS x (user_id, item_id, experiment_id, variant, shown_at)
         SELECT $1, i, $2, $3, $4 FROM unnest($5::text[]) AS i
         ON CONFLICT (user_id, item_id) DO UPDATE
           SET experiment_id = excluded.experiment_id, variant = excluded.variant, shown_at = excluded.shown_at
           WHERE excluded.shown_at >= x.shown_at
         RETURNING 1
       ), overflow AS (
         SELECT item_id FROM experiment_exposed_items
         WHERE user_id = $1 AND item_id <> ALL($5::text[])
         ORDER BY shown_at DESC, item_id OFFSET $6
       )
       DELETE FROM experiment_exposed_items d
       WHERE d.user_id = $1 AND d.item_id <> ALL($5::text[])
         AND (d.shown_at < $7 OR d.item_id IN (SELECT item_id FROM overflow))`,
      [s.userId, s.experimentId, s.variant, s.shownAt, items, Math.max(0, b.keep - items.length), b.since],
    );
  }

  async exposedItems(keys: { userId: string; itemId: string }[], since: number): Promise<ExposedItem[]> {
    const valid = lastByKey(parseEach(exposedKeySchema, keys, "keys"), (k) => `${k.userId}\u0000${k.itemId}`);
    parseInput(sinceSchema.unwrap(), since, "since");
    const out: ExposedItem[] = [];
    for (const part of chunks(valid, this.batchSize)) {
      const rows = await this.sql.query<{ user_id: string; item_id: string; experiment_id: string; variant: string; shown_at: number | string }>(
        `SELECT x.user_id, x.item_id, x.experiment_id, x.variant, x.shown_at
         FROM unnest($1::text[], $2::text[]) AS k(user_id, item_id)
         JOIN experiment_exposed_items x ON x.user_id = k.user_id AND x.item_id = k.item_id
         WHERE x.shown_at >= $3`,
        [part.map((k) => k.userId), part.map((k) => k.itemId), since],
      );
      for (const r of rows) out.push({ experimentId: r.experiment_id, userId: r.user_id, variant: r.variant, itemId: r.item_id, shownAt: Number(r.shown_at) });
    }
    return out;
  }

  async pruneExposedItems(before: number): Promise<number> {
    parseInput(sinceSchema.unwrap(), before, "before");
    return this.count(this.sql, "DELETE FROM experiment_exposed_items WHERE shown_at < $1", [before]);
  }
}
