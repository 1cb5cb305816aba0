import { colourWords, extractColors } from "../intents/entities.ts";
import type { Understanding } from "../intents/types.ts";
import { queryTerms, withoutWords } from "./query.ts";

/**
 * What the shopper does not want: "running shoes but not from Qingbu", "anything that isn't
 * black?", "a jacket without a hood", 不要黑色的, 除了步维还有什么. The brands and colours named
 * there are not filters to search for but products to leave out; the other words are what a
 * product must not be (its title or tags).
 */
export interface Exclusion {
  colors: string[];
  brands: string[];
  words: string[];
}

// Where an exclusion ends: a clause break, or a phrase that sets something else (a price, whom for, a size).
const END = String.raw`(?=\s*(?:[,.;!?，。；！？、]|$|\b(?:under|below|over|above|less|more|for|please|in size|size|and|but|though|thanks|or|instead|that|which|with)\b))`;
// Words and colours may follow these: what is said not to be wanted, by what it is.
const EN_WORDS = new RegExp(
  String.raw`\b(?:but not|not|without|except(?:\s+for)?|excluding|other than|apart from|anything but|besides|(?:is|are)n'?t|(?:is|are) not|no more)\s+(?:(?:from|by|made by|made of|in|the|any|a|an|too|so|very|real)\s+)*([^,.;!?，。；！？]+?)${END}`,
  "gi",
);
// Only a brand or colour after these: "no" and "don't like" say too much else ("no problem", "I don't like waiting").
const EN_NAMED = new RegExp(String.raw`(?:\bno|\bnothing|(?:don'?t|do not|doesn'?t|never) (?:want|like|fancy|need)|\bhate|\bnot a fan of)\s+(?:(?:from|by|in|the|any|anything|a|an)\s+)*([^,.;!?，。；！？]+?)${END}`, "gi");
const ZH = /(?:不要|不想要|别要|别给我|除了|不是|不含|不带|不喜欢|排除)([^，。,.!?！？、；;]{1,10}?)(?:的|以外|之外|以外的|之外的|还|[，。,.!?！？、；;]|$)/gu;

// Phrases that look like an exclusion but say which way a price or size goes ("not too expensive").
const NOT_A_THING = /^(?:expensive|pricey|costly|cheap|big|small|heavy|sure|really|much|many|quite|bad|working|happy|贵|太贵|便宜|大|小|好|很|太|错|喜欢)$/i;

/** What the message says not to show, or undefined when it says nothing of the kind. */
export function readExclusion(text: string, nlu: Understanding): Exclusion | undefined {
  const colors = new Set<string>();
  const brands = new Set<string>();
  const words = new Set<string>();
  const take = (span: string, withWords: boolean) => {
    const lower = span.toLowerCase();
    const spanColors = extractColors(span);
    for (const c of spanColors) colors.add(c);
    const spanBrands = nlu.entities.brands.filter((b) => lower.includes(b.toLowerCase()));
    for (const b of spanBrands) brands.add(b);
    if (!withWords) return;
    const named = new Set([...spanColors.flatMap(colourWords), ...spanBrands].map((w) => w.toLowerCase()));
    for (const w of queryTerms(span).split(/\s+/)) {
      const word = w.toLowerCase();
      if (!word || named.has(word) || /\d/.test(word) || NOT_A_THING.test(word) || (!/\p{Script=Han}/u.test(word) && word.length < 3)) continue;
      if ([...named].some((n) => word.includes(n))) continue;
      words.add(word);
    }
  };
  for (const m of text.matchAll(EN_WORDS)) take(m[1]!, true);
  for (const m of text.matchAll(EN_NAMED)) take(m[1]!, false);
  for (const m of text.matchAll(ZH)) take(m[1]!, true);
  if (!colors.size && !brands.size && !words.size) return undefined;
  return { colors: [...colors], brands: [...brands], words: [...words] };
}

/** The understanding without the excluded brands and colours: they are no filter to search by. */
export function withoutExcluded(nlu: Understanding, exclusion: Exclusion): Understanding {
  const e = nlu.entities;
  return { ...nlu, entities: { ...e, colors: e.colors.filter((c) => !exclusion.colors.includes(c)), brands: e.brands.filter((b) => !exclusion.brands.includes(b)) } };
}

/** The search words without what is excluded ("running shoes Qingbu" of "running shoes but not from Qingbu"). */
export function withoutExcludedWords(terms: string, exclusion: Exclusion): string {
  return withoutWords(terms, [...exclusion.words, ...exclusion.brands, ...exclusion.colors.flatMap(colourWords)]);
}

/** Two exclusions as one (a refinement keeps what the list it refines already left out). */
export function joinExclusions(a: Exclusion | undefined, b: Exclusion | undefined): Exclusion | undefined {
  if (!a || !b) return a ?? b;
  const join = (x: string[], y: string[]) => [...new Set([...x, ...y])];
  return { colors: join(a.colors, b.colors), brands: join(a.brands, b.brands), words: join(a.words, b.words) };
}
