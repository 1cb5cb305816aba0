import { Counter, Histogram } from "prom-client";
import { registry } from "../core/metrics.ts";

/** Calls to the shop's systems by action and outcome ("ok" or the failure reason), for /metrics. */
export const actionCalls = new Counter({
  name: "concierge_action_calls_total",
  help: "Calls to the shop's webhook, by action and outcome (ok, timeout, unreachable, http_status, bad_answer, busy)",
  labelNames: ["action", "outcome"] as const,
  registers: [registry],
});

export const actionSeconds = new Histogram({
  name: "concierge_action_seconds",
  help: "How long the shop's webhook took to answer (or fail), in seconds",
  labelNames: ["action"] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});
