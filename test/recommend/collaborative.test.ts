import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCatalog } from "../../recommend/demo/index.ts";
import { importCatalog } from "../../recommend/import.ts";
import { type CatalogRecommender, createRecommender } from "../../recommend/recommender.ts";
import type { Ranked } from "../../recommend/types.ts";
import { createStore } from "../../store/index.ts";
import type { Product, ShopperEvent, Store } from "../../store/types.ts";
import { via } from "../helpers/personal.ts";

/**
 * Co-occurrence in the service, on the real embedded store: it reaches recommendations with a true
 * reason, deletion and opting out take a shopper's contributions out, it is rebuilt from the
 * store's events at start-up, and a shopper's last search is their session intent.
 */
describe("co-occurrence in the service", () => {
  let dataDir: string;
  let store: Store;
  let rec: CatalogRecommender;
  let catalog: Product[];
  let shoe: Product;
  let book: Product;
  let tent: Product;
  const alsoBought = (r: Ranked[]) => r.filter((x) => x.reason === `shoppers who bought ${shoe.title} also bought this`);

  const record = async (events: Omit<ShopperEvent, "ts">[], target = rec) => {
    await via(target, store).recordEvents(events.map((e, i) => ({ ...e, ts: Date.now() - 3 * 86_400_000 + i })));
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-collab-"));
    store = createStore({ dataDir });
    await store.init();
    catalog = generateCatalog({ count: 300, seed: 11 });
    shoe = catalog.find((p) => p.category === "shoes" && p.locale === "en")!;
    book = catalog.find((p) => p.category === "books" && p.locale === "en")!;
    tent = catalog.find((p) => p.category === "outdoor" && p.locale === "en")!;
    rec = createRecommender({ store: store, dataDir, progress: false });
    await importCatalog({ store, recommender: rec, products: catalog });
    // Three shoppers bought the same shoe and the same book: a pair the words cannot explain.
    for (const u of ["fan-1", "fan-2", "fan-3"]) {
      await record([
        { userId: u, itemId: shoe.id, type: "purchase" },
        { userId: u, itemId: book.id, type: "purchase" },
      ]);
    }
  });

  afterAll(async () => {
    await store?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("recommends what shoppers bought together, saying so", async () => {
    await record([{ userId: "newcomer", itemId: shoe.id, type: "purchase" }]);
    const picks = await via(rec, store).recommend("newcomer", { limit: 10 });
    const found = alsoBought(picks);
    expect(found.map((r) => r.product.id)).toEqual([book.id]);
    expect(found[0]!.signal).toMatch(/collaborative|session/);
    expect(rec.describe().cooccurrence).toMatchObject({ shoppers: 4, source: "store" });
    expect(picks.map((r) => r.product.id)).not.toContain(shoe.id);
  });

  it("names what shoppers chose beside a product, and nothing without that evidence", async () => {
    const chosen = await rec.alsoChosen(shoe.id, { limit: 5, locale: "en" });
    expect(chosen.map((r) => r.product.id)).toEqual([book.id]);
    expect(chosen[0]).toMatchObject({ signal: "collaborative", reason: `shoppers who looked at ${shoe.title} also looked at this` });
    expect(await rec.alsoChosen(tent.id, { locale: "en" })).toEqual([]);
    // Asked in Chinese, an English listing is not offered.
    expect(await rec.alsoChosen(shoe.id, { locale: "zh" })).toEqual([]);
  });

  it("is rebuilt from the store's events at start-up, streamed page by page", async () => {
    const restarted = createRecommender({ store: store, dataDir, progress: false });
    await restarted.load();
    expect(restarted.describe().cooccurrence).toMatchObject({ shoppers: 4, source: "store" });
    expect(alsoBought(await via(restarted, store).recommend("newcomer", { limit: 10 })).map((r) => r.product.id)).toEqual([book.id]);
    // The rebuild reads the store in pages, never all events at once.
    const pages: number[] = [];
    let asked: number | undefined;
    const shoppersPaging = Object.assign(Object.create(store.shoppers) as Store["shoppers"], {
      scanEvents: async function* (batchSize?: number) {
        asked = batchSize;
        for await (const page of store.shoppers.scanEvents(2)) {
          pages.push(page.length);
          yield page;
        }
      },
    });
    const paging = Object.assign(Object.create(store) as Store, { shoppers: shoppersPaging });
    const paged = createRecommender({ store: paging, dataDir, progress: false });
    await paged.load();
    expect(asked).toBe(5000);
    expect(Math.max(...pages)).toBe(2);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(7);
    expect(paged.describe().cooccurrence).toMatchObject({ shoppers: 4, source: "store" });
  });

  it("a shopper who opted out contributes nothing, and forgetting one who opts out later takes their part back", async () => {
    const now = Date.now();
    await store.shoppers.upsertShopper({ userId: "private", preferences: [], personalise: false, createdAt: now, updatedAt: now });
    await record([
      { userId: "private", itemId: shoe.id, type: "purchase" },
      { userId: "private", itemId: tent.id, type: "purchase" },
      { userId: "tent-fan", itemId: shoe.id, type: "purchase" },
      { userId: "tent-fan", itemId: tent.id, type: "purchase" },
    ]);
    expect(await store.shoppers.eventsForUser("private")).toEqual([]);
    // Only tent-fan has the shoe–tent pair: below the 2 shoppers a pair needs.
    const tentReason = (r: Ranked[]) => r.some((x) => x.product.id === tent.id && x.reason.startsWith("shoppers who"));
    expect(tentReason(await via(rec, store).recommend("newcomer", { limit: 20 }))).toBe(false);
    await record([
      { userId: "tent-fan-2", itemId: shoe.id, type: "purchase" },
      { userId: "tent-fan-2", itemId: tent.id, type: "purchase" },
    ]);
    expect(tentReason(await via(rec, store).recommend("newcomer", { limit: 20 }))).toBe(true);
    // tent-fan-2 turns personalisation off: shoppers/ records it and takes their part out of the recommender's memory.
    await via(rec, store).shoppers.stopPersonalising("tent-fan-2");
    expect(await via(rec, store).forgetShopper("tent-fan-2")).toEqual({ cooccurrence: false });
    expect(tentReason(await via(rec, store).recommend("newcomer", { limit: 20 }))).toBe(false);
    // And a restart leaves them out too (their stored events remain, their flag says no).
    const restarted = createRecommender({ store: store, dataDir, progress: false });
    expect(tentReason(await via(restarted, store).recommend("newcomer", { limit: 20 }))).toBe(false);
  });

  it("deleting a shopper removes their events from the co-occurrence counts", async () => {
    expect(alsoBought(await via(rec, store).recommend("newcomer", { limit: 10 }))).toHaveLength(1);
    for (const u of ["fan-1", "fan-2"]) {
      const report = await via(rec, store).shoppers.delete(u);
      expect(report.events).toBe(2);
    }
    // One co-buyer left (fan-3; the newcomer has only the shoe): the pair no longer has 2 shoppers.
    expect(alsoBought(await via(rec, store).recommend("newcomer", { limit: 10 }))).toEqual([]);
    // Deletion already took them out of the counts: nothing of theirs is left to forget.
    expect(await via(rec, store).forgetShopper("fan-1")).toEqual({ cooccurrence: false });
  });

  it("takes the shopper's last search as session intent, but not for a shopper who opted out", async () => {
    await record([{ userId: "camper", itemId: book.id, type: "view" }]);
    await via(rec, store).search({ text: "camping stove", userId: "camper", limit: 5 });
    const picks = await via(rec, store).recommend("camper", { limit: 5 });
    expect(picks[0]!.reason).toBe("related to “camping stove”");
    expect(picks[0]!.product.title).toMatch(/stove|炉/i);
    const asked = await via(rec, store).recommend("camper", { limit: 3, query: "sleeping bag" });
    expect(asked[0]!.reason).toBe("related to “sleeping bag”");
    await via(rec, store).search({ text: "camping stove", userId: "private", limit: 5 });
    expect(await via(rec, store).recommend("private", { limit: 5 })).toEqual(await rec.popular({ limit: 5 }));
  });

  it("says 'new in …' for a product added after the first catalogue, when freshness ranks it", async () => {
    const fresh: Product = { id: "fresh-1", title: "Ridgeback Ultralight Trekking Poles", category: "outdoor", brand: "Ridgeback", price: 79 };
    await importCatalog({ store, recommender: rec, products: [fresh] });
    const eager = createRecommender({ store: store, dataDir, progress: false, ranking: { weights: { recency: 20 } } });
    const picks = await via(eager, store).recommend("camper", { limit: 3 });
    expect(picks[0]).toMatchObject({ product: { id: "fresh-1" }, reason: "new in outdoor", signal: "recency" });
  });
});
