import type { Logger } from "../../core/logger.ts";
import { errorsTotal, stageSeconds, turnsTotal } from "../../core/metrics.ts";
import { ACTIVITY_BUCKET_MS, type ActivityCount, type ActivityStore } from "../../store/index.ts";

export interface ActivityRecorderOptions {
  store: ActivityStore;
  logger?: Logger;
  /** How often what this process counted is added to the store; default 60 s. */
  intervalMs?: number;
  /** Hours older than this many days are deleted, once a day; default 400 (a year and its month). */
  keepDays?: number;
  now?: () => number;
}

type Snapshot = Map<string, { metric: string; label: string; count: number; sum: number }>;

/**
 * Keeps the dashboard's hourly counters (turns per channel, errors per code, stage latency
 * histograms) in the store without a write per turn: the process's Prometheus counters are already
 * counted in memory, so each flush adds what they grew by since the last one. Additive, so every
 * replica adds its own share. What a failed flush did not write is written by the next one.
 */
export class ActivityRecorder {
  private last: Snapshot = new Map();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: ActivityRecorderOptions) {}

  start(): this {
    this.timer ??= setInterval(() => {
      this.flush().catch((err) => this.options.logger?.warn({ err }, "activity counters could not be written; the next flush retries"));
    }, this.options.intervalMs ?? 60_000);
    this.timer.unref();
    return this;
  }

  /** Adds what was counted since the last flush to the current hour; one flush at a time. */
  flush(): Promise<void> {
    const run = this.flushing.then(() => this.write());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /** Stops the timer and writes what is left, so a clean stop loses nothing. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async write(): Promise<void> {
    const current = await snapshot();
    const now = this.options.now?.() ?? Date.now();
    const bucket = Math.floor(now / ACTIVITY_BUCKET_MS) * ACTIVITY_BUCKET_MS;
    const deltas: ActivityCount[] = [];
    for (const [key, value] of current) {
      const before = this.last.get(key);
      const count = value.count - (before?.count ?? 0);
      const sum = value.sum - (before?.sum ?? 0);
      // A counter that went down was reset (a test's registry.resetMetrics): count it afresh.
      if (count > 0) deltas.push({ bucket, metric: value.metric, label: value.label, count, sum: Math.max(0, sum) });
      else if (count < 0) deltas.push({ bucket, metric: value.metric, label: value.label, count: value.count, sum: value.sum });
    }
    if (deltas.length) await this.options.store.addActivity(deltas);
    this.last = current;
    if (now - this.prunedAt >= 86_400_000) {
      // Every replica may prune: deleting what another already deleted is harmless.
      this.prunedAt = now;
      // The counts are written already: a failed prune is only retried tomorrow.
      await this.options.store
        .pruneActivity(Math.max(0, now - (this.options.keepDays ?? 400) * 86_400_000))
        .catch((err: unknown) => this.options.logger?.warn({ err }, "old activity hours could not be pruned"));
    }
  }
}

/** The process's counters now, keyed by metric and label. */
async function snapshot(): Promise<Snapshot> {
  const out: Snapshot = new Map();
  const add = (metric: string, label: string, count: number, sum = 0) => {
    const key = `${metric}\u0000${label}`;
    const known = out.get(key);
    if (known) {
      known.count += count;
      known.sum += sum;
    } else out.set(key, { metric, label, count, sum });
  };
  for (const v of (await turnsTotal.get()).values) add("turns", String(v.labels.channel ?? "unknown"), v.value);
  for (const v of (await errorsTotal.get()).values) add("errors", String(v.labels.code ?? "unknown"), v.value);
  const sums = new Map<string, number>();
  const histogram = (await stageSeconds.get()).values;
  for (const v of histogram) if (v.metricName?.endsWith("_sum")) sums.set(String(v.labels.stage), v.value);
  for (const v of histogram) {
    const stage = String(v.labels.stage);
    if (v.metricName?.endsWith("_count")) add("latency", stage, v.value, sums.get(stage) ?? 0);
    else if (v.metricName?.endsWith("_bucket")) add("latency_le", `${stage}|${(v.labels as Record<string, unknown>).le}`, v.value);
  }
  return out;
}
