import { Counter } from "prom-client";
import { registry } from "../core/metrics.ts";

/** Grounded replies by outcome: "model", or why the templated reply answered instead. */
export const groundedRepliesTotal = new Counter({
  name: "concierge_llm_replies_total",
  help: "Grounded replies, by outcome (model, or the reason the template answered)",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

/** Sentences of model-written replies dropped by a check: figures, names, facts or placeholders. */
export const groundedRepairsTotal = new Counter({
  name: "concierge_llm_reply_repairs_total",
  help: "Sentences dropped from model-written replies, by the check they failed",
  labelNames: ["check"] as const,
  registers: [registry],
});
