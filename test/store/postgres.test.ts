import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createStore, MIGRATIONS } from "../../store/index.ts";
import { dropTestSchema, requireServiceUrl, testSchemaName } from "../services.ts";
import { storeContract } from "./contract.ts";
import { knowledgeContract } from "./knowledge-contract.ts";

const url = requireServiceUrl("CONCIERGE_TEST_DATABASE_URL");
const schema = testSchemaName("test");
const dropSchema = () => dropTestSchema(url!, schema);

storeContract(
  "PostgreSQL (server)",
  async () => ({
    async open() {
      const store = createStore({ dataDir: "/nonexistent", databaseUrl: url, schema, batchSize: 100 });
      await store.init();
      return store;
    },
    cleanup: dropSchema,
  }),
  { skip: !url },
);

knowledgeContract(
  "PostgreSQL (server)",
  async () => ({
    async open() {
      const store = createStore({ dataDir: "/nonexistent", databaseUrl: url, schema: `${schema}_kb`, batchSize: 100 });
      await store.init();
      return store;
    },
    cleanup: () => dropTestSchema(url!, `${schema}_kb`),
  }),
  { skip: !url },
);

describe.skipIf(!url)("PostgreSQL schema", () => {
  const other = `${schema}_m`;
  afterAll(() => dropTestSchema(url!, other));

  it("migrates once even when replicas start together, and keeps its tables in its own schema", async () => {
    const stores = [1, 2, 3].map(() => createStore({ dataDir: "/nonexistent", databaseUrl: url, schema: other }));
    await Promise.all(stores.map((s) => s.init()));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const versions = await client.query(`SELECT version FROM "${other}".schema_version`);
      expect(versions.rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version })));
      const tables = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", [other]);
      expect(tables.rows.map((r) => r.table_name)).toEqual([
        "activity",
        "blobs",
        "catalogue_imports",
        "conversation_states",
        "events",
        "experiment_events",
        "experiment_exposed_items",
        "experiments",
        "export_links",
        "feedback",
        "kb_documents",
        "kb_passages",
        "messages",
        "products",
        "profiles",
        "schema_version",
        "segment_members",
        "segmentations",
        "shoppers",
        "vectors",
      ]);
    } finally {
      await client.end();
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
