import { ConciergeError } from "../../core/errors.ts";
import type { Experiment, ExperimentEvent, ExperimentStore, ExperimentTally, ExposedItem, ExposedItems } from "../types.ts";
import {
  experimentEventSchema,
  experimentSchema,
  exposedItemsSchema,
  exposedKeySchema,
  exposureBoundSchema,
  idSchema,
  parseEach,
  parseInput,
  sinceSchema,
} from "../validate.ts";
import { chunks, lastByKey, SqlSlice } from "./slice.ts";

/** A/B experiments, their events, and what ranking experiments showed each shopper. */
export class SqlExperimentStore extends SqlSlice implements ExperimentStore {
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
