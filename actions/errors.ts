import { ConciergeError } from "../core/errors.ts";

/** Why an action gave no usable answer; the dialog apologises the same way for each, logs say which. */
export type ActionFailure = "timeout" | "unreachable" | "http_status" | "bad_answer" | "busy";

export class ActionError extends ConciergeError {
  readonly reason: ActionFailure;
  constructor(reason: ActionFailure, message: string, options?: { cause?: unknown }) {
    super(`action_${reason}`, message, 502, options);
    this.reason = reason;
  }
}
