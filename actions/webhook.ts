import { ActionError } from "./errors.ts";
import { postJson } from "./http.ts";
import { Limiter } from "./limit.ts";
import { actionCalls, actionSeconds } from "./metrics.ts";
import { SIGNATURE_HEADER, signBody } from "./sign.ts";
import { type ActionAnswer, actionAnswerSchema, type ActionRequest, type Actions } from "./types.ts";

export interface WebhookOptions {
  url: string;
  secret: string;
  /** How long one call may take, waiting for a free slot included. Default 4000 ms. */
  timeoutMs?: number;
  /** Calls in flight at once; more wait (up to `queue`), beyond that they fail at once as busy. Defaults 8 and 64. */
  concurrency?: number;
  queue?: number;
}

/** The shop's webhook (CONCIERGE_ACTIONS_URL): signed POSTs, a deadline, a bounded number in flight, answers validated. */
export class WebhookActions implements Actions {
  private readonly limiter: Limiter;
  readonly timeoutMs: number;

  constructor(private readonly options: WebhookOptions) {
    this.timeoutMs = options.timeoutMs ?? 4000;
    this.limiter = new Limiter(options.concurrency ?? 8, options.queue ?? 64);
  }

  async call(request: ActionRequest, signal?: AbortSignal): Promise<ActionAnswer> {
    const end = actionSeconds.startTimer({ action: request.action });
    try {
      const answer = await this.send(request, signal);
      actionCalls.inc({ action: request.action, outcome: "ok" });
      return answer;
    } catch (err) {
      actionCalls.inc({ action: request.action, outcome: err instanceof ActionError ? err.reason : "aborted" });
      throw err;
    } finally {
      end();
    }
  }

  private async send(request: ActionRequest, signal?: AbortSignal): Promise<ActionAnswer> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    // Exactly the contract's keys, in a fixed order, whatever else the caller's object carries.
    const body = JSON.stringify({
      action: request.action,
      intent: request.intent,
      shopper: { id: request.shopper.id, verified: request.shopper.verified },
      entities: request.entities,
      text: request.text,
      locale: request.locale,
      conversationId: request.conversationId,
    });
    const headers = { [SIGNATURE_HEADER]: signBody(body, this.options.secret), "User-Agent": "Concierge-Actions/1" };
    const run = () => postJson(this.options.url, body, headers, combined, this.timeoutMs);
    let text: string;
    try {
      ({ text } = await this.limiter.run(run, combined));
    } catch (err) {
      if (!(err instanceof ActionError) && deadline.aborted) throw new ActionError("timeout", `no free slot for the webhook within ${this.timeoutMs} ms`, { cause: err });
      throw err;
    }
    return parseAnswer(text);
  }
}

/** The webhook's JSON answer, validated; the error names what was wrong with it. */
export function parseAnswer(text: string): ActionAnswer {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ActionError("bad_answer", "the webhook's answer is not JSON");
  }
  const parsed = actionAnswerSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "answer"}: ${i.message}`).join("; ");
    throw new ActionError("bad_answer", `the webhook's answer has the wrong shape: ${problems}`);
  }
  return parsed.data;
}
