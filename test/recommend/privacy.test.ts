import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowContext } from "../../dialogs/flow.ts";
import { deletionAnswers, privacyFlows } from "../../dialogs/flows/privacy.ts";
import { generateCatalog } from "../../recommend/demo/index.ts";
import { importCatalog } from "../../recommend/import.ts";
import { type CatalogRecommender, createRecommender } from "../../recommend/recommender.ts";
import { createStore } from "../../store/index.ts";
import type { Product, ShopperEvent, Store } from "../../store/types.ts";
import { via } from "../helpers/personal.ts";

/**
 * Privacy in the recommender, through the dialogs' own privacy flows on the real embedded store:
 * a shopper who stops personalisation gets what everybody gets, nothing they do afterwards is
 * stored or shapes a profile, and what they did before stops counting anywhere (co-occurrence,
 * popularity); deleting a shopper takes their events out of co-occurrence.
 */
describe("privacy in ranking", () => {
  let dataDir: string;
  let store: Store;
  let rec: CatalogRecommender;
  let catalog: Product[];

  const flow = (name: keyof typeof privacyFlows | "delete_confirmed", userId: string) =>
    (name === "delete_confirmed" ? deletionAnswers.yes : privacyFlows[name])({
      turn: { userId, conversationId: `c-${userId}`, text: "", locale: "en" },
      locale: "en",
      deps: { recommender: rec, shoppers: via(rec, store).shoppers, resultLimit: 5 },
      state: { awaitingPreferences: false, lastShown: [], touchedAt: Date.now() },
    } as unknown as FlowContext);
  const record = (userId: string, items: Product[], type: ShopperEvent["type"] = "purchase") =>
    via(rec, store).recordEvents(items.map((p, i) => ({ userId, itemId: p.id, type, ts: Date.now() - 3 * 86_400_000 + i })));

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-privacy-"));
    store = createStore({ dataDir });
    await store.init();
    catalog = generateCatalog({ count: 240, seed: 5 });
    rec = createRecommender({ store, dataDir, progress: false });
    await importCatalog({ store, recommender: rec, products: catalog });
  });

  afterAll(async () => {
    await store?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("after stop_personalisation: non-personalised results, no profile update, and their events count nowhere", async () => {
    const [shoe, book, gadget] = [catalog.find((p) => p.category === "shoes")!, catalog.find((p) => p.category === "books")!, catalog.find((p) => p.category === "electronics")!];
    // "leaver" and "stayer" bought the same pair; the leaver alone made the gadget the bestseller.
    await record("leaver", [shoe, book]);
    await record("stayer", [shoe, book]);
    for (let i = 0; i < 5; i++) await record("leaver", [gadget]);
    expect((await rec.popular({ limit: 1 }))[0]!.product.id).toBe(gadget.id);
    expect(rec.describe().cooccurrence.shoppers).toBe(2);
    const profileBefore = await store.shoppers.getProfile("leaver");
    expect(profileBefore).not.toBeNull();
    expect((await via(rec, store).recommend("leaver", { limit: 5 })).some((r) => r.signal !== "popularity" && r.signal !== "prior")).toBe(true);

    await flow("stop_personalisation", "leaver");
    expect((await store.shoppers.getShopper("leaver"))!.personalise).toBe(false);
    // Their part of co-occurrence is gone, and their old purchases no longer make the gadget popular.
    expect(rec.describe().cooccurrence.shoppers).toBe(1);
    expect((await rec.popular({ limit: 1 }))[0]!.product.id).not.toBe(gadget.id);
    // What everybody gets, even when they say what they want right now.
    expect(await via(rec, store).recommend("leaver", { limit: 5 })).toEqual(await rec.popular({ limit: 5 }));
    expect(await via(rec, store).recommend("leaver", { limit: 5, query: "running shoes" })).toEqual(await rec.popular({ limit: 5 }));

    // New events: not stored, no profile change, no co-occurrence, no popularity.
    const stored = (await store.shoppers.eventsForUser("leaver")).length;
    const other = catalog.find((p) => p.category === "toys")!;
    for (let i = 0; i < 5; i++) await record("leaver", [other, shoe]);
    await via(rec, store).seedPreferences("leaver", "toys and games");
    expect((await store.shoppers.eventsForUser("leaver")).length).toBe(stored);
    expect(Array.from((await store.shoppers.getProfile("leaver"))!)).toEqual(Array.from(profileBefore!));
    expect((await store.shoppers.getShopper("leaver"))!.preferences).toEqual([]);
    expect(rec.describe().cooccurrence.shoppers).toBe(1);
    expect((await rec.popular({ limit: 3 })).map((r) => r.product.id)).not.toContain(other.id);

    // A restart rebuilds co-occurrence from the store without them too.
    const restarted = createRecommender({ store, dataDir, progress: false });
    await restarted.load();
    expect(restarted.describe().cooccurrence.shoppers).toBe(1);
  });

  it("a confirmed deletion removes their events from co-occurrence counts", async () => {
    const [tent, stove] = [catalog.filter((p) => p.category === "outdoor")[0]!, catalog.filter((p) => p.category === "outdoor")[1]!];
    await record("camper-1", [tent, stove]);
    await record("camper-2", [tent, stove]);
    await record("newcomer", [tent]);
    const alsoBought = async () => (await via(rec, store).recommend("newcomer", { limit: 10 })).filter((r) => r.reason === `shoppers who bought ${tent.title} also bought this`);
    expect((await alsoBought()).map((r) => r.product.id)).toEqual([stove.id]);
    const shoppers = rec.describe().cooccurrence.shoppers;

    // What the confirmed deletion does (the engine asks first: test/e2e).
    await flow("delete_confirmed", "camper-1");
    expect(await store.shoppers.eventsForUser("camper-1")).toEqual([]);
    expect(rec.describe().cooccurrence.shoppers).toBe(shoppers - 1);
    // One co-buyer left: below the two shoppers a pair needs before anyone is shown it.
    expect(await alsoBought()).toEqual([]);
    const restarted = createRecommender({ store, dataDir, progress: false });
    await restarted.load();
    expect(restarted.describe().cooccurrence.shoppers).toBe(shoppers - 1);
  });
});
