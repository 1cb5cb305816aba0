import type { ActionEntities } from "../../actions/index.ts";
import type { Flow, FlowContext } from "../flow.ts";
import { suggest } from "../templates.ts";
import { actionRequest, callWebhook, cardsFor } from "./action-common.ts";
import { actionReplies } from "./action-replies.ts";

// "in stock at your Leeds store", "available in store", "at the Oxford Street branch", 静安门店有货吗. ("In your shop"
// is the shop itself, online or not: the catalogue answers that.)
// The name is up to four words after the last "at"/"in" before the store word ("in stock at your Leeds store" → Leeds).
const STORE_EN = /\b(?:at|in)\s+(?:the\s+|your\s+|a\s+)?((?:(?!(?:at|in)\b)[A-Za-z][\w'’-]*\s+){0,4})(?:store|branch|outlet)s?\b|\bin[- ]store\b|\bnear(?:by| me)\b/i;
const STORE_ZH = /([\p{Script=Han}A-Za-z0-9]{0,12}?)(?:门店|实体店|分店)/u;
const NOT_A_NAME = /^(?:your|the|a|local|nearest|physical|online|any)$/i;

/** The store the shopper asks about: true when they ask about a store at all, with its name when they give one. */
export function readStore(text: string): { store?: string } | undefined {
  const en = STORE_EN.exec(text);
  if (en) {
    const name = en[1]?.trim();
    return name && !NOT_A_NAME.test(name) ? { store: name } : {};
  }
  const zh = STORE_ZH.exec(text);
  if (zh) return zh[1] ? { store: zh[1] } : {};
  return undefined;
}

/**
 * "Is it in stock at your Leeds store?": the shop's webhook knows each store's stock, the catalogue
 * only the online total. Asked about a store with a webhook configured, the shop answers (about
 * the product in focus, or the ones the message names); otherwise `fallback` (the catalogue's
 * availability) does.
 */
export function storeStockFlow(fallback: Flow | undefined): Flow {
  return async (ctx: FlowContext) => {
    const store = readStore(ctx.turn.text);
    if (!ctx.deps.actions?.webhook || !store) return fallback ? fallback(ctx) : { text: "", products: [], suggestions: [] };
    const named = (await ctx.deps.recommender.findMentioned(ctx.turn.text.slice(0, 2000), 3).catch(() => [])).map((p) => p.id);
    const products = named.length ? named : ctx.state.focus ? [ctx.state.focus] : ctx.state.lastShown.slice(0, 1);
    const e = ctx.nlu.entities;
    const entities: ActionEntities = { ...store, ...(e.postcode && { postcode: e.postcode }), ...(products.length && { products }) };
    const answer = await callWebhook(ctx, actionRequest(ctx, "store_stock", ctx.nlu.intent, entities));
    if (!answer) return { text: actionReplies(ctx.locale).stockUnavailable, products: [], suggestions: suggest(ctx.locale, "start") };
    return { text: answer.text, products: await cardsFor(ctx, answer.products), suggestions: suggest(ctx.locale, "start") };
  };
}
