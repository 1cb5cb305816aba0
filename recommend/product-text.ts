import type { Product } from "../store/types.ts";
import { tokenize } from "./text/tokenize.ts";

/** What an embedder reads for a product: every descriptive field, title first. */
export function productText(p: Product): string {
  const parts = [p.title, p.brand, p.category, p.color, p.tags?.join(", "), p.description];
  return parts.filter((s): s is string => typeof s === "string" && s.trim() !== "").join(". ");
}

/** BM25 field boosts: a word in the title says more about the product than one in its description. */
export const FIELD_BOOSTS = { title: 3, brand: 2, category: 2, color: 1.5, tags: 1.5, description: 1 } as const;

/**
 * The product as BM25 sees it — term → boosted term frequency — and its title's own terms (for
 * finding products a message names), from one pass of the tokeniser.
 */
export function productTerms(p: Product): { lexical: Map<string, number>; title: Map<string, number> } {
  const lexical = new Map<string, number>();
  const title = new Map<string, number>();
  const titleTerms = tokenize(p.title);
  for (const t of titleTerms) {
    lexical.set(t, (lexical.get(t) ?? 0) + FIELD_BOOSTS.title);
    title.set(t, (title.get(t) ?? 0) + 1);
  }
  // "Smart Watch" is also found as "smartwatches", "Head Phones" as "headphones": two title words a shopper may write as one.
  for (let i = 1; i < titleTerms.length; i++) {
    const [a, b] = [titleTerms[i - 1]!, titleTerms[i]!];
    if (/^[a-z]{3,}$/.test(a) && /^[a-z]{3,}$/.test(b)) lexical.set(a + b, (lexical.get(a + b) ?? 0) + FIELD_BOOSTS.title);
  }
  const add = (text: string | undefined, boost: number) => {
    if (!text) return;
    for (const t of tokenize(text)) lexical.set(t, (lexical.get(t) ?? 0) + boost);
  };
  add(p.brand, FIELD_BOOSTS.brand);
  add(p.category, FIELD_BOOSTS.category);
  add(p.color, FIELD_BOOSTS.color);
  add(p.tags?.join(" , "), FIELD_BOOSTS.tags);
  add(p.description, FIELD_BOOSTS.description);
  return { lexical, title };
}
