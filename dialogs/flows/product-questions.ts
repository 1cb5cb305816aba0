import type { Locale } from "../../core/turn.ts";
import type { Product } from "../../store/types.ts";
import type { Flow, FlowContext, FlowReply } from "../flow.ts";
import { pointsAtAProduct, readWhichQuestion } from "../attributes.ts";
import { productCard } from "../format.ts";
import { type Magnitude, magnitudeOn, statedMeasure } from "../magnitude.ts";
import { say, suggest } from "../templates.ts";
import { catalogueFlows, priceOf, productsOf, referencedProducts } from "./catalogue.ts";
import { catalogueHits, productCoverage, productWords, textHasWord } from "./matching.ts";
import { queryTerms } from "../query.ts";
import { knowledgeReply, lookUp } from "./knowledge.ts";
import { card, inShoppersLanguage, narrowsTheList, refineSearch } from "./search.ts";

/**
 * "Is it waterproof?", "does the second one have bluetooth?", 它防水吗: answered from what the
 * product's listing says — yes, with the sentence that says it, or that the listing does not
 * mention it (never a "no" the listing does not state), then the listed kind of product that does.
 */
export function propertyAnswer(asked: string): Flow {
  return async (ctx) => {
    const [product] = await referencedProducts(ctx, 1);
    const property = product ? withoutTheName(asked, product, ctx.turn.text) : "";
    if (!product || !property) return catalogueFlows.product_details!(ctx);
    ctx.state.focus = product.id;
    ctx.state.askedProperty = property;
    await ctx.deps.shoppers.record([{ userId: ctx.turn.userId, itemId: product.id, type: "view", ts: Date.now() }]);
    const words = productWords(property, product);
    const missing = words.filter((w) => !w.found).map((w) => w.word);
    const locale = ctx.locale;
    const theProduct: FlowReply = { text: "", products: [productCard(product, say(locale, "cardAsked"))], suggestions: suggest(locale, "afterDetails"), answeredAs: "product_details" };
    if (!missing.length) {
      const evidence = sentenceSaying(product.description, words.map((w) => w.word), locale);
      const text = evidence ? say(locale, "propertyYes", { title: product.title, evidence }) : say(locale, "propertyListed", { title: product.title, property });
      return { ...theProduct, text };
    }
    const unknown = say(locale, "propertyUnknown", { title: product.title, property: missing.join(" ") });
    const others = await othersThatDo(ctx, property, product);
    // "do you have it in small?" next is still about the product asked of, not the first of those that say it.
    if (others) return { ...others, text: `${unknown}${locale === "zh" ? "" : " "}${say(locale, "propertyOthers")}`, answeredAs: "product_details", focus: product.id };
    return { ...theProduct, text: unknown };
  };
}

/**
 * The property without the product's own name: "Is the Lumora Prism 9 waterproof?" asks about
 * "waterproof". A name is the brand, or a word of the title written capitalised or with a digit;
 * when that leaves nothing ("does it have Bluetooth?" of a Bluetooth speaker), the words asked stay.
 */
function withoutTheName(asked: string, product: Product, message: string): string {
  const titleWords = new Set(product.title.toLowerCase().split(/[^\p{L}\p{N}]+/u));
  const brand = new Set(product.brand?.toLowerCase().split(/\s+/) ?? []);
  const words = asked.split(/\s+/).filter((w) => w && !brand.has(w.toLowerCase()));
  const property = words.filter((w) => !((/\d/.test(w) || /^\p{Lu}/u.test(w)) && titleWords.has(w.toLowerCase()) && message.includes(w)));
  return (property.length ? property : words).join(" ");
}

/** The description's first sentence that says all these words, trimmed to a quote's length. */
function sentenceSaying(description: string | undefined, words: string[], locale: Locale): string | undefined {
  if (!description) return undefined;
  const sentences = description.split(/(?<=[.!?。！？])\s*/).filter(Boolean);
  const found = sentences.find((s) => words.every((w) => textHasWord(s, w)));
  if (!found) return undefined;
  const limit = locale === "zh" ? 80 : 200;
  return found.length > limit ? `${found.slice(0, limit - 1)}…` : found;
}

/** The last search's kind of product with the property ("headphones" + "noise cancelling"), without this one. */
async function othersThatDo(ctx: FlowContext, property: string, product: Product): Promise<FlowReply | undefined> {
  const last = ctx.state.lastSearch;
  if (!last?.text || !(await narrowsTheList(ctx, last, property))) return undefined;
  // Another language's listing does not stand in here: the shopper asked about this one, not for a list.
  const reply = await refineSearch(ctx, last, { fresh: property, narrow: true, ownLanguage: true });
  // Only cards that say it: the search's fallbacks (other things within the budget) do not.
  const saying = new Set((await productsOf(ctx, reply.products.map((c) => c.id))).filter((p) => productWords(property, p).every((w) => w.found)).map((p) => p.id));
  const products = reply.products.filter((c) => c.id !== product.id && saying.has(c.id));
  if (products.length) return { ...reply, products };
  // Nothing shown: the list on screen is still the one a "cheaper ones" would refine.
  ctx.state.lastSearch = last;
  return undefined;
}

/**
 * "Which one is the best?": the first of the list shown — ranked for what was asked and for this
 * shopper — that is in stock, said as such (not a claim about reviews the shop does not have).
 */
export const bestOfShown: Flow = async (ctx) => {
  const shown = await productsOf(ctx, ctx.state.lastShown);
  const pick = shown.find((p) => p.stock === undefined || p.stock > 0);
  if (!pick) return catalogueFlows.product_details!(ctx);
  ctx.state.focus = pick.id;
  const locale = ctx.locale;
  const price = priceOf(pick, locale);
  const key = pick === shown[0] ? "bestPick" : "bestPickInStock";
  return {
    text: say(locale, key, { title: pick.title, price }),
    products: [productCard(pick, say(locale, "cardAsked"))],
    suggestions: suggest(locale, "afterDetails"),
    answeredAs: "recommend",
  };
};

// "what do other customers say about it?", "is it well reviewed?", 评价怎么样: the catalogue holds no reviews.
const REVIEWS =
  /\b(?:reviews?|reviewed|ratings?|rated|stars?|testimonials?|(?:other )?(?:customers|people|buyers|shoppers) (?:say|think)|what (?:do )?(?:people|customers|others) (?:say|think))\b|评价|评论|好评|差评|口碑|评分|买家(?:怎么)?说|别人(?:怎么)?说/i;

/** Whether the message asks what other shoppers think of a product. */
export function asksForReviews(text: string): boolean {
  return REVIEWS.test(text) && !/\b(?:leave|write|post|give)\b|我(?:想|要)?(?:写|给|留)/i.test(text);
}

/** No reviews to quote — said first, then what the product's listing says. */
export const reviewsAnswer: Flow = async (ctx) => {
  const details = await catalogueFlows.product_details!(ctx);
  const [product] = await referencedProducts(ctx, 1);
  if (!product) return details;
  return { ...details, text: `${say(ctx.locale, "noReviews", { title: product.title })}${ctx.locale === "zh" ? "" : " "}${details.text}`, answeredAs: "product_details" };
};

// "when will the sold out ones be back?", "will you restock it?", 什么时候补货: restock dates, which the catalogue does not record.
const RESTOCK =
  /\b(?:restock(?:ed|ing|s)?|back in stock|in stock again|available again|get (?:more|them|it|some) (?:back )?in|(?:it|they|them|ones|those|these|one)\s+(?:will\s+|ever\s+)?(?:be|come|coming)\s+back|(?:come|coming) back in(?:to)? stock|when (?:will|do) you have (?:it|them|more) (?:again|back))\b|补货|到货通知|什么时候(?:能|会|才)?(?:有货|到货|再有|上架)|(?:还|会)(?:会|再)?(?:补|上)货/i;

/** Whether the message asks when something sold out comes back. */
export function asksAboutRestock(text: string): boolean {
  return RESTOCK.test(text);
}

/**
 * No restock dates to give — said, with the stock of the product meant when there is one (it may
 * not be sold out at all), and the way to a person who may know.
 */
export const restockAnswer: Flow = async (ctx) => {
  const pointed = pointsAtAProduct(ctx.turn.text) || !!ctx.state.focus;
  const [product] = pointed ? await referencedProducts(ctx, 1) : [];
  const unknown = say(ctx.locale, "restockUnknown");
  if (!product) return { text: unknown, products: [], suggestions: suggest(ctx.locale, "handoff"), answeredAs: "availability" };
  const details = await catalogueFlows.availability!(ctx);
  const inStock = product.stock === undefined || product.stock > 0;
  return { ...details, text: inStock ? details.text : `${details.text}${ctx.locale === "zh" ? "" : " "}${unknown}`, suggestions: inStock ? details.suggestions : suggest(ctx.locale, "handoff"), answeredAs: "availability" };
};

// "what brands of headphones do you have?", 耳机有哪些品牌: the makers of that kind the shop carries.
const BRANDS_ASKED = /\b(?:what|which)\s+brands?\b|\bbrands?\s+(?:do you (?:have|carry|sell|stock)|have you got)\b|哪些品牌|什么品牌|哪些牌子|什么牌子|哪几个牌子|哪几个品牌/i;

/** Whether the message asks which brands of something the shop carries. */
export function asksForBrands(text: string): boolean {
  return BRANDS_ASKED.test(text);
}

/** The brands of what was asked for (every matching listing's, not only those shown), then some of them. */
export const brandsAnswer: Flow = async (ctx) => {
  const reply = await catalogueFlows.search_products!(ctx);
  const what = queryTerms(ctx.turn.text);
  if (!reply.products.length || !what) return reply;
  const zh = ctx.locale === "zh";
  // A Chinese listing names its brand in Chinese at the head of its title (芯联 Cirrus…); the brand field is the English one.
  const brandOf = (p: Product) => (zh ? (/^\p{Script=Han}+/u.exec(p.title)?.[0] ?? p.brand) : p.brand);
  const matching = (await catalogueHits(ctx, what)).filter((p) => productCoverage(what, p) >= 1 && /\p{Script=Han}/u.test(p.title) === zh);
  const brands = [...new Set(matching.map(brandOf).filter((b): b is string => !!b))];
  if (!brands.length) return reply;
  return { ...reply, text: say(ctx.locale, "brandsOf", { what, brands: brands.join(zh ? "、" : ", ") }) };
};

// "what's on sale?", "any discounts?", 有什么优惠: the shop's offers, which the catalogue does not record.
const DEALS = /\b(?:on sale|sales?|deals?|discounts?|discounted|promotions?|promo(?: codes?)?|offers|clearance|bargains?|coupons?|vouchers?)\b|打折|折扣|优惠|促销|特价|减价|活动/i;

/** Whether a message asks what is on offer, naming no product ("any deals on headphones?" is a search). */
export function asksForDeals(text: string): boolean {
  // "is there a student discount?": who the offer is for is no product.
  const asked = text.replace(/\b(?:discount|promo|promotional|coupon|voucher|gift)\s+codes?\b|\b(?:student|students|military|senior|seniors|teacher|teachers|nhs|first[- ]order|newsletter|loyalty|member|members|birthday|bulk)\b|(?:多买|批量|[一两二三四五六七八九十\d]+\s*(?:件|个|双|套|份|样))/gi, " ");
  return DEALS.test(text) && !queryTerms(asked);
}

// "能便宜点吗", "can you do a better price?": haggling — with nothing on screen to make cheaper, the shop's offers.
const BARGAIN = /^\s*(?:(?:能|可以|能不能|可不可以)(?:再)?便宜(?:一)?点(?:吗|吧|嘛|儿)?|便宜(?:一)?点(?:吧|嘛)|(?:can|could) you (?:do|give me) (?:a )?(?:better|lower|cheaper) price|can (?:i|we) (?:get|have) (?:it|that|this) cheaper)\s*[?？!！。.]*\s*$/i;

/** Whether the message haggles over the price, naming nothing. */
export function asksToBargain(text: string): boolean {
  return BARGAIN.test(text);
}

/** The shop's documents on its offers when they say; else that the catalogue has no sale prices, and popular picks. */
export const dealsAnswer: Flow = async (ctx) => {
  const lookup = await lookUp(ctx, { intentBacked: true });
  // Only a passage about offers answers it ("between two sizes" is no answer to "a discount if I buy two?").
  if (lookup?.answerable && DEALS.test(lookup.text ?? "")) return knowledgeReply(lookup, ctx, "knowledge");
  const picks = await ctx.deps.recommender.popular({ limit: ctx.deps.resultLimit * 4, locale: ctx.locale });
  const shown = inShoppersLanguage(picks, ctx.locale).slice(0, ctx.deps.resultLimit);
  return { text: say(ctx.locale, "noDeals"), products: shown.map((r) => card(r, ctx.locale)), suggestions: suggest(ctx.locale, "afterResults"), listing: true, answeredAs: "recommend" };
};

/**
 * "Which is the quietest?", "which ones are waterproof?", 哪款防水: the products shown whose listing
 * says it, with the sentence when one does; when none does, said so, and the listed kind that does.
 */
export function whichOfShown(property: string): Flow {
  return async (ctx) => (await shownSaying(ctx, property)) ?? noneOfShownSays(ctx, property);
}

/** The products shown whose listings say so, as an answer; undefined when none does. */
async function shownSaying(ctx: FlowContext, property: string, says?: (p: Product) => boolean): Promise<FlowReply | undefined> {
  // After a comparison, "which one is lighter?" is about the two compared.
  const shown = await productsOf(ctx, ctx.state.compared ?? ctx.state.lastShown);
  const locale = ctx.locale;
  const saying = shown.filter(says ?? ((p) => productWords(property, p).every((w) => w.found)));
  const reason = say(locale, "cardAsked");
  if (saying.length === 1) {
    const [only] = saying as [Product];
    ctx.state.focus = only.id;
    const evidence = says ? undefined : sentenceSaying(only.description, productWords(property, only).map((w) => w.word), locale);
    const text = evidence ? say(locale, "onlyOneSays", { title: only.title, evidence }) : say(locale, "onlyOneListed", { title: only.title, property });
    return { text, products: [productCard(only, reason)], suggestions: suggest(locale, "afterDetails"), answeredAs: "product_details" };
  }
  if (saying.length > 1) {
    return { text: say(locale, "severalSay", { count: saying.length, property }), products: saying.map((p) => productCard(p, reason)), suggestions: suggest(locale, "afterResults"), listing: true, answeredAs: "product_details" };
  }
  return undefined;
}

/** None of the list says so (`none`, by default that no listing mentions it): said, with others of its kind that do when there are. */
async function noneOfShownSays(ctx: FlowContext, property: string, none = say(ctx.locale, "noneSay", { property }), othersKey: "propertyOthers" | "describedAs" = "propertyOthers"): Promise<FlowReply> {
  const locale = ctx.locale;
  const [first] = await productsOf(ctx, (ctx.state.compared ?? ctx.state.lastShown).slice(0, 1));
  const others = first ? await othersThatDo(ctx, property, first) : undefined;
  if (others) return { ...others, text: `${none}${locale === "zh" ? "" : " "}${say(locale, othersKey, { property })}`, answeredAs: "product_details" };
  return { text: none, products: [], suggestions: suggest(locale, "afterResults"), answeredAs: "product_details" };
}

// A listing's own word for light to carry: "which is the lightest?" of a list without weights ("light grey" is a colour).
const SOLD_AS_LIGHT = /\b(?:lightweight|ultra-?light|featherweight|UL)\b|轻量|轻便|轻巧|超轻|轻盈/;

const MEASURE_NAMES: Record<Magnitude["dimension"], { en: string; zh: string }> = {
  mass: { en: "weight", zh: "重量" },
  volume: { en: "capacity", zh: "容量" },
  storage: { en: "storage", zh: "存储容量" },
  charge: { en: "battery capacity", zh: "电池容量" },
  screen: { en: "screen size", zh: "屏幕尺寸" },
  length: { en: "size", zh: "尺寸" },
  people: { en: "number of people", zh: "适用人数" },
};

/** "how heavy is it?", "what's the capacity?", 它是几人的: the figure its listing states, or that it states none. */
export function measureAnswer(dimension: Magnitude["dimension"]): Flow {
  return async (ctx) => {
    const [product] = await referencedProducts(ctx, 1);
    if (!product) return catalogueFlows.product_details!(ctx);
    ctx.state.focus = product.id;
    const measure = statedMeasure(product.title, dimension) ?? (product.description ? statedMeasure(product.description, dimension) : undefined);
    const what = MEASURE_NAMES[dimension][ctx.locale === "zh" ? "zh" : "en"];
    return {
      text: measure ? say(ctx.locale, "measureStated", { title: product.title, what, measure }) : say(ctx.locale, "measureUnknown", { title: product.title, what }),
      products: [productCard(product, say(ctx.locale, "cardAsked"))],
      suggestions: suggest(ctx.locale, "afterDetails"),
      answeredAs: "product_details",
    };
  };
}

/**
 * "which is the thickest?", "which has the most storage?", 哪个最薄: of the products shown, the one
 * whose title states the most (or least) on that dimension ("6 mm"); none when no title states it.
 */
export function extremeOfShown(asked: { dimension: Magnitude["dimension"]; pick: "max" | "min"; phrase: string }): Flow {
  return async (ctx) => {
    const shown = await productsOf(ctx, ctx.state.compared ?? ctx.state.lastShown);
    const measured = shown.map((p) => ({ p, value: magnitudeOn(p.title, asked.dimension) })).filter((x): x is { p: Product; value: number } => x.value !== undefined);
    const what = MEASURE_NAMES[asked.dimension][ctx.locale === "zh" ? "zh" : "en"];
    if (!measured.length) {
      // No figures: the listings that say it in words ("lightweight", 轻便) answer "which is the lightest?", else others that do.
      const unknown = say(ctx.locale, "extremeUnknown", { what });
      if (asked.dimension === "mass" && asked.pick === "min") {
        const light = await shownSaying(ctx, ctx.locale === "zh" ? "轻量" : "lightweight", (p) => SOLD_AS_LIGHT.test([p.title, p.tags?.join(" ")].join(" ")));
        // All of them sold so tells nothing apart.
        if (light && light.products.length < shown.length) return light;
      }
      const property = readWhichQuestion(ctx.turn.text);
      if (!property) return { text: unknown, products: [], suggestions: suggest(ctx.locale, "afterResults"), answeredAs: "product_details" };
      return (await shownSaying(ctx, property)) ?? noneOfShownSays(ctx, property, unknown, "describedAs");
    }
    if (measured.length > 1 && measured.every((x) => x.value === measured[0]!.value)) {
      const same = statedMeasure(measured[0]!.p.title, asked.dimension) ?? "";
      return { text: say(ctx.locale, "extremeSame", { what, measure: same }), products: [], suggestions: suggest(ctx.locale, "afterResults"), answeredAs: "product_details" };
    }
    const best = measured.reduce((a, b) => (asked.pick === "max" ? (b.value > a.value ? b : a) : b.value < a.value ? b : a));
    ctx.state.focus = best.p.id;
    const measure = statedMeasure(best.p.title, asked.dimension) ?? "";
    return {
      text: say(ctx.locale, "extremeOfShown", { title: best.p.title, phrase: asked.phrase.toLowerCase(), measure }),
      products: [productCard(best.p, say(ctx.locale, "cardAsked"))],
      suggestions: suggest(ctx.locale, "afterDetails"),
      answeredAs: "product_details",
    };
  };
}
