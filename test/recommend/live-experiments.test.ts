import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCatalog } from "../../recommend/demo/index.ts";
import { assignVariant, Experiments } from "../../recommend/experiments/index.ts";
import { importCatalog } from "../../recommend/import.ts";
import { DEFAULT_RANKING } from "../../recommend/ranking/ranker.ts";
import { isRankingStrategy, STRATEGY_HELP, strategyConfig } from "../../recommend/ranking/strategies.ts";
import { type CatalogRecommender, createRecommender } from "../../recommend/recommender.ts";
import { createStore } from "../../store/index.ts";
import type { Experiment, Product, ShopperEvent, Store } from "../../store/types.ts";
import { via } from "../helpers/personal.ts";

/**
 * A/B experiments applied to live ranking, end to end through the recommender on the real store:
 * the variant a shopper is assigned to decides the ranking they are served (the same lists as a
 * recommender configured with that strategy), every list shown records an exposure, and views,
 * carts and purchases of shown items are credited to the variant in the unchanged report.
 */
describe("experiments on live ranking", () => {
  let dataDir: string;
  let store: Store;
  let rec: CatalogRecommender;
  let experiments: Experiments;
  let experiment: Experiment;
  let catalog: Product[];
  const byVariant = new Map<string, string[]>();
  const history = (userId: string): ShopperEvent[] => {
    const shoes = catalog.filter((p) => p.category === "shoes");
    const now = Date.now();
    return [
      { userId, itemId: shoes[1]!.id, type: "view", ts: now - 5 * 86_400_000 },
      { userId, itemId: shoes[2]!.id, type: "cart", ts: now - 4 * 86_400_000 },
      { userId, itemId: catalog.find((p) => p.category === "books")!.id, type: "view", ts: now - 3 * 86_400_000 },
    ];
  };
  const ids = (r: { product: Product }[]) => r.map((x) => x.product.id);
  const tally = async (variant: string, type: string) => (await store.experiments.experimentTallies(experiment.id)).find((t) => t.variant === variant && t.type === type);

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-live-ab-"));
    store = createStore({ dataDir });
    await store.init();
    catalog = generateCatalog({ count: 240, seed: 21 });
    rec = createRecommender({ store, dataDir, progress: false });
    await importCatalog({ store, recommender: rec, products: catalog });
    // Some shop-wide activity so popularity and co-occurrence have something to say.
    const crowd: ShopperEvent[] = [];
    for (let u = 0; u < 30; u++) for (let i = 0; i < 4; i++) crowd.push({ userId: `crowd-${u}`, itemId: catalog[(u * 7 + i * 13) % 60]!.id, type: i % 2 ? "view" : "purchase", ts: Date.now() - (i + 1) * 86_400_000 });
    await via(rec, store).recordEvents(crowd);
    experiments = new Experiments({ store, rankingStrategies: isRankingStrategy, strategyHelp: STRATEGY_HELP });
    rec.useExperiments(experiments);
    experiment = await experiments.create({
      id: "ranking-ab",
      name: "Ranking: default vs popularity vs content",
      variants: [{ name: "control" }, { name: "popular", config: { ranking: "popularity" } }, { name: "content", config: { ranking: "content" } }],
    });
    for (let i = 0; i < 60; i++) {
      const v = assignVariant(experiment, `ab-${i}`).name;
      byVariant.set(v, [...(byVariant.get(v) ?? []), `ab-${i}`]);
    }
    for (const users of byVariant.values()) for (const u of users.slice(0, 2)) await via(rec, store).recordEvents(history(u));
  });

  afterAll(async () => {
    await store?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses a variant naming an unknown strategy, and accepts knob values", async () => {
    await expect(experiments.create({ name: "bad", variants: [{ name: "a" }, { name: "b", config: { ranking: "magic" } }] })).rejects.toThrow(
      /variants\.1\.config\.ranking: unknown ranking strategy "magic"; expected one of .*mmr-NN/,
    );
    expect(isRankingStrategy("mmr-70")).toBe(true);
    expect(strategyConfig(DEFAULT_RANKING, "mmr-70")!.mmrLambda).toBe(0.7);
    expect(strategyConfig(DEFAULT_RANKING, "brandcap-30")!.brandCap).toBe(0.3);
    expect(isRankingStrategy("mmr-170")).toBe(false);
  });

  it("serves each shopper the ranking of their variant, and the variants differ", async () => {
    const lists = new Map<string, string[]>();
    for (const [variant, strategy] of [
      ["control", "default"],
      ["popular", "popularity"],
      ["content", "content"],
    ] as const) {
      const user = byVariant.get(variant)![0]!;
      const live = ids(await via(rec, store).recommend(user, { limit: 8 }));
      const reference = createRecommender({ store, dataDir, progress: false, ranking: strategyConfig(DEFAULT_RANKING, strategy)! });
      expect(live).toEqual(ids(await via(reference, store).recommend(user, { limit: 8 })));
      lists.set(variant, live);
    }
    expect(lists.get("popular")).not.toEqual(lists.get("control"));
    expect(lists.get("content")).not.toEqual(lists.get("popular"));
  });

  it("records an exposure per list shown, and credits views, carts and purchases of shown items to the variant", async () => {
    const user = byVariant.get("popular")![1]!;
    const before = (await tally("popular", "exposure"))?.events ?? 0;
    const shown = ids(await via(rec, store).recommend(user, { limit: 5 }));
    expect((await tally("popular", "exposure"))!.events).toBe(before + 1);
    const notShown = catalog.find((p) => !shown.includes(p.id) && p.category === "toys")!;
    const now = Date.now();
    await via(rec, store).recordEvents([
      { userId: user, itemId: shown[0]!, type: "view", ts: now },
      { userId: user, itemId: shown[0]!, type: "purchase", ts: now + 1 },
      { userId: user, itemId: shown[1]!, type: "cart", ts: now + 2 },
      { userId: user, itemId: notShown.id, type: "view", ts: now + 3 },
    ]);
    expect(await tally("popular", "click")).toMatchObject({ events: 1, users: 1, exposedUsers: 1 });
    expect(await tally("popular", "cart")).toMatchObject({ events: 1, exposedUsers: 1 });
    expect(await tally("popular", "purchase")).toMatchObject({ events: 1, exposedUsers: 1 });
    expect(await tally("content", "click")).toBeUndefined();

    const report = await experiments.report(experiment.id);
    const popular = report.variants.find((v) => v.name === "popular")!;
    expect(popular.exposures).toBeGreaterThanOrEqual(2);
    expect(popular.metrics.click.conversions).toBe(1);
    expect(popular.metrics.purchase.conversions).toBe(1);
  });

  it("leaves shoppers who opted out out of the experiment", async () => {
    const user = byVariant.get("content")![2]!;
    const now = Date.now();
    await store.shoppers.upsertShopper({ userId: user, preferences: [], personalise: false, createdAt: now, updatedAt: now });
    const before = await store.experiments.experimentTallies(experiment.id);
    expect(ids(await via(rec, store).recommend(user, { limit: 5 }))).toEqual(ids(await rec.popular({ limit: 5 })));
    expect(await store.experiments.experimentTallies(experiment.id)).toEqual(before);
  });

  it("serves the default ranking again once the experiment stops, and records nothing more", async () => {
    const user = byVariant.get("content")![0]!;
    await experiments.stop(experiment.id);
    const before = await store.experiments.experimentTallies(experiment.id);
    const reference = createRecommender({ store, dataDir, progress: false });
    expect(ids(await via(rec, store).recommend(user, { limit: 8 }))).toEqual(ids(await via(reference, store).recommend(user, { limit: 8 })));
    expect(await store.experiments.experimentTallies(experiment.id)).toEqual(before);
  });
});
