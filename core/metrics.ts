import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus metrics shared by the process; `/metrics` serialises `registry`. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "concierge_" });

export type Stage = "turn" | "nlu" | "retrieve" | "dialog" | "stt" | "llm_first_token" | "tts_first_audio" | "voice_to_voice" | "embed";

export const stageSeconds = new Histogram({
  name: "concierge_stage_seconds",
  help: "Latency of each stage of a turn, in seconds",
  labelNames: ["stage"] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const turnsTotal = new Counter({
  name: "concierge_turns_total",
  help: "Turns handled, by channel and intent",
  labelNames: ["channel", "intent"] as const,
  registers: [registry],
});

export const voiceEventsTotal = new Counter({
  name: "concierge_voice_events_total",
  help: "Voice turns heard, replies interrupted (barge_in) and turns that continued one ended early on its words (continued), by channel",
  labelNames: ["channel", "event"] as const,
  registers: [registry],
});

export const errorsTotal = new Counter({
  name: "concierge_errors_total",
  help: "Errors answered, by code",
  labelNames: ["code"] as const,
  registers: [registry],
});

export const eventsDroppedTotal = new Counter({
  name: "concierge_events_dropped_total",
  help: "Shopper events received and not kept, by reason (unknown_item: not in the catalogue)",
  labelNames: ["reason"] as const,
  registers: [registry],
});

/** Times `fn` into the stage histogram, also when it throws. */
export async function timeStage<T>(stage: Stage, fn: () => Promise<T> | T): Promise<T> {
  const end = stageSeconds.startTimer({ stage });
  try {
    return await fn();
  } finally {
    end();
  }
}
