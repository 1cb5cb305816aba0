/**
 * Catalogue words — categories and brands — compiled once per Lexicon object into matchers.
 * English names match as whole words, case-insensitively, singular or plural ("dress" finds
 * "dresses"); names written in Chinese match as substrings, since Chinese has no spaces.
 */
import { z } from "zod";
import { parseInput } from "../../core/validation.ts";
import type { Lexicon } from "../types.ts";

const lexiconSchema = z.object({
  categories: z.record(z.string().min(1), z.array(z.string())),
  brands: z.array(z.string()),
});

interface Matcher {
  canonical: string;
  re: RegExp;
  /** Inflected forms lose to an exact name on the same words ("glasses" the category vs "glass"). */
  exact: boolean;
}

export interface CompiledLexicon {
  categories: Matcher[];
  brands: Matcher[];
}

const HAN = /\p{Script=Han}/u;
// Letters and digits of Latin scripts: a Chinese character next to "nike" is still a boundary.
const EDGE_BEFORE = "(?<![a-z0-9\\u00c0-\\u024f])";
const EDGE_AFTER = "(?![a-z0-9\\u00c0-\\u024f])";

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Lower-case, curly apostrophes straightened, runs of space collapsed. */
export function normaliseForLexicon(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/[’‘`]/g, "'").replace(/\s+/g, " ");
}

/** Other number forms of an English noun; over-generation is harmless, the exact name wins ties. */
export function inflections(word: string): string[] {
  const forms = new Set<string>();
  if (/(?:s|x|z|ch|sh)$/.test(word)) forms.add(`${word}es`);
  else if (/[^aeiou]y$/.test(word)) forms.add(`${word.slice(0, -1)}ies`);
  else forms.add(`${word}s`);
  if (/fe?$/.test(word)) forms.add(word.replace(/fe?$/, "ves"));
  if (/[^aeiou]ies$/.test(word)) forms.add(`${word.slice(0, -3)}y`);
  if (/ves$/.test(word)) {
    forms.add(`${word.slice(0, -3)}f`);
    forms.add(`${word.slice(0, -3)}fe`);
  }
  if (/(?:ss|x|z|ch|sh)es$/.test(word)) forms.add(word.slice(0, -2));
  if (/[^s]s$/.test(word) && !/(?:ss|us|is)$/.test(word)) forms.add(word.slice(0, -1));
  if (/ses$/.test(word)) forms.add(word.slice(0, -1)); // "houses" → "house", "glasses" → "glasse" (harmless)
  forms.delete(word);
  return [...forms];
}

function wordPattern(name: string): string {
  // "t-shirt", "t shirt" and "tshirt" are the same word to a shopper.
  return name
    .split(/[\s-]+/)
    .map((part) => escapeRegExp(part).replace(/'/g, "'?").replace(/\\\./g, "\\.?"))
    .join("[\\s-]*");
}

function latinMatcher(canonical: string, forms: string[], exact: boolean): Matcher {
  const alternatives = forms.map(wordPattern).sort((a, b) => b.length - a.length);
  return { canonical, exact, re: new RegExp(`${EDGE_BEFORE}(?:${alternatives.join("|")})${EDGE_AFTER}`, "g") };
}

function matchersFor(canonical: string, names: string[], inflect: boolean): Matcher[] {
  const out: Matcher[] = [];
  const latin: string[] = [];
  const inflected: string[] = [];
  for (const raw of names) {
    const name = normaliseForLexicon(raw).trim();
    if (!name) continue;
    if (HAN.test(name)) {
      out.push({ canonical, exact: true, re: new RegExp(escapeRegExp(name), "g") });
      continue;
    }
    latin.push(name);
    if (inflect) {
      const words = name.split(" ");
      const last = words.pop()!;
      for (const form of inflections(last)) inflected.push([...words, form].join(" "));
    }
  }
  if (latin.length) out.push(latinMatcher(canonical, latin, true));
  const extra = inflected.filter((form) => !latin.includes(form));
  if (extra.length) out.push(latinMatcher(canonical, extra, false));
  return out;
}

const cache = new WeakMap<Lexicon, CompiledLexicon>();

/** Validates and compiles a lexicon; the result is cached for as long as the lexicon object lives. */
export function compileLexicon(lexicon: Lexicon): CompiledLexicon {
  const hit = cache.get(lexicon);
  if (hit) return hit;
  const valid = parseInput(lexiconSchema, lexicon, "lexicon");
  const compiled: CompiledLexicon = {
    categories: Object.entries(valid.categories).flatMap(([canonical, names]) =>
      // The canonical name itself is a way to say it.
      matchersFor(canonical, [canonical, ...names], true),
    ),
    brands: valid.brands.flatMap((brand) => {
      const plain = brand.replace(/['’]/g, "");
      return matchersFor(brand, plain !== brand ? [brand, plain] : [brand], false);
    }),
  };
  cache.set(lexicon, compiled);
  return compiled;
}

interface Hit {
  canonical: string;
  start: number;
  end: number;
  exact: boolean;
}

/**
 * Canonical names found in the text, in the order they appear. A name inside a longer one that
 * also matched is dropped ("shoes" inside "running shoes"), and on the very same words an exact
 * name beats an inflected one.
 */
export function findNames(matchers: Matcher[], normalText: string): string[] {
  const hits: Hit[] = [];
  for (const { canonical, re, exact } of matchers) {
    re.lastIndex = 0;
    for (const m of normalText.matchAll(re)) {
      if (m[0].length) hits.push({ canonical, start: m.index, end: m.index + m[0].length, exact });
    }
  }
  const kept = hits.filter(
    (h) =>
      !hits.some(
        (o) =>
          o !== h &&
          o.canonical !== h.canonical &&
          o.start <= h.start &&
          o.end >= h.end &&
          (o.end - o.start > h.end - h.start || (o.exact && !h.exact)),
      ),
  );
  kept.sort((a, b) => a.start - b.start);
  return [...new Set(kept.map((h) => h.canonical))];
}
