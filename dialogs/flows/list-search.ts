import { extractColors } from "../../intents/entities.ts";
import type { Ranked } from "../../recommend/types.ts";
import { shopperAudience } from "../audience.ts";
import type { FlowContext, FlowReply } from "../flow.ts";
import { queryTerms } from "../query.ts";
import { formatPrice, formatRange } from "../format.ts";
import { say, suggest } from "../templates.ts";
import { CARRIED_COVERAGE, catalogueCoverage, catalogueHits, ownCoverage, productCoverage } from "./matching.ts";
import { card, inShoppersLanguage } from "./search.ts";

/**
 * "I need a tent, a sleeping bag and a headlamp", 我要买帐篷、睡袋和头灯: a list of things, each a
 * kind of product of its own. Searched together they find whichever kind has the most words in
 * common; searched one by one, the shopper sees a few of each, and hears which the shop lacks.
 */

const SEPARATORS = /,|;|，|；|、|\band\b|\bplus\b|\bas well as\b|和|还有|以及|跟/i;
const PER_THING = 2;
const MAX_THINGS = 4;

/** The things a message lists (two to four, each a few words), or undefined when it names one thing. */
export async function listedThings(ctx: FlowContext): Promise<string[] | undefined> {
  const parts = ctx.turn.text.split(SEPARATORS).map((p) => queryTerms(p ?? "")).filter(Boolean);
  if (parts.length < 2 || parts.length > MAX_THINGS || parts.some((p) => p.split(/\s+/).length > 4)) return undefined;
  // "salt and pepper grinder", "black and white sneakers": one product whose own words have them all.
  const whole = queryTerms(ctx.turn.text);
  if ((await catalogueHits(ctx, whole)).some((p) => ownCoverage(whole, p) >= 1)) return undefined;
  // Each part is a kind of thing — some product is one (its title or tags say so) — or one the shop does not
  // carry at all ("a kettle and a rice cooker"); never only whom for or a colour ("for men and women", "black and white").
  let kinds = 0;
  for (const part of parts) {
    const single = !/\s/.test(part);
    if (single && (shopperAudience(part) || extractColors(part).length)) return undefined;
    // The same search catalogueCoverage reads next, once a turn.
    if ((await catalogueHits(ctx, part)).some((p) => ownCoverage(lastWord(part), p) >= 1)) kinds++;
    else if ((await catalogueCoverage(ctx, part, lastWord(part))) >= CARRIED_COVERAGE) return undefined;
  }
  return kinds ? parts : undefined;
}

// "I have 150 to spend on a tent and a sleeping bag", "150 in total", 一共300: the budget is for all of them.
const SUM = /\b(?:to spend|spend|spending|afford|in total|total|altogether|all in|for both|for everything|for the lot|combined|together)\b|一共|总共|总计|合计|加起来|预算/i;

/** A few of each thing listed, in the order listed; the things the shop does not carry are said so. */
export async function listSearch(ctx: FlowContext, things: string[]): Promise<FlowReply> {
  const { recommender, shoppers } = ctx.deps;
  const profile = await shoppers.profile(ctx.turn.userId);
  const budget = ctx.filters.priceMax !== undefined && SUM.test(ctx.turn.text) ? ctx.filters.priceMax : undefined;
  const found: { thing: string; ofKind: Ranked[] }[] = [];
  const missing: string[] = [];
  // Carried, but none within the price or colour asked: said so, never "not carried".
  const outOfFilters: string[] = [];
  for (const thing of things) {
    const carried = (await catalogueCoverage(ctx, thing, lastWord(thing))) >= CARRIED_COVERAGE;
    const hits = carried ? await recommender.search({ text: thing, filters: ctx.filters, profile, limit: 30, locale: ctx.locale }) : [];
    const ofKind = inShoppersLanguage(
      hits.filter((r) => productCoverage(thing, r.product, lastWord(thing)) >= 1 && !found.some((f) => f.ofKind.some((s) => s.product.id === r.product.id))),
      ctx.locale,
    );
    if (ofKind.length) found.push({ thing, ofKind });
    else if (carried) outOfFilters.push(thing);
    else missing.push(thing);
  }
  const join = (list: string[]) => list.join(ctx.locale === "zh" ? "、" : ", ");
  ctx.state.lastSearch = undefined;
  const together = budget !== undefined && found.length > 1 ? withinTotal(found, budget) : undefined;
  const shown = together?.picks ?? found.flatMap((f) => f.ofKind.slice(0, PER_THING));
  const names = join(found.map((f) => f.thing));
  const money = (n: number) => formatPrice(n, ctx.filters.currency, ctx.locale);
  const some = together
    ? say(ctx.locale, together.fits ? "togetherWithin" : "togetherOver", { things: names, budget: money(budget!), total: money(together.cheapest) })
    : found.length > 1
      ? say(ctx.locale, "someOfEach", { things: names })
      : found.length
        ? say(ctx.locale, "searchResults", { count: shown.length, what: found[0]!.thing })
        : "";
  const range = formatRange(ctx.nlu.entities.price, ctx.locale);
  const parts = [
    some,
    ...outOfFilters.map((thing) => say(ctx.locale, "searchNone", { what: thing, filters: range })),
    missing.length ? say(ctx.locale, "notCarried", { what: join(missing.map((m) => `“${m}”`)) }) : "",
  ];
  return {
    text: parts.filter(Boolean).join(ctx.locale === "zh" ? "" : " "),
    products: shown.map((r) => card(r, ctx.locale)),
    suggestions: suggest(ctx.locale, shown.length ? "afterResults" : "start"),
    listing: true,
    answeredAs: "search_products",
  };
}

/**
 * A few of each thing that leave room for the cheapest of the others within the budget; when even
 * the cheapest of each come to more, the cheapest of each, said so.
 */
function withinTotal(found: { ofKind: Ranked[] }[], budget: number): { picks: Ranked[]; fits: boolean; cheapest: number } {
  const priced = found.map((f) => f.ofKind.filter((r) => r.product.price !== undefined));
  const lowest = priced.map((list) => Math.min(...list.map((r) => r.product.price!)));
  const cheapest = lowest.reduce((a, b) => a + b, 0);
  if (priced.some((list) => !list.length) || !(cheapest <= budget)) {
    const picks = priced.flatMap((list) => [...list].sort((a, b) => a.product.price! - b.product.price!).slice(0, 1));
    return { picks, fits: false, cheapest };
  }
  const picks = priced.flatMap((list, i) => list.filter((r) => r.product.price! <= budget - (cheapest - lowest[i]!)).slice(0, PER_THING));
  return { picks, fits: true, cheapest };
}

function lastWord(words: string): string {
  return words.split(/\s+/).at(-1) ?? words;
}
