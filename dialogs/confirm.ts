import type { Locale } from "../core/turn.ts";

/**
 * Reads a yes or a no to a question the assistant asked (deleting data is confirmed this way). Only
 * a short, plain answer counts — every word of it must be one an answer is made of — so a new
 * request ("yes, but first show me hats") is never taken for a yes.
 */

const AFFIRM = new Set(["yes", "yeah", "yep", "yup", "y", "sure", "ok", "okay", "confirm", "confirmed", "correct", "absolutely", "definitely", "go", "delete"]);
const DENY = new Set(["no", "nope", "nah", "n", "cancel", "stop", "dont", "don't", "not", "keep", "never", "wait"]);
// Words that may surround the yes or the no without making it a new request.
const FILLER = new Set(["please", "it", "my", "data", "everything", "all", "of", "that", "this", "i", "im", "i'm", "am", "want", "to", "do", "ahead", "sure", "thanks", "thank", "you", "mind", "yes", "delete"]);

const ZH_NO = /^(?:不|别|否|取消|算了|保留|不要|不用)/;
const ZH_YES = /^(?:是|对|好|嗯|确认|确定|删除|删吧|删掉)/;

export function readConfirmation(text: string, locale: Locale): "yes" | "no" | undefined {
  const t = text.trim();
  if (/[\u3400-\u9fff]/.test(t) || locale === "zh") {
    const zh = t.replace(/[\s，。！？、,.!?]/g, "");
    if (zh.length > 0 && zh.length <= 12) {
      if (ZH_NO.test(zh)) return "no";
      if (ZH_YES.test(zh) && !/[不别]/.test(zh)) return "yes";
    }
    if (locale === "zh") return undefined;
  }
  const words = t.toLowerCase().match(/[a-z]+(?:'[a-z]+)?/g) ?? [];
  if (!words.length || words.length > 8) return undefined;
  const plain = (w: string) => FILLER.has(w) || AFFIRM.has(w) || DENY.has(w);
  if (!words.every(plain)) return undefined;
  if (words.some((w) => DENY.has(w))) return "no";
  if (words.some((w) => AFFIRM.has(w))) return "yes";
  return undefined;
}
