import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCatalog } from "../../recommend/demo/index.ts";
import { importCatalog } from "../../recommend/import.ts";
import { type CatalogRecommender, createRecommender } from "../../recommend/recommender.ts";
import type { Filters, Ranked } from "../../recommend/types.ts";
import { createStore } from "../../store/index.ts";
import type { Product, Store } from "../../store/types.ts";
import { via } from "../helpers/personal.ts";

/**
 * The recommender end to end on the real embedded store (PGlite in a temp dir) and a generated
 * bilingual catalogue: import, hybrid search with filters, profiles, cold start, reasons,
 * re-import and restart. Each test uses its own shoppers, so the order of tests matters only
 * where a test says so (the cold-start ones run before anyone has an event).
 */

const RUNNING = /running shoes|跑步鞋|跑鞋/i;
const isRunningShoe = (p: Product) => RUNNING.test(p.title) && !/trail|越野/i.test(p.title);

function satisfies(p: Product, f: Filters): boolean {
  const lower = (xs?: string[]) => xs?.map((x) => x.toLowerCase());
  if (f.priceMax !== undefined && !(p.price !== undefined && p.price <= f.priceMax)) return false;
  if (f.priceMin !== undefined && !(p.price !== undefined && p.price >= f.priceMin)) return false;
  if (f.categories && !lower(f.categories)!.includes(p.category?.toLowerCase() ?? "")) return false;
  if (f.brands && !lower(f.brands)!.includes(p.brand?.toLowerCase() ?? "")) return false;
  if (f.colors && !lower(f.colors)!.includes(p.color ?? "")) return false;
  if (f.sizes && !(p.sizes ?? []).some((s) => lower(f.sizes)!.includes(s))) return false;
  if (f.inStock && p.stock !== undefined && p.stock <= 0) return false;
  return true;
}

describe("recommender on a real store", () => {
  let dataDir: string;
  let store: Store;
  let rec: CatalogRecommender;
  let catalog: Product[];
  const byId = new Map<string, Product>();
  const ids = (r: Ranked[]) => r.map((x) => x.product.id);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-rec-"));
    store = createStore({ dataDir });
    await store.init();
    catalog = generateCatalog({ count: 600, seed: 11 });
    for (const p of catalog) byId.set(p.id, p);
    rec = createRecommender({ store, dataDir, progress: false });
  });

  afterAll(async () => {
    await store?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("starts empty: no embedder yet, nothing to find", async () => {
    await rec.load();
    expect(rec.describe()).toMatchObject({ products: 0, vectors: 0, embedder: null });
    expect(await via(rec, store).search({ text: "running shoes" })).toEqual([]);
    expect(await rec.popular()).toEqual([]);
  });

  it("imports the catalogue: fits the built-in embedder, stores products, vectors and the index", async () => {
    const progress: string[] = [];
    const result = await importCatalog({ store, recommender: rec, products: catalog, onProgress: (p) => progress.push(p.phase) });
    expect(result).toMatchObject({ added: 600, updated: 0, unchanged: 0, failed: 0, embedded: 600, refitted: true });
    expect(progress).toContain("saving");
    const info = rec.describe();
    expect(info).toMatchObject({ products: 600, vectors: 600, vectorIndex: "built" });
    expect(info.embedder?.tier).toBe("built-in");
    expect(await store.catalogue.countProducts()).toBe(600);
    expect((await store.catalogue.loadVectors(info.embedder!.id)).size).toBe(600);
    expect(readdirSync(path.join(dataDir, "index")).some((f) => f.endsWith(".usearch"))).toBe(true);
  });

  it("cold start with no events at all: a catalogue prior, varied across categories", async () => {
    const picks = await via(rec, store).recommend("nobody-yet", { limit: 6 });
    expect(picks).toHaveLength(6);
    for (const p of picks) expect(p.reason).toBe(`top pick in ${p.product.category}`);
    expect(new Set(picks.map((p) => p.product.category)).size).toBe(6);
    for (const p of picks) expect(p.product.stock === undefined || p.product.stock > 0).toBe(true);
    const zh = await rec.popular({ limit: 2, locale: "zh-CN" });
    expect(zh[0]!.reason).toBe(`${zh[0]!.product.category}类精选`);
  });

  it("'running shoes under 100': running shoes within the price, ranked by relevance, each saying why", async () => {
    const filters = { priceMax: 100 };
    const results = await via(rec, store).search({ text: "Show me running shoes under 100", filters, limit: 10 });
    expect(results.length).toBeGreaterThanOrEqual(5);
    for (const r of results) expect(r.product.price).toBeLessThanOrEqual(100);
    const top = results.slice(0, 5);
    for (const r of top) {
      expect(r.product.title).toMatch(RUNNING);
      expect(r.reason).toBe("matches “running shoes”");
    }
    const scores = results.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // Every cheap enough running shoe in the catalogue outranks anything that is not one.
    const expected = catalog.filter((p) => isRunningShoe(p) && (p.price ?? Infinity) <= 100 && p.locale === "en").length;
    const firstOther = results.findIndex((r) => !RUNNING.test(r.product.title));
    if (firstOther >= 0) expect(firstOther).toBeGreaterThanOrEqual(Math.min(expected, 5));
  });

  it("respects every filter, also when it leaves only a handful of products", async () => {
    const shoe = catalog.find((p) => p.category === "shoes" && p.brand && p.color && p.sizes?.length && (p.stock ?? 1) > 0)!;
    const cases: Filters[] = [
      { categories: ["Shoes"], priceMin: 50, priceMax: 120 },
      { brands: [shoe.brand!], inStock: true },
      { colors: [shoe.color!], categories: [shoe.category!] },
      { sizes: [shoe.sizes![0]!], brands: [shoe.brand!], colors: [shoe.color!] },
      { inStock: true },
    ];
    for (const filters of cases) {
      const allowed = catalog.filter((p) => satisfies(p, filters));
      expect(allowed.length).toBeGreaterThan(0);
      const found = await via(rec, store).search({ text: "comfortable shoes", filters, limit: 50 });
      for (const r of found) expect(satisfies(r.product, filters), `${r.product.id} breaks ${JSON.stringify(filters)}`).toBe(true);
      // With no words to match, the answer is everything allowed (up to the limit), none missed.
      const all = await via(rec, store).search({ text: "under 500", filters: { ...filters }, limit: 200 });
      if (allowed.length <= 200) expect(ids(all).sort()).toEqual(allowed.map((p) => p.id).sort());
      else expect(all).toHaveLength(200);
      for (const r of all) expect(satisfies(r.product, filters)).toBe(true);
    }
    const selective = { sizes: [shoe.sizes![0]!], brands: [shoe.brand!], colors: [shoe.color!] };
    const narrow = await via(rec, store).search({ text: shoe.title, filters: selective, limit: 5 });
    expect(ids(narrow)).toContain(shoe.id);
    expect(await via(rec, store).search({ text: "shoes", filters: { brands: ["No Such Brand"] } })).toEqual([]);
    expect(await via(rec, store).search({ text: "shoes", filters: { priceMin: 100, priceMax: 10 } })).toEqual([]);
  });

  it("answers Chinese queries with Chinese reasons, and finds English products through the glossary", async () => {
    const results = await via(rec, store).search({ text: "跑鞋", locale: "zh-CN", limit: 10 });
    expect(results.length).toBeGreaterThan(0);
    for (const r of results.slice(0, 5)) expect(r.product.title).toMatch(/running|跑/i);
    for (const r of results) expect(r.reason).toMatch(/^(符合|与)“/);
    const english = await via(rec, store).search({ text: "跑鞋", locale: "zh", filters: { priceMax: 200 }, limit: 30 });
    expect(english.some((r) => r.product.locale === "en" && isRunningShoe(r.product))).toBe(true);
  });

  it("rejects malformed requests with the field named", async () => {
    await expect(via(rec, store).search({ text: "x", limit: 0 })).rejects.toThrow(/limit/);
    await expect(via(rec, store).search({ text: "x", filters: { priceMax: -1 } })).rejects.toThrow(/priceMax/);
    await expect(via(rec, store).recordEvents([{ userId: "u", itemId: "i", type: "like" as never, ts: 1 }])).rejects.toThrow(/type/);
    await expect(via(rec, store).recordEvents([{ userId: "u", itemId: "i", type: "rating", value: 9, ts: 1 }])).rejects.toThrow(/value/);
  });

  it("recommends by profile similarity, explaining each pick by what the shopper did", async () => {
    const shoes = catalog.filter((p) => isRunningShoe(p) && p.locale === "en").slice(0, 3);
    const now = Date.now();
    await via(rec, store).recordEvents([
      { userId: "runner", itemId: shoes[0]!.id, type: "view", ts: now - 3_600_000 },
      { userId: "runner", itemId: shoes[1]!.id, type: "cart", ts: now - 1_800_000 },
      { userId: "runner", itemId: shoes[2]!.id, type: "favourite", ts: now },
    ]);
    expect(await store.shoppers.getProfile("runner")).not.toBeNull();
    const picks = await via(rec, store).recommend("runner", { limit: 5 });
    expect(picks).toHaveLength(5);
    const titles = new Set(shoes.map((s) => s.title));
    for (const p of picks) {
      expect(p.product.category).toBe("shoes");
      expect(p.reason).toMatch(/^because you (viewed|added|saved) (.+?)( to your cart| to your favourites)?$/);
      const named = p.reason.replace(/^because you (viewed|added|saved) /, "").replace(/ to your (cart|favourites)$/, "");
      expect(titles.has(named)).toBe(true);
    }
    // Something new first: the shoes they already touched are not the first picks.
    expect(ids(picks).slice(0, 2).some((id) => shoes.some((s) => s.id === id))).toBe(false);
    // The ranking is the profile's: scores descend.
    const scores = picks.map((p) => p.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    const zh = await via(rec, store).recommend("runner", { limit: 1, locale: "zh" });
    expect(zh[0]!.reason).toMatch(/^因为你/);
  });

  it("never recommends what the shopper bought, nor what they rated low", async () => {
    const headphones = catalog.filter((p) => /headphones|earbuds|耳机/i.test(p.title));
    const [bought, disliked] = headphones;
    await via(rec, store).recordEvents([
      { userId: "buyer", itemId: bought!.id, type: "purchase", ts: Date.now() },
      { userId: "buyer", itemId: disliked!.id, type: "view", ts: Date.now() },
      { userId: "buyer", itemId: disliked!.id, type: "rating", value: 1, ts: Date.now() },
    ]);
    const picks = await via(rec, store).recommend("buyer", { limit: 30 });
    expect(ids(picks)).not.toContain(bought!.id);
    expect(ids(picks)).not.toContain(disliked!.id);
    expect(picks[0]!.reason).toBe(`because you bought ${bought!.title}`);
  });

  it("cold start for a new shopper: what is popular right now, within the filters", async () => {
    const hit = catalog.find((p) => p.category === "home" && (p.stock ?? 1) > 0)!;
    await via(rec, store).recordEvents(
      ["a", "b", "c"].map((u) => ({ userId: `fan-${u}`, itemId: hit.id, type: "purchase" as const, ts: Date.now() })),
    );
    const picks = await via(rec, store).recommend("brand-new", { limit: 5 });
    expect(picks[0]!.product.id).toBe(hit.id);
    expect(picks[0]!.reason).toBe("popular right now");
    expect((await rec.popular({ limit: 1, locale: "zh" }))[0]!.reason).toBe("近期热门");
    const outside = await rec.popular({ limit: 5, filters: { categories: ["books"] } });
    expect(ids(outside)).not.toContain(hit.id);
    for (const p of outside) expect(p.product.category).toBe("books");
  });

  it("seeds a new shopper's profile from what they say they like", async () => {
    await via(rec, store).seedPreferences("yogi", "yoga mat");
    const shopper = await store.shoppers.getShopper("yogi");
    expect(shopper?.preferences).toEqual(["yoga mat"]);
    expect(await store.shoppers.getProfile("yogi")).not.toBeNull();
    const picks = await via(rec, store).recommend("yogi", { limit: 3 });
    for (const p of picks) {
      expect(p.product.title).toMatch(/yoga|瑜伽/i);
      expect(p.reason).toBe("matches what you like: yoga mat");
    }
  });

  it("leaves a shopper who opted out unpersonalised, and keeps none of their events", async () => {
    const now = Date.now();
    await store.shoppers.upsertShopper({ userId: "private", preferences: [], personalise: false, createdAt: now, updatedAt: now });
    const tent = catalog.find((p) => /tent|帐篷/i.test(p.title))!;
    await via(rec, store).recordEvents([{ userId: "private", itemId: tent.id, type: "purchase", ts: now }]);
    expect(await store.shoppers.eventsForUser("private")).toEqual([]);
    expect(await store.shoppers.getProfile("private")).toBeNull();
    const theirs = await via(rec, store).recommend("private", { limit: 5 });
    const everyone = await rec.popular({ limit: 5 });
    expect(theirs).toEqual(everyone);
    await via(rec, store).seedPreferences("private", "camping");
    expect((await store.shoppers.getShopper("private"))?.preferences).toEqual([]);
    // Search ignores the shopper's identity too.
    expect(await via(rec, store).search({ text: "tent", userId: "private" })).toEqual(await via(rec, store).search({ text: "tent" }));
  });

  it("lifts products close to the shopper's taste in search, and says so", async () => {
    const plain = await via(rec, store).search({ text: "shoes", limit: 10 });
    const personal = await via(rec, store).search({ text: "shoes", userId: "runner", limit: 10 });
    expect(personal.some((r) => r.reason.endsWith(", close to what you like"))).toBe(true);
    expect(plain.every((r) => !r.reason.includes("close to what you like"))).toBe(true);
  });

  it("finds products a message names, by title or by id", async () => {
    const target = catalog[123]!;
    const found = await rec.findMentioned(`tell me more about the ${target.title} please`);
    expect(found.map((p) => p.id)).toContain(target.id);
    expect(found[0]!.title).toBe(target.title);
    const byIdHit = await rec.findMentioned(`is ${catalog[5]!.id.toUpperCase()} in stock?`);
    expect(byIdHit[0]!.id).toBe(catalog[5]!.id);
    expect(await rec.findMentioned("what is the weather like")).toEqual([]);
    expect(await rec.getProduct(target.id)).toEqual(target);
    expect(await rec.getProduct("nope")).toBeNull();
  });

  it("re-import touches only changed products and folds them in without refitting", async () => {
    const embedderBefore = rec.describe().embedder!.id;
    const same = await importCatalog({ store, recommender: rec, products: catalog });
    expect(same).toMatchObject({ added: 0, updated: 0, unchanged: 600, embedded: 0, refitted: false });
    const changed = catalog.slice(0, 3).map((p) => ({ ...p, title: `${p.title} Zephyrquill Edition` }));
    const added: Product[] = [
      { id: "new-1", title: "Zephyrquill Trail Running Shoes", category: "shoes", brand: "Zephyrquill", price: 88, stock: 4 },
      { id: "new-2", title: "Zephyrquill Rain Jacket", category: "clothing", price: 120 },
    ];
    const again = await importCatalog({ store, recommender: rec, products: [...changed, ...catalog.slice(3), ...added] });
    expect(again).toMatchObject({ added: 2, updated: 3, unchanged: 597, embedded: 5, refitted: false });
    expect(rec.describe().embedder!.id).toBe(embedderBefore);
    const found = await via(rec, store).search({ text: "zephyrquill", limit: 10 });
    expect(ids(found).slice(0, 5).sort()).toEqual([...changed.map((p) => p.id), "new-1", "new-2"].sort());
    for (const r of found.slice(0, 5)) expect(r.reason).toBe("matches “zephyrquill”");
    for (const r of found.slice(5)) expect(r.reason).toBe("related to “zephyrquill”");
    expect((await rec.getProduct(changed[0]!.id))?.title).toBe(changed[0]!.title);
    const bad = await importCatalog({ store, recommender: rec, products: [{ id: "", title: "x" } as Product, { id: "ok-1", title: "Zephyrquill Mug" }] });
    expect(bad).toMatchObject({ failed: 1, added: 1 });
    expect(bad.errors[0]).toMatch(/products\[0\].*id/);
  });

  it("restarts from the store: same embedder, no refit, the saved vector index", async () => {
    const before = rec.describe();
    const restarted = createRecommender({ store, dataDir, progress: false });
    await restarted.load();
    expect(restarted.describe()).toMatchObject({
      products: before.products,
      vectors: before.vectors,
      vectorIndex: "saved",
      lexicalIndex: "saved",
      embedder: before.embedder,
    });
    const q = { text: "running shoes", filters: { priceMax: 100 }, limit: 5 };
    expect(ids(await via(restarted, store).search(q))).toEqual(ids(await via(rec, store).search(q)));
    expect(await restarted.findMentioned(catalog[200]!.title)).toEqual(await rec.findMentioned(catalog[200]!.title));
  });

  it("refits on request, keeping one set of vectors", async () => {
    const before = rec.describe().embedder!.id;
    const result = await importCatalog({ store, recommender: rec, products: [], refit: true });
    expect(result.refitted).toBe(true);
    const after = rec.describe().embedder!.id;
    expect((await store.catalogue.loadVectors(after)).size).toBe(rec.describe().products);
    if (after !== before) expect((await store.catalogue.loadVectors(before)).size).toBe(0);
    expect(existsSync(path.join(dataDir, "index"))).toBe(true);
  });
});

describe("products named as shoppers name them", () => {
  let dataDir: string;
  let store: Store;
  let rec: CatalogRecommender;
  const products: Product[] = [
    { id: "lp9-s", title: "Lumora Prism 9 Over-Ear Headphones, Silver", brand: "Lumora", category: "electronics", price: 179.99, stock: 3 },
    { id: "lp9-b", title: "Lumora Prism 9 Noise-Cancelling Over-Ear Headphones, Black", brand: "Lumora", category: "electronics", price: 129.99, stock: 3 },
    { id: "lp-l", title: "Lumora Prism Lightweight Over-Ear Headphones, Blue", brand: "Lumora", category: "electronics", price: 64.99, stock: 3 },
    { id: "qa", title: "Qinyin Arc Over-Ear Headphones, Blue", brand: "Qinyin", category: "electronics", price: 239.99, stock: 3 },
    { id: "qa7", title: "Qinyin Arc 7 Wireless Over-Ear Headphones, White", brand: "Qinyin", category: "electronics", price: 199.99, stock: 3 },
    { id: "kettle", title: "Saltmarsh Orchard Electric Kettle 1.5 L, Beige", brand: "Saltmarsh", category: "home", price: 28.99, stock: 3 },
  ];
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-named-"));
    store = createStore({ dataDir });
    await store.init();
    rec = createRecommender({ store, dataDir, progress: false });
    await importCatalog({ store, recommender: rec, products });
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("finds a product by brand and model, without the rest of its title", async () => {
    expect((await rec.findMentioned("is the Lumora Prism 9 good for running?", 2)).map((p) => p.id).sort()).toEqual(["lp9-b", "lp9-s"]);
    expect((await rec.findMentioned("how much is the Qinyin Arc?", 1)).map((p) => p.id)).toEqual(["qa"]);
    expect((await rec.findMentioned("how much is the Qinyin Arc 7?", 1)).map((p) => p.id)).toEqual(["qa7"]);
  });

  it("gives each name named its own product before a second of the same name", async () => {
    const two = await rec.findMentioned("compare the Lumora Prism 9 and the Qinyin Arc headphones", 2);
    expect(two.map((p) => p.id)).toHaveLength(2);
    expect(two[0]!.id).toMatch(/^lp9-/);
    expect(two[1]!.id).toBe("qa");
  });

  it("lists products added after the first catalogue as new arrivals, newest first", async () => {
    expect(await rec.newArrivals({ locale: "en" })).toEqual([]);
    await importCatalog({ store, recommender: rec, products: [{ id: "fresh-1", title: "Qinyin Arc 9 Studio Headphones, Black", brand: "Qinyin", category: "electronics", price: 299, stock: 2, locale: "en" }] });
    await importCatalog({ store, recommender: rec, products: [{ id: "fresh-2", title: "Saltmarsh Orchard Teapot, White", brand: "Saltmarsh", category: "home", price: 19, stock: 0, locale: "en" }] });
    const arrivals = await rec.newArrivals({ locale: "en" });
    // The teapot is out of stock: nothing to offer.
    expect(arrivals.map((r) => r.product.id)).toEqual(["fresh-1"]);
    expect(arrivals[0]).toMatchObject({ reason: "new in the shop", signal: "recency" });
    expect(await rec.newArrivals({ locale: "zh" })).toEqual([]);
  });

  it("does not take a brand alone, or a shorter name inside a longer one, for a product named", async () => {
    expect(await rec.findMentioned("do you sell lumora stuff?")).toEqual([]);
    expect((await rec.findMentioned("is the Lumora Prism 9 waterproof?", 5)).map((p) => p.id)).not.toContain("lp-l");
  });
});
