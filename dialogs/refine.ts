import type { Understanding } from "../intents/types.ts";
import type { Filters } from "../recommend/types.ts";
import { type Audience, shopperAudience } from "./audience.ts";
import { type Exclusion, withoutExcludedWords } from "./exclusions.ts";
import { readNeed } from "./needs.ts";
import { queryTerms } from "./query.ts";
import { explicitIndexes, superlativePick } from "./references.ts";
import type { SearchMemory } from "./state.ts";

/**
 * A refinement re-runs the last search with one more constraint: "cheaper ones", "in red",
 * "bigger", "for men", "under 50", 更便宜的, 红色的, 男款的. It is recognised from where the
 * conversation stands (there was a search) and what the message changes (a price, a colour, a
 * brand, a size, an audience, a direction), whatever intent the classifier gave it: a short
 * follow-up says too little for a classifier, but together with the last search it is plain.
 */

export type Direction = "cheaper" | "pricier" | "bigger" | "smaller";

export interface Refinement {
  /** Words the message adds beyond the refinement ("red hiking boots" after "running shoes"): a new search if the catalogue knows them. */
  fresh?: string;
  /** The fresh words narrow the listed kind of product ("waterproof ones?"): searched together with it. */
  narrow?: boolean;
  direction?: Direction;
  /** The shopper's own word for a size direction when it names the dimension ("thicker", 更薄的). */
  adj?: string;
  /** "I don't like any of these", 换一批: the same search without the products shown. */
  others?: boolean;
  /** Only listings in the shopper's language (more of a list they were shown in it). */
  ownLanguage?: boolean;
  /** "other colours?", 换个颜色: the same search in colours other than those shown. */
  otherColours?: boolean;
  /** "sort them by price", "most expensive first", 按价格排序: the same list ordered by price. */
  order?: "low" | "high";
  /** "which ones are in stock?", 有现货的吗: only what can be bought now. */
  inStock?: boolean;
  /** What the message sets; each replaces the last search's value for that filter. */
  price?: { min?: number; max?: number };
  colors?: string[];
  brands?: string[];
  sizes?: string[];
  audience?: Audience;
  /** "not from Qingbu", 不要黑色的: what the list should leave out from now on. */
  avoid?: Exclusion;
}

const CUES: [Direction, RegExp][] = [
  ["cheaper", /\b(?:too (?:expensive|pricey|dear|much)|cheaper|cheapest|less expensive|less pricey|less costly|not (?:so|as|too) (?:expensive|pricey|costly)|lower[- ]priced|lower[- ]cost|lower price|more affordable|affordable|budget|(?:budget|wallet)[- ]friendly|inexpensive|cheap|on sale)\b|不要太贵|别太贵|不太贵|不贵|太贵|贵了|有点贵|便宜|实惠|低价|划算|平价|省钱|性价比/i],
  ["pricier", /\b(?:pricier|more expensive|higher[- ]end|high[- ]end|premium|fancier|luxury|top[- ]of[- ]the[- ]range|better quality)\b|更贵|贵一点|贵一些|贵点|高端|高档|档次高/i],
  ["bigger", /\b(?:bigger|larger|thicker|wider|taller|roomier|more (?:room|space|capacity|storage)|(?:a )?big(?:ger)? one|extra[- ]large|large one)\b|更大|大一点|大一些|大点|大号|容量大|容量更大|大容量|更厚|厚一点|厚一些|厚点/i],
  ["smaller", /\b(?:smaller|more compact|tinier|lighter|thinner|narrower|shorter|a small one|mini)\b|更小|小一点|小一些|小点|小号|小巧|迷你|更薄|薄一点|薄一些|薄点/i],
];

// "headphones that are in stock", "which are available now?", 有现货的: only what can be bought now.
const IN_STOCK = /\b(?:in[- ]stock|available (?:now|today|right now)|can (?:i )?buy (?:now|today))\b|有现货|现货|有货的|在售的/i;

// "sort them by price", "cheapest first", 按价格从低到高: the list again, in price order.
const SORT_HIGH = /\b(?:most expensive|priciest|highest[- ]priced?|high to low|dearest) first\b|\bby price,?\s+(?:from\s+)?(?:high(?:est)?\s+to\s+low(?:est)?|descending)\b|价格从高到低|从贵到便宜|从高到低/i;
const SORT_LOW = /\b(?:sort|order|rank|arrange|list)\b[^.?!]*\bby (?:price|cost)\b|\b(?:cheapest|lowest[- ]priced?|low to high|least expensive) first\b|\bfrom (?:cheapest|lowest) to (?:most expensive|highest)\b|按价格|价格从低到高|从便宜到贵|从低到高/i;

/** The price order a message asks the list to be shown in, or undefined. */
export function sortOrderAsked(text: string): "low" | "high" | undefined {
  if (SORT_HIGH.test(text)) return "high";
  return SORT_LOW.test(text) ? "low" : undefined;
}

/** "cheaper", "more expensive", 便宜点: which way a message asks the price to go, if it does. */
export function priceDirection(text: string): "cheaper" | "pricier" | undefined {
  const found = CUES.find(([direction, re]) => (direction === "cheaper" || direction === "pricier") && re.test(text));
  return found?.[0] as "cheaper" | "pricier" | undefined;
}

/** Whether the message asks only for what is in stock. */
export function asksInStock(text: string): boolean {
  return IN_STOCK.test(text);
}

/**
 * A new search that asks for the extreme of price: "cheapest coffee maker", "the most expensive
 * headphones you have", 最便宜的咖啡机. The matches are then listed by price, not by relevance.
 */
export function priceOrderAsked(text: string): "low" | "high" | undefined {
  if (/\b(?:cheapest|least expensive|lowest[- ]priced|lowest[- ]cost|lowest price|most affordable)\b|最便宜|最实惠|价格最低|最低价/i.test(text)) return "low";
  if (/\b(?:most expensive|priciest|highest[- ]priced|highest price|most premium|dearest)\b|最贵|价格最高|最高价|最高端/i.test(text)) return "high";
  return undefined;
}

/**
 * A new search that wishes for a low price without naming one: "a cheap laptop", "affordable
 * headphones", "a laptop, not too expensive", 便宜点的耳机. The lowest-priced matches answer it.
 */
export function asksForCheap(text: string): boolean {
  return /\b(?:cheap|inexpensive|affordable|budget|low[- ]cost|(?:budget|wallet)[- ]friendly|not (?:too|so|that|very) (?:expensive|pricey|costly|dear))\b|便宜|不贵|不太贵|别太贵|不要太贵|平价|低价/i.test(text);
}

const TOO_EXPENSIVE = /\btoo (?:expensive|pricey|dear|much)\b|太贵|贵了|有点贵/i;

// Words the cues and refinement phrasing are made of: not new content for a search.
const REFINING_WORDS = new Set(
  (
    "cheaper cheapest cheap expensive pricier pricey costly cost friendly wallet not so too less lower priced price affordable budget inexpensive sale higher high end premium fancier luxury " +
    "top range better quality bigger larger roomier room space capacity storage big large extra smaller compact tinier lighter small mini thicker wider taller thinner narrower shorter " +
    "colour color colours colors size sizes version versions variant variants edition instead rather only just now " +
    "men mens women womens kids kid children child boys girls unisex male female man woman ladies guys " +
    "太贵 便宜 实惠 低价 划算 平价 省钱 性价比 贵 高端 高档 档次 大 大号 小 小号 小巧 迷你 厚 薄 容量 颜色 尺码 款式 男款 女款 男士 女士 男 女 儿童 童款 中性 一点 点 些 换 换成"
  ).split(/\s+/),
);

const OTHER_COLOURS =
  /\b(?:other|another|different|more)\s+colou?rs?\b|\bin\s+(?:a\s+)?different\s+colou?r\b|换(?:个|一个|一种|种)?颜色|别的颜色|其他颜色|其它颜色|还有什么颜色|有哪些颜色|不同颜色/i;

const REAL_COMPARE = /\b(?:compare|comparison|versus|vs\.?|difference|differences|between)\b|对比|比较|区别|差别|哪个好/i;

const CART_WORDS = /\b(?:cart|basket|bag|add|buy|take|order)\b|购物车|加入|加购|买|下单|拿/i;

// Intents a refinement never overrides: the shopper asked for something else.
const OTHER_BUSINESS = new Set([
  "add_to_cart", "order_status", "shipping", "returns", "opening_hours", "payment", "human_handoff", "export_data", "delete_data", "stop_personalisation",
]);
// Intents a short follow-up is often mistaken for ("橙色的" read as a complaint): overridden unless the message is negative.
const SOFT = new Set(["complaint", "feedback", "goodbye", "thanks", "greet", "capabilities"]);

/** What the message changes about the last search, or undefined when it is not a refinement of it. */
export function readRefinement(text: string, nlu: Understanding, last: SearchMemory | undefined, shown: number, exclusion?: Exclusion): Refinement | undefined {
  if (!last) return undefined;
  // 换个颜色 reads like an exchange to the classifier; after a list, with no order in sight, it asks for other colours.
  const otherColoursAsked = OTHER_COLOURS.test(text) && !/退|订单|买的|收到|已经|\b(?:order|bought|received|return|exchange)\b/i.test(text);
  // 要M码的 reads like "add it" (要) to the classifier; with no cart word and no pointer, a size or colour after a list refines it.
  const sizeOrColourOnly = nlu.intent === "add_to_cart" && !CART_WORDS.test(text) && (nlu.entities.sizes.length > 0 || nlu.entities.colors.length > 0);
  if (OTHER_BUSINESS.has(nlu.intent) && !(nlu.intent === "returns" && otherColoursAsked) && !sizeOrColourOnly) return undefined;
  // "too expensive", 太贵了 sound negative, and ask for cheaper ones (这个太贵了 is about one product).
  const tooExpensive = TOO_EXPENSIVE.test(text) && !ABOUT_ONE.test(text);
  if (SOFT.has(nlu.intent) && nlu.sentiment.label === "negative" && !tooExpensive) return undefined;
  if (nlu.intent === "compare" && REAL_COMPARE.test(text)) return undefined;
  // "a gift for my dad who likes fishing" after laptops is a new need, not laptops for men; only the
  // person ("a gift for my dad") may still narrow the list.
  if (readNeed(text)?.terms) return undefined;
  // "is the second one cheaper?", "the cheapest one": about a product of the list, not a new search
  // ("cheapest first" is an order for the list, not its first product).
  const order = sortOrderAsked(text);
  if (!order && explicitIndexes(text, shown).length) return undefined;
  if (!order && superlativePick(text)) return undefined;
  if (/\b(?:biggest|largest|smallest)\s+(?:one|of (?:them|these|those))\b|最(?:大|小)的(?:那|这|一)/i.test(text)) return undefined;
  const e = nlu.entities;
  const r: Refinement = {};
  // "cheapest first" orders the list; it does not ask for cheaper things.
  if (order) r.order = order;
  else for (const [direction, re] of CUES) {
    if (re.test(text)) {
      r.direction = direction;
      const named = /\b(thicker|wider|taller|thinner|narrower|shorter)\b/i.exec(text)?.[1] ?? (/厚/.test(text) ? "更厚的" : /薄/.test(text) ? "更薄的" : undefined);
      if (named && (direction === "bigger" || direction === "smaller")) r.adj = named.toLowerCase();
      break;
    }
  }
  // "under 100" sets the price itself; "cheaper" only says which way.
  if (e.price) {
    r.price = e.price;
    if (r.direction === "cheaper" || r.direction === "pricier") r.direction = undefined;
  }
  if (e.colors.length) r.colors = e.colors;
  else if (otherColoursAsked && !ABOUT_ONE.test(text)) r.otherColours = true;
  if (e.brands.length) r.brands = e.brands;
  if (e.sizes.length) r.sizes = e.sizes;
  const audience = shopperAudience(text);
  if (audience) r.audience = audience;
  // "any that aren't trail shoes?": the list's own words ("shoes") stay; only what is new is left out.
  if (IN_STOCK.test(text) && !ABOUT_ONE.test(text)) r.inStock = true;
  if (exclusion) r.avoid = { ...exclusion, words: exclusion.words.filter((w) => !saidBefore(w, last.text)) };
  if (!r.direction && !r.price && !r.colors && !r.brands && !r.sizes && !r.audience && !r.otherColours && !r.avoid && !r.inStock && !r.order) return undefined;
  // "do you have it in size 10?" asks about the product in focus, not for a new list.
  const aboutFocus = /\b(?:it|this|this one|that one)\b|它|这个|这款|这双|这件/i.test(text);
  if (r.sizes && !r.direction && !r.price && !r.colors && !r.brands && !r.audience && aboutFocus) return undefined;
  // "这个有大号吗", "does it come in large?": a size of that product, not a bigger one.
  if (aboutFocus && (r.direction === "bigger" || r.direction === "smaller") && /[大中小]号|\b(?:in|come in|comes in)\s+(?:a\s+)?(?:large|small|medium)\b/i.test(text)) return undefined;

  // A category other than the last search's is a new search ("red dresses" after "running shoes").
  const lastCategories = new Set(last.filters.categories ?? []);
  if (e.categories.some((c) => !lastCategories.has(c))) return undefined;
  // So are new words: "red hiking boots" after "running shoes" is a search of its own.
  // "any that aren't leather?": what is left out is no new word to search for.
  const said = newWords(text, nlu, last);
  const fresh = exclusion ? withoutExcludedWords(said, exclusion) : said;
  if (fresh) r.fresh = fresh;
  return r;
}

function saidBefore(word: string, text: string): boolean {
  const stem = (w: string) => w.toLowerCase().replace(/(?:es|s)$/, "");
  return text.split(/\s+/).some((w) => stem(w) === stem(word)) || (/\p{Script=Han}/u.test(word) && text.includes(word));
}

/** The message's content words the last search did not have, less refinement phrasing, colours and entities. */
function newWords(text: string, nlu: Understanding, last: SearchMemory): string {
  const known = new Set(last.text.toLowerCase().split(/\s+/));
  return queryTerms(text)
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.replace(/['’]s?$/, ""))
    .filter((w) => w && !REFINING_WORDS.has(w.toLowerCase()) && !known.has(w.toLowerCase()) && !isColorOrEntityWord(w, nlu) && !/^\d+$/.test(w) && !chineseRefiningOnly(w))
    .join(" ");
}

/**
 * "something more exciting", "more comfortable ones", 有没有更有意思的: a quality asked of the list
 * ("exciting"), or undefined. Price and size comparatives are refinements of their own.
 */
export function readMoreOf(text: string): string | undefined {
  const en = /^\s*(?:(?:something|anything|one|ones|any|maybe|show me|got any|do you have|i want|i'd like|i need)\s+)*(?:a\s+(?:bit|little)\s+|slightly\s+|much\s+|even\s+)?more\s+([a-z][a-z-]{2,20})(?:\s+(?:ones?|options?|stuff|things?|please))*\s*[?.!]*$/i.exec(text);
  const zh = /^\s*(?:有没有|有|来点|来些|要|想要|给我|换)?(?:一些|几本|几个|几款|点)?更([\p{Script=Han}]{1,5}?)(?:一点|一些|点)?的?(?:吗|呢|么|书|款)?[?？]?\s*$/u.exec(text);
  const quality = (en?.[1] ?? zh?.[1])?.toLowerCase();
  if (!quality || CUES.some(([, cue]) => cue.test(quality) || cue.test(`more ${quality}`) || cue.test(`更${quality}`)) || /^(?:of|than|like|please|options?|choices?)$/.test(quality)) return undefined;
  return quality;
}

// "it", "this one", 这个, 它: about one product, not the list.
const ABOUT_ONE = /\b(?:it|this|that|this one|that one)\b|它|这个|这款|这双|这件|那个|那款/i;

/**
 * A short follow-up that adds a few words to the last search ("do any of them have noise
 * cancelling?", "waterproof ones?", 有降噪的吗): the words, or undefined. Whether the listed kind
 * of product has them at all — a narrowing, not a new search — is the caller's to check in the catalogue.
 */
export function readNarrowing(text: string, nlu: Understanding, last: SearchMemory | undefined, shown: number): string | undefined {
  if (!last?.text || shown === 0) return undefined;
  if (OTHER_BUSINESS.has(nlu.intent) || (nlu.intent === "compare" && REAL_COMPARE.test(text))) return undefined;
  if (readNeed(text) || explicitIndexes(text, shown).length || superlativePick(text) || ABOUT_ONE.test(text)) return undefined;
  const lastCategories = new Set(last.filters.categories ?? []);
  if (nlu.entities.categories.some((c) => !lastCategories.has(c))) return undefined;
  const words = newWords(text, nlu, last);
  const count = words.split(/\s+/).filter(Boolean).length;
  const short = /\p{Script=Han}/u.test(text) ? text.length <= 14 : text.split(/\s+/).length <= 9;
  return words && count <= 3 && short ? words : undefined;
}

function isColorOrEntityWord(word: string, nlu: Understanding): boolean {
  const w = word.toLowerCase();
  const e = nlu.entities;
  return [...e.colors, ...e.brands, ...e.sizes].some((v) => v.toLowerCase() === w || w.includes(v.toLowerCase())) || /色$/.test(word) || /^(?:red|blue|green|black|white|grey|gray|navy|pink|purple|yellow|orange|brown|beige|silver|gold|olive)$/i.test(word);
}

/** A Chinese chunk made only of refinement words and colours (红色男款, 便宜点, 大一点). */
function chineseRefiningOnly(chunk: string): boolean {
  if (!/\p{Script=Han}/u.test(chunk)) return false;
  const rest = chunk.replace(/[红橙黄绿青蓝紫黑白灰粉棕褐金银米藏卡其军驼]色?|色/g, "").replace(new RegExp([...REFINING_WORDS].filter((w) => /\p{Script=Han}/u.test(w)).sort((a, b) => b.length - a.length).join("|"), "g"), "").replace(/[的款件个双只条]/g, "");
  return rest.length === 0;
}

/** The last search's filters with the refinement applied (direction is handled by the caller: it needs the shown prices). */
export function refinedFilters(last: Filters, r: Refinement): Filters {
  const f: Filters = { ...last };
  if (r.price) {
    delete f.priceMin;
    delete f.priceMax;
    if (r.price.min !== undefined) f.priceMin = r.price.min;
    if (r.price.max !== undefined) f.priceMax = r.price.max;
  }
  if (r.colors) f.colors = r.colors;
  if (r.brands) f.brands = r.brands;
  if (r.sizes) f.sizes = r.sizes;
  if (r.inStock) f.inStock = true;
  return f;
}

// "I don't like any of these", "show me something else", "more please", 都不喜欢, 换一批: the list shown is not all they want to see.
const REJECTS_THE_LIST =
  /\b(?:(?:don'?t|do not|didn'?t|dont) (?:really )?(?:like|love|want|fancy) (?:any of )?(?:these|those|them|any)|none of (?:these|those|them)|not (?:really )?(?:my style|my taste|what i(?:'m| am) (?:looking for|after))|(?:something|anything) else|(?:any|some|show me|got|have you got) (?:others|other ones|different ones|more options)|(?:other|different|more) (?:options|ones)\??$|^(?:(?:can you |could you )?show me |got |any |can i see )?more(?: please| of (?:these|them|those)| options| ones)?[?.!]*$|\b(?:next page|see more|load more|show more)\b|^\s*(?:(?:the\s+)?next(?:\s+(?:ones?|few|page|batch))?|more)(?:,?\s+please)?\s*[?.!]*$)|都不喜欢|不喜欢这些|不太喜欢|都不想要|换一批|换几个|换一些|还有别的吗|有没有别的|别的呢|其他的呢|其它的呢|看看别的|再来几个|再看几个|还有更多|更多的|下一页|^还有吗[?？]?$/i;

/** Whether the message turns down the whole list shown (not one product, not a colour). */
export function rejectsTheList(text: string): boolean {
  return REJECTS_THE_LIST.test(text) && !OTHER_COLOURS.test(text);
}
