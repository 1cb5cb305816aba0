import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mulberry32 } from "../../recommend/demo/prng.ts";
import { recTune } from "../../recommend/eval/tune-cli.ts";
import { loadTuning } from "../../recommend/eval/tune-store.ts";
import { DEFAULT_RANKING } from "../../recommend/ranking/ranker.ts";
import { tune } from "../../recommend/eval/tune.ts";
import { createWorkbench } from "../../recommend/eval/workbench.ts";
import { timeOrder } from "../../recommend/eval/split.ts";
import type { Product, ShopperEvent } from "../../store/types.ts";
import { runCommand } from "../helpers/cli.ts";

const WORDS = ["lamp", "mug", "sock", "kettle", "chair", "scarf", "pen", "bowl", "rug", "vase", "clock", "towel"];

/**
 * A shop where one signal is clearly informative and the others are not: 300 products with random
 * titles (content says nothing), shoppers buy 6 products each drawn from a steep popularity curve
 * independently of each other (co-occurrence and the learned model only echo popularity).
 */
function popularityShop(seed: number): { products: Product[]; events: ShopperEvent[] } {
  const rnd = mulberry32(seed);
  const products: Product[] = Array.from({ length: 300 }, (_, i) => ({
    id: `p${i}`,
    title: `${WORDS[Math.floor(rnd() * WORDS.length)]} ${WORDS[Math.floor(rnd() * WORDS.length)]} ${i}`,
  })) as Product[];
  const weights = products.map((_, i) => 1 / (i + 1) ** 1.2);
  const total = weights.reduce((a, b) => a + b, 0);
  const draw = () => {
    let x = rnd() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]!;
      if (x <= 0) return i;
    }
    return weights.length - 1;
  };
  const events: ShopperEvent[] = [];
  const start = Date.UTC(2024, 0, 1);
  for (let u = 0; u < 400; u++) {
    const bought = new Set<number>();
    while (bought.size < 6) bought.add(draw());
    [...bought].forEach((i, n) => {
      events.push({ userId: `u${u}`, itemId: `p${i}`, type: "purchase", ts: start + (u * 7 + n * 977) * 3_600_000 });
    });
  }
  return { products, events };
}

describe("rec tune", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-rectune-"));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("puts the weight on the informative signals, and the result is never below any single signal or the default on validation", () => {
    const { products, events } = popularityShop(3);
    const wb = createWorkbench(products);
    const t = tune(
      wb,
      timeOrder(events.map((e, line) => ({ ...e, line }))),
      { base: DEFAULT_RANKING, lambdas: [20, 200] },
    );
    const v = t.validation.ndcg;
    expect(t.validation.users).toBe(400);
    for (const name of ["default", "content", "session", "collaborative", "model", "popularity", "recency", "blend"]) expect(v.tunedRelevanceOrder).toBeGreaterThanOrEqual(v[name]!);
    // Popularity carries the signal here; content (random titles) does not.
    expect(v.popularity).toBeGreaterThan(v.content! + 0.05);
    // The weight goes to what ranks popular items (popularity, or the models that learned it), not to content.
    expect(Math.max(t.weights.popularity, t.weights.model, t.weights.collaborative)).toBeGreaterThan(t.weights.content);
    expect(v.tuned).toBeGreaterThanOrEqual(v.default! - 1e-9);
    expect(t.ease?.lambda).toBeOneOf([20, 200]);
  });

  it("concierge rec tune --events --items stores the tuning in the data folder, where the recommender reads it", async () => {
    const { products, events } = popularityShop(4);
    const items = path.join(dir, "items.jsonl");
    const eventsFile = path.join(dir, "events.jsonl");
    await writeFile(items, `${JSON.stringify({ id: "bad" })}\n${products.map((p) => JSON.stringify(p)).join("\n")}`);
    await writeFile(eventsFile, `{nope\n${events.map((e) => JSON.stringify(e)).join("\n")}`);
    const dataDir = path.join(dir, "data");
    vi.stubEnv("CONCIERGE_DATA_DIR", dataDir);
    try {
      const { code, out, err } = await runCommand(recTune, ["--events", eventsFile, "--items", items, "--json"]);
      expect(code).toBe(0);
      expect(err).toMatch(/skipped 1 invalid item line/);
      expect(err).toMatch(/skipped 1 invalid event line/);
      const printed = JSON.parse(out);
      const stored = await loadTuning(dataDir);
      expect(stored).toEqual(printed);
      expect(JSON.parse(await readFile(path.join(dataDir, "rec-tuning.json"), "utf8")).weights).toEqual(printed.weights);
      expect((await runCommand(recTune, ["--events", eventsFile, "--items", items, "--strict"])).code).toBe(1);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
