import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createStore, MIGRATIONS, PgliteAdapter, SCHEMA_VERSION } from "../../store/index.ts";
import { type Backend, storeContract } from "./contract.ts";
import { knowledgeContract } from "./knowledge-contract.ts";

const pgliteBackend = async (): Promise<Backend> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-store-"));
  return {
    async open() {
      const store = createStore({ dataDir, batchSize: 100 });
      await store.init();
      expect(existsSync(path.join(dataDir, "db", "PG_VERSION"))).toBe(true);
      return store;
    },
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
};
storeContract("PGlite (embedded)", pgliteBackend);
knowledgeContract("PGlite (embedded)", pgliteBackend);

describe("createStore", () => {
  it("names the bad setting", () => {
    expect(() => createStore({ dataDir: "" })).toThrow(/dataDir/);
    expect(() => createStore({ dataDir: "/tmp/x", databaseUrl: "mysql://h/db" })).toThrow(/databaseUrl/);
    expect(() => createStore({ dataDir: "/tmp/x", schema: "Robert'); DROP" })).toThrow(/schema/);
  });

  it("refuses calls before init", async () => {
    const store = createStore({ dataDir: "/nonexistent/never-created" });
    await expect(store.catalogue.countProducts()).rejects.toThrow(/init\(\)/);
    expect(existsSync("/nonexistent/never-created")).toBe(false);
  });
});

describe("migrations", () => {
  it("upgrades a version-1 database in place, keeping its data", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-migrate-"));
    try {
      const v1 = new PgliteAdapter(path.join(dataDir, "db"));
      await v1.open();
      await v1.exec(MIGRATIONS[0]!.sql);
      await v1.exec("CREATE TABLE schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()); INSERT INTO schema_version (version) VALUES (1)");
      await v1.query(`INSERT INTO products (id, data, hash) VALUES ('old', '{"id":"old","title":"Old"}', 'h')`);
      await v1.close();

      const store = createStore({ dataDir });
      await store.init();
      expect(await store.catalogue.getProducts(["old"])).toEqual([{ id: "old", title: "Old" }]);
      expect(await store.segments.latestSegmentation()).toBeNull();
      expect(await store.experiments.listExperiments()).toEqual([]);
      await store.close();
      expect(SCHEMA_VERSION).toBeGreaterThan(1);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
