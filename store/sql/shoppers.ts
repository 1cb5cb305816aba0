
import type {
  DeletionReport,
  EventType,
  ExportLink,
  PurgeReport,
  Shopper,
  ShopperEvent,
  ShopperStore,
  UserExport,
} from "../types.ts";
import { checkVector, eventSchema, exportLinkSchema, idSchema, limitSchema, parseEach, parseInput, shopperSchema, sinceSchema, weightsSchema } from "../validate.ts";
import { bytesToFloat32, float32ToBytes } from "../vectors.ts";
import { EVENT_COLUMNS, type EventRow, FEEDBACK_COLUMNS, type FeedbackRow, MESSAGE_COLUMNS, type MessageRow, type ShopperRow, toEvent, toFeedback, toMessage, toShopper } from "./rows.ts";
import { chunks, DEFAULT_BATCH, SqlSlice } from "./slice.ts";

type ExportPart = Exclude<keyof UserExport, "userId">;

/**
 * Every table that holds a shopper's rows, and how its rows read in an export. exportUser and
 * deleteUser both walk this one list, so what is exported is exactly what deletion removes; a table
 * added with a user_id column must be added here (test/store/shopper-data.test.ts finds the ones
 * that are not).
 */
const SHOPPER_DATA: { part: ExportPart; table: string; select: string; read: (rows: Record<string, unknown>[], userId: string) => unknown }[] = [
  { part: "shopper", table: "shoppers", select: "*", read: (rows) => (rows[0] ? toShopper(rows[0] as ShopperRow) : null) },
  { part: "events", table: "events", select: `${EVENT_COLUMNS} ORDER BY ts, seq`, read: (rows) => (rows as EventRow[]).map(toEvent) },
  { part: "messages", table: "messages", select: `${MESSAGE_COLUMNS} ORDER BY ts, seq`, read: (rows) => (rows as MessageRow[]).map(toMessage) },
  {
    part: "profile",
    table: "profiles",
    select: "vector",
    read: (rows, userId) => (rows[0] ? Array.from(bytesToFloat32(rows[0].vector as Uint8Array, `profile ${userId}`)) : null),
  },
  { part: "feedback", table: "feedback", select: `${FEEDBACK_COLUMNS} ORDER BY ts, seq`, read: (rows) => (rows as FeedbackRow[]).map(toFeedback) },
  {
    part: "segments",
    table: "segment_members",
    select: "run_id, segment",
    read: (rows) => rows.map((r) => ({ runId: String(r.run_id), segment: Number(r.segment) })),
  },
  {
    part: "experimentEvents",
    table: "experiment_events",
    select: "experiment_id, user_id, variant, type, ts ORDER BY ts, seq",
    read: (rows) =>
      rows.map((r) => ({ experimentId: String(r.experiment_id), userId: String(r.user_id), variant: String(r.variant), type: r.type, ts: Number(r.ts) })),
  },
  {
    part: "experimentExposures",
    table: "experiment_exposed_items",
    select: "experiment_id, user_id, variant, item_id, shown_at ORDER BY shown_at, item_id",
    read: (rows) =>
      rows.map((r) => ({ experimentId: String(r.experiment_id), userId: String(r.user_id), variant: String(r.variant), itemId: String(r.item_id), shownAt: Number(r.shown_at) })),
  },
  {
    part: "exportLinks",
    table: "export_links",
    select: "created_at, expires_at ORDER BY created_at",
    read: (rows) => rows.map((r) => ({ createdAt: Number(r.created_at), expiresAt: Number(r.expires_at) })),
  },
  {
    part: "conversationStates",
    table: "conversation_states",
    select: "conversation_id, state, updated_at ORDER BY updated_at, conversation_id",
    read: (rows) => rows.map((r) => ({ conversationId: String(r.conversation_id), state: r.state as Record<string, unknown>, updatedAt: Number(r.updated_at) })),
  },
];

/** Export links a shopper may have open at once. */
export const OPEN_EXPORT_LINKS = 5;

/** The shopper tables' names, for tests that hold the list against the database's own catalogue. */
export const SHOPPER_TABLES: readonly string[] = SHOPPER_DATA.map((d) => d.table);

/** A shopper's record, events and profile, and the privacy operations over everything kept about them. */
export class SqlShopperStore extends SqlSlice implements ShopperStore {
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

  // ── privacy ───────────────────────────────────────────────────────────────────────────────

  async exportUser(userId: string): Promise<UserExport> {
    parseInput(idSchema, userId, "userId");
    return this.sql.transaction(async (tx) => {
      // One snapshot for every read, so the parts agree even while the shopper is chatting.
      await tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      const out: Record<string, unknown> = { userId };
      for (const d of SHOPPER_DATA) {
        const [columns, order = ""] = d.select.split(" ORDER BY ");
        const rows = await tx.query(`SELECT ${columns} FROM ${d.table} WHERE user_id = $1${order ? ` ORDER BY ${order}` : ""}`, [userId]);
        out[d.part] = d.read(rows, userId);
      }
      return out as unknown as UserExport;
    });
  }

  async deleteUser(userId: string): Promise<DeletionReport> {
    parseInput(idSchema, userId, "userId");
    return this.sql.transaction(async (tx) => {
      const report: Record<string, number> = {};
      for (const d of SHOPPER_DATA) report[d.part] = await this.count(tx, `DELETE FROM ${d.table} WHERE user_id = $1`, [userId]);
      return report as DeletionReport;
    });
  }

  /**
   * Each new link also sweeps every expired one away, and the shopper's links beyond their newest
   * few: asking again and again neither piles rows up nor keeps old links working.
   */
  async saveExportLink(link: ExportLink): Promise<void> {
    const l = parseInput(exportLinkSchema, link, "export link");
    await this.sql.query(
      `WITH swept AS (
         DELETE FROM export_links
         WHERE expires_at < $3
            OR token_hash IN (SELECT token_hash FROM export_links WHERE user_id = $2 ORDER BY created_at DESC, token_hash OFFSET $5)
         RETURNING 1
       )
       INSERT INTO export_links (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
      [l.tokenHash, l.userId, l.createdAt, l.expiresAt, OPEN_EXPORT_LINKS - 1],
    );
  }

  /** DELETE … RETURNING: two replicas redeeming the same link at once cannot both get it. */
  async takeExportLink(tokenHash: string): Promise<ExportLink | null> {
    parseInput(idSchema, tokenHash, "tokenHash");
    const [row] = await this.sql.query<{ token_hash: string; user_id: string; created_at: number | string; expires_at: number | string }>(
      "DELETE FROM export_links WHERE token_hash = $1 RETURNING token_hash, user_id, created_at, expires_at",
      [tokenHash],
    );
    return row ? { tokenHash: row.token_hash, userId: row.user_id, createdAt: Number(row.created_at), expiresAt: Number(row.expires_at) } : null;
  }

  /**
   * Old events and messages go; so do profiles last computed before the cut-off (they were made of
   * old events only) and the records of shoppers left with nothing, except of shoppers who opted out
   * (their "stop personalising" must outlive their data). Expired export links go too.
   */
  async purge(before: number): Promise<PurgeReport> {
    parseInput(sinceSchema.unwrap(), before, "before");
    return this.sql.transaction(async (tx) => {
      const events = await this.count(tx, "DELETE FROM events WHERE ts < $1", [before]);
      const messages = await this.count(tx, "DELETE FROM messages WHERE ts < $1", [before]);
      const profiles = await this.count(tx, "DELETE FROM profiles WHERE updated_at < to_timestamp($1::float8 / 1000)", [before]);
      const shoppers = await this.count(
        tx,
        `DELETE FROM shoppers s WHERE s.updated_at < $1 AND s.personalise
           AND NOT EXISTS (SELECT 1 FROM events e WHERE e.user_id = s.user_id)
           AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.user_id = s.user_id)`,
        [before],
      );
      const exportLinks = await this.count(tx, "DELETE FROM export_links WHERE expires_at < $1", [Date.now()]);
      const conversationStates = await this.count(tx, "DELETE FROM conversation_states WHERE updated_at < $1", [before]);
      return { events, messages, shoppers, profiles, exportLinks, conversationStates };
    });
  }
}
