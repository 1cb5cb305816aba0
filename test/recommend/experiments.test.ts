import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assignVariant,
  bucketOf,
  buildReport,
  chiSquarePValue,
  type Experiment,
  Experiments,
  normalCdf,
  normalQuantile,
  sampleRatioTest,
  sampleSizePerGroup,
  twoProportionZTest,
  wilsonInterval,
} from "../../recommend/experiments/index.ts";
import { parseVariantSpec } from "../../recommend/experiments/cli.ts";
import { createStore, type ExperimentTally, type Store } from "../../store/index.ts";

describe("statistics", () => {
  it("Wilson intervals match Newcombe (1998), Table I", () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, low, high] of cases) {
      const ci = wilsonInterval(x, n);
      expect(ci.low).toBeCloseTo(low, 4);
      expect(ci.high).toBeCloseTo(high, 4);
    }
    expect(wilsonInterval(29, 29).high).toBe(1);
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });

  it("two-proportion z-test on a hand-computed case", () => {
    // 30/200 vs 50/200: pooled 0.2, se = √(0.2·0.8·(2/200)) = 0.04, z = 0.10 / 0.04 = 2.5,
    // p = 2·(1 − Φ(2.5)) = 0.0124193.
    const t = twoProportionZTest(30, 200, 50, 200);
    expect(t.z).toBeCloseTo(2.5, 12);
    expect(t.pValue).toBeCloseTo(0.0124193, 6);
    expect(twoProportionZTest(50, 200, 30, 200).z).toBeCloseTo(-2.5, 12);
    expect(twoProportionZTest(0, 100, 0, 100)).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest(1, 0, 1, 10)).toEqual({ z: 0, pValue: 1 });
  });

  it("normal CDF and quantile, chi-square tails, sample sizes", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 6);
    // Tabulated critical values: χ²(1) 3.841, χ²(2) 5.991 at 0.05; χ²(3) 11.345 at 0.01.
    expect(chiSquarePValue(3.841459, 1)).toBeCloseTo(0.05, 6);
    expect(chiSquarePValue(5.991465, 2)).toBeCloseTo(0.05, 6);
    expect(chiSquarePValue(11.344867, 3)).toBeCloseTo(0.01, 6);
    // 10% vs 12% at α 0.05, power 0.8: (1.96·√(2·0.11·0.89) + 0.8416·√(0.09 + 0.1056))² / 0.02² = 3840.9.
    expect(sampleSizePerGroup(0.1, 0.12)).toBe(3841);
    expect(sampleSizePerGroup(0.1, 0.1)).toBe(Number.POSITIVE_INFINITY);
    // 5,100 / 4,900 on 1:1: χ² = 2·100²/5000 = 4, p = 0.0455.
    const srm = sampleRatioTest([5100, 4900], [1, 1]);
    expect(srm.chiSquare).toBeCloseTo(4, 12);
    expect(srm.pValue).toBeCloseTo(0.0455, 4);
  });
});

describe("assignment", () => {
  const experiment = (id: string, weights: number[]): Pick<Experiment, "id" | "variants"> => ({
    id,
    variants: weights.map((weight, i) => ({ name: `v${i}`, weight, config: {} })),
  });
  const ids = Array.from({ length: 10_000 }, (_, i) => `shopper-${i}`);

  it("hashes (experiment id, shopper id) with SHA-256, stable across versions", () => {
    const independent = (e: string, u: string) => Number.parseInt(createHash("sha256").update(`${e}\u0000${u}`).digest("hex").slice(0, 13), 16) / 2 ** 52;
    expect(bucketOf("exp-1", "user-1")).toBe(independent("exp-1", "user-1"));
    // Pinned: if this changes, every running experiment would reshuffle its shoppers.
    expect(bucketOf("exp-1", "user-1")).toBeCloseTo(0.7847342603047023, 15);
    expect(bucketOf("ab", "c")).not.toBe(bucketOf("a", "bc"));
  });

  it("is deterministic and splits 10k shoppers by the weights", () => {
    for (const weights of [
      [1, 1],
      [1, 2, 7],
      [0.5, 0.25, 0.25],
    ]) {
      const e = experiment("split-test", weights);
      const counts = new Map<string, number>();
      for (const id of ids) {
        const v = assignVariant(e, id).name;
        expect(assignVariant(e, id).name).toBe(v);
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const total = weights.reduce((s, w) => s + w, 0);
      weights.forEach((w, i) => {
        const p = w / total;
        const sd = Math.sqrt(ids.length * p * (1 - p));
        expect(Math.abs((counts.get(`v${i}`) ?? 0) - ids.length * p)).toBeLessThan(4 * sd);
      });
      // The same check the report runs: no sample ratio mismatch.
      expect(sampleRatioTest(weights.map((_, i) => counts.get(`v${i}`) ?? 0), weights).pValue).toBeGreaterThan(0.001);
    }
  });

  it("assigns independently across experiments", () => {
    const a = experiment("exp-a", [1, 1]);
    const b = experiment("exp-b", [1, 1]);
    let both = 0;
    for (const id of ids) if (assignVariant(a, id).name === "v1" && assignVariant(b, id).name === "v1") both++;
    expect(Math.abs(both - 2500)).toBeLessThan(4 * Math.sqrt(10_000 * 0.25 * 0.75));
  });
});

describe("report", () => {
  const base: Experiment = {
    id: "rank-1",
    name: "Blend vs default",
    variants: [
      { name: "A", weight: 1, config: {} },
      { name: "B", weight: 1, config: { ranking: "blend" } },
    ],
    primaryMetric: "click",
    status: "running",
    createdAt: 1,
    startedAt: 1,
  };
  const tally = (variant: string, type: ExperimentTally["type"], users: number, events = users, exposedUsers = users): ExperimentTally => ({ variant, type, events, users, exposedUsers });

  it("says B beats A when it does, with rates, intervals and p", () => {
    const r = buildReport(base, [tally("A", "exposure", 200, 260), tally("A", "click", 30, 41), tally("B", "exposure", 200), tally("B", "click", 50, 50, 48)]);
    expect(r.variants[0]).toMatchObject({ name: "A", control: true, exposures: 200, exposureEvents: 260 });
    expect(r.variants[0]!.metrics.click).toMatchObject({ conversions: 30, events: 41, rate: 0.15 });
    expect(r.variants[1]!.metrics.click.rate).toBe(0.24);
    expect(r.unexposedConversions).toBe(2);
    const c = r.comparisons[0]!;
    expect(c).toMatchObject({ metric: "click", control: "A", variant: "B", significant: true, alpha: 0.05 });
    expect(r.verdict).toBe(`B beats A on CTR: 24.0% vs 15.0%, +60%, p=${Number(twoProportionZTest(30, 200, 48, 200).pValue.toPrecision(2))}`);
    expect(r.comparisons.map((x) => x.metric)).toEqual(["click", "cart", "purchase"]);
    expect(r.sampleRatio.mismatch).toBe(false);
  });

  it("says how many more exposures an undecided test needs", () => {
    const r = buildReport(base, [tally("A", "exposure", 100), tally("A", "click", 10), tally("B", "exposure", 100), tally("B", "click", 12)]);
    // p = 0.65; 3,841 a variant are needed for 10% vs 12%, 100 are there: ~3,741 → "~3,800".
    expect(r.verdict).toBe("not significant yet (CTR B 12.0% vs A 10.0%, p=0.65): need ~3,800 more exposures per variant to tell a difference this size");
    expect(r.comparisons[0]!.neededPerVariant).toBe(3841);
  });

  it("says when it is too early, when nothing converted, and when the split is off", () => {
    expect(buildReport(base, [tally("A", "exposure", 10)]).verdict).toBe("too early: no exposures of B yet");
    expect(buildReport(base, [tally("A", "exposure", 10), tally("B", "exposure", 12)]).verdict).toBe("no CTR conversions yet in A or B (22 exposures)");
    const skewed = buildReport(base, [tally("A", "exposure", 600), tally("A", "click", 60), tally("B", "exposure", 400), tally("B", "click", 40)]);
    expect(skewed.sampleRatio.mismatch).toBe(true);
    expect(skewed.verdict).toMatch(/^warning: sample ratio mismatch \(exposures A 600 \/ B 400 do not fit the weights, p<0.001\)/);
    expect(skewed.verdict).toMatch(/no difference between B and A on CTR so far \(both 10.0%\)$/);
    expect(buildReport({ ...base, status: "stopped" }, []).verdict).toMatch(/^stopped\. /);
  });

  it("holds three-variant tests to a Bonferroni threshold and reports the purchase metric when it is primary", () => {
    const three: Experiment = { ...base, primaryMetric: "purchase", variants: [...base.variants, { name: "C", weight: 1, config: { copy: "Hello again!" } }] };
    // 100/1000 vs 130/1000: p = 0.035 < 0.05 but > 0.025.
    const r = buildReport(three, [
      tally("A", "exposure", 1000),
      tally("A", "purchase", 100),
      tally("B", "exposure", 1000),
      tally("B", "purchase", 130),
      tally("C", "exposure", 1000),
      tally("C", "purchase", 100),
    ]);
    const b = r.comparisons.find((c) => c.variant === "B" && c.metric === "purchase")!;
    expect(b.pValue).toBeCloseTo(0.0355, 4);
    expect(b.alpha).toBe(0.025);
    expect(b.significant).toBe(false);
    expect(b.verdict).toMatch(/^not significant yet \(purchase conversion B 13.0% vs A 10.0%, p=0.035, above the 0.025 threshold for 2 comparisons\)/);
    expect(r.verdict.split("; ")).toHaveLength(2);
    expect(r.comparisons.slice(0, 2).every((c) => c.metric === "purchase")).toBe(true);
  });
});

describe("experiments service", () => {
  let dir: string;
  let store: Store;
  let clock = 1_750_000_000_000;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-experiments-"));
    store = createStore({ dataDir: dir });
    await store.init();
  });

  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const service = (extra: Partial<ConstructorParameters<typeof Experiments>[0]> = {}) => new Experiments({ store, now: () => clock, ...extra });

  it("creates a validated experiment, records events by assignment, reports and stops", async () => {
    const experiments = service({ rankingStrategies: ["default", "blend", "content"] });
    const created = await experiments.create({
      name: "Blend ranking",
      variants: [{ name: "control" }, { name: "blend", weight: 1, config: { ranking: "blend" } }],
    });
    expect(created).toMatchObject({ status: "running", primaryMetric: "click", startedAt: clock, createdAt: clock });
    expect(created.id).toMatch(/^blend-ranking-[0-9a-f]{6}$/);
    expect(created.variants[0]).toEqual({ name: "control", weight: 1, config: {} });
    expect((await experiments.list()).map((e) => e.id)).toContain(created.id);

    const users = Array.from({ length: 40 }, (_, i) => `u${i}`);
    for (const userId of users) {
      const recorded = await experiments.record(created.id, { type: "exposure" }, userId);
      expect(recorded.accepted).toBe(1);
      expect(recorded.events[0]!.variant).toBe(assignVariant(created, userId).name);
    }
    // A userId in the body is not the shopper: the one the request proved (the third argument) is.
    await experiments.record(created.id, { userId: "u2", type: "click" }, "u1");
    await experiments.record(created.id, { type: "purchase", variant: "blend" }, "u2");

    const assignment = await experiments.assignVariant(created.id, "u1");
    expect(assignment).toEqual({
      experimentId: created.id,
      variant: assignVariant(created, "u1").name,
      control: assignVariant(created, "u1").name === "control",
      config: assignVariant(created, "u1").config,
    });
    expect((await experiments.variantsFor("u1")).map((a) => a.experimentId)).toContain(created.id);

    const report = await experiments.report(created.id);
    const exposures = report.variants.reduce((s, v) => s + v.exposures, 0);
    expect(exposures).toBe(40);
    const u1 = report.variants.find((v) => v.name === assignVariant(created, "u1").name)!;
    expect(u1.metrics.click.conversions).toBe(1);
    const blend = report.variants.find((v) => v.name === "blend")!;
    expect(blend.metrics.purchase.events).toBe(1);
    expect(blend.metrics.purchase.conversions).toBe(assignVariant(created, "u2").name === "blend" ? 1 : 0);

    clock += 1000;
    const stopped = await experiments.stop(created.id);
    expect(stopped).toMatchObject({ status: "stopped", stoppedAt: clock });
    await expect(experiments.record(created.id, { type: "click" }, "u1")).rejects.toMatchObject({ status: 409, code: "experiment_stopped" });
    expect(await experiments.assignVariant(created.id, "u1")).toBeNull();
    expect((await experiments.report(created.id)).verdict).toMatch(/^stopped\./);
  });

  it("refuses bad input, naming the field", async () => {
    const experiments = service({ rankingStrategies: ["default", "blend"] });
    await expect(experiments.create({ name: "x", variants: [{ name: "a" }] })).rejects.toThrow(/variants: an experiment needs at least two variants/);
    await expect(experiments.create({ name: "x", variants: [{ name: "a" }, { name: "A" }] })).rejects.toThrow(/variants\.1\.name: duplicates the name of variants\[0\]/);
    await expect(experiments.create({ name: "x", variants: [{ name: "a" }, { name: "b", config: { ranking: "magic" } }] })).rejects.toThrow(
      /variants\.1\.config\.ranking: unknown ranking strategy "magic"; expected one of default, blend/,
    );
    await expect(experiments.create({ name: "x", variants: [{ name: "a", weight: 0 }, { name: "b" }] })).rejects.toThrow(/variants\.0\.weight: must be greater than 0/);
    const open = service(); // no strategy list: any well-formed name, such as the evaluation's system names
    await expect(open.create({ name: "x", variants: [{ name: "a" }, { name: "b", config: { ranking: "content only" } }] })).rejects.toThrow(
      /variants\.1\.config\.ranking: must be a strategy name/,
    );
    expect((await open.create({ name: "x", variants: [{ name: "a" }, { name: "b", config: { ranking: "contentOnly" } }] })).variants[1]!.config).toEqual({ ranking: "contentOnly" });
    await expect(experiments.create({ id: "Bad Id", name: "x", variants: [{ name: "a" }, { name: "b" }] })).rejects.toThrow(/id: must be 1-64 lower-case/);
    await expect(experiments.create({ name: "x", variants: [{ name: "a" }, { name: "b" }], primaryMetric: "revenue" })).rejects.toThrow(/primaryMetric/);

    const e = await experiments.create({ id: "copy-test", name: "Copy", variants: [{ name: "a" }, { name: "b", config: { copy: "Welcome back!" } }] });
    await expect(experiments.create({ id: "copy-test", name: "Again", variants: [{ name: "a" }, { name: "b" }] })).rejects.toMatchObject({ status: 409 });
    await expect(experiments.record(e.id, { type: "view" }, "u")).rejects.toThrow(/type: expected one of exposure, click, cart, purchase/);
    await expect(experiments.record(e.id, [{ type: "click" }, { type: "click", variant: "z" }], "u")).rejects.toThrow(
      /events\[1\]\.variant: unknown variant "z"; experiment "copy-test" has a, b/,
    );
    await expect(experiments.record(e.id, [], "u")).rejects.toThrow(/at least one event/);
    await expect(experiments.record("missing", { type: "click" }, "u")).rejects.toMatchObject({ status: 404 });
    await expect(experiments.report("../etc")).rejects.toMatchObject({ status: 400 });
  });

  it("sees experiments created and stopped by another replica once its cache expires", async () => {
    const mine = service({ cacheTtlMs: 0 });
    const theirs = service();
    const e = await theirs.create({ name: "Replica", variants: [{ name: "a" }, { name: "b" }] });
    expect(await mine.assignVariant(e.id, "u9")).not.toBeNull();
    await theirs.stop(e.id);
    expect(await mine.assignVariant(e.id, "u9")).toBeNull();
  });
});

describe("variant specs on the command line", () => {
  it("reads name, weight, ranking and copy (with colons)", () => {
    expect(parseVariantSpec("control")).toEqual({ name: "control", config: {} });
    expect(parseVariantSpec("blend:2:ranking=blend")).toEqual({ name: "blend", weight: 2, config: { ranking: "blend" } });
    expect(parseVariantSpec("warm:copy=Hi: welcome back")).toEqual({ name: "warm", config: { copy: "Hi: welcome back" } });
    expect(() => parseVariantSpec("x:fast")).toThrow(/cannot read "fast"/);
  });
});
