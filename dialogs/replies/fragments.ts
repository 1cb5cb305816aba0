import type { Locale } from "../../core/turn.ts";

export type Vars = Record<string, string | number | undefined>;

const has = (v: unknown): v is string | number => v !== undefined && v !== null && v !== "";

/**
 * The optional pieces of a sentence, composed from the call's values: a shop edits the sentence
 * around `{forWhat}`, while whether " for running shoes" appears at all depends on the shopper.
 * These are the only placeholders not passed by a call; docs/replies.md lists them.
 */
const fragments: Record<Locale, (v: Vars) => Record<string, string>> = {
  en: (v) => ({
    adjSp: has(v.adj) ? `${v.adj} ` : "",
    adjOrElse: has(v.adj) ? String(v.adj) : "else",
    forWhat: has(v.what) ? ` for ${v.what}` : "",
    inFilters: has(v.filters) ? ` (${v.filters})` : "",
    whatOrThat: has(v.what) ? String(v.what) : "that",
    kindOrProducts: has(v.kind) ? String(v.kind) : "products",
    whomOrSomeone: has(v.whom) ? String(v.whom) : "someone",
    whoLikesWhat: has(v.what) ? ` who ${has(v.whom) ? "like" : "likes"} ${v.what}` : "",
    whomOrAGift: has(v.whom) ? String(v.whom) : "a gift",
    byBrand: has(v.brand) ? ` by ${v.brand}` : "",
    inCategory: has(v.category) ? ` (${v.category})` : "",
    theOrder: has(v.order) ? `order ${v.order}` : "your order",
    atPrice: has(v.price) ? ` (${v.price})` : "",
  }),
  zh: (v) => ({
    adjOrElse: has(v.adj) ? String(v.adj) : "其他",
    whatRelated: has(v.what) ? `“${v.what}”相关的` : "",
    inFilters: has(v.filters) ? `（${v.filters}）` : "",
    kindOrProducts: has(v.kind) ? String(v.kind) : "商品",
    whomOrSomeone: has(v.whom) ? String(v.whom) : "你要送的人",
    whoLikesWhat: has(v.what) ? `喜欢${v.what}的` : "",
    whomOrAGift: has(v.whom) ? String(v.whom) : "送礼",
    byBrand: has(v.brand) ? `，品牌：${v.brand}` : "",
    inCategory: has(v.category) ? `，类别：${v.category}` : "",
    theOrder: has(v.order) ? `订单 ${v.order}` : "你的订单",
    atPrice: has(v.price) ? `（${v.price}）` : "",
  }),
};

export function withFragments(locale: Locale, vars: Vars): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) out[k] = String(v);
  return { ...out, ...fragments[locale](vars) };
}

export const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*)\}/g;

export function placeholdersOf(text: string): Set<string> {
  return new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] as string));
}

/** Fills `{name}`; a value the call did not pass reads as nothing, never as "undefined". */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => values[name] ?? "");
}
