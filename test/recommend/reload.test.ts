import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCatalog } from "../../recommend/demo/index.ts";
import { importCatalog } from "../../recommend/import.ts";
import { type CatalogRecommender, createRecommender } from "../../recommend/recommender.ts";
import { createStore } from "../../store/index.ts";
import type { Store } from "../../store/types.ts";

/** A running recommender catches up with an import another recommender (the CLI's) made into the same store. */
describe("CatalogRecommender.reload", () => {
  let dataDir: string;
  let store: Store;
  let running: CatalogRecommender;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-reload-"));
    store = createStore({ dataDir });
    await store.init();
    running = createRecommender({ store, dataDir, progress: false });
    await importCatalog({ store, recommender: running, products: generateCatalog({ count: 300, seed: 5 }) });
  }, 60_000);

  afterAll(async () => {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("finds a product imported by another recommender only after reload, and searches meanwhile keep answering", async () => {
    const other = createRecommender({ store, dataDir, progress: false, cooccurrence: false, model: false });
    const lantern = { id: "new-lantern", title: "Zephyrine Aurora Lantern", category: "camping", brand: "Glowcraft", price: 42 };
    const result = await importCatalog({ store, recommender: other, products: [lantern] });
    expect(result.added).toBe(1);
    const before = await running.search({ text: "zephyrine aurora lantern" });
    expect(before.map((r) => r.product.id)).not.toContain("new-lantern");
    const reloading = running.reload();
    // Asked while the new indexes are built aside: the old ones answer.
    expect((await running.search({ text: "running shoes" })).length).toBeGreaterThan(0);
    const { products } = await reloading;
    expect(products).toBe(301);
    expect(running.holds("new-lantern")).toBe(true);
    expect((await running.search({ text: "zephyrine aurora lantern" }))[0]?.product.id).toBe("new-lantern");
  }, 60_000);
});
