import { describe, expect, it } from "vitest";
import { ActivityRecorder } from "../../bot/admin/activity-recorder.ts";
import { errorsTotal, stageSeconds, turnsTotal } from "../../core/metrics.ts";
import type { ActivityCount, ActivityStore } from "../../store/index.ts";

const HOUR = 3_600_000;

/** An activity slice that keeps what was added, and can be made to fail. */
function memoryActivity() {
  const added: ActivityCount[][] = [];
  const pruned: number[] = [];
  const state = { failing: false };
  const store: ActivityStore = {
    async addActivity(counts) {
      if (state.failing) throw new Error("store down (scripted)");
      added.push(counts.map((c) => ({ ...c })));
    },
    activity: async () => ({ counts: [], conversations: [] }),
    async pruneActivity(before) {
      pruned.push(before);
      return 0;
    },
  };
  return { store, added, pruned, state };
}

const total = (writes: ActivityCount[][], metric: string, label: string) => writes.flat().filter((c) => c.metric === metric && c.label === label).reduce((n, c) => n + c.count, 0);

describe("ActivityRecorder", () => {
  it("adds what the counters grew by since the last flush to the current hour, and nothing when nothing happened", async () => {
    const { store, added } = memoryActivity();
    let now = Date.UTC(2026, 0, 1, 10, 59, 30);
    const recorder = new ActivityRecorder({ store, now: () => now });
    await recorder.flush();
    const base = { turns: total(added, "turns", "test-channel"), timeouts: total(added, "errors", "test_timeout") };
    turnsTotal.inc({ channel: "test-channel", intent: "greet" }, 2);
    errorsTotal.inc({ code: "test_timeout" });
    stageSeconds.observe({ stage: "embed" }, 0.2);
    await recorder.flush();
    const second = added.at(-1)!;
    expect(second.every((c) => c.bucket === Date.UTC(2026, 0, 1, 10))).toBe(true);
    expect(total([second], "turns", "test-channel")).toBe(2);
    expect(total([second], "errors", "test_timeout")).toBe(1);
    const latency = second.find((c) => c.metric === "latency" && c.label === "embed")!;
    expect(latency.count).toBe(1);
    expect(latency.sum).toBeCloseTo(0.2);
    expect(second.find((c) => c.metric === "latency_le" && c.label === "embed|0.25")?.count).toBe(1);
    expect(second.find((c) => c.metric === "latency_le" && c.label === "embed|0.1")).toBeUndefined();

    const writes = added.length;
    await recorder.flush();
    expect(added.length).toBe(writes);

    now += HOUR;
    turnsTotal.inc({ channel: "test-channel", intent: "greet" });
    await recorder.flush();
    expect(added.at(-1)!.find((c) => c.metric === "turns" && c.label === "test-channel")).toEqual({ bucket: Date.UTC(2026, 0, 1, 11), metric: "turns", label: "test-channel", count: 1, sum: 0 });
    expect(total(added, "turns", "test-channel") - base.turns).toBe(3);
  });

  it("deletes hours older than keepDays once a day", async () => {
    const { store, pruned } = memoryActivity();
    const day = 86_400_000;
    let now = Date.UTC(2026, 5, 1);
    const recorder = new ActivityRecorder({ store, now: () => now, keepDays: 30 });
    await recorder.flush();
    now += day / 2;
    await recorder.flush();
    now += day / 2;
    await recorder.flush();
    expect(pruned).toEqual([Date.UTC(2026, 5, 1) - 30 * day, Date.UTC(2026, 5, 2) - 30 * day]);
  });

  it("keeps what a failed flush could not write for the next one, and writes the rest when stopped", async () => {
    const { store, added, state } = memoryActivity();
    const recorder = new ActivityRecorder({ store, intervalMs: 3_600_000 }).start();
    await recorder.flush();
    const before = total(added, "turns", "retry-channel");
    turnsTotal.inc({ channel: "retry-channel", intent: "greet" }, 4);
    state.failing = true;
    await expect(recorder.flush()).rejects.toThrow(/store down/);
    state.failing = false;
    turnsTotal.inc({ channel: "retry-channel", intent: "greet" });
    await recorder.stop();
    expect(total(added, "turns", "retry-channel") - before).toBe(5);
  });
});
