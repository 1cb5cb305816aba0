import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCatalog } from "../../recommend/demo/index.ts";
import { importCatalog } from "../../recommend/import.ts";
import { type CatalogRecommender, createRecommender } from "../../recommend/recommender.ts";
import { Segments } from "../../recommend/segments/index.ts";
import { createStore } from "../../store/index.ts";
import type { Product, ShopperEvent, Store } from "../../store/types.ts";
import { via } from "../helpers/personal.ts";

/**
 * Cold start in the service: an anonymous shopper gets the shop's bestsellers; a new shopper whose
 * first events (or stated likes) place them in a segment gets what that segment engages with first,
 * each pick saying so; a segmented shopper gets their own segment's.
 */
describe("cold start: segment popularity", () => {
  let dataDir: string;
  let store: Store;
  let rec: CatalogRecommender;
  /** Ranks by the priors alone, so the segment prior's effect is seen unmixed with content. */
  let priorsOnly: CatalogRecommender;
  let shoes: Product[];
  let books: Product[];
  let gadget: Product;
  const DAY = 86_400_000;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-cold-"));
    store = createStore({ dataDir });
    await store.init();
    const catalog = generateCatalog({ count: 240, seed: 9 });
    rec = createRecommender({ store, dataDir, progress: false });
    await importCatalog({ store, recommender: rec, products: catalog });
    shoes = catalog.filter((p) => p.category === "shoes");
    books = catalog.filter((p) => p.category === "books");
    gadget = catalog.find((p) => p.category === "electronics")!;
    const now = Date.now();
    const events: ShopperEvent[] = [];
    // Shoe buyers all bought shoes[0..2]; book buyers books[0..2]; many more bought the one gadget,
    // which makes it the shop's bestseller overall.
    for (let u = 0; u < 12; u++) {
      for (let i = 0; i < 3; i++) events.push({ userId: `shoe-${u}`, itemId: shoes[i]!.id, type: "purchase", ts: now - (u + 2) * DAY + i });
      events.push({ userId: `shoe-${u}`, itemId: shoes[3 + (u % 5)]!.id, type: "view", ts: now - (u + 2) * DAY + 10 });
      for (let i = 0; i < 3; i++) events.push({ userId: `book-${u}`, itemId: books[i]!.id, type: "purchase", ts: now - (u + 2) * DAY + i });
      events.push({ userId: `book-${u}`, itemId: books[3 + (u % 5)]!.id, type: "view", ts: now - (u + 2) * DAY + 10 });
    }
    for (let u = 0; u < 40; u++) events.push({ userId: `gadget-${u}`, itemId: gadget.id, type: "purchase", ts: now - (u % 9 + 1) * DAY });
    await store.shoppers.addEvents(events);
    const segments = new Segments({ store, embedderId: () => rec.embedder?.id });
    const run = await segments.run({ k: 3, seed: 1 });
    expect(run.segments.map((s) => s.topCategories[0]!.name).sort()).toEqual(["books", "electronics", "shoes"]);
    rec = createRecommender({ store, dataDir, progress: false });
    priorsOnly = createRecommender({ store, dataDir, progress: false, ranking: { weights: { content: 0, session: 0, collaborative: 0, model: 0, popularity: 1, recency: 0 } } });
  });

  afterAll(async () => {
    await store?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("an anonymous shopper gets the shop's bestsellers", async () => {
    const picks = await via(priorsOnly, store).recommend("nobody-yet", { limit: 5 });
    expect(picks[0]).toMatchObject({ product: { id: gadget.id }, signal: "popularity", reason: "popular right now" });
    expect(picks.some((p) => p.signal === "segment")).toBe(false);
  });

  it("a new shopper's first event places them in a segment, whose favourites come first", async () => {
    await via(rec, store).recordEvents([{ userId: "new-runner", itemId: shoes[9]!.id, type: "view", ts: Date.now() - 60 * 60_000 }]);
    const picks = await via(priorsOnly, store).recommend("new-runner", { limit: 5 });
    expect(picks.slice(0, 3).map((p) => p.product.id).sort()).toEqual(shoes.slice(0, 3).map((p) => p.id).sort());
    for (const p of picks.slice(0, 3)) expect(p).toMatchObject({ signal: "segment", reason: "popular with shoppers like you" });
    // The shop's bestseller still follows the segment's items (8 here), for what it is.
    const longer = await via(priorsOnly, store).recommend("new-runner", { limit: 12 });
    expect(longer.find((p) => p.product.id === gadget.id)).toMatchObject({ signal: "popularity", reason: "popular in electronics right now" });

    await via(rec, store).recordEvents([{ userId: "new-reader", itemId: books[9]!.id, type: "view", ts: Date.now() - 60 * 60_000 }]);
    const reader = await via(priorsOnly, store).recommend("new-reader", { limit: 3 });
    expect(reader.map((p) => p.product.id).sort()).toEqual(books.slice(0, 3).map((p) => p.id).sort());
  });

  it("with the default ranking the segment's favourites outrank the shop's bestseller for a newcomer", async () => {
    const picks = await via(rec, store).recommend("new-runner", { limit: 10 });
    const rank = (id: string) => {
      const i = picks.findIndex((p) => p.product.id === id);
      return i < 0 ? picks.length : i;
    };
    const best = Math.min(...shoes.slice(0, 3).map((p) => rank(p.id)));
    expect(best).toBeLessThan(picks.length);
    expect(best).toBeLessThan(rank(gadget.id));
  });

  it("stated likes alone (onboarding) place a shopper too", async () => {
    await via(rec, store).seedPreferences("likes-books", "I mostly read books");
    const picks = await via(priorsOnly, store).recommend("likes-books", { limit: 3 });
    expect(picks.map((p) => p.product.id).sort()).toEqual(books.slice(0, 3).map((p) => p.id).sort());
    expect(picks.every((p) => p.signal === "segment")).toBe(true);
  });

  it("a segmented shopper gets their own segment's, less what they bought", async () => {
    const picks = await via(priorsOnly, store).recommend("book-4", { limit: 5 });
    const bought = new Set(books.slice(0, 3).map((p) => p.id));
    expect(picks.some((p) => bought.has(p.product.id))).toBe(false);
    expect(picks[0]).toMatchObject({ signal: "segment" });
    expect(picks[0]!.product.category).toBe("books");
  });
});
