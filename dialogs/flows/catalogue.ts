import type { Locale } from "../../core/turn.ts";
import type { Product } from "../../store/types.ts";
import type { Flow, FlowContext, FlowReply } from "../flow.ts";
import type { Filters, Ranked } from "../../recommend/types.ts";
import type { ShopperProfile } from "../../shoppers/index.ts";
import type { WriterProduct } from "../reply-writer.ts";
import { colorName, colorShades, extractColors } from "../../intents/entities.ts";
import { formatPrice, productCard } from "../format.ts";
import { bothAdultAudiences, shopperAudience } from "../audience.ts";
import { categoryName } from "../names.ts";
import { withoutExcludedWords } from "../exclusions.ts";
import { readNeed, termsWithoutThePerson } from "../needs.ts";
import { HEADCOUNT, queryTerms } from "../query.ts";
import { asksForCheap, asksInStock, priceOrderAsked } from "../refine.ts";
import { explicitIndexes, pointsAtOne, superlativePick } from "../references.ts";
import { say, suggest } from "../templates.ts";
import { card, inShoppersLanguage, needSearch, refineSearch, runSearch, withoutAudienceWords } from "./search.ts";
import { listedThings, listSearch } from "./list-search.ts";

// Wishes that name no product: "recommend something popular", 推荐点热门的. Such a request gets personal picks.
const GENERIC_WISHES = new Set(
  "popular trending bestseller bestsellers best-selling top hot favourite favourites favorite favorites pick picks me us everyone 热门 流行 畅销 爆款 人气 好物 好东西 东西 随便 点好".split(" "),
);

/** Flows that find, show and act on products. */

const greet: Flow = async (ctx) => {
  const { shoppers } = ctx.deps;
  if (!(await shoppers.isKnown(ctx.turn.userId))) {
    ctx.state.awaitingPreferences = true;
    return { text: say(ctx.locale, "greetNew"), products: [], suggestions: suggest(ctx.locale, "start") };
  }
  const picks = await picksFor(ctx, await shoppers.profile(ctx.turn.userId));
  return { text: say(ctx.locale, "greetBack"), products: picks.map((r) => card(r, ctx.locale)), suggestions: suggest(ctx.locale, "afterResults") };
};

const preferences: Flow = async (ctx) => {
  const { shoppers } = ctx.deps;
  await shoppers.addPreferences(ctx.turn.userId, ctx.turn.text);
  const e = ctx.nlu.entities;
  const named = [...e.categories.map((c) => categoryName(c, ctx.locale) ?? ""), ...e.brands, ...e.colors.map((c) => colorName(c, ctx.locale))].filter(Boolean);
  const things = likedThings(ctx.turn.text);
  const list = named.length ? named : things;
  const likes = list.length ? list.join(ctx.locale === "zh" ? "、" : ", ") : quote(ctx.turn.text, ctx.locale);
  const picks = await picksFor(ctx, await shoppers.profile(ctx.turn.userId));
  // "something cheaper" next refines these as it would a search for what they like.
  if (things.length) ctx.state.lastSearch = { text: things.join(" "), filters: ctx.filters };
  return { text: say(ctx.locale, "preferencesSaved", { likes }), products: picks.map((r) => card(r, ctx.locale)), suggestions: suggest(ctx.locale, "afterResults"), listing: things.length > 0 };
};

const search: Flow = async (ctx) => {
  const need = readNeed(ctx.turn.text);
  if (need) return needSearch(ctx, need);
  const things = await listedThings(ctx);
  if (things) return listSearch(ctx, things);
  return freshSearch(ctx);
};

/** A search for what the message names, with its own filters (nothing carried over from the last one). */
async function freshSearch(ctx: FlowContext): Promise<FlowReply> {
  const audience = shopperAudience(ctx.turn.text);
  const both = !audience && bothAdultAudiences(ctx.turn.text);
  const said = termsWithoutThePerson(ctx.turn.text) ?? queryTerms(ctx.turn.text);
  const terms = ctx.exclusion ? withoutExcludedWords(said, ctx.exclusion) : said;
  const text = both ? withoutAudienceWords(terms).replace(/男女款?|女男款?/g, " ").replace(/\s+/g, " ").trim() : terms;
  // "a cheap laptop", 便宜的耳机: with no price named, the lowest-priced of them.
  const cheap = ctx.filters.priceMax === undefined && ctx.filters.priceMin === undefined && asksForCheap(ctx.turn.text);
  // …and "headphones" next, after "something cheap" named no kind: the cheapest of those, as promised.
  const kindAwaited = ctx.state.lastSearch && !ctx.state.lastSearch.text ? ctx.state.lastSearch.order : undefined;
  const order = priceOrderAsked(ctx.turn.text) ?? (cheap ? "low" : kindAwaited);
  const purpose = purposeOf(ctx.turn.text);
  const adj = order && (ctx.locale === "zh" ? (order === "low" ? "价格最低的" : "价格最高的") : order === "low" ? "lowest-priced" : "highest-priced");
  const filters = asksInStock(ctx.turn.text) ? { ...ctx.filters, inStock: true } : ctx.filters;
  const found = await runSearch(ctx, { text, filters, ...(audience && { audience }), fresh: true, ...(ctx.exclusion && { avoid: ctx.exclusion }), ...(order && { byPrice: order, adj }), ...(both && { bothAudiences: true }), ...(purpose && { purpose }) });
  // "I want something cheap", 我想买个便宜的: no kind named — the shop's lowest-priced things, and what would narrow them.
  return cheap && !text && !audience && found.products.length ? { ...found, text: say(ctx.locale, "cheapestOfAll") } : found;
}

/**
 * What the thing asked for is for, as search words: "video editing" of "a laptop for video editing",
 * "keep drinks cold" of "water bottles that keep drinks cold", 适合跑步的 of 适合跑步的耳机; none when
 * nothing is named before it ("something for hiking" is a need).
 */
function purposeOf(text: string): string | undefined {
  const m =
    /^(.*?)\b(?:for|good for|suitable for|ideal for|to use for|that works for|that|which|to)\s+(.+)$/i.exec(text) ??
    /^(.*?)(?:适合|适用于|用来|用于)(.+?)的(.*)$/u.exec(text) ??
    // 笔记本电脑上学用, 办公用的椅子: what it is used for, said after it.
    /^(.*?)(上学|上课|学习|办公|上班|工作|通勤|出差|旅行|旅游|露营|徒步|跑步|健身|运动|游戏|打游戏|做饭|家用|日常|户外)用的?(.*)$/u.exec(text);
  if (!m) return undefined;
  const thing = queryTerms(m[1]! + (m[3] ?? ""));
  // "a tent for 4 people" says its size, not what it is for.
  const purpose = queryTerms(m[2]!).replace(HEADCOUNT, " ").replace(/\s+/g, " ").trim();
  return thing && purpose ? purpose : undefined;
}

/** Picks for the shopper, in their language when the shop has some (a bilingual shop lists both). */
async function picksFor(ctx: FlowContext, profile: ShopperProfile | null, filters?: Filters): Promise<Ranked[]> {
  const { recommender, resultLimit } = ctx.deps;
  const picks = await recommender.recommend(profile, { limit: resultLimit * 4, ...(filters && { filters }), locale: ctx.locale });
  return inShoppersLanguage(picks, ctx.locale).slice(0, resultLimit);
}

/** "I like hiking and photography", 我喜欢跑步和咖啡: the things liked, each as its own words. */
function likedThings(text: string): string[] {
  return text
    .replace(/^\s*(?:well,?\s*)?(?:i|we)(?:'m| am)?\s+(?:really\s+|mostly\s+|mainly\s+|just\s+)?(?:like|love|enjoy|into|prefer)\b|^\s*我(?:很|比较|特别|挺|主要|平时)?(?:喜欢|爱|热爱|偏爱)/i, "")
    .split(/,|，|、|\band\b|\bor\b|&|和|跟|以及|还有|或者/i)
    .map((piece) => queryTerms(piece))
    .filter(Boolean);
}

function withReason(ranked: Ranked): WriterProduct {
  return { ...ranked.product, reason: ranked.reason };
}

const recommend: Flow = async (ctx) => {
  const need = readNeed(ctx.turn.text);
  if (need) return needSearch(ctx, need);
  // "recommend a good tent" names what it wants: that is a search, ranked for the shopper.
  if (queryTerms(ctx.turn.text, GENERIC_WISHES) || Object.keys(ctx.filters).length) return freshSearch(ctx);
  const profile = await ctx.deps.shoppers.profile(ctx.turn.userId);
  const picks = await picksFor(ctx, profile, ctx.filters);
  const personal = !!profile && (profile.events.length > 0 || profile.likes.length > 0);
  return {
    text: say(ctx.locale, personal ? "recommendations" : "recommendationsCold"),
    products: picks.map((r) => card(r, ctx.locale)),
    listing: true,
    suggestions: suggest(ctx.locale, "afterResults"),
    grounding: { task: "recommend", products: picks.map(withReason) },
  };
};

/** The products of these ids that the catalogue still has, in order. */
export async function productsOf(ctx: FlowContext, ids: string[]): Promise<Product[]> {
  return (await Promise.all(ids.map((id) => ctx.deps.recommender.getProduct(id)))).filter((p): p is Product => p !== null);
}

/** Whether the message names a position past the end of the list shown ("the third one" when one was shown). */
export function pointsBeyondTheList(text: string, shown: number): boolean {
  return shown > 0 && explicitIndexes(text, shown).length === 0 && explicitIndexes(text, 10).length > 0;
}

/** "the third one" when the list had one: the list again, and which is meant — never the one there is. */
export const beyondTheList: Flow = async (ctx) => {
  const shown = await productsOf(ctx, ctx.state.lastShown);
  return { text: say(ctx.locale, "onlyShown", { count: shown.length }), products: shown.map((p) => productCard(p, say(ctx.locale, "cardAsked"))), suggestions: suggest(ctx.locale, "afterResults"), listing: true, answeredAs: "product_details" };
};

/**
 * The products a message is about: named in it, pointed at by position among those shown last
 * ("the second one", 第二个, "the cheapest one"), or — for "it", "that one", 这个, or no pointer at
 * all — the product in focus (the one last described or added), else the first shown ("it") or the
 * only one shown (加入购物车 after a list of one).
 */
export async function referencedProducts(ctx: FlowContext, want: number): Promise<Product[]> {
  const { recommender } = ctx.deps;
  const text = ctx.turn.text;
  const mentioned = await recommender.findMentioned(text, want);
  if (mentioned.length >= want) return mentioned.slice(0, want);
  const shown = ctx.state.lastShown;
  const ids: string[] = explicitIndexes(text, shown.length).map((i) => shown[i]!);
  const extreme = superlativePick(text);
  if (!ids.length && extreme && shown.length) {
    // "the cheaper one" after a comparison is the cheaper of the two compared.
    const among = ctx.state.compared?.length ? ctx.state.compared : shown;
    const priced = (await productsOf(ctx, among)).filter((p) => p.price !== undefined);
    priced.sort((a, b) => (extreme === "min" ? a.price! - b.price! : b.price! - a.price!));
    if (priced[0]) ids.push(priced[0].id);
  }
  const pronoun = pointsAtOne(text);
  if (ids.length < want && (pronoun || !mentioned.length)) {
    // "it" is the product in focus; with nothing in focus, the first of the list.
    const focus = ctx.state.focus && (pronoun || want === 1) ? ctx.state.focus : undefined;
    const fallback = (pronoun && shown.length) || shown.length === 1 ? shown[0] : undefined;
    for (const id of [focus, fallback]) if (id && !ids.includes(id) && ids.length < want && (id === focus || ids.length === 0)) ids.push(id);
  }
  const pointed: Product[] = [];
  for (const id of ids) {
    const product = await recommender.getProduct(id);
    if (product) pointed.push(product);
  }
  const merged = [...mentioned, ...pointed.filter((p) => !mentioned.some((m) => m.id === p.id))];
  return merged.slice(0, want);
}

function detailLines(product: Product, locale: Locale): string[] {
  const category = product.category ? (categoryName(product.category, locale) ?? "") : "";
  const lines = [say(locale, "details", { title: product.title, brand: product.brand ?? "", category })];
  if (product.description) lines.push(product.description);
  lines.push(priceLine(product, locale), stockLine(product, locale));
  if (product.color) lines.push(say(locale, "colour", { color: colourOf(product.color, locale) }));
  if (product.sizes?.length) lines.push(say(locale, "sizesAvailable", { sizes: product.sizes.join(", ") }));
  return lines;
}

/** A product's colour as the reply's language says it: a Chinese reply says 蓝色, not "navy". */
function colourOf(color: string, locale: Locale): string {
  if (locale !== "zh" || /\p{Script=Han}/u.test(color)) return color;
  const [canonical] = extractColors(color);
  return canonical ? colorName(canonical, locale) : color;
}

function priceLine(product: Product, locale: Locale): string {
  return product.price === undefined
    ? say(locale, "noPrice", { title: product.title })
    : say(locale, "priceOf", { title: product.title, price: formatPrice(product.price, product.currency, locale) });
}

function stockLine(product: Product, locale: Locale): string {
  if (product.stock === undefined) return say(locale, "stockUnknown", { title: product.title });
  return product.stock > 0 ? say(locale, "inStock", { title: product.title, stock: product.stock }) : say(locale, "outOfStock", { title: product.title });
}

/** A flow about one product, answered from catalogue fields only. */
function aboutOneProduct(lines: (p: Product, locale: Locale, ctx: FlowContext) => string[]): Flow {
  return async (ctx) => {
    const [product] = await referencedProducts(ctx, 1);
    if (!product) return notFound(ctx);
    ctx.state.focus = product.id;
    await ctx.deps.shoppers.record([{ userId: ctx.turn.userId, itemId: product.id, type: "view", ts: Date.now() }]);
    const reason = reasonForAsked(ctx.locale);
    return {
      text: lines(product, ctx.locale, ctx).join(ctx.locale === "zh" ? "" : " "),
      products: [productCard(product, reason)],
      suggestions: suggest(ctx.locale, "afterDetails"),
      // The templates always state price and stock here; the written answer does too.
      grounding: { task: "details", products: [{ ...product, reason }], appendFacts: true },
    };
  };
}

function reasonForAsked(locale: Locale): string {
  return say(locale, "cardAsked");
}

async function notFound(ctx: FlowContext): Promise<FlowReply> {
  // A message naming a kind of product, with nothing shown to point at, is a search for it.
  const e = ctx.nlu.entities;
  if (!ctx.state.lastShown.length && (e.categories.length || e.brands.length || queryTerms(ctx.turn.text))) {
    const reply = await runSearch(ctx, { text: queryTerms(ctx.turn.text), filters: ctx.filters, fresh: true });
    // Something found, or a name said not carried ("is the Plumbus 3000 available?"): that is the answer.
    if (reply.products.length || reply.listing || e.categories.length || e.brands.length) return reply;
  }
  return { text: say(ctx.locale, "whichProduct"), products: [], suggestions: suggest(ctx.locale, "start") };
}

const compare: Flow = async (ctx) => {
  let products = await referencedProducts(ctx, 2);
  // "which one has the better battery?" right after a comparison (or a list of two): those two again.
  const pair = ctx.state.compared ?? (ctx.state.lastShown.length === 2 ? ctx.state.lastShown : undefined);
  if (products.length < 2 && pair) products = await productsOf(ctx, pair);
  if (products.length < 2) return (await kindToCompare(ctx)) ?? { text: say(ctx.locale, "whichTwo"), products: [], suggestions: suggest(ctx.locale, "start") };
  const [a, b] = products as [Product, Product];
  ctx.state.compared = [a.id, b.id];
  const lines = [say(ctx.locale, "compareIntro", { a: a.title, b: b.title })];
  for (const p of [a, b]) {
    lines.push(`• ${[p.title, p.brand, priceOf(p, ctx.locale), stockLine(p, ctx.locale)].filter(Boolean).join(" — ")}`);
  }
  if (a.price !== undefined && b.price !== undefined && a.currency === b.currency) {
    if (a.price === b.price) lines.push(say(ctx.locale, "compareSamePrice"));
    else {
      const cheaper = a.price < b.price ? a : b;
      lines.push(say(ctx.locale, "compareCheaper", { title: cheaper.title, diff: formatPrice(Math.abs(a.price - b.price), a.currency, ctx.locale) }));
    }
  }
  const reason = say(ctx.locale, "cardCompared");
  return {
    text: lines.join("\n"),
    products: [productCard(a, reason), productCard(b, reason)],
    suggestions: suggest(ctx.locale, "afterDetails"),
    grounding: { task: "compare", products: [a, b].map((p) => ({ ...p, reason })), appendFacts: true },
  };
};

// The asking of a comparison, beside the kind of thing to compare ("the difference between the kettles you have").
const COMPARING = /\b(?:compare|comparing|comparison|versus|vs\.?|difference|differences|different|between|which is better|better)\b|对比|比较|区别|有什么不同|哪个好/gi;

/** "what's the difference between the kettles you have?": that kind listed, to say which two; undefined when none is named. */
async function kindToCompare(ctx: FlowContext): Promise<FlowReply | undefined> {
  const kind = queryTerms(ctx.turn.text.replace(COMPARING, " "));
  if (!kind) return undefined;
  const found = await runSearch(ctx, { text: kind, filters: ctx.filters, fresh: true });
  if (found.products.length < 2) return undefined;
  return { ...found, text: say(ctx.locale, "compareWhichOfThese", { count: found.products.length }), answeredAs: "compare" };
}

export function priceOf(p: Product, locale: Locale): string {
  return p.price === undefined ? "" : formatPrice(p.price, p.currency, locale);
}

function quote(text: string, locale: Locale): string {
  const trimmed = text.trim().replace(/\s+/g, " ");
  const short = trimmed.length > 40 ? `${trimmed.slice(0, 39)}…` : trimmed;
  return locale === "zh" ? `“${short}”` : `“${short}”`;
}

const availabilityOfOne = aboutOneProduct((p, locale, ctx) => {
  // "do you have it in small?": that size first, yes or no, from the sizes the product comes in.
  const asked = ctx.nlu.entities.sizes.filter(() => p.sizes?.length);
  const offered = new Set(p.sizes?.map((z) => z.toUpperCase()));
  const sizeLines = asked.map((z) => say(locale, offered.has(z.toUpperCase()) ? "comesInSize" : "notInSize", { title: p.title, size: z }));
  // "is it available in purple?": its colour, yes or no.
  const colourLines = p.color ? ctx.nlu.entities.colors.map((c) => say(locale, hasColour(p, c) ? "isColour" : "notColour", { title: p.title, color: colorName(c, locale), own: colourOf(p.color!, locale) })) : [];
  const lines = [...sizeLines, ...colourLines, stockLine(p, locale)];
  if (p.sizes?.length) lines.push(say(locale, "sizesAvailable", { sizes: p.sizes.join(", ") }));
  if (p.color && !colourLines.length) lines.push(say(locale, "colour", { color: colourOf(p.color, locale) }));
  return lines;
});

/** "is the first one available in purple?" when it is not: said so, then the list's kind in that colour. */
const availability: Flow = async (ctx) => {
  const reply = await availabilityOfOne(ctx);
  const asked = ctx.nlu.entities.colors;
  const product = ctx.state.focus ? await ctx.deps.recommender.getProduct(ctx.state.focus) : null;
  const last = ctx.state.lastSearch;
  if (!asked.length || !product?.color || asked.some((c) => hasColour(product, c)) || !last?.text) return reply;
  const inColour = await refineSearch(ctx, last, { colors: asked });
  // Only cards in the colour asked: the search's fallbacks show other colours, which are not what was asked.
  const ofColour = new Set((await productsOf(ctx, inColour.products.map((c) => c.id))).filter((p) => asked.some((c) => hasColour(p, c))).map((p) => p.id));
  const others = inColour.products.filter((c) => c.id !== product.id && ofColour.has(c.id));
  if (!others.length) {
    ctx.state.lastSearch = last;
    return reply;
  }
  return { ...inColour, products: others, text: `${reply.text}${ctx.locale === "zh" ? "" : " "}${say(ctx.locale, "inColourInstead", { color: asked.map((c) => colorName(c, ctx.locale)).join(ctx.locale === "zh" ? "、" : " or ") })}`, answeredAs: "availability" };
};

export const catalogueFlows = {
  greet,
  preferences,
  search_products: search,
  recommend,
  product_details: aboutOneProduct(detailLines),
  price: aboutOneProduct((p, locale) => [priceLine(p, locale), stockLine(p, locale)]),
  availability,
  compare,
} satisfies Record<string, Flow>;

/** Whether a product is in this colour, a shade of it counting ("navy" is blue). */
function hasColour(p: Product, canonical: string): boolean {
  return !!p.color && extractColors(p.color).some((own) => own === canonical || colorShades(canonical).includes(own));
}
