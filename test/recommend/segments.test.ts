import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildFeatures,
  categoryLabel,
  characterOf,
  clusterShoppers,
  fromRows,
  kmeans,
  nameSegments,
  project,
  rfmOf,
  type SegmentStats,
  Segments,
  segmentShoppers,
  silhouette,
  standardiseRfm,
} from "../../recommend/segments/index.ts";
import { gaussian, seededRandom } from "../../recommend/segments/random.ts";
import { createStore, type Product, type ShopperEvent, type Store } from "../../store/index.ts";

const DAY = 86_400_000;

/** Adjusted Rand index (Hubert & Arabie 1985): 1 for identical partitions, ~0 for chance. */
function adjustedRand(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    table.set(`${a[i]}:${b[i]}`, (table.get(`${a[i]}:${b[i]}`) ?? 0) + 1);
    rows.set(a[i]!, (rows.get(a[i]!) ?? 0) + 1);
    cols.set(b[i]!, (cols.get(b[i]!) ?? 0) + 1);
  }
  const c2 = (x: number) => (x * (x - 1)) / 2;
  const index = [...table.values()].reduce((s, x) => s + c2(x), 0);
  const sa = [...rows.values()].reduce((s, x) => s + c2(x), 0);
  const sb = [...cols.values()].reduce((s, x) => s + c2(x), 0);
  const expected = (sa * sb) / c2(n);
  return (index - expected) / ((sa + sb) / 2 - expected);
}

/** Accuracy under the best one-to-one matching of found clusters to true ones (k small: try every permutation). */
function matchedAccuracy(truth: ArrayLike<number>, found: ArrayLike<number>, k: number): number {
  const perms = (xs: number[]): number[][] => (xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p])));
  let best = 0;
  for (const p of perms([...Array(k).keys()])) {
    let hits = 0;
    for (let i = 0; i < truth.length; i++) if (p[found[i]!] === truth[i]) hits++;
    best = Math.max(best, hits / truth.length);
  }
  return best;
}

/** n points around each of the centres, with a given spread. */
function blobs(centres: number[][], n: number, spread: number, seed: number): { rows: number[][]; truth: number[] } {
  const random = seededRandom(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  centres.forEach((c, label) => {
    for (let i = 0; i < n; i++) {
      rows.push(c.map((x) => x + spread * gaussian(random)));
      truth.push(label);
    }
  });
  return { rows, truth };
}

describe("k-means", () => {
  const centres = [
    [0, 0, 0, 0, 0],
    [6, 0, 0, 3, 0],
    [0, 6, 0, 0, -3],
    [-5, -5, 5, 0, 0],
  ];

  it("recovers well-separated synthetic clusters", () => {
    const { rows, truth } = blobs(centres, 150, 1, 7);
    const result = kmeans(fromRows(rows), { k: 4, seed: 3 });
    expect(adjustedRand(truth, result.labels)).toBeGreaterThan(0.97);
    expect(matchedAccuracy(truth, result.labels, 4)).toBeGreaterThan(0.99);
    // Each found centroid lies near a true centre.
    for (let c = 0; c < 4; c++) {
      const centroid = Array.from(result.centroids.data.subarray(c * 5, c * 5 + 5));
      const nearest = Math.min(...centres.map((t) => Math.hypot(...t.map((x, j) => x - centroid[j]!))));
      expect(nearest).toBeLessThan(0.3);
    }
  });

  it("is deterministic for a seed, and restarts never make it worse", () => {
    const { rows } = blobs(centres, 60, 2.5, 11);
    const m = fromRows(rows);
    const a = kmeans(m, { k: 4, seed: 5 });
    const b = kmeans(m, { k: 4, seed: 5 });
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(a.inertia).toBe(b.inertia);
    const single = kmeans(m, { k: 4, seed: 5, restarts: 1 });
    expect(kmeans(m, { k: 4, seed: 5, restarts: 10 }).inertia).toBeLessThanOrEqual(single.inertia + 1e-9);
  });

  it("computes the inertia it reports and keeps every cluster non-empty", () => {
    const { rows } = blobs([[0, 0], [10, 10]], 20, 0.5, 2);
    rows.push([100, 100]); // an outlier that k=3 must give a cluster of its own
    const result = kmeans(fromRows(rows), { k: 3, seed: 1 });
    const sizes = [0, 0, 0];
    for (const l of result.labels) sizes[l]!++;
    expect(sizes.every((s) => s > 0)).toBe(true);
    expect(sizes).toContain(1);
    let inertia = 0;
    rows.forEach((r, i) => {
      const c = result.labels[i]!;
      inertia += r.reduce((s, x, j) => s + (x - result.centroids.data[c * 2 + j]!) ** 2, 0);
    });
    expect(result.inertia).toBeCloseTo(inertia, 6);
  });

  it("chooses k by silhouette, and the silhouette matches a hand-computed case", async () => {
    const { rows, truth } = blobs(centres, 80, 0.8, 5);
    const clustering = await clusterShoppers(fromRows(rows), { seed: 2 });
    expect(clustering.chosenBy).toBe("silhouette");
    expect(clustering.result.k).toBe(4);
    expect(clustering.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(adjustedRand(truth, clustering.result.labels)).toBeGreaterThan(0.97);

    // Points 0, 1 | 4, 6 on a line: a(0)=1, b(0)=5 → 0.8; a(1)=1, b(1)=4 → 0.75; a(4)=2, b(4)=3.5 → 0.4286; a(6)=2, b(6)=5.5 → 0.6364.
    const s = silhouette(fromRows([[0], [1], [4], [6]]), Int32Array.from([0, 0, 1, 1]), 2);
    expect(s).toBeCloseTo((0.8 + 0.75 + 1.5 / 3.5 + 3.5 / 5.5) / 4, 10);
  });

  it("makes one segment of too few shoppers and honours a fixed k", async () => {
    expect((await clusterShoppers(fromRows([[0], [1], [2]]))).chosenBy).toBe("too-few-shoppers");
    const fixed = await clusterShoppers(fromRows(blobs(centres, 10, 1, 1).rows), { k: 2 });
    expect(fixed).toMatchObject({ chosenBy: "fixed", candidates: [] });
    expect(fixed.result.k).toBe(2);
  });
});

describe("features", () => {
  it("PCA keeps the variance of low-rank data in as many components as its rank", () => {
    const random = seededRandom(4);
    const basis = Array.from({ length: 3 }, () => Array.from({ length: 40 }, () => gaussian(random)));
    const rows = Array.from({ length: 200 }, () => {
      const w = [gaussian(random), gaussian(random), gaussian(random)];
      return basis[0]!.map((_, j) => w[0]! * basis[0]![j]! + w[1]! * basis[1]![j]! + w[2]! * basis[2]![j]!);
    });
    const p = project(fromRows(rows), 3);
    expect(p.projected.cols).toBe(3);
    expect(p.keptVariance / p.totalVariance).toBeGreaterThan(0.999);
    // Distances survive the projection.
    const d = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.hypot(...Array.from(a, (x, j) => x - b[j]!));
    expect(d(p.projected.data.subarray(0, 3), p.projected.data.subarray(3, 6))).toBeCloseTo(d(rows[0]!, rows[1]!), 3);
  });

  it("weighs the RFM block against the profile block, and places a shopper without a profile by RFM alone", () => {
    const random = seededRandom(8);
    const profiles = Array.from({ length: 60 }, (_, i) => (i === 7 ? null : Float32Array.from({ length: 24 }, () => gaussian(random))));
    const rfm = Array.from({ length: 60 }, () => ({ recencyDays: random() * 90, frequency: 1 + Math.floor(random() * 9), monetary: random() * 300, purchases: 1 }));
    for (const weight of [0.5, 2]) {
      const f = buildFeatures(profiles, rfm, { rfmWeight: weight, components: 6 });
      expect(f.profileColumns).toBe(6);
      const variance = (from: number, to: number) => {
        let v = 0;
        for (let c = from; c < to; c++) {
          let mean = 0;
          for (let i = 0; i < 60; i++) mean += f.matrix.data[i * f.matrix.cols + c]! / 60;
          for (let i = 0; i < 60; i++) v += (f.matrix.data[i * f.matrix.cols + c]! - mean) ** 2 / 60;
        }
        return v;
      };
      expect(variance(6, 9) / variance(0, 6)).toBeCloseTo(weight, 6);
      // The missing profile is the population mean: the origin of the centred profile block.
      for (let c = 0; c < 6; c++) expect(Math.abs(f.matrix.data[7 * f.matrix.cols + c]!)).toBeLessThan(1e-9);
    }
  });

  it("computes RFM by hand", () => {
    const asOf = Date.UTC(2025, 5, 30, 12);
    const events: ShopperEvent[] = [
      { userId: "u", itemId: "a", type: "view", ts: Date.UTC(2025, 5, 1, 9) },
      { userId: "u", itemId: "a", type: "purchase", ts: Date.UTC(2025, 5, 1, 10) },
      { userId: "u", itemId: "b", type: "purchase", ts: Date.UTC(2025, 5, 20, 12) },
      { userId: "u", itemId: "gone", type: "purchase", ts: Date.UTC(2025, 5, 20, 13) },
      { userId: "u", itemId: "b", type: "cart", ts: Date.UTC(2025, 5, 25, 12) },
    ];
    const prices: Record<string, number> = { a: 20, b: 12.5 };
    expect(rfmOf(events, (id) => prices[id], asOf)).toEqual({ recencyDays: 5, frequency: 3, monetary: 32.5, purchases: 3 });
    expect(rfmOf([], () => 1, asOf)).toEqual({ recencyDays: 0, frequency: 0, monetary: 0, purchases: 0 });
  });

  it("standardises log RFM to mean 0 and deviation 1, a constant column to zeros", () => {
    const z = standardiseRfm([
      { recencyDays: 0, frequency: 1, monetary: 5, purchases: 1 },
      { recencyDays: Math.E - 1, frequency: 1, monetary: 5, purchases: 1 },
    ]);
    // log1p recency: 0 and 1 → mean 0.5, std 0.5 → −1, +1.
    expect(Array.from(z.values)).toEqual([-1, 0, 0, 1, 0, 0]);
    expect(z.means[0]).toBeCloseTo(0.5, 12);
    expect(z.stds).toEqual([0.5, 0, 0]);
  });
});

describe("naming", () => {
  const population = { recencyDays: 10, frequency: 2, monetary: 40 };
  const stats = (over: Partial<SegmentStats>): SegmentStats => ({
    size: 10,
    topCategories: [{ name: "running", share: 0.8 }],
    topBrands: [{ name: "Stride", share: 0.5 }],
    recencyDays: 10,
    frequency: 2,
    monetary: 40,
    buyerShare: 0.2,
    ...over,
  });

  it("applies the RFM rules in order", () => {
    expect(characterOf({ recencyDays: 45, frequency: 9, monetary: 500 }, population)).toBe("lapsed");
    expect(characterOf({ recencyDays: 25, frequency: 9, monetary: 0 }, population)).toBe("frequent"); // 25 < 30-day floor
    expect(characterOf({ recencyDays: 5, frequency: 2, monetary: 80 }, population)).toBe("high-value");
    expect(characterOf({ recencyDays: 3, frequency: 1, monetary: 0 }, population)).toBe("new");
    expect(characterOf({ recencyDays: 10, frequency: 2, monetary: 40 }, population)).toBe("occasional");
  });

  it("names by RFM word, top category and buyers/browsers, and keeps names unique", () => {
    const names = nameSegments(
      [
        stats({ frequency: 6, buyerShare: 0.9 }),
        stats({ recencyDays: 90, topCategories: [{ name: "beauty", share: 0.7 }] }),
        stats({ topCategories: [{ name: "Sports > outdoor gear", share: 0.5 }, { name: "shoes", share: 0.4 }] }),
        stats({ topBrands: [{ name: "Aero", share: 0.6 }] }),
        stats({}),
        stats({ topCategories: [] }),
      ],
      population,
    );
    expect(names).toEqual([
      "Frequent Running buyers",
      "Lapsed Beauty browsers",
      "Occasional Outdoor Gear & Shoes browsers",
      "Occasional Running browsers (Aero)",
      "Occasional Running browsers (Stride)",
      "Occasional browsers",
    ]);
    expect(categoryLabel("home & garden")).toBe("Home & Garden");
  });
});

describe("segmenting a shop's shoppers", () => {
  let dir: string;
  let store: Store;
  const model = "test-embedder";
  const now = Date.now();
  const categories = ["running", "beauty", "electronics"];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-segments-"));
    store = createStore({ dataDir: dir });
    await store.init();
    const random = seededRandom(9);
    const products: Product[] = [];
    const vectors: { id: string; vector: Float32Array }[] = [];
    categories.forEach((category, c) => {
      for (let i = 0; i < 20; i++) {
        const id = `${category}-${i}`;
        products.push({ id, title: `${category} item ${i}`, category, brand: `${category}-brand-${i % 2}`, price: 10 + c * 10 + i });
        // Each category points its own way in an 8-d space, with some spread.
        const v = Float32Array.from({ length: 8 }, (_, j) => (j === c ? 1 : 0) + 0.15 * gaussian(random));
        const norm = Math.hypot(...v);
        vectors.push({ id, vector: v.map((x) => x / norm) });
      }
    });
    await store.catalogue.upsertProducts(products.map((product) => ({ product, hash: product.id })));
    await store.catalogue.saveVectors(model, vectors);

    const events: ShopperEvent[] = [];
    const pick = (category: string) => `${category}-${Math.floor(random() * 20)}`;
    // 40 frequent running buyers: active on 6-10 recent days, buying.
    for (let u = 0; u < 40; u++) {
      const days = 6 + Math.floor(random() * 5);
      for (let d = 0; d < days; d++) {
        const ts = now - (1 + d * 2) * DAY - Math.floor(random() * DAY);
        events.push({ userId: `runner-${u}`, itemId: pick("running"), type: "view", ts });
        events.push({ userId: `runner-${u}`, itemId: pick("running"), type: d % 2 ? "view" : "purchase", ts: ts + 1000 });
      }
    }
    // 40 lapsed beauty browsers: one or two visits 90-150 days ago, views only.
    for (let u = 0; u < 40; u++) {
      const ts = now - (90 + Math.floor(random() * 60)) * DAY;
      events.push({ userId: `lapsed-${u}`, itemId: pick("beauty"), type: "view", ts });
      if (u % 2) events.push({ userId: `lapsed-${u}`, itemId: pick("beauty"), type: "view", ts: ts - 3 * DAY });
    }
    // 30 new electronics browsers, seen once this week.
    for (let u = 0; u < 30; u++) {
      const ts = now - Math.floor(random() * 5 * DAY);
      events.push({ userId: `new-${u}`, itemId: pick("electronics"), type: "view", ts });
      events.push({ userId: `new-${u}`, itemId: pick("electronics"), type: "cart", ts: ts + 60_000 });
    }
    // Someone who opted out is never segmented.
    events.push({ userId: "private", itemId: "running-1", type: "purchase", ts: now - DAY });
    await store.shoppers.addEvents(events);
    await store.shoppers.upsertShopper({ userId: "private", preferences: [], personalise: false, createdAt: 1, updatedAt: 1 });
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("finds the three groups, names them, and answers each shopper's segment", async () => {
    const segments = new Segments({ store, embedderId: () => model });
    const phases = new Set<string>();
    const result = await segments.run({ seed: 1 }, (p) => phases.add(p.phase));
    expect(phases).toEqual(new Set(["reading", "clustering"]));
    expect(result.shoppers).toBe(110);
    expect(result.optedOut).toBe(1);
    expect(result.k).toBe(3);
    expect(result.chosenBy).toBe("silhouette");
    expect(result.embedderId).toBe(model);
    expect(result.segments.map((s) => s.size)).toEqual([40, 40, 30]);
    const byName = Object.fromEntries(result.segments.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(["Frequent Running buyers", "Lapsed Beauty browsers", "New Electronics browsers"]);
    expect(byName["Frequent Running buyers"]!.topCategories[0]).toEqual({ name: "running", share: 1 });
    expect(byName["Frequent Running buyers"]!.buyerShare).toBe(1);
    expect(byName["Lapsed Beauty browsers"]!.centroid.recency).toBeGreaterThan(1);
    expect(byName["Frequent Running buyers"]!.topItems[0]!.id).toMatch(/^running-/);

    const runner = await segments.segmentOf("runner-7");
    expect(runner).toEqual({ runId: result.id, id: byName["Frequent Running buyers"]!.id, name: "Frequent Running buyers" });
    expect((await segments.segmentOf("lapsed-3"))?.name).toBe("Lapsed Beauty browsers");
    expect(await segments.segmentOf("private")).toBeNull();
    expect(await segments.segmentOf("stranger")).toBeNull();

    const page = await segments.shoppers(byName["New Electronics browsers"]!.id, { limit: 5, offset: 0 });
    expect(page.total).toBe(30);
    expect(page.userIds).toHaveLength(5);
    expect(page.userIds.every((u) => u.startsWith("new-"))).toBe(true);
    await expect(segments.shoppers(7)).rejects.toThrow(/no segment 7/);
    await expect(segments.shoppers(0, { limit: 0 })).rejects.toThrow(/limit/);

    // Another process reads the same segmentation from the store.
    const elsewhere = new Segments({ store, embedderId: () => model });
    expect((await elsewhere.latest())?.id).toBe(result.id);
  });

  it("refuses a second run while one is going, and a new run replaces the old", async () => {
    const segments = new Segments({ store, embedderId: () => model });
    const first = segments.run({ k: 2 });
    await expect(segments.run({ k: 2 })).rejects.toMatchObject({ status: 409 });
    const two = await first;
    expect(two.k).toBe(2);
    expect(two.chosenBy).toBe("fixed");
    expect((await store.segments.latestSegmentation())?.id).toBe(two.id);
    expect((await segments.segmentOf("runner-1"))?.runId).toBe(two.id);
    await expect(segments.run({ k: 0 })).rejects.toThrow(/k: /);
    await expect(segments.run({ colour: "red" } as never)).rejects.toThrow(/colour/);
  });

  it("segments on RFM alone when there are no product vectors", async () => {
    const result = await segmentShoppers({ store, embedderId: null }, { k: 3, asOf: now });
    expect(result.embedderId).toBeNull();
    expect(result.features.profileColumns).toBe(0);
    // RFM alone still separates lapsed browsers from the recent groups.
    const lapsed = result.segments.find((s) => s.character === "lapsed");
    expect(lapsed?.topCategories[0]?.name).toBe("beauty");
  });
});
