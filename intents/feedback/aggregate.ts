import type { SentimentLabelName, SentimentTallies, SentimentTally } from "../../store/types.ts";

/** Counts per label, mean sentiment score (-1…1) and mean star rating of some messages and feedback. */
export interface SentimentSummary {
  count: number;
  positive: number;
  neutral: number;
  negative: number;
  /** null when count is 0. */
  meanScore: number | null;
  /** Ratings came with feedback only; null when none had one. */
  meanRating: number | null;
  rated: number;
}

export interface ProductSentiment extends SentimentSummary {
  itemId: string;
  title?: string;
  /** Share of its messages and feedback that were negative. */
  negativeShare: number;
  /** Lower bound of the 95 % Wilson interval of that share: what the top-negative list ranks by. */
  negativeLowerBound: number;
  /** In topNegative: its most negative messages and feedback, as stored (redacted). */
  examples?: { source: "message" | "feedback"; text: string; score: number; ts: number }[];
}

export interface SentimentBucket extends SentimentSummary {
  /** The bucket's first instant (UTC), ISO 8601 and epoch ms. */
  start: string;
  startMs: number;
}

export interface SentimentReport {
  range: { from: string; to: string; bucket: "day" | "week" };
  itemId?: string;
  total: SentimentSummary;
  bySource: { message: SentimentSummary; feedback: SentimentSummary };
  /** Every bucket of the range, empty ones included, oldest first. */
  overTime: SentimentBucket[];
  /** Products with messages or feedback in the range, most talked about first. */
  products: ProductSentiment[];
  /** Products with negative messages or feedback, most surely negative first. */
  topNegative: ProductSentiment[];
}

interface Acc {
  counts: Record<SentimentLabelName, number>;
  scoreSum: number;
  rated: number;
  ratingSum: number;
}

const empty = (): Acc => ({ counts: { positive: 0, neutral: 0, negative: 0 }, scoreSum: 0, rated: 0, ratingSum: 0 });

function add(acc: Acc, t: SentimentTally): void {
  acc.counts[t.label] += t.count;
  acc.scoreSum += t.scoreSum;
  acc.rated += t.rated;
  acc.ratingSum += t.ratingSum;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits || 0;

function summary(acc: Acc): SentimentSummary {
  const count = acc.counts.positive + acc.counts.neutral + acc.counts.negative;
  return {
    count,
    ...acc.counts,
    meanScore: count ? round(acc.scoreSum / count) : null,
    meanRating: acc.rated ? round(acc.ratingSum / acc.rated, 2) : null,
    rated: acc.rated,
  };
}

/** Wilson score interval's lower bound at 95 % (z = 1.96): a few negatives out of few do not outrank many out of many. */
export function wilsonLowerBound(k: number, n: number, z = 1.96): number {
  if (n === 0) return 0;
  const p = k / n;
  const z2 = z * z;
  return Math.max(0, (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n));
}

export interface AggregateOptions {
  from: number;
  to: number;
  bucket: "day" | "week";
  bucketMs: number;
  originMs: number;
  itemId?: string;
  top: number;
  titles?: ReadonlyMap<string, string>;
}

/** Buckets from the one holding `from` up to the one holding `to` - 1 ms, as origin + k × width. */
export function bucketStarts(from: number, to: number, widthMs: number, originMs: number): number[] {
  const first = Math.floor((from - originMs) / widthMs) * widthMs + originMs;
  const starts: number[] = [];
  for (let s = first; s < to; s += widthMs) starts.push(s);
  return starts;
}

/** The report from the store's tallies: totals, per source, per bucket, per product, top negative. */
export function aggregateSentiment(tallies: SentimentTallies, o: AggregateOptions): SentimentReport {
  const total = empty();
  const bySource = { message: empty(), feedback: empty() };
  const buckets = new Map<number, Acc>(bucketStarts(o.from, o.to, o.bucketMs, o.originMs).map((s) => [s, empty()]));
  for (const t of tallies.byBucket) {
    add(total, t);
    add(bySource[t.source], t);
    const b = buckets.get(t.bucket!);
    if (b) add(b, t);
  }
  const items = new Map<string, Acc>();
  for (const t of tallies.byItem) {
    const acc = items.get(t.itemId!) ?? empty();
    items.set(t.itemId!, acc);
    add(acc, t);
  }
  const products: ProductSentiment[] = [...items].map(([itemId, acc]) => {
    const s = summary(acc);
    const title = o.titles?.get(itemId);
    return {
      itemId,
      ...(title ? { title } : {}),
      ...s,
      negativeShare: round(s.negative / s.count),
      negativeLowerBound: round(wilsonLowerBound(s.negative, s.count)),
    };
  });
  products.sort((a, b) => b.count - a.count || a.itemId.localeCompare(b.itemId));
  const topNegative = products
    .filter((p) => p.negative > 0)
    .sort((a, b) => b.negativeLowerBound - a.negativeLowerBound || b.negative - a.negative || a.itemId.localeCompare(b.itemId))
    .slice(0, o.top);
  return {
    range: { from: new Date(o.from).toISOString(), to: new Date(o.to).toISOString(), bucket: o.bucket },
    ...(o.itemId ? { itemId: o.itemId } : {}),
    total: summary(total),
    bySource: { message: summary(bySource.message), feedback: summary(bySource.feedback) },
    overTime: [...buckets].map(([start, acc]) => ({ start: new Date(start).toISOString(), startMs: start, ...summary(acc) })),
    products,
    topNegative,
  };
}
