import { describe, expect, it } from "vitest";
import { activityReport, histogramQuantile } from "../../bot/admin/activity-report.ts";

describe("histogramQuantile", () => {
  it("interpolates within the bucket the quantile falls in", () => {
    // 10 at ≤1, 30 at ≤2, 40 at ≤4: the median (20th) is halfway through (1, 2].
    expect(histogramQuantile(0.5, [[1, 10], [2, 30], [4, 40], [Number.POSITIVE_INFINITY, 40]])).toBeCloseTo(1.5);
    expect(histogramQuantile(0.25, [[1, 10], [2, 30], [4, 40], [Number.POSITIVE_INFINITY, 40]])).toBe(1);
  });

  it("says the last finite bound when the quantile lies past it, and 0 when there is nothing", () => {
    expect(histogramQuantile(0.95, [[0.5, 1], [1, 2], [Number.POSITIVE_INFINITY, 10]])).toBe(1);
    expect(histogramQuantile(0.5, [])).toBe(0);
    expect(histogramQuantile(0.5, [[1, 0], [Number.POSITIVE_INFINITY, 0]])).toBe(0);
  });
});

describe("activityReport", () => {
  it("lists every bucket of the range, empty ones too, and ignores counts outside it", () => {
    const hour = 3_600_000;
    const report = activityReport(
      { counts: [{ bucket: 2 * hour, metric: "turns", label: "socket", count: 4, sum: 0 }, { bucket: 9 * hour, metric: "turns", label: "socket", count: 99, sum: 0 }], conversations: [{ bucket: 2 * hour, count: 3 }] },
      { from: hour, to: 4 * hour, bucketMs: hour, bucket: "hour" },
    );
    expect(report.buckets.map((b) => [b.startMs, b.turns, b.conversations])).toEqual([
      [hour, 0, 0],
      [2 * hour, 4, 3],
      [3 * hour, 0, 0],
    ]);
    expect(report.totals).toEqual({ turns: 4, errors: 0 });
  });
});
