import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadRecommender } from "../../bot/bootstrap/recommender.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { DEFAULT_RANKING } from "../../recommend/index.ts";
import { generateCatalog } from "../../recommend/demo/index.ts";
import { createStore } from "../../store/index.ts";

/** The ranking knobs are typed environment variables, and the service's recommender runs with them. */
describe("ranking configuration", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("defaults to the documented ranking", () => {
    const r = loadConfig({}).recommend!;
    expect(r.weights).toEqual(DEFAULT_RANKING.weights);
    expect(r).toMatchObject({
      mmrLambda: DEFAULT_RANKING.mmrLambda,
      brandCap: DEFAULT_RANKING.brandCap,
      sessionMinutes: DEFAULT_RANKING.sessionMinutes,
      newHalfLifeDays: DEFAULT_RANKING.newHalfLifeDays,
      contentShrink: DEFAULT_RANKING.contentShrink,
      cooccurrence: { minSupport: 2, window: 100 },
      popularityWindowDays: 30,
    });
  });

  it("names the bad variable", () => {
    expect(() => loadConfig({ CONCIERGE_REC_MMR_LAMBDA: "1.5" })).toThrow(/CONCIERGE_REC_MMR_LAMBDA/);
    expect(() => loadConfig({ CONCIERGE_REC_BRAND_CAP: "0" })).toThrow(/CONCIERGE_REC_BRAND_CAP/);
    expect(() => loadConfig({ CONCIERGE_REC_COOCCURRENCE_MIN_SUPPORT: "1.5" })).toThrow(/CONCIERGE_REC_COOCCURRENCE_MIN_SUPPORT/);
    expect(() => loadConfig({ CONCIERGE_REC_WEIGHT_SESSION: "-1" })).toThrow(/CONCIERGE_REC_WEIGHT_SESSION/);
  });

  it("reaches the recommender the service builds", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-rec-config-"));
    dirs.push(dataDir);
    const catalog = path.join(dataDir, "catalog.jsonl");
    writeFileSync(catalog, `${generateCatalog({ count: 60, seed: 3 }).map((p) => JSON.stringify(p)).join("\n")}\n`);
    const config = loadConfig({
      CONCIERGE_DATA_DIR: dataDir,
      CONCIERGE_CATALOG: catalog,
      CONCIERGE_EMBEDDING_MODEL: "none",
      PROFILE_HALF_LIFE_DAYS: "12",
      CONCIERGE_REC_MMR_LAMBDA: "0.6",
      CONCIERGE_REC_BRAND_CAP: "0.3",
      CONCIERGE_REC_WEIGHT_COLLABORATIVE: "1.5",
      CONCIERGE_REC_SESSION_MINUTES: "20",
      CONCIERGE_REC_COOCCURRENCE_MIN_SUPPORT: "3",
      CONCIERGE_REC_COOCCURRENCE_WINDOW: "50",
      CONCIERGE_REC_POPULARITY_WINDOW_DAYS: "7",
    });
    const store = createStore({ dataDir });
    await store.init();
    try {
      const loaded = await loadRecommender({ config, store, logger: createLogger("silent") });
      const d = loaded.recommender.describe();
      expect(d.products).toBe(60);
      expect(d.ranking).toMatchObject({ mmrLambda: 0.6, brandCap: 0.3, sessionMinutes: 20, halfLifeDays: 12 });
      expect(d.ranking.weights).toEqual({ ...DEFAULT_RANKING.weights, collaborative: 1.5 });
      expect(d.cooccurrence).toMatchObject({ minSupport: 3, window: 50 });
      expect(d.popularityWindowDays).toBe(7);
      await loaded.close();
    } finally {
      await store.close();
    }
  });
});
