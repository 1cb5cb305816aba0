import type { EventType } from "../store/types.ts";

/**
 * The one line that says why a product was picked, in the shopper's language. Each template names
 * the signal that actually ranked the product; callers pick the template from the retriever that
 * found it, never a generic one.
 */

export type Lang = "en" | "zh";

export function langOf(locale: string | undefined, text?: string): Lang {
  if (locale) return locale.toLowerCase().startsWith("zh") ? "zh" : "en";
  return text && /[\u3400-\u9fff]/.test(text) ? "zh" : "en";
}

const VERBS: Record<Lang, Record<EventType, (title: string) => string>> = {
  en: {
    view: (t) => `because you viewed ${t}`,
    cart: (t) => `because you added ${t} to your cart`,
    purchase: (t) => `because you bought ${t}`,
    favourite: (t) => `because you saved ${t} to your favourites`,
    rating: (t) => `because you rated ${t} highly`,
  },
  zh: {
    view: (t) => `因为你浏览过${t}`,
    cart: (t) => `因为你把${t}加入了购物车`,
    purchase: (t) => `因为你购买过${t}`,
    favourite: (t) => `因为你收藏了${t}`,
    rating: (t) => `因为你给${t}打了高分`,
  },
};

export const reasons = {
  /** The product contains the quoted query words (BM25 found it). */
  matches: (lang: Lang, words: string) => (lang === "zh" ? `符合“${words}”` : `matches “${words}”`),
  /** Only the embedding found it: close in meaning, not in words. */
  related: (lang: Lang, query: string) => (lang === "zh" ? `与“${query}”相关` : `related to “${query}”`),
  /** Appended when the shopper's profile lifted it. */
  personalSuffix: (lang: Lang) => (lang === "zh" ? "，也符合你的口味" : ", close to what you like"),
  because: (lang: Lang, type: EventType, title: string) => VERBS[lang][type](title),
  /** This item itself is in their history, nothing else explains it better. */
  again: (lang: Lang, type: EventType) => {
    if (lang === "zh") {
      if (type === "purchase") return "你买过，可以再次购买";
      if (type === "rating") return "你给过高分";
      return type === "cart" ? "还在你的购物车里" : type === "favourite" ? "在你的收藏里" : "你最近看过";
    }
    if (type === "purchase") return "you bought this before: buy it again";
    if (type === "rating") return "you rated this highly";
    return type === "cart" ? "still in your cart" : type === "favourite" ? "in your favourites" : "you looked at this recently";
  },
  /** Co-occurrence found it, and at least minSupport shoppers bought both. */
  alsoBought: (lang: Lang, title: string) => (lang === "zh" ? `买了${title}的顾客也买了它` : `shoppers who bought ${title} also bought this`),
  /**
   * Co-occurrence found it through any kind of interaction. Every interaction (a purchase, a cart, a
   * rating) implies the shopper at least looked at the item, so "looked at" is true for all of them.
   */
  alsoViewed: (lang: Lang, title: string) => (lang === "zh" ? `看过${title}的顾客也看过它` : `shoppers who looked at ${title} also looked at this`),
  /** The popularity prior ranked it; `recent` when the counts come from the recent window. */
  popularIn: (lang: Lang, category: string | undefined, recent: boolean) => {
    if (!category) return recent ? reasons.popular(lang) : reasons.favourite(lang);
    if (lang === "zh") return recent ? `${category}类近期热门` : `${category}类人气商品`;
    return recent ? `popular in ${category} right now` : `popular in ${category}`;
  },
  /** The freshness prior ranked it: the product arrived recently. */
  newIn: (lang: Lang, category: string | undefined) => {
    if (!category) return lang === "zh" ? "店铺新品" : "new in the shop";
    return lang === "zh" ? `${category}类新品` : `new in ${category}`;
  },
  /** The profile ranked it but no single item of theirs explains it (their history as a whole does). */
  closeToTaste: (lang: Lang) => (lang === "zh" ? "符合你的口味" : "close to what you like"),
  likes: (lang: Lang, likes: string) => (lang === "zh" ? `符合你的喜好：${likes}` : `matches what you like: ${likes}`),
  popular: (lang: Lang) => (lang === "zh" ? "近期热门" : "popular right now"),
  /** Popular in the shopper's segment (the shoppers whose interests theirs resemble). */
  popularWithSimilar: (lang: Lang) => (lang === "zh" ? "和你兴趣相近的顾客都喜欢" : "popular with shoppers like you"),
  /** Popular over all time (nothing in the recent window). */
  favourite: (lang: Lang) => (lang === "zh" ? "深受顾客欢迎" : "popular with shoppers"),
  topPick: (lang: Lang, category: string | undefined) => {
    if (!category) return lang === "zh" ? "店铺精选" : "a top pick from the shop";
    return lang === "zh" ? `${category}类精选` : `top pick in ${category}`;
  },
};
