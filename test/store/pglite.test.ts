import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createStore } from "../../store/index.ts";
import { storeContract } from "./contract.ts";

storeContract("PGlite (embedded)", async () => {
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
});

describe("createStore", () => {
  it("names the bad setting", () => {
    expect(() => createStore({ dataDir: "" })).toThrow(/dataDir/);
    expect(() => createStore({ dataDir: "/tmp/x", databaseUrl: "mysql://h/db" })).toThrow(/databaseUrl/);
    expect(() => createStore({ dataDir: "/tmp/x", schema: "Robert'); DROP" })).toThrow(/schema/);
  });

  it("refuses calls before init", async () => {
    const store = createStore({ dataDir: "/nonexistent/never-created" });
    await expect(store.countProducts()).rejects.toThrow(/init\(\)/);
    expect(existsSync("/nonexistent/never-created")).toBe(false);
  });
});
