import type { Locale } from "../../core/turn.ts";
import { DEFAULTS, LOCALES, REPLY_KEYS, SUGGESTION_PREFIX } from "./defaults.ts";
import type { ReplyKey, SuggestionSet } from "./en.ts";
import { fill, type Vars, withFragments } from "./fragments.ts";
import { type ReplyOverrides, validateReplies } from "./validate.ts";

export { DEFAULTS, LOCALES, REPLY_KEYS, SUGGESTION_PREFIX } from "./defaults.ts";
export type { ReplyKey, SuggestionSet } from "./en.ts";
export type { Vars } from "./fragments.ts";
export { readRepliesFile, repliesPath, writeRepliesFile } from "./file.ts";
export { type ReplyOverrides, validateReplies } from "./validate.ts";

// One process speaks one shop's wording: the file is read at start-up and replaced whole by the
// admin dashboard, so a turn always sees a complete, validated set.
let active: ReplyOverrides = {};

/** Puts a validated set of overrides in effect for every conversation of this process. */
export function useReplies(overrides: ReplyOverrides): void {
  active = validateReplies(overrides);
}

export function currentOverrides(): ReplyOverrides {
  return structuredClone(active);
}

// English has a sentence for exactly one ("Here is 1 match"): a key's `…One` sibling, chosen here so
// the call site passes the count either way.
const variant = (key: ReplyKey, vars: Vars): ReplyKey => {
  const one = `${key}One`;
  return Number(vars.count) === 1 && one in DEFAULTS.en ? (one as ReplyKey) : key;
};

export function say(locale: Locale, key: ReplyKey, vars: Vars = {}): string {
  const k = variant(key, vars);
  const text = (active[locale]?.[k] ?? DEFAULTS[locale][k]) as string;
  return fill(text, withFragments(locale, vars));
}

export function suggest(locale: Locale, set: SuggestionSet): string[] {
  const key = `${SUGGESTION_PREFIX}${set}`;
  return [...((active[locale]?.[key] ?? DEFAULTS[locale][key]) as string[])];
}

export interface ReplyInEffect {
  key: string;
  text: string | string[];
  default: string | string[];
  overridden: boolean;
}

/** Every key per locale with the wording in effect and the shipped one: what the dashboard shows. */
export function repliesInEffect(): Record<Locale, ReplyInEffect[]> {
  const out = {} as Record<Locale, ReplyInEffect[]>;
  for (const locale of LOCALES) {
    out[locale] = REPLY_KEYS.map((key) => {
      const override = active[locale]?.[key];
      const fallback = DEFAULTS[locale][key] as string | string[];
      return { key, text: override ?? fallback, default: fallback, overridden: override !== undefined };
    });
  }
  return out;
}
