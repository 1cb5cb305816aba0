import { ConciergeError } from "../core/errors.ts";

export type BusyReason = "queue_full" | "queue_timeout" | "closed";

/**
 * The model could not take the request in time: callers answer with the templated reply instead,
 * which is why this is a 503 with the reason spelled out rather than a failure.
 */
export class LlmBusyError extends ConciergeError {
  readonly reason: BusyReason;
  constructor(reason: BusyReason, message: string) {
    super("llm_busy", message, 503);
    this.reason = reason;
  }
}
