import type { ActivityCount, ActivityQuery, ActivityStore, ActivityTallies } from "../types.ts";
import { activityCountSchema, activityQuerySchema, parseEach, parseInput, sinceSchema } from "../validate.ts";
import { chunks, SqlSlice } from "./slice.ts";

/** Hourly counters that every replica adds its share to, and conversations read from the transcripts. */
export class SqlActivityStore extends SqlSlice implements ActivityStore {
  async addActivity(counts: ActivityCount[]): Promise<void> {
    const valid = parseEach(activityCountSchema, counts, "activity");
    if (!valid.length) return;
    // One INSERT … ON CONFLICT cannot touch a row twice: equal keys are summed here first.
    const merged = new Map<string, ActivityCount>();
    for (const c of valid) {
      const key = `${c.bucket}\u0000${c.metric}\u0000${c.label}`;
      const known = merged.get(key);
      if (known) {
        known.count += c.count;
        known.sum += c.sum;
      } else merged.set(key, { ...c });
    }
    await this.sql.transaction(async (tx) => {
      for (const part of chunks([...merged.values()], this.batchSize)) {
        await tx.query(
          `INSERT INTO activity (bucket, metric, label, count, sum)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::float8[], $5::float8[])
           ON CONFLICT (bucket, metric, label) DO UPDATE SET count = activity.count + excluded.count, sum = activity.sum + excluded.sum`,
          [part.map((c) => c.bucket), part.map((c) => c.metric), part.map((c) => c.label), part.map((c) => c.count), part.map((c) => c.sum)],
        );
      }
    });
  }

  async activity(query: ActivityQuery): Promise<ActivityTallies> {
    const q = parseInput(activityQuerySchema, query, "activity query");
    // Read buckets start at multiples of their width from the epoch (UTC hours and days).
    const bucketOf = (column: string) => `(floor(${column}::float8 / $3::bigint)::bigint * $3::bigint)`;
    return this.sql.transaction(async (tx) => {
      await tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      const counts = await tx.query<{ bucket: string | number; metric: string; label: string; count: number; sum: number }>(
        `SELECT ${bucketOf("bucket")} AS bucket, metric, label, sum(count) AS count, sum(sum) AS sum
           FROM activity WHERE bucket >= $1 AND bucket < $2 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        [q.from, q.to, q.bucketMs],
      );
      const conversations = await tx.query<{ bucket: string | number; n: string | number }>(
        `SELECT ${bucketOf("ts")} AS bucket, count(DISTINCT conversation_id) AS n FROM messages WHERE ts >= $1 AND ts < $2 GROUP BY 1 ORDER BY 1`,
        [q.from, q.to, q.bucketMs],
      );
      return {
        counts: counts.map((r) => ({ bucket: Number(r.bucket), metric: r.metric, label: r.label, count: Number(r.count), sum: Number(r.sum) })),
        conversations: conversations.map((r) => ({ bucket: Number(r.bucket), count: Number(r.n) })),
      };
    });
  }

  async pruneActivity(before: number): Promise<number> {
    parseInput(sinceSchema, before, "before");
    return this.count(this.sql, "DELETE FROM activity WHERE bucket < $1", [before]);
  }
}
