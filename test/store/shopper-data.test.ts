import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PgAdapter, PgliteAdapter, type SqlAdapter, SqlStore, type UserExport } from "../../store/index.ts";
import { dropTestSchema, requireServiceUrl, testSchemaName } from "../services.ts";
import { abExperiment } from "./fixtures.ts";

/**
 * Export and deletion must cover the same tables, and every table that holds a shopper's rows. This
 * test reads the list of such tables from the database's own catalogue (any column naming a user or
 * shopper), not from the store's code, and for each one it knows how to put a row there and where
 * that row shows in an export. A table added without all three (export, deletion, and a line here)
 * fails it.
 */
type Fixture = { part: keyof Omit<UserExport, "userId">; put: (store: SqlStore, userId: string) => Promise<void> };

const experimentId = "privacy-experiment";
const FIXTURES: Record<string, Fixture> = {
  shoppers: { part: "shopper", put: (s, u) => s.shoppers.upsertShopper({ userId: u, preferences: ["tea"], personalise: true, createdAt: 1, updatedAt: 1 }) },
  events: { part: "events", put: (s, u) => s.shoppers.addEvents([{ userId: u, itemId: "p1", type: "view", ts: 1 }]) },
  profiles: { part: "profile", put: (s, u) => s.shoppers.saveProfile(u, new Float32Array([1, 0])) },
  messages: { part: "messages", put: (s, u) => s.conversations.appendMessages([{ conversationId: "c", userId: u, role: "user", text: "hi", ts: 1 }]) },
  feedback: { part: "feedback", put: (s, u) => s.conversations.addFeedback([{ text: "nice", userId: u, sentiment: { label: "positive", score: 0.5 }, ts: 1 }]) },
  segment_members: {
    part: "segments",
    put: (s, u) => s.segments.saveSegmentation({ id: `run-${u}`, createdAt: 1, summary: {} }, [{ userId: u, segment: 0 }]),
  },
  experiment_events: { part: "experimentEvents", put: (s, u) => s.experiments.addExperimentEvents([{ experimentId, userId: u, variant: "a", type: "exposure", ts: 1 }]) },
  experiment_exposed_items: {
    part: "experimentExposures",
    put: (s, u) => s.experiments.recordExposedItems({ experimentId, userId: u, variant: "a", itemIds: ["p1"], shownAt: 1 }, { keep: 5, since: 0 }),
  },
  conversation_states: {
    part: "conversationStates",
    put: (s, u) => s.conversations.saveConversationState({ conversationId: `c-${u}`, userId: u, state: { lastShown: ["p1"] }, updatedAt: 1 }),
  },
  export_links: { part: "exportLinks", put: (s, u) => s.shoppers.saveExportLink({ tokenHash: `h-${u}`, userId: u, createdAt: 1, expiresAt: Date.now() + 60_000 }) },
};

function shopperDataSuite(name: string, open: () => Promise<{ store: SqlStore; db: SqlAdapter; schema: string; cleanup: () => Promise<void> }>, skip = false) {
  describe.skipIf(skip)(`every table with shopper rows is exported and deleted (${name})`, () => {
    let env: Awaited<ReturnType<typeof open>>;
    let tables: { table: string; column: string }[];
    beforeAll(async () => {
      env = await open();
      await env.store.experiments.createExperiment(abExperiment(experimentId));
      tables = await env.db.query<{ table: string; column: string }>(
        `SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
         WHERE table_schema = $1 AND (column_name ILIKE '%user%' OR column_name ILIKE '%shopper%' OR column_name ILIKE '%customer%')
         ORDER BY 1`,
        [env.schema],
      );
    });
    afterAll(async () => {
      await env?.store.close();
      await env?.cleanup();
    });

    it("knows every such table the database has", () => {
      expect(tables.length).toBeGreaterThanOrEqual(9);
      const unknown = tables.filter((t) => !FIXTURES[t.table]).map((t) => `${t.table}.${t.column}`);
      expect(unknown, "tables holding shopper rows that export, deletion and this test do not all know").toEqual([]);
    });

    it("exports a row from each of them, and deletion leaves none in any", async () => {
      const userId = "customer:privacy-1";
      const other = "anon:someone-else";
      for (const t of tables) {
        await FIXTURES[t.table]!.put(env.store, userId);
        if (t.table !== "segment_members") await FIXTURES[t.table]!.put(env.store, other);
      }
      const exported = await env.store.shoppers.exportUser(userId);
      for (const t of tables) {
        const part = exported[FIXTURES[t.table]!.part];
        expect(part == null ? 0 : Array.isArray(part) ? part.length : 1, `export part for ${t.table}`).toBeGreaterThan(0);
      }
      await env.store.shoppers.deleteUser(userId);
      for (const t of tables) {
        const [row] = await env.db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${t.table} WHERE ${t.column} = $1`, [userId]);
        expect(Number(row!.n), `rows left in ${t.table}`).toBe(0);
      }
      const [kept] = await env.db.query<{ n: number | string }>("SELECT count(*) AS n FROM events WHERE user_id = $1", [other]);
      expect(Number(kept!.n)).toBe(1);
    });
  });
}

shopperDataSuite("PGlite", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "concierge-shopper-data-"));
  const db = new PgliteAdapter(path.join(dir, "db"));
  const store = new SqlStore(db);
  await store.init();
  return { store, db, schema: "public", cleanup: () => rm(dir, { recursive: true, force: true }) };
});

const url = requireServiceUrl("CONCIERGE_TEST_DATABASE_URL");
shopperDataSuite(
  "PostgreSQL",
  async () => {
    const schema = testSchemaName("shopperdata");
    const db = new PgAdapter(url!, schema);
    const store = new SqlStore(db, { schema });
    await store.init();
    return { store, db, schema, cleanup: () => dropTestSchema(url!, schema) };
  },
  !url,
);
