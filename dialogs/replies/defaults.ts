import type { Locale } from "../../core/turn.ts";
import { en, enSuggestions } from "./en.ts";
import { zh, zhSuggestions } from "./zh.ts";

export const LOCALES = ["en", "zh"] as const satisfies readonly Locale[];

/** Suggestion sets share the replies' key space under this prefix (`suggestions.start`). */
export const SUGGESTION_PREFIX = "suggestions.";

const flat = (texts: Record<string, string>, sets: Record<string, string[]>): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = { ...texts };
  for (const [name, list] of Object.entries(sets)) out[`${SUGGESTION_PREFIX}${name}`] = list;
  return out;
};

/** The shipped wording, per locale and key: the default of every key a replies file may set. */
export const DEFAULTS: Record<Locale, Readonly<Record<string, string | string[]>>> = {
  en: flat(en, enSuggestions),
  zh: flat(zh, zhSuggestions),
};

/** Every key, in the order the code lists them (docs/replies.md follows it). */
export const REPLY_KEYS: readonly string[] = Object.keys(DEFAULTS.en);
