import type { Logger } from "pino";
import { redactPii } from "../../core/redact.ts";
import { OUT_OF_SCOPE, type Understander, type Understanding } from "../types.ts";
import type { ReviewLog } from "./log.ts";

export interface ReviewOptions {
  /** A message whose intent came with a confidence below this is kept for review (out-of-scope always is). */
  unsureBelow: number;
}

/**
 * Understanding that remembers what it was unsure of: messages called out of scope, or classified
 * with low confidence, are kept redacted in the data folder's review log for the shop to label with
 * `concierge nlu review` and `concierge nlu add`. The turn never waits for the write.
 */
export class ReviewingUnderstander implements Understander {
  constructor(
    private readonly inner: Understander,
    private readonly log: ReviewLog,
    private readonly options: ReviewOptions,
    private readonly logger?: Logger,
  ) {}

  understand(text: string, localeHint?: string): Understanding {
    const understanding = this.inner.understand(text, localeHint);
    if (understanding.intent === OUT_OF_SCOPE || understanding.confidence < this.options.unsureBelow) this.keep(text, understanding);
    return understanding;
  }

  private keep(text: string, understanding: Understanding): void {
    const redacted = redactPii(text).trim().slice(0, 500);
    if (!redacted) return;
    this.log
      .add({ text: redacted, locale: understanding.locale, intent: understanding.intent, confidence: Math.round(understanding.confidence * 1000) / 1000, at: Date.now() })
      .catch((err) => this.logger?.warn({ err }, "an unsure message could not be kept for review"));
  }
}
