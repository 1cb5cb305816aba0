import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../bot/cli.ts";
import { DEMO_KB_DIR } from "../../knowledge/index.ts";
import { runCommand } from "../helpers/cli.ts";

/** `concierge kb …` against a temp data dir, through the CLI's own router, as a shop would run it. */
describe("concierge kb", () => {
  let dir: string;
  let docs: string;
  const env = { ...process.env };
  const run = (...args: string[]) => runCommand(runCli, ["kb", ...args]);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-kb-cli-"));
    docs = path.join(dir, "policies");
    await cp(path.join(DEMO_KB_DIR, "en"), docs, { recursive: true });
    process.env.CONCIERGE_DATA_DIR = path.join(dir, "data");
    process.env.CONCIERGE_EMBEDDING_MODEL = "none";
    process.env.DATABASE_URL = "";
    process.env.CONCIERGE_QUIET = "1";
  });
  afterAll(async () => {
    process.env = env;
    await rm(dir, { recursive: true, force: true });
  });

  it("imports a folder, then finds nothing changed on the second import (--json)", async () => {
    const first = await run("import", docs);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/added 8, updated 0, unchanged 0, failed 0/);
    const again = await run("import", docs, "--json");
    expect(again.code).toBe(0);
    const result = JSON.parse(again.out);
    expect(result).toMatchObject({ added: 0, updated: 0, unchanged: 8, failed: 0 });
    expect(result.items[0]).toMatchObject({ path: expect.stringContaining("policies/"), status: "unchanged", passages: expect.any(Number) });
  });

  it("lists what it holds and removes a document by path, saying when there is no such document", async () => {
    const listed = JSON.parse((await run("list", "--json")).out);
    expect(listed.documents.map((d: { title: string }) => d.title)).toContain("Warranty");
    const warranty = listed.documents.find((d: { title: string }) => d.title === "Warranty");
    const removed = await run("remove", warranty.path, "--json");
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.out).removed).toEqual([{ key: warranty.path, id: warranty.id, path: warranty.path }]);
    const missing = await run("remove", "no/such/file.md");
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no document with the path or id no\/such\/file\.md/);
    expect((await run("list")).out).not.toMatch(/Warranty/);
  });

  it("evaluates labelled questions, skipping invalid lines with a warning, and refuses them with --strict", async () => {
    const questions = path.join(dir, "q.jsonl");
    await writeFile(
      questions,
      [
        JSON.stringify({ question: "what is your return policy?", source: "Returns and refunds", answer: "30 days" }),
        JSON.stringify({ question: "what is the capital of France?" }),
        "not json",
        JSON.stringify({ answer: "no question" }),
        "",
      ].join("\n"),
    );
    const report = await run("eval", "--questions", questions, "--json");
    expect(report.code).toBe(0);
    expect(report.err).toMatch(/skipped 2 invalid lines.*\n.*line 3: not valid JSON\n.*line 4: question:/);
    const parsed = JSON.parse(report.out);
    expect(parsed).toMatchObject({ questions: 2, recallAtK: 1, mrr: 1, answerContainment: 1, unanswerable: 1, declinedCorrectly: 1, skipped: 2 });
    const strict = await run("eval", "--questions", questions, "--strict");
    expect(strict.code).toBe(1);
    expect(strict.err).toMatch(/refusing to evaluate \(--strict\)/);
    expect(strict.out).toBe("");
  });

  it("answers usage errors with exit 2 and the usage", async () => {
    expect((await run("import")).code).toBe(2);
    expect((await run("eval")).err).toMatch(/missing --questions/);
    expect((await run("frobnicate")).code).toBe(2);
    const notDoc = path.join(dir, "data.csv");
    await writeFile(notDoc, "a,b\n");
    const refused = await run("import", notDoc);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/not a document the knowledge base reads/);
  });
});
