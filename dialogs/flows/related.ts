import type { Product } from "../../store/types.ts";
import type { Flow, FlowReply } from "../flow.ts";
import { say, suggest } from "../templates.ts";
import { referencedProducts } from "./catalogue.ts";
import { hasAsWritten } from "./matching.ts";
import { priceDirection } from "../refine.ts";
import { card, refineSearch, runSearch } from "./search.ts";

/**
 * Products related to one the shopper points at: "anything similar to the second one?", 有类似的吗
 * (the same kind of product, others of it), and "what do people buy with it?", 一般搭配什么 (what
 * shoppers who had it also had, from the shop's own events — never made up when there are none).
 */

const SIMILAR_EN = /\b(?:similar|alternatives?|comparable)\b|\b(?:more|others?|anything|something|ones?)\s+(?:just\s+)?like\s+(?:this|that|it|these|those|them|the\s+\w+(?:\s+one)?)\b/i;
const SIMILAR_ZH = /类似|相似|差不多的|同类|同款|替代/;
const GOES_WITH_EN =
  /\b(?:people|customers|shoppers|others|everyone|folks)\b[^.?!]*\b(?:buy|buys|bought|get|gets|order|orders|pair|choose|chose)\b[^.?!]*\bwith\b|\b(?:goes?|go|pairs?)\s+(?:well\s+|nicely\s+)?with\b|\b(?:also|often|frequently)\s+bought\b|\bbought\s+together\b|\baccessories\s+for\b/i;
const GOES_WITH_ZH = /搭配|配什么|一起买|还买了|也买了|配套|配件/;

/** "anything similar to the second one?", "more like this", 第二个有类似的吗. */
export function asksForSimilar(text: string): boolean {
  return SIMILAR_EN.test(text) || SIMILAR_ZH.test(text);
}

/** The message without its words for "similar" (to see whether it names anything else). */
export function withoutSimilarWords(text: string): string {
  return text.replace(new RegExp(SIMILAR_EN.source, "gi"), " ").replace(new RegExp(SIMILAR_ZH.source, "g"), " ");
}

/** "what do people buy with it?", "what goes well with the first one?", 一般搭配什么. */
export function asksWhatGoesWith(text: string): boolean {
  return GOES_WITH_EN.test(text) || GOES_WITH_ZH.test(text);
}

/**
 * What kind of product it is, as search words: the tag its title says as written ("hiking backpack"
 * of "… Hiking Backpack 65 L", 头戴式耳机 of "… 无线头戴式耳机 银色"), else its title without the brand, the colour after the comma and
 * model numbers.
 */
export function kindOf(product: Product): string {
  const title = product.title.split(/[,，]/)[0]!;
  const tags = [...(product.tags ?? [])].sort((a, b) => b.length - a.length);
  const named = tags.find((t) => hasAsWritten(t, { id: "", title }));
  if (named) return named;
  const brand = product.brand ? new RegExp(`^\\s*${product.brand.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*`, "i") : /^$/;
  return title.replace(brand, "").replace(/\S*\d\S*/g, " ").replace(/\s+/g, " ").trim();
}

/** Its kind, then the broader kinds its tags name within that ("耳机" of "头戴式耳机", "backpack" of "hiking backpack"), narrowest first. */
export function kindsOf(product: Product): string[] {
  const kind = kindOf(product);
  const broader = (product.tags ?? []).filter((t) => t.length < kind.length && hasAsWritten(t, { id: "", title: kind })).sort((a, b) => b.length - a.length);
  return [...new Set([kind, ...broader])];
}

export const similarProducts: Flow = async (ctx) => {
  // "any cheaper alternatives to this?", "something similar but cheaper": the price goes that way too.
  const direction = priceDirection(ctx.turn.text);
  const [product] = await referencedProducts(ctx, 1);
  // With a list and no one product: the list's search, cheaper (or pricier).
  if (!product && direction && ctx.state.lastSearch) return refineSearch(ctx, ctx.state.lastSearch, { direction });
  if (!product) return { text: say(ctx.locale, "whichProduct"), products: [], suggestions: suggest(ctx.locale, "start") };
  const bound = direction && product.price !== undefined ? (direction === "cheaper" ? { priceMax: Math.max(0, product.price - 0.01) } : { priceMin: product.price + 0.01 }) : {};
  const filters = { ...ctx.filters, ...bound, ...(direction && product.currency && { currency: product.currency }), ...(product.category && !ctx.filters.categories?.length && { categories: [product.category] }) };
  // The kind, then the broader kind its tags name ("头戴式耳机", then "耳机"), never other things in the budget.
  let reply: FlowReply = { text: "", products: [], suggestions: [] };
  for (const kind of kindsOf(product)) {
    reply = await runSearch(ctx, { text: kind, filters, fresh: false, exclude: [product.id], ...(direction && { direction }) });
    if (reply.products.length) break;
  }
  const how = direction === "cheaper" ? "Cheaper" : direction === "pricier" ? "Pricier" : "";
  if (!reply.products.length) return { ...reply, text: say(ctx.locale, `noneSimilar${how}`, { title: product.title }) };
  return { ...reply, text: say(ctx.locale, `similarTo${how}`, { count: reply.products.length, title: product.title }) };
};

export const goesWith: Flow = async (ctx) => {
  const [product] = await referencedProducts(ctx, 1);
  if (!product) return { text: say(ctx.locale, "whichProduct"), products: [], suggestions: suggest(ctx.locale, "start") };
  ctx.state.focus = product.id;
  const chosen = (await ctx.deps.recommender.alsoChosen?.(product.id, { limit: ctx.deps.resultLimit, locale: ctx.locale })) ?? [];
  if (!chosen.length) {
    return { text: say(ctx.locale, "noAlsoChosen", { title: product.title }), products: [], suggestions: suggest(ctx.locale, "afterDetails"), answeredAs: "recommend" };
  }
  const reply: FlowReply = {
    text: say(ctx.locale, "alsoChosen", { title: product.title }),
    products: chosen.map((r) => card(r, ctx.locale)),
    suggestions: suggest(ctx.locale, "afterResults"),
    listing: true,
    answeredAs: "recommend",
    grounding: { task: "recommend", products: chosen.map((r) => ({ ...r.product, reason: r.reason })) },
  };
  return reply;
};

const WHATS_NEW = /^\s*(?:(?:so|ok|okay|hi|hey|and)[,\s]+)?(?:what(?:'s| is|s)\s+new(?:\s+(?:in the shop|in store|this week|this month|today|lately|recently))?|(?:any(?:thing)?|got any|do you have any(?:thing)?)\s+new(?:\s+(?:in|arrivals?|products?|stuff))?(?:\s+(?:this week|this month|lately|recently))?|(?:show me\s+)?(?:your\s+|the\s+)?(?:new arrivals?|newest (?:products|arrivals|additions|stuff)|latest (?:products|arrivals|additions|stuff))|new in)\s*[?.!]*\s*$|^\s*(?:有)?(?:什么|啥|哪些)?(?:新品|新到的?|上新)(?:吗|了吗|呢)?\s*[?？]?\s*$|最近(?:有什么|有啥)?(?:新品|上新|新到)/i;

/** "what's new?", "any new arrivals?", 有什么新品: the shop's newest products, not a search for "new". */
export function asksWhatsNew(text: string): boolean {
  return WHATS_NEW.test(text);
}

export const whatsNew: Flow = async (ctx) => {
  const { recommender, resultLimit } = ctx.deps;
  const arrivals = (await recommender.newArrivals?.({ limit: resultLimit, locale: ctx.locale })) ?? [];
  const picks = arrivals.length ? arrivals : await recommender.popular({ limit: resultLimit, locale: ctx.locale });
  return {
    text: say(ctx.locale, arrivals.length ? "newArrivals" : "noNewArrivals"),
    products: picks.map((r) => card(r, ctx.locale)),
    suggestions: suggest(ctx.locale, "afterResults"),
    listing: true,
    answeredAs: "recommend",
    grounding: { task: "recommend", products: picks.map((r) => ({ ...r.product, reason: r.reason })) },
  };
};
