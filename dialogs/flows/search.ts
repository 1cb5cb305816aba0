import type { Locale, ProductCard } from "../../core/turn.ts";
import { colorName, colorShades, colourWords, extractColors } from "../../intents/entities.ts";
import { langOf } from "../../recommend/index.ts";
import type { Filters, Ranked } from "../../recommend/types.ts";
import type { Product } from "../../store/types.ts";
import { type Audience, alternateAudiences, audienceWords, productAudiences, suits } from "../audience.ts";
import type { FlowContext, FlowReply } from "../flow.ts";
import { formatRange, toCard } from "../format.ts";
import { HEADCOUNT, withoutWords } from "../query.ts";
import { magnitudeOf } from "../magnitude.ts";
import { categoryName, localiseCategories } from "../names.ts";
import type { Need } from "../needs.ts";
import { type Exclusion, joinExclusions } from "../exclusions.ts";
import { type Direction, type Refinement, refinedFilters } from "../refine.ts";
import type { WriterProduct } from "../reply-writer.ts";
import type { SearchMemory } from "../state.ts";
import { say, suggest } from "../templates.ts";
import { CARRIED_COVERAGE, catalogueCoverage, compoundHead, coverage, hasAsWritten, inTheShopsWords, mendedSpelling, ownCoverage, productCoverage, unknownModifier, unknownName, wordPieces, wordsAsWritten, writtenWordsOf } from "./matching.ts";

/**
 * Searching, as every product-finding turn does it: a fresh search, a refinement of the last one,
 * a need described indirectly. The search remembers itself in the conversation state, so the next
 * message can refine it.
 */

export interface SearchSpec {
  /** Content words to match (queryTerms): no request verbs, no function characters. */
  text: string;
  filters: Filters;
  audience?: Audience;
  /** A new search named by the shopper: a name the catalogue does not know is said to be absent. */
  fresh: boolean;
  direction?: Direction;
  /** What the reply calls the results ("cheaper", "bigger"). */
  adj?: string;
  /** Products not to show again (the list being refined towards bigger or smaller). */
  exclude?: string[];
  /** Only listings in the shopper's language: "others" of a list they were shown in it. */
  ownLanguage?: boolean;
  /** What not to show: "not from Qingbu", 不要黑色的, the colours of a list after "other colours?". */
  avoid?: Exclusion;
  /** Only products bigger (or smaller) than this, on its dimension. */
  size?: { than: ReturnType<typeof magnitudeOf> & {}; bigger: boolean };
  need?: boolean;
  /** The need is something the shopper is about to do: the reply says ideas for it. */
  activity?: boolean;
  /**
   * Share of the words a result must have: a refinement keeps to what the list it refines matched
   * (cheaper "running shoes" are not slippers, which share only the category word).
   */
  atLeast?: number;
  /**
   * Words every product of the list being refined had as written in its title or tags: a result must
   * have those of them the search still asks for. A refinement of hiking backpacks stays with
   * backpacks, not tents that are "backpacking" nor stoves that fit in one.
   */
  writtenWords?: string[];
  /**
   * Words of what the thing is for ("video editing" of "a laptop for video editing"): they rank the
   * results, but a shop without them still carries the thing.
   */
  purpose?: string;
  /** "running shoes for men and women": men's and women's take turns in the list. */
  bothAudiences?: boolean;
  /** "cheapest coffee maker": the matches listed by price, lowest (or highest) first. */
  byPrice?: "low" | "high";
}

/** A card whose reason reads in the shopper's language (a category slug in a Chinese reason becomes its Chinese name). */
export function card(r: Ranked, locale: Locale): ProductCard {
  const c = toCard(r);
  if (locale === "zh" && r.product.category) c.reason = localiseCategories(c.reason, locale, [r.product.category]);
  return c;
}

/**
 * The listings in the shopper's language, when any is there: a bilingual shop lists things in both,
 * and an English shopper is not shown a Chinese listing priced in yuan beside the English ones. The
 * other language's listings stand in only when the shopper's has none.
 */
export function inShoppersLanguage(results: Ranked[], locale: Locale): Ranked[] {
  const own = results.filter((r) => langOf(r.product.locale, r.product.title) === locale);
  return own.length ? own : results;
}

function withReason(r: Ranked): WriterProduct {
  return { ...r.product, reason: r.reason };
}

/** Whether the product is of what the shopper said not to show: its brand, its colour (a shade counts), a word of its title or tags. */
function isExcluded(p: Product, avoid: Exclusion): boolean {
  if (p.brand && avoid.brands.some((b) => b.toLowerCase() === p.brand!.toLowerCase())) return true;
  if (p.color && avoid.colors.length) {
    const shades = new Set(avoid.colors.flatMap(colorShades));
    if (extractColors(p.color).some((c) => shades.has(c))) return true;
  }
  return avoid.words.some((w) => ownCoverage(w, p) >= 1);
}

/** What the reply says was left out: "not Qingbu or black", 不要步维、黑色. */
function leftOut(avoid: Exclusion | undefined, locale: Locale): string {
  if (!avoid) return "";
  const named = [...avoid.brands, ...avoid.colors.map((c) => colorName(c, locale)), ...avoid.words];
  if (!named.length) return "";
  return locale === "zh" ? `（不要${named.join("、")}）` : `(not ${named.join(" or ")})`;
}

/** Words of a product a shopper's audience words are checked against. */
function audienceText(p: Product): string {
  return [p.title, ...(p.tags ?? [])].join(" ");
}

/** Every shade the catalogue may keep a colour as ("blue" also finds "navy"). */
function withShades(filters: Filters): Filters {
  if (!filters.colors?.length) return filters;
  return { ...filters, colors: [...new Set(filters.colors.flatMap(colorShades))] };
}

// Longest first, and no letter or apostrophe after: "women's" must not leave its "'s" behind.
const AUDIENCE_WORDS = /\b(?:men's|mens|men|women's|womens|women|kids'|kid's|kids|children's|children|boys'|boys|girls'|girls|ladies'|ladies|male|female|unisex)(?![\p{L}\p{N}'])|男士|男款|男式|男性|男生|女士|女款|女式|女性|女生|儿童|童款|中性款?/giu;

function withoutColourWords(text: string, colors: string[]): string {
  return withoutWords(text, colors.flatMap(colourWords));
}

export function withoutAudienceWords(text: string): string {
  return text.replace(AUDIENCE_WORDS, " ").replace(/\s+/g, " ").trim();
}

/** The headcounts a query asks for ("4-person", 四人), as patterns a listing's title or tags must match. */
function headcountsIn(words: string): RegExp[] {
  return [...words.matchAll(HEADCOUNT)].map((m) =>
    m[1] ? new RegExp(`\\b${m[1]}[\\s-]*(?:person|people|man)\\b`, "i") : new RegExp(m[2] === "两" ? "[双两]人" : `${m[2]}人`),
  );
}

/** What the reply says the results are: colours, brand, the words searched (or the category's name), whom for. */
function describe(spec: SearchSpec, locale: Locale): string {
  const f = spec.filters;
  const colors = (f.colors ?? []).map((c) => colorName(c, locale)).filter((c) => !spec.text.toLowerCase().includes(c.toLowerCase()));
  const brands = (f.brands ?? []).filter((b) => !spec.text.toLowerCase().includes(b.toLowerCase()));
  let what = spec.text;
  if (!what) what = (f.categories ?? []).map((c) => categoryName(c, locale)).filter(Boolean).join(locale === "zh" ? "、" : " or ");
  // A Chinese reply never shows an English category word: a Latin-only query is quoted only when the shopper wrote it.
  const sizes = f.sizes ?? [];
  if (locale === "zh") {
    const audience = spec.bothAudiences ? "男女款" : spec.audience && !AUDIENCE_WORDS.test(what) ? { men: "男士", women: "女士", kids: "儿童" }[spec.audience] : "";
    AUDIENCE_WORDS.lastIndex = 0;
    return [f.inStock ? "有货的" : "", sizes.map((z) => (z === "ONE SIZE" ? "均码" : `${z}码`)).join("/"), colors.join(""), brands.join(" "), audience, what, leftOut(spec.avoid, locale)].filter(Boolean).join("");
  }
  const named = AUDIENCE_WORDS.test(what);
  AUDIENCE_WORDS.lastIndex = 0;
  const forWhom = spec.bothAudiences ? "for men and women" : spec.audience && !named ? `for ${spec.audience}` : "";
  const inSize = [sizes.length ? `in size ${sizes.join("/")}` : "", f.inStock ? "in stock" : ""].filter(Boolean).join(" ");
  return [colors.join(" "), brands.join(" "), what, what || colors.length ? forWhom : spec.audience ? `products for ${spec.audience}` : "", inSize, leftOut(spec.avoid, locale)].filter(Boolean).join(" ").trim();
}

export async function runSearch(ctx: FlowContext, given: SearchSpec): Promise<FlowReply> {
  // A new search reads past typing slips ("bluetooh headphnes"), and says what it searched.
  const spec = given.fresh && given.text ? { ...given, text: await mendedSpelling(ctx, await inTheShopsWords(ctx, given.text)) } : given;
  const { recommender, shoppers, resultLimit } = ctx.deps;
  const locale = ctx.locale;
  const profile = await shoppers.profile(ctx.turn.userId);
  const pool = Math.max(resultLimit * 6, 30);
  const text = [spec.text, spec.audience ? audienceWords(spec.audience, locale) : ""].filter(Boolean).join(" ");
  const filters = withShades(spec.filters);
  let results = await recommender.search({ text, filters, profile, limit: pool, locale });
  const keep = (r: Ranked) => {
    if (spec.audience && !suits(productAudiences(audienceText(r.product)), spec.audience)) return false;
    if (spec.exclude?.includes(r.product.id)) return false;
    if (spec.avoid && isExcluded(r.product, spec.avoid)) return false;
    if (spec.size) {
      const m = magnitudeOf(r.product.title);
      if (!m || m.dimension !== spec.size.than.dimension) return false;
      if (spec.size.bigger ? m.value <= spec.size.than.value : m.value >= spec.size.than.value) return false;
    }
    return true;
  };
  // Only the products that have (nearly) all of what was asked: "red lipstick" is not a red racket.
  // Whom it is for is checked by the audience filter, not counted as a word to match.
  const named = spec.audience ? withoutAudienceWords(spec.text) : spec.text;
  let asked = named;
  let head = spec.fresh ? compoundHead(asked, ctx.turn.text) : undefined;
  // Under a colour filter the colour is the filter's to check: "红色 运动鞋" must be sneakers, not anything red.
  const underFilter = (words: string) => (spec.filters.colors?.length ? withoutColourWords(words, spec.filters.colors) : words);
  let askedUnderFilter = underFilter(asked);
  const relevant = (found: Ranked[], words = askedUnderFilter): { kept: Ranked[]; best: number } => {
    const kept = found.filter(keep);
    if (!words) return { kept, best: 1 };
    const best = coverage(words, kept.map((r) => r.product), head);
    if (best < CARRIED_COVERAGE || best < (spec.atLeast ?? 0)) return { kept: [], best };
    const floor = Math.max(CARRIED_COVERAGE, best - 0.34, spec.atLeast ?? 0);
    // The list's own words this search still asks for, each of which a result must have as written.
    const required = spec.writtenWords ? words.split(/\s+/).filter((w) => writtenWordsOf(w, { id: "", title: spec.writtenWords!.join(" ") }).length > 0) : [];
    // A headcount asked ("4-person", 四人) is what the listing says, never a 3-person tent whose model is a "4".
    const heads = headcountsIn(words);
    const hasRequired = (r: Ranked) => required.every((w) => writtenWordsOf(w, r.product).length > 0) && heads.every((h) => h.test(`${r.product.title} ${r.product.tags?.join(" ") ?? ""}`));
    const close = kept.filter((r) => productCoverage(words, r.product, head) >= floor && hasRequired(r));
    // The kind asked for first ("running socks": socks before running shoes whose description mentions socks).
    const isTheKind = (r: Ranked) => (head && ownCoverage(head, r.product) >= 1 ? 0 : 1);
    // Then what has the words as written before what has them only by their stem ("backpack" of "backpacking tent").
    const asWritten = new Map(close.map((r) => [r.product.id, wordsAsWritten(words, r.product)]));
    const written = (r: Ranked) => asWritten.get(r.product.id)!;
    return { kept: [...close].sort((a, b) => isTheKind(a) - isTheKind(b) || written(b) - written(a)), best };
  };
  let unfiltered = results.filter(keep);
  let { kept, best } = relevant(results);
  // "a laptop for video editing": what it is for may be words no listing has; the thing itself is still carried.
  const bare = spec.purpose ? withoutWords(named, spec.purpose.split(/\s+/)) : "";
  // What the reply and the next refinement take the search to be: the thing alone when only it was matched,
  // without the filters a whole name found elsewhere set aside.
  let searched = spec.text;
  let searchedFilters = spec.filters;
  // …and "a laptop for my daughter for school": no listing is both, so things for school alone are no match; the laptops are.
  if (bare && bare !== named && best < 1) {
    const whole = { asked, head, askedUnderFilter, kept, best };
    asked = bare;
    head = spec.fresh ? compoundHead(asked, ctx.turn.text) : undefined;
    askedUnderFilter = underFilter(asked);
    ({ kept, best } = relevant(results));
    if (best < 1 && whole.best >= CARRIED_COVERAGE) ({ asked, head, askedUnderFilter, kept, best } = whole);
    else searched = bare;
  }
  // "green tea", "white wine", 登山鞋 (鞋 is also the shoes category): a colour or a category word
  // that is part of a product's name is not a filter, when the catalogue has the whole name elsewhere.
  // (A need's category is ours, read from what the interest finds, not a word the shopper wrote.)
  if (spec.fresh && !spec.need && asked && best < 1 && (spec.filters.colors?.length || spec.filters.categories?.length)) {
    const { colors: _colors, categories: _categories, ...rest } = filters;
    const without = await recommender.search({ text, filters: rest, profile, limit: pool, locale });
    const alt = relevant(without, asked);
    // Only a whole name found that way counts: "red sneakers" are not navy sneakers.
    if (alt.best > best && (alt.best >= 1 || !spec.filters.colors?.length)) {
      ({ kept, best } = alt);
      unfiltered = without.filter(keep);
      // …and what is refined next is the search as it was run: 登山鞋 are outdoor gear, not the shoes category.
      const { colors: _c, categories: _k, ...unnamed } = spec.filters;
      searchedFilters = unnamed;
    }
  }
  results = spec.ownLanguage ? kept.filter((r) => langOf(r.product.locale, r.product.title) === locale) : inShoppersLanguage(kept, locale);
  if (profile && spec.fresh && spec.text) shoppers.rememberQuery(ctx.turn.userId, spec.text);

  const memory: SearchMemory = { text: searched, filters: searchedFilters, ...(spec.audience && { audience: spec.audience }), ...(spec.avoid && { avoid: spec.avoid }), ...(spec.byPrice && { order: spec.byPrice }) };
  // "running shoes kids" is said "running shoes for kids".
  const what = describe({ ...spec, text: spec.audience ? withoutAudienceWords(searched) : searched }, locale);
  const range = formatRange(spec.filters.priceMin !== undefined || spec.filters.priceMax !== undefined ? { min: spec.filters.priceMin, max: spec.filters.priceMax } : undefined, locale);

  // A name the catalogue has no word of ("Zorblax 9000 hoverboard"), or whose proper name it does not
  // know ("Nike running shoes"), is said to be absent before anything is offered.
  const absent =
    spec.fresh &&
    !spec.need &&
    !!asked &&
    ((best < CARRIED_COVERAGE && (await catalogueCoverage(ctx, asked, head)) < CARRIED_COVERAGE) || (await unknownName(ctx, asked)) || (await unknownModifier(ctx, asked, head)));
  if (absent) {
    const named = quoteTerms(spec.text, locale);
    const alternatives = alternativesFor(ctx, spec, unfiltered, head);
    // With nothing shown, the list on screen is still the one "organic ones?" would narrow ("any decaf?" after coffee beans).
    if (alternatives.length) ctx.state.lastSearch = { ...memory, text: "" };
    if (!alternatives.length) return { text: say(locale, "notCarried", { what: named }), products: [], suggestions: suggest(locale, "start"), listing: true, answeredAs: "search_products" };
    return {
      text: say(locale, "notCarriedAlternatives", { what: named }),
      products: alternatives.map((r) => card(r, locale)),
      suggestions: suggest(locale, "afterResults"),
      listing: true,
      answeredAs: "search_products",
    };
  }

  // "coffee makers under 100" when every coffee maker costs more: the budget's answer below says so, instead of
  // passing off toys called "Little Maker" as the closest matches.
  // The same search without the price range, run at most once: the check here and the budget's answer below both read it.
  let withoutBudget: Promise<{ kept: Ranked[]; best: number }> | undefined;
  const outsideBudget = () => {
    const { priceMax: _max, priceMin: _min, ...unbounded } = filters;
    withoutBudget ??= recommender.search({ text, filters: unbounded, profile, limit: pool, locale }).then((found) => relevant(found));
    return withoutBudget;
  };
  if (spec.fresh && asked && best < 1 && results.length && (spec.filters.priceMax !== undefined || spec.filters.priceMin !== undefined)) {
    if ((await outsideBudget()).best >= 1) results = [];
  }
  if (spec.byPrice) results = byPrice(results, spec.byPrice, spec.filters.currency);
  if (spec.bothAudiences) results = alternateAudiences(results, (r) => audienceText(r.product));
  const shown = results.slice(0, resultLimit);
  ctx.state.lastSearch = memory;
  if (!shown.length) {
    // Nothing in the price range: first the budget and the kind of product kept (other shoes under 300),
    // else the lowest-priced of the same search — either said so.
    // (Not for a colour asked: other clothing in budget is no answer to "the blue one" of dresses; nor for a headcount:
    // a 2-person tent is no answer to "a tent for 4 people under 300".)
    if (spec.filters.priceMax !== undefined && !spec.direction && !spec.filters.colors?.length && spec.filters.categories?.length && asked && !headcountsIn(asked).length) {
      const within = inShoppersLanguage((await recommender.search({ text: spec.audience ? audienceWords(spec.audience, locale) : "", filters, profile, limit: pool, locale })).filter(keep), locale).slice(0, resultLimit);
      if (within.length) {
        const kind = spec.filters.categories.map((c) => categoryName(c, locale)).filter(Boolean).join(locale === "zh" ? "、" : " or ");
        return {
          text: say(locale, "budgetInstead", { what, filters: range, kind }),
          products: within.map((r) => card(r, locale)),
          suggestions: suggest(locale, "afterResults"),
          listing: true,
          answeredAs: "search_products",
          grounding: { task: "search", products: within.map(withReason) },
        };
      }
    }
    if (spec.filters.priceMax !== undefined && !spec.direction) {
      const wider = (await outsideBudget()).kept;
      const cheapest = cheapestFirst(inShoppersLanguage(wider, locale), spec.filters.currency).slice(0, resultLimit);
      if (cheapest.length) {
        return {
          text: say(locale, "cheapestInstead", { what, filters: range }),
          products: cheapest.map((r) => card(r, locale)),
          suggestions: suggest(locale, "afterResults"),
          listing: true,
          answeredAs: "search_products",
          grounding: { task: "search", products: cheapest.map(withReason) },
        };
      }
    }
    // None in that colour: the same thing in other colours, said so ("red sneakers for kids").
    if (spec.filters.colors?.length && asked && !spec.direction) {
      const { colors: _colors, ...uncoloured } = filters;
      const others = relevant(await recommender.search({ text, filters: uncoloured, profile, limit: pool, locale })).kept;
      const shownOthers = inShoppersLanguage(others, locale).slice(0, resultLimit);
      if (shownOthers.length) {
        const colour = spec.filters.colors.map((c) => colorName(c, locale)).join(locale === "zh" ? "、" : " or ");
        // What is shown now is the thing in any colour: "cheaper" next refines that, not the colour.
        const { colors: _asked, ...otherFilters } = memory.filters;
        const uncolouredText = withoutColourWords(spec.text, spec.filters.colors);
        ctx.state.lastSearch = { ...memory, text: uncolouredText, filters: otherFilters };
        return {
          text: say(locale, "otherColours", { what: describe({ ...spec, text: uncolouredText, filters: otherFilters }, locale), colour, filters: range }),
          products: shownOthers.map((r) => card(r, locale)),
          suggestions: suggest(locale, "afterResults"),
          listing: true,
          answeredAs: "search_products",
          grounding: { task: "search", products: shownOthers.map(withReason) },
        };
      }
    }
    if (spec.direction || spec.ownLanguage) {
      return { text: say(locale, "refinedNone", { adj: spec.adj ?? "", what, filters: range }), products: [], suggestions: suggest(locale, "afterResults"), answeredAs: "search_products" };
    }
    return { text: say(locale, "searchNone", { what: what || quoteTerms(ctx.turn.text, locale), filters: range }), products: [], suggestions: suggest(locale, "start"), answeredAs: "search_products" };
  }
  // "office chairs" when only camping chairs are chairs: the nearest things, not called matches.
  const closest = spec.fresh && !spec.need && !!head && best < 1 && !!askedUnderFilter;
  // "headphones for kids" where none is made for children: shown, but not passed off as kids' ones.
  const noneForKids = spec.audience === "kids" && !spec.need && shown.every((r) => !productAudiences(audienceText(r.product)).has("kids"));
  if (noneForKids && !closest) {
    const kind = describe({ ...spec, text: withoutAudienceWords(searched), audience: undefined }, locale);
    return {
      text: say(locale, "noneMadeForKids", { what: kind, filters: range }),
      products: shown.map((r) => card(r, locale)),
      suggestions: suggest(locale, "afterResults"),
      listing: true,
      answeredAs: "search_products",
      grounding: { task: "search", products: shown.map(withReason) },
    };
  }
  const key = closest ? "closestMatches" : spec.activity ? "activityResults" : spec.need ? "needResults" : "searchResults";
  const whom = whomWord(spec.audience, locale);
  return {
    text: say(locale, key, { count: shown.length, what: spec.need ? spec.text : what, whom, filters: range, adj: spec.adj ?? "" }),
    products: shown.map((r) => card(r, locale)),
    suggestions: suggest(locale, "afterResults"),
    listing: true,
    answeredAs: "search_products",
    grounding: { task: "search", products: shown.map(withReason) },
  };
}

/**
 * Instead of a product the shop does not carry: what shares some of its words, else what the search
 * found close in meaning whose title shares a piece of a word asked ("phone" of "iphones") — unless
 * the message named a category, which then holds nothing like it. A model code the shop has nothing
 * like ("Sony WH-1000XM5") gets no "related" toys and socks.
 */
function alternativesFor(ctx: FlowContext, spec: SearchSpec, results: Ranked[], head: string | undefined): Ranked[] {
  const { resultLimit } = ctx.deps;
  // What shares a word of what it is (title, tags) — the kind named, when the shopper named one: "rice
  // cookers" are not followed by rice sheet masks, "espresso machines" not by machine-washable chinos.
  const partial = results.filter((r) => ownCoverage(head ?? spec.text, r.product) > 0);
  if (partial.length || head) return inShoppersLanguage(partial, ctx.locale).slice(0, resultLimit);
  if (spec.filters.categories?.length) return [];
  const pieces = wordPieces(spec.text);
  const alike = results.filter((r) => pieces.some((piece) => r.product.title.toLowerCase().includes(piece)));
  return inShoppersLanguage(alike, ctx.locale).slice(0, resultLimit);
}

/** Whom results are for, as the reply's sentences name them ("ideas for women", 为女士挑了). */
function whomWord(audience: Audience | undefined, locale: Locale): string {
  if (!audience) return "";
  return locale === "zh" ? { men: "男士", women: "女士", kids: "孩子" }[audience] : audience;
}

/** "gardening and tea", "a, b and c", 茶、书. */
function inWords(items: string[], locale: Locale): string {
  if (locale === "zh") return items.join("、");
  return items.length > 1 ? `${items.slice(0, -1).join(", ")} and ${items.at(-1)}` : (items[0] ?? "");
}

function cheapestFirst(results: Ranked[], currency: string | undefined): Ranked[] {
  return byPrice(results, "low", currency);
}

/** Priced results, lowest (or highest) price first; the asked currency before others. */
function byPrice(results: Ranked[], order: "low" | "high", currency: string | undefined): Ranked[] {
  const same = (r: Ranked) => (currency && r.product.currency === currency ? 0 : 1);
  const sign = order === "low" ? 1 : -1;
  return [...results].filter((r) => r.product.price !== undefined).sort((a, b) => same(a) - same(b) || sign * (a.product.price! - b.product.price!));
}

function quoteTerms(text: string, locale: Locale): string {
  const t = text.trim().replace(/\s+/g, " ");
  const short = t.length > 40 ? `${t.slice(0, 39)}…` : t;
  return locale === "zh" ? `“${short}”` : `“${short}”`;
}

/**
 * Whether the kind of product the last search listed comes with these words too ("耳机 降噪",
 * "running shoes waterproof"): then they narrow the list; else they name something new.
 */
export async function narrowsTheList(ctx: FlowContext, last: SearchMemory, words: string): Promise<boolean> {
  const text = `${last.audience ? withoutAudienceWords(last.text) : last.text} ${words}`.trim();
  const filters: Filters = last.filters.categories?.length ? { categories: last.filters.categories } : {};
  const hits = await ctx.deps.recommender.search({ text, filters, limit: 30, locale: ctx.locale });
  // The new words must be what the product is (its title or tags), not a word its description happens to use ("socks").
  const narrowed = hits.filter((r) => productCoverage(text, r.product) >= 1 && ownCoverage(words, r.product) >= 1);
  if (!narrowed.length) return false;
  if (narrowed.some((r) => hasAsWritten(words, r.product))) return true;
  // Had only by a stem or a translation, words that are a kind of their own as written name it: "backpacks" after
  // tents are hiking backpacks, not backpacking tents (nor, in Chinese, English listings glossed 背包).
  const ownKind = await ctx.deps.recommender.search({ text: words, limit: 30, locale: ctx.locale });
  return !ownKind.some((r) => hasAsWritten(words, r.product) && !narrowed.some((n) => n.product.id === r.product.id));
}

/** "cheaper ones", "in red", "bigger", "for men", 更便宜的: the last search again, with the new constraint. */
export async function refineSearch(ctx: FlowContext, last: SearchMemory, r: Refinement): Promise<FlowReply> {
  const filters = refinedFilters(last.filters, r);
  const shown = await shownProducts(ctx);
  // "1000元以下" is in the shopper's own money, as in a fresh search.
  if (r.price && ctx.filters.currency) filters.currency = ctx.filters.currency;
  // The list being refined was of one or two kinds of product: the refinement stays with them.
  if (!filters.categories?.length) {
    const kinds = [...new Set(shown.map((p) => p.category).filter((c): c is string => !!c))];
    if (kinds.length && kinds.length <= 2) filters.categories = kinds;
  }
  const audience = r.audience ?? last.audience;
  // "cheaper", "bigger": more of the same thing, as closely matched as the list was. A new colour or
  // audience may find none of that thing; the search's fallbacks then say so and offer the nearest.
  const matchedText = audience ? withoutAudienceWords(last.text) : last.text;
  const matchedBefore = r.direction && last.text && shown.length ? coverage(matchedText, shown) : 0;
  const written = last.text && shown.length ? matchedText.split(/\s+/).filter((w) => shown.every((p) => writtenWordsOf(w, p).length > 0)) : [];
  // "any for men?" after "rain jacket for women": the new audience replaces the old one's words too.
  // …and "sorry, I meant blue" after "red running shoes": the new colour replaces the old one's words.
  const recoloured = r.colors && last.filters.colors?.length ? withoutColourWords(last.text, last.filters.colors) : last.text;
  const kept = r.audience && recoloured ? withoutAudienceWords(recoloured) : recoloured;
  // "waterproof ones?" after running shoes: the list's words and the new ones.
  const text = r.narrow && r.fresh ? `${kept} ${r.fresh}` : kept;
  // A narrowing asks for all of it: noise-cancelling headphones, not headphones.
  const avoid = joinExclusions(last.avoid, r.avoid);
  const base: SearchSpec = { text, filters, ...(audience && { audience }), ...(avoid && { avoid }), fresh: false, atLeast: r.narrow ? 1 : matchedBefore, ...(written.length > 0 && { writtenWords: written }), ...((r.ownLanguage || r.others) && { ownLanguage: true }) };
  if (r.order) {
    const adj = ctx.locale === "zh" ? (r.order === "low" ? "价格最低的" : "价格最高的") : r.order === "low" ? "lowest-priced" : "highest-priced";
    return runSearch(ctx, { ...base, byPrice: r.order, adj });
  }
  if (r.others) {
    const adj = ctx.locale === "zh" ? "其他" : "other";
    return runSearch(ctx, { ...base, exclude: ctx.state.lastShown, adj });
  }
  if (r.otherColours) {
    // The colours shown are the ones not wanted now; the colour filter, if any, goes.
    const { colors: _shownColours, ...uncoloured } = filters;
    const colors = [...new Set(shown.flatMap((p) => (p.color ? extractColors(p.color) : [])))];
    const text = last.filters.colors?.length ? withoutColourWords(base.text, last.filters.colors) : base.text;
    return runSearch(ctx, { ...base, text, filters: uncoloured, avoid: joinExclusions(base.avoid, { colors, brands: [], words: [] }), exclude: ctx.state.lastShown });
  }
  if (r.direction === "cheaper" || r.direction === "pricier") {
    const priced = byMainCurrency(shown);
    const cheaper = r.direction === "cheaper";
    const adj = ctx.locale === "zh" ? (cheaper ? "更便宜的" : "更高端的") : cheaper ? "cheaper" : "pricier";
    if (priced) {
      const { prices, currency } = priced;
      // Below the cheapest shown; if nothing is, below the middle of what was shown.
      const bounds = cheaper ? [Math.min(...prices), median(prices)] : [Math.max(...prices), median(prices)];
      for (const bound of [...new Set(bounds)]) {
        const f: Filters = { ...filters, currency };
        if (cheaper) {
          delete f.priceMin;
          f.priceMax = Math.max(0, Math.floor(bound * 100 - 1) / 100);
        } else {
          delete f.priceMax;
          f.priceMin = Math.ceil(bound * 100 + 1) / 100;
        }
        const reply = await runSearch(ctx, { ...base, filters: f, direction: r.direction, adj });
        if (reply.products.length) return reply;
      }
      return runSearch(ctx, { ...base, filters: { ...filters, currency, ...(cheaper ? { priceMax: Math.min(...prices) - 0.01 } : { priceMin: Math.max(...prices) + 0.01 }) }, direction: r.direction, adj });
    }
    return runSearch(ctx, { ...base, direction: r.direction, adj });
  }
  if (r.direction === "bigger" || r.direction === "smaller") {
    const bigger = r.direction === "bigger";
    const adj = r.adj ?? (ctx.locale === "zh" ? (bigger ? "更大的" : "更小的") : bigger ? "bigger" : "smaller");
    // Bigger than what: the size the shopper named, else the product in focus, else the first shown.
    const focus = ctx.state.focus ? await ctx.deps.recommender.getProduct(ctx.state.focus) : null;
    const first = shown[0];
    const than = magnitudeOf(last.text) ?? (focus ? magnitudeOf(focus.title) : undefined) ?? (first ? magnitudeOf(first.title) : undefined);
    if (than) {
      // "2-person tent" → "tent": the size named before is what changes.
      const text = base.text.replace(/\S*\d\S*(?:\s*(?:l|ml|g|kg|gb|tb|mah|cm|mm|inch|person|升|毫升|克|人)(?![a-z]))?/gi, " ").replace(/[一二两三四五六七八双单]人/g, " ").replace(/\s+/g, " ").trim();
      return runSearch(ctx, { ...base, text, size: { than, bigger }, direction: r.direction, adj });
    }
    return runSearch(ctx, { ...base, exclude: ctx.state.lastShown, direction: r.direction, adj });
  }
  return runSearch(ctx, base);
}

async function shownProducts(ctx: FlowContext): Promise<Product[]> {
  const products = await Promise.all(ctx.state.lastShown.map((id) => ctx.deps.recommender.getProduct(id)));
  return products.filter((p): p is Product => p !== null);
}

/** The prices shown in the currency most of them are in. */
function byMainCurrency(products: Product[]): { prices: number[]; currency: string | undefined } | undefined {
  const priced = products.filter((p) => p.price !== undefined);
  if (!priced.length) return undefined;
  const currency = mode(priced.map((p) => p.currency ?? ""));
  return { prices: priced.filter((p) => (p.currency ?? "") === currency).map((p) => p.price!), currency: currency || undefined };
}

export function mode<T>(values: T[]): T {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** "a gift for my dad who likes hiking": the interest searched, for the audience; only a person named: popular picks for them. */
export async function needSearch(ctx: FlowContext, need: Need): Promise<FlowReply> {
  const spec: SearchSpec = { text: need.terms, filters: ctx.filters, ...(need.audience && { audience: need.audience }), fresh: true, need: true, ...(need.activity && { activity: true }) };
  if (need.terms) {
    // "she loves gardening and tea", 喜欢喝茶和看书: a few ideas for each (together they find one or none).
    if (need.interests) {
      // One after another: each search writes the conversation's state.
      const each: FlowReply[] = [];
      for (const interest of need.interests) each.push(await needSearch(ctx, { ...need, terms: interest, interests: undefined }));
      const found = each.map((reply, i) => ({ reply, interest: need.interests![i]! })).filter(({ reply }) => reply.answeredAs === "search_products" && reply.products.length);
      if (found.length) {
        const per = Math.max(1, Math.ceil(ctx.deps.resultLimit / found.length));
        const products = found.flatMap(({ reply }) => reply.products.slice(0, per)).slice(0, ctx.deps.resultLimit);
        const whom = whomWord(need.audience, ctx.locale);
        ctx.state.lastSearch = undefined;
        return {
          text: say(ctx.locale, "needResults", { count: products.length, what: inWords(found.map((f) => f.interest), ctx.locale), whom, filters: formatRange(ctx.nlu.entities.price, ctx.locale) }),
          products,
          suggestions: suggest(ctx.locale, "afterResults"),
          listing: true,
          answeredAs: "search_products",
        };
      }
    }
    // The interest's own kind of product: the category most of the catalogue's matches for it are in.
    if (!spec.filters.categories?.length) {
      const hits = await ctx.deps.recommender.search({ text: need.terms, limit: 40, locale: ctx.locale });
      const covering = inShoppersLanguage(
        hits.filter((r) => productCoverage(need.terms, r.product) >= CARRIED_COVERAGE && r.product.category),
        ctx.locale,
      );
      // Those that say the interest as written, when some do: "gaming" keyboards, not balls for a "game".
      const saying = covering.filter((r) => writtenWordsOf(need.terms, r.product, true).length > 0);
      const matching = saying.length ? saying : covering;
      if (matching.length) {
        const top = mode(matching.map((r) => r.product.category!));
        if (matching.filter((r) => r.product.category === top).length >= matching.length * 0.4) spec.filters = { ...spec.filters, categories: [top] };
      }
    }
    const reply = await runSearch(ctx, spec);
    if (reply.products.length) return reply;
    if (spec.filters !== ctx.filters) {
      const wider = await runSearch(ctx, { ...spec, filters: ctx.filters });
      if (wider.products.length) return wider;
    }
  }
  const { recommender, resultLimit } = ctx.deps;
  // Deep enough that the audience and the shopper's language still leave a full list.
  const popularIn = async (filters: Filters) => inShoppersLanguage(await recommender.popular({ limit: Math.max(resultLimit * 40, 200), filters, locale: ctx.locale }), ctx.locale);
  const whom = whomWord(need.audience, ctx.locale);
  const ideas = (key: "needPopular" | "needCheapest", picks: Ranked[], filters: Filters): FlowReply => {
    ctx.state.lastSearch = { text: "", filters, ...(need.audience && { audience: need.audience }) };
    return {
      text: say(ctx.locale, key, { whom, filters: formatRange(ctx.nlu.entities.price, ctx.locale) }),
      products: picks.map((r) => card(r, ctx.locale)),
      suggestions: suggest(ctx.locale, "afterResults"),
      listing: true,
      answeredAs: "recommend",
      grounding: { task: "recommend", products: picks.map(withReason) },
    };
  };
  const theirs = (await popularIn(withShades(ctx.filters))).filter((r) => !need.audience || suits(productAudiences(audienceText(r.product)), need.audience));
  // Things made for them first ("Kids'", "ages 3+"), then things for anyone: a kettle is a poor present for a 5-year-old.
  const marked = need.audience ? theirs.filter((r) => productAudiences(audienceText(r.product)).has(need.audience!)) : [];
  // Nothing made for a child in the budget: the lowest-priced things that are, said so — never pasta as a present for a 5-year-old.
  if (need.audience === "kids" && !marked.length && (ctx.filters.priceMax !== undefined || ctx.filters.priceMin !== undefined)) {
    const { priceMax: _max, priceMin: _min, ...unbounded } = withShades(ctx.filters);
    const forKids = (await popularIn(unbounded)).filter((r) => productAudiences(audienceText(r.product)).has("kids"));
    const cheapest = cheapestFirst(forKids, ctx.filters.currency).slice(0, resultLimit);
    if (cheapest.length) return ideas("needCheapest", cheapest, unbounded);
  }
  return ideas("needPopular", [...marked, ...theirs.filter((r) => !marked.includes(r))].slice(0, resultLimit), ctx.filters);
}
