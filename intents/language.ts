/**
 * Language of a shopper's message. The hot path (`detectLocale`) is a script check: the service
 * only speaks English and Chinese, and Han characters settle it in microseconds. `detectLanguage`
 * is the general tool (fastText lid.176, loaded lazily on first use) for logs and analytics.
 */
import { ModelUnavailableError } from "../core/errors.ts";

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

interface LidModel {
  identify(text: string): Promise<{ alpha2: string | null; alpha3: string; possibility: number }>;
}

let lid: Promise<LidModel> | undefined;

async function loadLid(): Promise<LidModel> {
  try {
    const { getLIDModel } = await import("fasttext.wasm.js");
    const model = await getLIDModel();
    await model.load();
    return model as unknown as LidModel;
  } catch (err) {
    throw new ModelUnavailableError(`language identification model (fastText lid.176) failed to load: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

export interface LanguageGuess {
  /** ISO 639-1 code when one exists ("en", "zh", "fr"), else ISO 639-3; "und" for text with no letters. */
  code: string;
  /** fastText's probability for that language (0…1); short texts score low. */
  confidence: number;
}

/**
 * Identifies any of the 176 languages fastText lid.176 knows. The model (~1 MB) loads on the first
 * call and is shared afterwards; a failed load is not cached, so a later call retries.
 */
export async function detectLanguage(text: string): Promise<LanguageGuess> {
  // fastText reads one line; newlines would cut the text short.
  const clean = text.replace(/\s+/g, " ").trim();
  if (!/\p{L}/u.test(clean)) return { code: "und", confidence: 0 };
  lid ??= loadLid().catch((err) => {
    lid = undefined;
    throw err;
  });
  const model = await lid;
  const result = await model.identify(clean);
  return { code: result.alpha2 ?? result.alpha3, confidence: result.possibility };
}
