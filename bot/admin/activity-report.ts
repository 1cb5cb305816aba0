import type { ActivityTallies } from "../../store/index.ts";

export interface StageLatency {
  count: number;
  meanMs: number;
  /** Estimated from the histogram's buckets (linear within a bucket, as Prometheus does). */
  p50Ms: number;
  p95Ms: number;
}

export interface ActivityBucket {
  start: string;
  startMs: number;
  /** Distinct conversations with a message in the bucket. */
  conversations: number;
  turns: number;
  errors: number;
  turnsByChannel: Record<string, number>;
  errorsByCode: Record<string, number>;
  latency: Record<string, StageLatency>;
}

export interface ActivityReport {
  range: { from: string; to: string; bucket: "hour" | "day" };
  /** Stages with any latency in the range, in the order a turn meets them. */
  stages: string[];
  /** Every bucket of the range, empty ones included, oldest first. */
  buckets: ActivityBucket[];
  /** A conversation spanning two buckets counts in both, so conversations have no total here. */
  totals: { turns: number; errors: number };
}

const STAGE_ORDER = ["stt", "nlu", "retrieve", "dialog", "llm_first_token", "tts_first_audio", "voice_to_voice", "turn", "embed"];

/** The q-quantile of a cumulative histogram ([upper bound, count ≤ it], +Inf last), in the bounds' unit. */
export function histogramQuantile(q: number, cumulative: [number, number][]): number {
  const sorted = [...cumulative].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return 0;
  const target = q * total;
  let prevBound = 0;
  let prevCount = 0;
  for (const [bound, count] of sorted) {
    if (count >= target) {
      // Past the last finite bound nothing is known but that it was slower: say the bound.
      if (!Number.isFinite(bound)) return prevBound;
      return count === prevCount ? bound : prevBound + ((bound - prevBound) * (target - prevCount)) / (count - prevCount);
    }
    prevBound = bound;
    prevCount = count;
  }
  return prevBound;
}

const round = (x: number) => Math.round(x * 10) / 10;

/** The store's tallies laid out per bucket of [from, to), every bucket present. */
export function activityReport(tallies: ActivityTallies, range: { from: number; to: number; bucketMs: number; bucket: "hour" | "day" }): ActivityReport {
  const first = Math.floor(range.from / range.bucketMs) * range.bucketMs;
  const buckets = new Map<number, ActivityBucket>();
  for (let t = first; t < range.to; t += range.bucketMs) {
    buckets.set(t, { start: new Date(t).toISOString(), startMs: t, conversations: 0, turns: 0, errors: 0, turnsByChannel: {}, errorsByCode: {}, latency: {} });
  }
  const histograms = new Map<string, [number, number][]>();
  const means = new Map<string, { count: number; sum: number }>();
  const stages = new Set<string>();
  for (const c of tallies.counts) {
    const b = buckets.get(c.bucket);
    if (!b) continue;
    if (c.metric === "turns") {
      b.turns += c.count;
      b.turnsByChannel[c.label] = (b.turnsByChannel[c.label] ?? 0) + c.count;
    } else if (c.metric === "errors") {
      b.errors += c.count;
      b.errorsByCode[c.label] = (b.errorsByCode[c.label] ?? 0) + c.count;
    } else if (c.metric === "latency" && c.count > 0) {
      means.set(`${c.bucket}|${c.label}`, { count: c.count, sum: c.sum });
      stages.add(c.label);
    } else if (c.metric === "latency_le") {
      const cut = c.label.lastIndexOf("|");
      const key = `${c.bucket}|${c.label.slice(0, cut)}`;
      const le = c.label.slice(cut + 1);
      const list = histograms.get(key) ?? [];
      list.push([le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le), c.count]);
      histograms.set(key, list);
    }
  }
  for (const [key, m] of means) {
    const cut = key.indexOf("|");
    const b = buckets.get(Number(key.slice(0, cut)))!;
    const histogram = histograms.get(key) ?? [];
    b.latency[key.slice(cut + 1)] = {
      count: m.count,
      meanMs: round((m.sum / m.count) * 1000),
      p50Ms: round(histogramQuantile(0.5, histogram) * 1000),
      p95Ms: round(histogramQuantile(0.95, histogram) * 1000),
    };
  }
  for (const c of tallies.conversations) {
    const b = buckets.get(c.bucket);
    if (b) b.conversations += c.count;
  }
  const list = [...buckets.values()];
  const rank = (s: string) => (STAGE_ORDER.includes(s) ? STAGE_ORDER.indexOf(s) : STAGE_ORDER.length);
  return {
    range: { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), bucket: range.bucket },
    stages: [...stages].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)),
    buckets: list,
    totals: {
      turns: list.reduce((n, b) => n + b.turns, 0),
      errors: list.reduce((n, b) => n + b.errors, 0),
    },
  };
}
