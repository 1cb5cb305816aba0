import type { Locale } from "../core/turn.ts";
import { glossaryTerms } from "../recommend/index.ts";
import { DEMO_CATEGORIES } from "../recommend/demo/index.ts";

/**
 * Category names as a shopper reads them in their language. The catalogue's category facet is a
 * slug ("shoes", "home"); a Chinese reply says 鞋靴, 家居 — from the demo catalogue's own labels,
 * else the shop glossary's Chinese term for the slug's word. A category with no Chinese name is
 * left out of a Chinese sentence rather than shown in English.
 */

let zhNames: Map<string, string> | undefined;

const singular = (w: string) => w.replace(/ies$/, "y").replace(/(?:ch|sh|ss|x)es$/, (m) => m.slice(0, -2)).replace(/([^s])s$/, "$1");

function chineseNames(): Map<string, string> {
  if (zhNames) return zhNames;
  const names = new Map<string, string>();
  for (const def of DEMO_CATEGORIES) names.set(def.id.toLowerCase(), def.zh);
  // Shortest glossary term per English word: the plainest name (鞋 before 运动鞋).
  const byWord = new Map<string, string>();
  for (const [zh, en] of glossaryTerms()) {
    const word = singular(en.trim().toLowerCase());
    if (/\s/.test(word)) continue;
    const before = byWord.get(word);
    if (!before || zh.length < before.length) byWord.set(word, zh);
  }
  zhNames = names;
  glossaryByWord = byWord;
  return names;
}
let glossaryByWord = new Map<string, string>();

/** The category's name in the locale, or undefined when it has none there (a Chinese reply never shows the English slug). */
export function categoryName(slug: string, locale: Locale): string | undefined {
  if (locale !== "zh") return slug.replace(/[-_]+/g, " ");
  if (/\p{Script=Han}/u.test(slug)) return slug;
  const names = chineseNames();
  const key = slug.toLowerCase();
  return names.get(key) ?? glossaryByWord.get(singular(key.replace(/[-_]+/g, " ")));
}

/** Replaces category slugs in a line meant for a Chinese reader ("shoes类近期热门" → "鞋靴类近期热门"). */
export function localiseCategories(text: string, locale: Locale, slugs: Iterable<string>): string {
  if (locale !== "zh") return text;
  let out = text;
  for (const slug of slugs) {
    const name = categoryName(slug, "zh");
    if (!name || !slug) continue;
    out = out.replace(new RegExp(`(?<![A-Za-z])${slug.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z])`, "gi"), name);
  }
  return out;
}
