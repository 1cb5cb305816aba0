import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CATALOG_PATH } from "../../recommend/demo/index.ts";
import { formatSegmentation, segmentsCommand } from "../../recommend/segments/cli.ts";
import type { Segmentation } from "../../recommend/segments/index.ts";
import { createStore, type Product, type ShopperEvent } from "../../store/index.ts";
import { runCommand } from "../helpers/cli.ts";

/** `concierge segments` against a temp data dir, as a shop would run it. */
describe("concierge segments", () => {
  let dir: string;
  const env = { ...process.env };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-segments-cli-"));
    process.env.CONCIERGE_DATA_DIR = dir;
    process.env.CONCIERGE_EMBEDDING_MODEL = "none";
    process.env.DATABASE_URL = "";
    const products = readFileSync(DEMO_CATALOG_PATH, "utf8")
      .split("\n")
      .slice(0, 300)
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Product);
    const byCategory = (c: string) => products.filter((p) => p.category === c);
    const [shoes, beauty] = [byCategory("shoes"), byCategory("beauty")];
    const now = Date.now();
    const events: ShopperEvent[] = [];
    for (let u = 0; u < 12; u++) {
      for (let d = 0; d < 6; d++) events.push({ userId: `s${u}`, itemId: shoes[(u + d) % shoes.length]!.id, type: d % 2 ? "view" : "purchase", ts: now - d * 86_400_000 });
      events.push({ userId: `b${u}`, itemId: beauty[u % beauty.length]!.id, type: "view", ts: now - (120 + u) * 86_400_000 });
    }
    const store = createStore({ dataDir: dir });
    await store.init();
    await store.catalogue.upsertProducts(products.map((product) => ({ product, hash: product.id })));
    await store.shoppers.addEvents(events);
    await store.close();
  });

  afterAll(async () => {
    process.env = env;
    await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[]) => runCommand(segmentsCommand, args);

  it("segments the shop's shoppers with the service's embedder, saves and prints them", async () => {
    const { code, out } = await run(["--json", "--max-k", "4"]);
    expect(code).toBe(0);
    const result = JSON.parse(out) as Segmentation;
    expect(result).toMatchObject({ chosenBy: "silhouette", k: 2, shoppers: 24, optedOut: 0 });
    expect(result.candidates.map((c) => c.k)).toEqual([2, 3, 4]);
    expect(result.embedderId).toMatch(/^builtin-/);
    const text = formatSegmentation(result);
    expect(text).toMatch(/^segmented 24 shoppers \(0 opted out, left out\) in [\d.]+ s; k=2 chosen by silhouette \(k2 /);
    expect(text).toMatch(/#\d Frequent Shoes buyers — 12 shoppers \(50\.0%\)/);
    expect(text).toMatch(/#\d Lapsed Beauty browsers — 12 shoppers/);
    const store = createStore({ dataDir: dir });
    await store.init();
    try {
      expect((await store.segments.latestSegmentation())?.id).toBe(result.id);
      expect(await store.segments.segmentOf("s3")).toMatchObject({ runId: result.id });
    } finally {
      await store.close();
    }
  });

  it("refuses bad options with exit 2 and the usage", async () => {
    for (const args of [["--k", "two"], ["--k", "0"], ["--colour"], ["extra"]]) {
      const { code, err } = await run(args);
      expect(code).toBe(2);
      expect(err).toMatch(/usage: concierge segments/);
    }
    expect((await run(["--k", "two"])).err).toMatch(/--k: expected a whole number/);
    expect((await run(["--help"])).code).toBe(0);
  });
});
