/**
 * Language of a shopper's message: a script check, because the service only speaks English and
 * Chinese and Han characters settle it in microseconds.
 */

export type Locale = "en" | "zh";

const HAN = /\p{Script=Han}/u;
const LATIN_LETTER = /\p{Script=Latin}/u;

/**
 * "zh" when the text contains any Han character. Otherwise the hint (the channel's or the
 * shopper's locale) decides only when the text has no Latin letters at all — "42", "👍" or "?"
 * from a Chinese-speaking shopper stays Chinese, while any Latin word means English.
 */
export function detectLocale(text: string, hint?: string): Locale {
  if (HAN.test(text)) return "zh";
  if (hint?.toLowerCase().startsWith("zh") && !LATIN_LETTER.test(text)) return "zh";
  return "en";
}
