import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../bot/cli.ts";
import { createStore } from "../../store/index.ts";
import { runCommand } from "../helpers/cli.ts";

/** `concierge copy` against a temp data dir, as a shop would run it (no model: the templates write). */
describe("concierge copy", () => {
  let dir: string;
  const env = { ...process.env };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-copy-cli-"));
    process.env.CONCIERGE_DATA_DIR = dir;
    process.env.CONCIERGE_LLM_MODEL = "none";
    process.env.DATABASE_URL = "";
    const store = createStore({ dataDir: dir });
    await store.init();
    await store.catalogue.upsertProducts([{ product: { id: "mug-1", title: "Stoneware mug", brand: "Kiln", category: "kitchen", price: 18.5, currency: "USD", stock: 4, color: "blue" }, hash: "1" }]);
    await store.shoppers.upsertShopper({ userId: "customer:cook", preferences: ["kitchen"], personalise: true, createdAt: 1, updatedAt: 1 });
    await store.close();
  });

  afterAll(async () => {
    process.env = env;
    await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => runCommand((a) => runCli(["copy", ...a]), args);

  it("prints the admin API's JSON with --json", async () => {
    const { code, out, err } = await run(["--product", "mug-1", "--shopper", "cook", "--channel", "email", "--tone", "urgent", "--length", "short", "--variants", "3", "--json"]);
    expect(code).toBe(0);
    expect(err).toMatch(/language model: none/);
    const result = JSON.parse(out);
    expect(Object.keys(result).sort()).toEqual(["audience", "channel", "fallbackReason", "length", "locale", "personalised", "productId", "seed", "tone", "usedModel", "variants"]);
    expect(result).toMatchObject({ productId: "mug-1", channel: "email", tone: "urgent", usedModel: false, audience: { kind: "shopper", preferences: ["kitchen"] } });
    expect(result.variants).toHaveLength(3);
    for (const v of result.variants) expect(Object.keys(v)).toEqual(["name", "channel", "fields", "source"]);
  });

  it("prints readable variants by default, in Chinese too", async () => {
    const { code, out } = await run(["--product", "mug-1", "--channel", "banner", "--locale", "zh", "--variants", "2"]);
    expect(code).toBe(0);
    expect(out).toMatch(/2 banner variant\(s\) for product mug-1/);
    expect(out).toMatch(/written by: the templates/);
    expect(out).toMatch(/── A \(template\)\nheadline: /);
  });

  it("names the bad option or field, and the missing product", async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(["--product", "mug-1", "--colour", "red"])).code).toBe(2);
    const tone = await run(["--product", "mug-1", "--tone", "angry"]);
    expect(tone.code).toBe(1);
    expect(tone.err).toMatch(/tone: expected one of/);
    const variants = await run(["--product", "mug-1", "--variants", "many"]);
    expect(variants.err).toMatch(/variants: /);
    const missing = await run(["--product", "ghost"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no product "ghost"/);
  });
});
