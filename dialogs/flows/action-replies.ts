import type { Locale } from "../../core/turn.ts";
import { say } from "../replies/index.ts";

/**
 * What the action flows say themselves (the shop's own answers come from its webhook), read from
 * the replies owner so a shop's replies file covers them too; nothing here states a status.
 */
export function actionReplies(locale: Locale) {
  return {
    askAll: say(locale, "askAll"),
    askProof: (order: string) => say(locale, "askProof", { order }),
    askOrder: say(locale, "askOrder"),
    orderUnavailable: (order?: string) => say(locale, "orderUnavailable", { order }),
    returnUnavailable: (order?: string) => say(locale, "returnUnavailable", { order }),
    stockUnavailable: say(locale, "stockUnavailable"),
    handoffSent: (ref: string) => say(locale, "handoffSent", { ref }),
    handoffFailed: say(locale, "handoffFailed"),
    cardReason: say(locale, "cardReason"),
  };
}
