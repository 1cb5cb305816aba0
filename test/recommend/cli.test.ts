import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogImport } from "../../recommend/cli.ts";
import { DEMO_CATALOG_PATH } from "../../recommend/demo/index.ts";
import { createStore } from "../../store/index.ts";
import { runCommand } from "../helpers/cli.ts";
import { dropTestSchema, requireServiceUrl, testSchemaName } from "../services.ts";

/** `concierge catalog import` against a temp data dir, as a shop would run it. */
describe("concierge catalog import", () => {
  let dir: string;
  let file: string;
  const env = { ...process.env };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-cli-"));
    process.env.CONCIERGE_DATA_DIR = dir;
    process.env.CONCIERGE_EMBEDDING_MODEL = "none";
    process.env.DATABASE_URL = "";
    const lines = readFileSync(DEMO_CATALOG_PATH, "utf8").split("\n").slice(0, 80);
    file = path.join(dir, "shop.jsonl");
    writeFileSync(file, [...lines, '{"id":"broken","price":"cheap"}', "not json at all", ""].join("\n"));
  });

  afterAll(async () => {
    process.env = env;
    await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => runCommand(catalogImport, args);

  it("imports good rows, reports bad ones by line, and exits 1 because some were rejected", async () => {
    const { code, out } = await run([file]);
    expect(code).toBe(1);
    expect(out).toMatch(/80 added, 0 updated, 0 unchanged, 2 rejected/);
    expect(out).toMatch(/line 81 \(id "broken"\): title: is required/);
    expect(out).toMatch(/line 82: is not valid JSON/);
    expect(out).toMatch(/embedder builtin-tfidf-svd-/);
  });

  it("re-imports with --json: nothing changed, nothing embedded", async () => {
    const { code, out } = await run([file, "--json"]);
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ added: 0, updated: 0, unchanged: 80, rejected: 2, embedded: 0, refitted: false, catalogue: 80 });
    expect(report.embedder.tier).toBe("built-in");
  });

  it("records each import for the dashboard: source, rows added, rejected, catalogue size", async () => {
    const store = createStore({ dataDir: dir });
    await store.init();
    try {
      const history = await store.catalogue.importHistory();
      expect(history.map((h) => [h.source, h.added, h.unchanged, h.rejected, h.products])).toEqual([
        ["shop.jsonl", 0, 80, 2, 80],
        ["shop.jsonl", 80, 0, 2, 80],
      ]);
    } finally {
      await store.close();
    }
  });

  it("refits on --refit, and answers usage errors with exit 2", async () => {
    const good = path.join(dir, "good.jsonl");
    writeFileSync(good, readFileSync(file, "utf8").split("\n").slice(0, 80).join("\n"));
    const { code, out } = await run([good, "--refit", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ refitted: true, embedded: 80 });
    expect((await run([])).code).toBe(2);
    expect((await run([file, "--frobnicate"])).code).toBe(2);
    expect((await run(["--help"])).code).toBe(0);
  });

  it("names a missing file", async () => {
    await expect(run([path.join(dir, "nope.csv")])).rejects.toThrow(/not found/);
  });
});

/** A shop on PostgreSQL keeps its tables in DATABASE_SCHEMA: the import must land where the service reads. */
describe.skipIf(!requireServiceUrl("CONCIERGE_TEST_DATABASE_URL"))("concierge catalog import on PostgreSQL", () => {
  const url = process.env.CONCIERGE_TEST_DATABASE_URL!;
  const schema = testSchemaName("cliimport");
  const env = { ...process.env };
  let dir: string;

  afterAll(async () => {
    process.env = env;
    if (dir) await rm(dir, { recursive: true, force: true });
    await dropTestSchema(url, schema);
  });

  it("imports into the schema DATABASE_SCHEMA names", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-cli-pg-"));
    Object.assign(process.env, { CONCIERGE_DATA_DIR: dir, CONCIERGE_EMBEDDING_MODEL: "none", DATABASE_URL: url, DATABASE_SCHEMA: schema });
    const file = path.join(dir, "shop.jsonl");
    writeFileSync(file, readFileSync(DEMO_CATALOG_PATH, "utf8").split("\n").slice(0, 12).join("\n"));
    const { code } = await runCommand(catalogImport, [file]);
    expect(code).toBe(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".products`);
      expect(Number(rows[0]!.n)).toBe(12);
      // The admin dashboard's import history has it.
      const history = await client.query(`SELECT source, added, rejected, products FROM "${schema}".catalogue_imports`);
      expect(history.rows).toEqual([{ source: "shop.jsonl", added: 12, rejected: 0, products: 12 }]);
    } finally {
      await client.end();
    }
  }, 120_000);
});
