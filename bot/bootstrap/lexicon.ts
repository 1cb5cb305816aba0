import type { Lexicon } from "../../intents/types.ts";
import { DEMO_CATEGORIES } from "../../recommend/demo/index.ts";
import type { Product } from "../../store/types.ts";

/**
 * What the NLU should recognise as this shop's categories and brands, read off the catalogue
 * itself: each category slug with its plural/singular, the demo catalogue's English and Chinese
 * labels where the slug is one of them, and the Chinese glossary terms that mean the same word.
 */
export function buildLexicon(products: Iterable<Product>, glossary: Iterable<[zh: string, en: string]> = []): Lexicon {
  const categories = new Map<string, Set<string>>();
  const brands = new Set<string>();
  for (const p of products) {
    if (p.category) {
      const canonical = p.category.trim();
      if (canonical && !categories.has(canonical)) categories.set(canonical, new Set(namesFor(canonical)));
    }
    if (p.brand?.trim()) brands.add(p.brand.trim());
  }
  for (const def of DEMO_CATEGORIES) {
    const names = categories.get(def.id);
    if (names) for (const label of [def.en, def.zh]) names.add(label.toLowerCase());
  }
  const terms = [...glossary];
  for (const names of categories.values()) {
    const words = new Set([...names].map(singular));
    for (const [zh, en] of terms) {
      if (!/\s/.test(en.trim()) && words.has(singular(en.trim().toLowerCase()))) names.add(zh);
    }
  }
  return {
    categories: Object.fromEntries([...categories].map(([k, v]) => [k, [...v]])),
    brands: [...brands],
  };
}

function namesFor(category: string): string[] {
  const lower = category.toLowerCase().replace(/[-_]+/g, " ");
  return [...new Set([lower, singular(lower), plural(singular(lower))])];
}

function singular(word: string): string {
  if (/[^aeiou]ies$/.test(word)) return `${word.slice(0, -3)}y`;
  if (/(?:ch|sh|ss|x)es$/.test(word)) return word.slice(0, -2);
  if (/[^s]s$/.test(word)) return word.slice(0, -1);
  return word;
}

function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(?:ch|sh|ss|x)$/.test(word)) return `${word}es`;
  return `${word}s`;
}
