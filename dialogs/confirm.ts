import type { Locale } from "../core/turn.ts";

/**
 * Reads a yes or a no to a question the assistant asked (deleting data is confirmed this way). Only
 * short, plain answers count: anything else is neither, so a new request is never taken as a "yes".
 */
const YES = {
  en: /^(?:yes|yeah|yep|yup|sure|ok(?:ay)?|confirm(?:ed)?|do it|go ahead|delete(?: it)?|yes,? (?:please|delete(?: it| my data| everything)?|do it|go ahead|confirm))(?: please)?[.!]*$/i,
  zh: /^(?:是|是的|对|对的|好|好的|确认|确定|确认删除|删除|删吧|删除吧|是，?删除(?:我的数据|吧)?)[。！!]*$/,
};
const NO = {
  en: /^(?:no|nope|nah|cancel|stop|don'?t|do not|keep it|no,? (?:thanks|thank you|keep it|don'?t|cancel|do not delete(?: it)?))[.!]*$/i,
  zh: /^(?:不|不要|不用|否|取消|算了|保留|不，?保留|不要删除?)[。！!]*$/,
};

export function readConfirmation(text: string, locale: Locale): "yes" | "no" | undefined {
  const t = text.trim().replace(/\s+/g, " ");
  for (const l of [locale, locale === "en" ? "zh" : "en"] as const) {
    if (YES[l].test(t)) return "yes";
    if (NO[l].test(t)) return "no";
  }
  return undefined;
}
