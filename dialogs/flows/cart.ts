import type { Flow } from "../flow.ts";
import { productCard } from "../format.ts";
import { CART_LIMIT } from "../state.ts";
import { say, suggest } from "../templates.ts";
import { productsOf, referencedProducts } from "./catalogue.ts";

/**
 * The conversation's cart: what "add it to my cart" put in, what "what's in my cart?" lists and
 * "remove the tent from my cart" takes out. Kept in the conversation state (any replica continues
 * it); the shop's own checkout stays the shop's.
 */

const VIEW_EN =
  /\b(?:what(?:'s| is| do i have| have i got)|whats|show|see|view|check|open|list|display)\b[^.?!]*\b(?:my|the)\s+(?:shopping\s+)?(?:cart|basket|trolley)\b|^\s*(?:my\s+)?(?:shopping\s+)?(?:cart|basket)\s*\??\s*$/i;
const VIEW_ZH = /购物车(?:里|中)?(?:面)?(?:有什么|有啥|有哪些|都有|放了什么|装了什么)|(?:查看|看看|看一下|看下|打开|显示|瞧瞧)(?:一下)?(?:我的)?购物车|^\s*我的购物车\s*[？?]?\s*$/;
const REMOVE_EN = /\b(?:remove|delete|take|drop|get rid of)\b[^.?!]*\b(?:from|out of|off)\s+(?:my|the)\s+(?:shopping\s+)?(?:cart|basket|trolley)\b/i;
const REMOVE_ZH = /(?:从|在)?购物车(?:里|中)?[^。！？]*?(?:删除|删掉|移除|去掉|拿掉|拿出|移出)|(?:删除|删掉|移除|去掉|拿掉|拿出|移出)[^。！？]*购物车/;

/** Whether the message asks to see the cart or to take something out of it. */
export function readCartRequest(text: string): "view" | "remove" | undefined {
  if (REMOVE_EN.test(text) || REMOVE_ZH.test(text)) return "remove";
  if (VIEW_EN.test(text) || VIEW_ZH.test(text)) return "view";
  return undefined;
}

const addToCart: Flow = async (ctx) => {
  const [product] = await referencedProducts(ctx, 1);
  if (!product) return { text: say(ctx.locale, "whichProduct"), products: [], suggestions: suggest(ctx.locale, "start") };
  if (product.stock !== undefined && product.stock <= 0) {
    ctx.state.focus = product.id;
    const reason = say(ctx.locale, "cardOutOfStock");
    return { text: say(ctx.locale, "cannotAddOutOfStock", { title: product.title }), products: [productCard(product, reason)], suggestions: suggest(ctx.locale, "afterResults") };
  }
  ctx.state.focus = product.id;
  ctx.state.cart = [...(ctx.state.cart ?? []).filter((id) => id !== product.id), product.id].slice(-CART_LIMIT);
  await ctx.deps.shoppers.record([{ userId: ctx.turn.userId, itemId: product.id, type: "cart", ts: Date.now() }]);
  return {
    text: say(ctx.locale, "addedToCart", { title: product.title }),
    products: [productCard(product, say(ctx.locale, "cardInCart"))],
    suggestions: suggest(ctx.locale, "afterDetails").slice(1),
  };
};

/** The cart, newest first; it becomes the list "the second one" points into. */
export const viewCart: Flow = async (ctx) => {
  const products = (await productsOf(ctx, ctx.state.cart ?? [])).reverse();
  if (!products.length) return { text: say(ctx.locale, "cartEmpty"), products: [], suggestions: suggest(ctx.locale, "start"), answeredAs: "cart" };
  const reason = say(ctx.locale, "cardInCart");
  return {
    text: say(ctx.locale, "cartContents", { count: products.length }),
    products: products.map((p) => productCard(p, reason)),
    listing: true,
    suggestions: suggest(ctx.locale, "afterCart"),
    answeredAs: "cart",
  };
};

/** "remove it from my cart", "remove the second one from my basket", 把耳机从购物车删掉. */
export const removeFromCart: Flow = async (ctx) => {
  const cart = ctx.state.cart ?? [];
  if (!cart.length) return { text: say(ctx.locale, "cartEmpty"), products: [], suggestions: suggest(ctx.locale, "start"), answeredAs: "cart" };
  const [product] = await referencedProducts(ctx, 1);
  if (!product) return { text: say(ctx.locale, "whichProduct"), products: [], suggestions: suggest(ctx.locale, "afterCart"), answeredAs: "cart" };
  if (!cart.includes(product.id)) return { text: say(ctx.locale, "notInCart", { title: product.title }), products: [], suggestions: suggest(ctx.locale, "afterCart"), answeredAs: "cart" };
  ctx.state.cart = cart.filter((id) => id !== product.id);
  if (ctx.state.focus === product.id) delete ctx.state.focus;
  return { text: say(ctx.locale, "removedFromCart", { title: product.title }), products: [], suggestions: suggest(ctx.locale, "afterCart"), answeredAs: "cart" };
};

export const cartFlows = { add_to_cart: addToCart } satisfies Record<string, Flow>;
