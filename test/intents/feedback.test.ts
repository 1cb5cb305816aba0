import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import { aggregateSentiment, bucketStarts, parseFeedback, SentimentReports, wilsonLowerBound } from "../../intents/feedback/index.ts";
import { createStore, type SentimentTally, type Store } from "../../store/index.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5); // a Monday

const tally = (t: Partial<SentimentTally> & Pick<SentimentTally, "label" | "count" | "scoreSum">): SentimentTally => ({ source: "feedback", rated: 0, ratingSum: 0, ...t });

describe("sentiment aggregation (hand-computed)", () => {
  it("sums labels, means scores and ratings per product, per source and per bucket, empty buckets included", () => {
    const report = aggregateSentiment(
      {
        byItem: [
          tally({ itemId: "a", label: "negative", count: 2, scoreSum: -1.0, rated: 2, ratingSum: 3 }),
          tally({ itemId: "a", label: "positive", count: 1, scoreSum: 0.5, rated: 1, ratingSum: 5 }),
          tally({ itemId: "b", label: "positive", count: 3, scoreSum: 1.2, source: "message" }),
          tally({ itemId: "c", label: "negative", count: 1, scoreSum: -0.4, source: "message" }),
        ],
        byBucket: [
          tally({ bucket: T0, label: "negative", count: 2, scoreSum: -1.0, rated: 2, ratingSum: 3 }),
          tally({ bucket: T0, label: "positive", count: 1, scoreSum: 0.5, rated: 1, ratingSum: 5 }),
          tally({ bucket: T0 + 2 * DAY, label: "positive", count: 3, scoreSum: 1.2, source: "message" }),
          tally({ bucket: T0 + 2 * DAY, label: "negative", count: 1, scoreSum: -0.4, source: "message" }),
          tally({ bucket: T0 + 2 * DAY, label: "neutral", count: 2, scoreSum: 0, source: "message" }),
        ],
      },
      { from: T0, to: T0 + 3 * DAY, bucket: "day", bucketMs: DAY, originMs: 0, top: 10, titles: new Map([["a", "Hat"]]) },
    );
    // 9 rows: 4 positive (1 + 3), 3 negative (2 + 1), 2 neutral; scores -1 + 0.5 + 1.2 - 0.4 + 0 = 0.3 → 0.3 / 9 = 0.033;
    // ratings 3 + 5 over 3 rated = 2.67.
    expect(report.total).toEqual({ count: 9, positive: 4, neutral: 2, negative: 3, meanScore: 0.033, meanRating: 2.67, rated: 3 });
    expect(report.bySource.feedback).toEqual({ count: 3, positive: 1, neutral: 0, negative: 2, meanScore: -0.167, meanRating: 2.67, rated: 3 });
    expect(report.bySource.message).toEqual({ count: 6, positive: 3, neutral: 2, negative: 1, meanScore: 0.133, meanRating: null, rated: 0 });
    expect(report.overTime.map((b) => [b.start, b.count, b.meanScore])).toEqual([
      ["2026-01-05T00:00:00.000Z", 3, -0.167],
      ["2026-01-06T00:00:00.000Z", 0, null],
      ["2026-01-07T00:00:00.000Z", 6, 0.133],
    ]);
    expect(report.products.map((p) => [p.itemId, p.count, p.negative, p.meanScore])).toEqual([
      ["a", 3, 2, -0.167],
      ["b", 3, 0, 0.4],
      ["c", 1, 1, -0.4],
    ]);
    expect(report.products[0]).toMatchObject({ title: "Hat", negativeShare: 0.667, meanRating: 2.67 });
    // Wilson lower bounds: 2 of 3 → 0.208, 1 of 1 → 0.207: "a" first, "b" has no negatives.
    expect(report.topNegative.map((p) => [p.itemId, p.negativeLowerBound])).toEqual([
      ["a", 0.208],
      ["c", 0.207],
    ]);
  });

  it("Wilson lower bound ranks many negatives of many above one of one", () => {
    expect(wilsonLowerBound(0, 10)).toBe(0);
    expect(wilsonLowerBound(1, 1)).toBeCloseTo(0.2065, 3);
    expect(wilsonLowerBound(30, 50)).toBeGreaterThan(wilsonLowerBound(1, 1));
    expect(wilsonLowerBound(0, 0)).toBe(0);
  });

  it("starts buckets at origin + k × width (weeks on Mondays)", () => {
    expect(bucketStarts(T0 + 3 * DAY, T0 + 10 * DAY, 7 * DAY, 4 * DAY)).toEqual([T0, T0 + 7 * DAY]);
    expect(bucketStarts(T0 + 5 * 3_600_000, T0 + DAY + 1, DAY, 0)).toEqual([T0, T0 + DAY]);
  });
});

describe("feedback input", () => {
  it("takes one entry or an array, and names the entry and field of a bad one", () => {
    expect(parseFeedback({ text: "great", rating: 5, ts: "2026-01-05" })).toEqual([{ text: "great", rating: 5, ts: T0 }]);
    expect(parseFeedback([{ text: "a" }, { text: "b", itemId: "x" }])).toHaveLength(2);
    expect(() => parseFeedback([{ text: "ok" }, { text: "" }])).toThrow(/feedback\[1\]\.text: must not be empty/);
    expect(() => parseFeedback({ text: "ok", rating: 6 })).toThrow(/rating: must be from 1 to 5/);
    expect(() => parseFeedback({ text: "ok", ts: "yesterday" })).toThrow(/ts: /);
    expect(() => parseFeedback({ text: "ok", stars: 3 })).toThrow(/stars|Unrecognized/i);
    expect(() => parseFeedback([])).toThrow(/at least one/);
    expect(() => parseFeedback("text")).toThrow(ValidationError);
  });
});

describe("SentimentReports over a real store", () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-feedback-"));
    store = createStore({ dataDir: dir });
    await store.init();
    await store.catalogue.upsertProducts([{ product: { id: "hat", title: "Red wool hat" }, hash: "1" }, { product: { id: "shoe", title: "Trail shoe" }, hash: "2" }]);
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("scores feedback on the way in and reports it with the shoppers' messages, per product and over time", async () => {
    const reports = new SentimentReports({ store, now: () => T0 + 10 * DAY });
    const recorded = await reports.record([
      { text: "I love this hat, so warm!", itemId: "hat", rating: 5, ts: T0 + DAY },
      { text: "terrible, it fell apart after a week", itemId: "shoe", rating: 1, userId: "u1", ts: T0 + 2 * DAY },
      { text: "质量太差了", itemId: "shoe", ts: T0 + 2 * DAY + 5 },
    ]);
    expect(recorded.accepted).toBe(3);
    expect(recorded.feedback.map((f) => f.label)).toEqual(["positive", "negative", "negative"]);
    await store.conversations.appendMessages([{ conversationId: "c", userId: "u2", role: "user", text: "the hat is awful", ts: T0 + 8 * DAY, sentiment: { label: "negative", score: -0.5 }, itemId: "hat" }]);

    const byDay = await reports.report({ from: String(T0), to: new Date(T0 + 9 * DAY).toISOString(), bucket: "day" });
    expect(byDay.total).toMatchObject({ count: 4, positive: 1, negative: 3 });
    expect(byDay.overTime).toHaveLength(9);
    expect(byDay.overTime[2]).toMatchObject({ start: "2026-01-07T00:00:00.000Z", count: 2, negative: 2 });
    expect(byDay.products.map((p) => [p.itemId, p.title, p.count])).toEqual([
      ["hat", "Red wool hat", 2],
      ["shoe", "Trail shoe", 2],
    ]);
    expect(byDay.topNegative[0]!.itemId).toBe("shoe");

    const weekly = await reports.report({ itemId: "hat", bucket: "week", from: "2026-01-01", to: "2026-01-19" });
    expect(weekly.overTime.map((b) => [b.start.slice(0, 10), b.count])).toEqual([
      ["2025-12-29", 0],
      ["2026-01-05", 1],
      ["2026-01-12", 1],
    ]);
    expect(weekly.itemId).toBe("hat");
    // Defaults: the last 30 days up to now.
    expect((await reports.report({})).overTime).toHaveLength(30);
  });

  it("stores feedback with personal data redacted, its sentiment read from what was written", async () => {
    const reports = new SentimentReports({ store });
    // A year before the reports above, so their counts stay as they are.
    const ts = T0 - 400 * DAY;
    const recorded = await reports.record([
      { userId: "u-redact", ts, text: "Terrible service, it broke after a day. Call me on 5551234567 or jane@example.com" },
      { userId: "u-redact", ts, text: "质量太差了，退款到卡号 6222021234567890128，手机13800138000，订单号 2024123456" },
      { userId: "u-redact", ts, text: "Love it! Size 42 fits, order #A12345 arrived 2025-01-31." },
    ]);
    expect(recorded.feedback.map((f) => f.label)).toEqual(["negative", "negative", "positive"]);
    expect((await store.shoppers.exportUser("u-redact")).feedback.map((f) => f.text)).toEqual([
      "Terrible service, it broke after a day. Call me on [phone] or [email]",
      "质量太差了，退款到卡号 [card]，手机[phone]，订单号 2024123456",
      "Love it! Size 42 fits, order #A12345 arrived 2025-01-31.",
    ]);
  });

  it("refuses a bad query naming the field", async () => {
    const reports = new SentimentReports({ store });
    await expect(reports.report({ bucket: "month" })).rejects.toThrow(/bucket: expected day or week/);
    await expect(reports.report({ from: "2026-02-01", to: "2026-01-01" })).rejects.toThrow(/from: must be before to/);
    await expect(reports.report({ from: "2020-01-01", to: "2026-01-01" })).rejects.toThrow(/at most 366 buckets/);
    await expect(reports.report({ since: "x" })).rejects.toThrow(/since|Unrecognized/i);
  });
});
