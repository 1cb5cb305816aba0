import cliProgress from "cli-progress";
import { readSetting } from "./config.ts";

export interface Progress {
  /** Sets the total once it is known (e.g. after counting lines). */
  setTotal(total: number): void;
  tick(by?: number): void;
  stop(): void;
}

/** Whether long work shows a progress bar when its caller does not say: not with CONCIERGE_QUIET=1. */
export function progressByDefault(): boolean {
  return !readSetting("CONCIERGE_QUIET");
}

/**
 * A progress bar on stderr for long work (indexing, training, evaluating). On a terminal it redraws
 * in place; elsewhere (CI, logs) it prints a line every 10% so a pipe is not flooded. Silent when
 * `enabled` is false, so library code can always report and callers decide.
 */
export function createProgress(label: string, total = 0, enabled = progressByDefault()): Progress {
  if (!enabled) return { setTotal() {}, tick() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      setTotal: (t) => bar.setTotal(t),
      tick: (by = 1) => bar.increment(by),
      stop: () => bar.stop(),
    };
  }
  let done = 0;
  let max = total;
  let lastDecile = -1;
  const report = () => {
    if (max <= 0) return;
    const decile = Math.floor((done / max) * 10);
    if (decile !== lastDecile) {
      lastDecile = decile;
      process.stderr.write(`${label}: ${Math.min(100, decile * 10)}% (${done}/${max})\n`);
    }
  };
  return {
    setTotal(t) {
      max = t;
      report();
    },
    tick(by = 1) {
      done += by;
      report();
    },
    stop() {
      if (max > 0 && done < max) process.stderr.write(`${label}: stopped at ${done}/${max}\n`);
    },
  };
}
