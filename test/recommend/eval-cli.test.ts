import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recEval } from "../../recommend/eval/cli.ts";
import { readEventsFile } from "../../recommend/eval/events-file.ts";
import { SYSTEMS } from "../../recommend/eval/evaluate.ts";
import { generateSynthetic } from "../../recommend/eval/synthetic.ts";
import { runCommand } from "../helpers/cli.ts";

/** Runs the command, capturing what it writes. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, out, err } = await runCommand(recEval, args);
  return { code, stdout: out, stderr: err };
}

const METRIC_KEYS = ["precision", "recall", "ndcg", "hitRate", "mrr", "coverage", "diversity", "novelty", "giniItems", "giniBrands"];

describe("concierge rec eval", () => {
  let dir: string;
  let items: string;
  let events: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-receval-"));
    const data = generateSynthetic({ products: 400, shoppers: 160, seed: 3 });
    items = path.join(dir, "items.jsonl");
    events = path.join(dir, "events.jsonl");
    await writeFile(items, data.products.map((p) => JSON.stringify(p)).join("\n"));
    // Half the timestamps as ISO dates: both forms are accepted.
    await writeFile(events, data.events.map((e, i) => JSON.stringify(i % 2 ? { ...e, ts: new Date(e.ts).toISOString() } : e)).join("\n"));
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("--json prints one object {k, users, seconds, results} with every system and metric", async () => {
    const { code, stdout } = await run(["--items", items, "--events", events, "--k", "5", "--json"]);
    expect(code).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]!);
    expect(Object.keys(report).sort()).toEqual(["k", "results", "seconds", "timings", "tuning", "users"]);
    expect(report.tuning.validation.users).toBeGreaterThan(50);
    expect(report.timings.easeSeconds).toBeGreaterThan(0);
    expect(report.k).toBe(5);
    expect(report.users).toBeGreaterThan(50);
    expect(report.seconds).toBeGreaterThan(0);
    expect(Object.keys(report.results).sort()).toEqual([...SYSTEMS].sort());
    for (const r of Object.values(report.results) as Record<string, number>[]) expect(Object.keys(r).sort()).toEqual([...METRIC_KEYS].sort());
    const { concierge, random, popularity, tuned, itemKnn, ease } = report.results;
    // The learned model and the tuned blend find the planted structure too.
    expect(ease.hitRate).toBeGreaterThan(popularity.hitRate);
    expect(itemKnn.hitRate).toBeGreaterThan(random.hitRate);
    expect(tuned.ndcg).toBeGreaterThan(popularity.ndcg);
    // Real behaviour, not just keys: the shoppers' structure is learnable and the ranking learns it.
    expect(concierge.hitRate).toBeGreaterThan(popularity.hitRate);
    expect(concierge.hitRate).toBeGreaterThan(random.hitRate + 0.2);
    expect(concierge.recall).toBe(concierge.hitRate); // one test item per shopper
    expect(concierge.precision).toBeCloseTo(concierge.hitRate / 5, 5);
    expect(random.coverage).toBeGreaterThan(popularity.coverage);
    expect(popularity.giniItems).toBeGreaterThan(random.giniItems);
  });

  it("prints a table with the time taken, and runs the cross-domain protocol on request", async () => {
    const table = await run(["--items", items, "--events", events, "--systems", "concierge,popularity,random"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/leave-last-out .* shoppers tested/);
    expect(table.stdout).toMatch(/^concierge\s+0\.\d{4}/m);
    expect(table.stdout).toMatch(/^popularity\s/m);
    expect(table.stdout).not.toMatch(/^contentOnly/m);
    expect(table.stdout).toMatch(/done in \d+\.\d s/);
    expect(table.stderr).toMatch(/leave-last-out: \d+ shoppers tested/);
    const cross = await run(["--items", items, "--events", events, "--cross-domain", "--json", "--systems", "concierge,random"]);
    expect(cross.code).toBe(0);
    const report = JSON.parse(cross.stdout);
    expect(report.users).toBeGreaterThan(20);
    expect(report.results.concierge.hitRate).toBeGreaterThan(report.results.random.hitRate);
    expect(cross.stderr).toMatch(/cross-domain/);
  });

  it("with --strict, refuses bad events with each line number and field named", async () => {
    const bad = path.join(dir, "bad-events.jsonl");
    await writeFile(
      bad,
      [
        JSON.stringify({ userId: "u1", itemId: "sku-000001", type: "view", ts: 1 }),
        JSON.stringify({ userId: "u1", itemId: "sku-000001", type: "teleport", ts: 2 }),
        "{not json",
        JSON.stringify({ userId: "u1", itemId: "sku-000002", type: "rating", value: 9, ts: 3 }),
        JSON.stringify({ userId: "u1", itemId: "sku-000002", type: "view", ts: "yesterday-ish" }),
        JSON.stringify({ itemId: "sku-000002", type: "view" }),
      ].join("\n"),
    );
    const { code, stderr } = await run(["--items", items, "--events", bad, "--strict"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/line 2: type/);
    expect(stderr).toMatch(/line 3: is not valid JSON/);
    expect(stderr).toMatch(/line 4: value: a rating's value must be between 1 and 5/);
    expect(stderr).toMatch(/line 5: ts: expected epoch milliseconds or an ISO date/);
    expect(stderr).toMatch(/line 6: userId/);
    expect(stderr).toMatch(/refusing to evaluate \(--strict\): fix the 5 bad lines/);
  });

  it("skips invalid lines with a warning that counts them and names the first few, and refuses only when nothing valid is left", async () => {
    const good = (await import("node:fs/promises")).readFile(events, "utf8");
    const mixed = path.join(dir, "mixed-events.jsonl");
    const bad = ["{not json", JSON.stringify({ userId: "u1", itemId: "sku-000001", type: "teleport", ts: 2 }), JSON.stringify({ itemId: "x", type: "view" })];
    await writeFile(mixed, `${bad.join("\n")}\n${await good}`);
    const itemsText = await (await import("node:fs/promises")).readFile(items, "utf8");
    const mixedItems = path.join(dir, "mixed-items.jsonl");
    // Real catalogues have rows without a title: skipped, counted, named.
    await writeFile(mixedItems, `${JSON.stringify({ id: "no-title" })}\n${itemsText}`);
    const lenient = await run(["--items", mixedItems, "--events", mixed, "--systems", "popularity,random", "--json"]);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toMatch(/warning: skipped 3 invalid event lines .*first 3/);
    expect(lenient.stderr).toMatch(/line 1: is not valid JSON/);
    expect(lenient.stderr).toMatch(/line 2: type/);
    expect(lenient.stderr).toMatch(/warning: skipped 1 invalid item line .*mixed-items/);
    expect(lenient.stderr).toMatch(/line 1 .*title/);
    expect(JSON.parse(lenient.stdout).users).toBeGreaterThan(50);
    const strict = await run(["--items", mixedItems, "--events", mixed, "--systems", "popularity", "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/refusing to evaluate \(--strict\)/);
    const allBad = path.join(dir, "all-bad.jsonl");
    await writeFile(allBad, bad.join("\n"));
    const nothing = await run(["--items", items, "--events", allBad]);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/no valid events: nothing to evaluate/);
  });

  it("with --strict, refuses bad items with line numbers, and says what is wrong with the command line", async () => {
    const badItems = path.join(dir, "bad-items.jsonl");
    await writeFile(badItems, [JSON.stringify({ id: "a", title: "A" }), JSON.stringify({ id: "b" }), JSON.stringify({ id: "c", title: "C", price: "cheap" })].join("\n"));
    const items1 = await run(["--items", badItems, "--events", events, "--strict"]);
    expect(items1.code).toBe(1);
    expect(items1.stderr).toMatch(/line 2 .*title/);
    expect(items1.stderr).toMatch(/line 3 .*price/);
    expect((await run(["--items", path.join(dir, "missing.jsonl"), "--events", events])).stderr).toMatch(/not found/);
    const usage = await run(["--items", items]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing --events/);
    expect((await run(["--items", items, "--events", events, "--k", "0"])).stderr).toMatch(/--k must be a whole number/);
    expect((await run(["--items", items, "--events", events, "--systems", "magic"])).code).toBe(2);
    expect((await run(["--bogus"])).code).toBe(2);
    expect((await run(["--help"])).code).toBe(0);
  });

  it("reads CSV events with common column names, and names a header that lacks one", async () => {
    const csv = path.join(dir, "events.csv");
    await writeFile(csv, "user_id,item_id,event,rating,timestamp\nu1,sku-000001,rating,5,2024-05-01T10:00:00Z\nu1,sku-000002,view,,1714557600000\n");
    const read = await readEventsFile(csv);
    expect(read.errors).toEqual([]);
    expect(read.events).toMatchObject([
      { userId: "u1", itemId: "sku-000001", type: "rating", value: 5, ts: Date.parse("2024-05-01T10:00:00Z"), line: 2 },
      { userId: "u1", itemId: "sku-000002", type: "view", ts: 1714557600000, line: 3 },
    ]);
    const noItem = path.join(dir, "no-item.csv");
    await writeFile(noItem, "user,type\nu1,view\n");
    await expect(readEventsFile(noItem)).rejects.toThrow(/line 1: the header has no itemId column/);
    const badRow = path.join(dir, "bad-row.csv");
    await writeFile(badRow, "userId,itemId,type\nu1,i1,view\nu2,i2,hover\n");
    expect((await readEventsFile(badRow)).errors).toEqual([{ line: 3, message: expect.stringMatching(/^type: /) }]);
  });
});
