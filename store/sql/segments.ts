import type { SegmentationRecord, SegmentMember, SegmentMembership, SegmentStore } from "../types.ts";
import { pageSchema, parseEach, parseInput, segmentationSchema, segmentMemberSchema, idSchema } from "../validate.ts";
import { chunks, lastByKey, SqlSlice } from "./slice.ts";

/** The latest segmentation of shoppers and who is in which segment. */
export class SqlSegmentStore extends SqlSlice implements SegmentStore {
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
}
