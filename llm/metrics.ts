import { Counter } from "prom-client";
import { registry } from "../core/metrics.ts";

/** Grounded replies by outcome: "model", or why the templated reply answered instead. */
export const groundedRepliesTotal = new Counter({
  name: "concierge_llm_replies_total",
  help: "Grounded replies, by outcome (model, or the reason the template answered)",
  labelNames: ["outcome"] as const,
  registers: [registry],
});
