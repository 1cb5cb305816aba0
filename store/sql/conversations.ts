import type { ConversationStateRow, ConversationStore, FeedbackRecord, NegativeExample, NegativeExamplesQuery, SentimentQuery, SentimentTallies, SentimentTally, StoredMessage } from "../types.ts";
import { conversationStateSchema, feedbackSchema, idSchema, limitSchema, messageSchema, negativeExamplesQuerySchema, parseEach, parseInput, sentimentQuerySchema } from "../validate.ts";
import { FEEDBACK_COLUMNS, MESSAGE_COLUMNS, type MessageRow, toMessage } from "./rows.ts";
import { chunks, SqlSlice } from "./slice.ts";

type TallyRow = { source: SentimentTally["source"]; key: string; label: SentimentTally["label"]; n: number | string; total: number; rated: number | string; ratings: number | null };

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


/** Transcripts, and the reviews and feedback the shop posts, with their sentiment. */
export class SqlConversationStore extends SqlSlice implements ConversationStore {
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

  async negativeExamples(query: NegativeExamplesQuery): Promise<NegativeExample[]> {
    const q = parseInput(negativeExamplesQuerySchema, query, "negative examples query");
    if (!q.itemIds.length) return [];
    const rows = await this.sql.query<{ item_id: string; source: NegativeExample["source"]; text: string; score: number; ts: string | number }>(
      `SELECT item_id, source, text, score, ts FROM (
         SELECT s.*, row_number() OVER (PARTITION BY item_id ORDER BY score, ts DESC) AS n FROM (
           SELECT 'message' AS source, item_id, text, sentiment_score AS score, ts FROM messages
             WHERE role = 'user' AND sentiment = 'negative' AND item_id = ANY($1::text[])
           UNION ALL
           SELECT 'feedback', item_id, text, score, ts FROM feedback WHERE label = 'negative' AND item_id = ANY($1::text[])
         ) AS s WHERE ($3::bigint IS NULL OR ts >= $3) AND ($4::bigint IS NULL OR ts < $4)
       ) AS ranked WHERE n <= $2 ORDER BY item_id, n`,
      [q.itemIds, q.perItem, q.from ?? null, q.to ?? null],
    );
    return rows.map((r) => ({ itemId: r.item_id, source: r.source, text: r.text, score: Number(r.score), ts: Number(r.ts) }));
  }

  async getConversationState(conversationId: string): Promise<ConversationStateRow | null> {
    parseInput(idSchema, conversationId, "conversationId");
    const [row] = await this.sql.query<{ conversation_id: string; user_id: string; state: Record<string, unknown>; updated_at: number | string }>(
      "SELECT conversation_id, user_id, state, updated_at FROM conversation_states WHERE conversation_id = $1",
      [conversationId],
    );
    return row ? { conversationId: row.conversation_id, userId: row.user_id, state: row.state, updatedAt: Number(row.updated_at) } : null;
  }

  async saveConversationState(row: ConversationStateRow): Promise<void> {
    const r = parseInput(conversationStateSchema, row, "conversation state");
    await this.sql.query(
      `INSERT INTO conversation_states (conversation_id, user_id, state, updated_at) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (conversation_id) DO UPDATE SET user_id = excluded.user_id, state = excluded.state, updated_at = excluded.updated_at`,
      [r.conversationId, r.userId, JSON.stringify(r.state), r.updatedAt],
    );
  }
}
