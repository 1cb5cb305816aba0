import type { Product } from "../../store/types.ts";
import type { Flow, FlowContext } from "../flow.ts";
import { productCard } from "../format.ts";
import { queryTerms } from "../query.ts";
import { explicitIndexes } from "../references.ts";
import { CART_LIMIT } from "../state.ts";
import { say, suggest, type TemplateKey } from "../templates.ts";
import { productsOf, referencedProducts } from "./catalogue.ts";

/**
 * The conversation's cart: what "add it to my cart" put in, what "what's in my cart?" lists and
 * "remove the tent from my cart" takes out. Kept in the conversation state (any replica continues
 * it); the shop's own checkout stays the shop's.
 */

const VIEW_EN =
  /\b(?:what(?:'s| is| do i have| have i got)|whats|show|see|view|check|open|list|display|how many)\b[^.?!]*\b(?:my|the)\s+(?:shopping\s+)?(?:cart|basket|trolley)\b|^\s*(?:my\s+)?(?:shopping\s+)?(?:cart|basket)\s*\??\s*$/i;
const VIEW_ZH = /购物车(?:里|中)?(?:面)?(?:有什么|有啥|有哪些|都有|放了什么|装了什么|有几件|有多少|几件|多少件)|(?:查看|看看|看一下|看下|打开|显示|瞧瞧)(?:一下)?(?:我的)?购物车|^\s*我的购物车\s*[？?]?\s*$/;
const REMOVE_EN = /\b(?:remove|delete|take|drop|get rid of)\b[^.?!]*\b(?:from|out of|off)\s+(?:my|the)\s+(?:shopping\s+)?(?:cart|basket|trolley)\b/i;
const REMOVE_ZH = /(?:从|在)?购物车(?:里|中)?[^。！？]*?(?:删除|删掉|移除|去掉|拿掉|拿出|移出)|(?:删除|删掉|移除|去掉|拿掉|拿出|移出)[^。！？]*购物车/;

// "remove the tent", "take it out", 把帐篷删掉 are about the cart (even an empty one, which is then
// said to be empty) — unless what is removed is the shopper's data, which is a privacy request.
const REMOVE_BARE_EN = /^\s*(?:(?:please|ok|okay|actually|oh)[,\s]+)*(?:can you\s+|could you\s+|i want to\s+|i'd like to\s+)?(?:(?:remove|delete|take out|take off|drop|ditch|get rid of)\s+(?:the|that|this|those|these|it|them|my|both|one|\w+'s)\b|take\s+(?:it|that|this|them|the\s+[\w\s-]{1,40}?)\s+(?:out|off)\b)/i;
const REMOVE_BARE_ZH = /^\s*(?:(?:把|将)[^。！？]{1,20}?(?:删除|删掉|移除|去掉|拿掉|拿出来)|(?:删除|删掉|移除|拿掉)[^。！？]{1,20}$)/;
const REMOVE_VERBS = /\b(?:remove|delete|take|out|off|drop|ditch|get rid of|cart|basket|trolley)\b|删除|删掉|移除|去掉|拿掉|拿出来|购物车|[把将从]/gi;
const ABOUT_DATA = /\b(?:data|history|account|profile|information|info|details|messages|conversations?|chats?|everything|records?|personal|name|e-?mail|address|phone|number|me)\b|数据|记录|信息|资料|账号|账户|历史|聊天|个人|关于我|全部|所有|一切/i;

// "how do I check out?", 怎么结账: paying is the shop's own checkout's (not a payment-method question).
const CHECKOUT_EN =
  /\b(?:how (?:do|can|should|would) i (?:check ?out|pay for (?:it|this|them|these|those|everything|my (?:cart|basket|items|stuff))|complete (?:my|the) (?:order|purchase)|place (?:an|my|the) order|buy (?:it|this|them|these|everything))|(?:go|proceed|continue|take me) to (?:the )?(?:checkout|payment)|ready to (?:check ?out|pay|order)|where(?:'s| is| do i) (?:the )?check ?out|^\s*(?:i want to |let's |lets )?(?:check ?out)(?: please| now)?\s*[.!?]*$)/i;
const CHECKOUT_ZH = /(?:怎么|如何|怎样|在哪(?:里|儿)?)(?:结账|结算|下单|买单|付款购买)|去结(?:账|算)|我要结(?:账|算)|^\s*结(?:账|算)(?:吧)?\s*[。！？!?]?\s*$/;
const PAYMENT_METHOD = /\b(?:card|credit|debit|paypal|apple pay|google pay|klarna|afterpay|cash|invoice|instal?ments?|voucher|gift card|code)\b|支付宝|微信|信用卡|银行卡|分期|现金|优惠券/i;

// "swap it for the second one", 换成第二个: the product just added gives way to another.
const SWAP = /\b(?:swap|switch|change|exchange|replace)\s+(?:it|that|this(?:\s+one)?)\s+(?:for|with|to)\b|\binstead(?:\s+of\s+(?:that|this|it))?\s*[?.!]*$|(?:换成|改成|换为)/i;

// "make it two", "I'll take 3 of them", 要两个: how many, which the cart (one of each) leaves to checkout.
const QUANTITY_EN =
  /^\s*(?:(?:actually|ok|okay|oh|and|so|hmm|please)[,\s]+)*(?:make it|make that|i'll take|i will take|i'd like|i want|give me|add|can i (?:get|have)|let me (?:get|have))\s+(\d+|two|three|four|five|six|seven|eight|nine|ten|a couple|a pair)\b(?:\s+(?:of (?:them|those|these|it)|pieces|units|items|please|instead))*\s*[.!?]*$/i;
const QUANTITY_ZH = /^\s*(?:那|那就|我|给我)?(?:要|买|来|拿|改成|换成)\s*([两二三四五六七八九十]|\d+)\s*(?:个|件|双|台|份|瓶|盒|套|只|条)\s*(?:吧|呢|好了|就行)?\s*[。！？!?]?\s*$/;
const NUMBERS: Record<string, number> = { two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, "a couple": 2, "a pair": 2, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

// "I'd like two of the first one", "add 3 x the kettle", 第一个要两个: a number with what is added.
const QUANTITY_IN_ADD_EN = /\b(\d+|two|three|four|five|six|seven|eight|nine|ten|a couple|a pair)\s+(?:of\s+(?:the|those|these|them|it|that|this)\b|x\b)|\b(\d+)\s*x\b|\bx\s*(\d+)\b/i;
const QUANTITY_IN_ADD_ZH = /(?:要|买|来|拿|加)\s*([两二三四五六七八九十]|\d+)\s*(?:个|件|双|台|份|瓶|盒|套|只|条)/;

function quantityOf(m: RegExpExecArray | null): number | undefined {
  const word = m?.slice(1).find(Boolean);
  if (!word) return undefined;
  const n = NUMBERS[word.toLowerCase()] ?? Number(word);
  return Number.isInteger(n) && n >= 2 && n <= 99 ? n : undefined;
}

// "actually make that one", "just one", 算了，一台就行: back to one of it.
const JUST_ONE =
  /^\s*(?:(?:actually|ok|okay|oh|no|sorry|hmm)[,\s]+)*(?:make (?:it|that) (?:just )?one|just (?:the )?one(?: (?:please|then|of (?:them|it)))?|only one(?: please)?|one is (?:enough|fine|plenty))\s*[.!]*$|^\s*(?:算了[，,\s]*)?(?:一[个台件双份瓶盒套只条]就(?:行|够了?|好了?|可以了?)|只要一[个台件双份瓶盒套只条](?:就行|吧)?)\s*[。！!]?\s*$/i;

/** How many the shopper asks for ("make it two" → 2, "just one" → 1), or undefined when the message is no such request. */
export function askedQuantity(text: string): number | undefined {
  return JUST_ONE.test(text) ? 1 : quantityOf(QUANTITY_EN.exec(text) ?? QUANTITY_ZH.exec(text));
}

/** How many of a product an add request names ("two of the first one" → 2), if any. */
export function quantityInAdd(text: string): number | undefined {
  return quantityOf(QUANTITY_IN_ADD_EN.exec(text) ?? QUANTITY_IN_ADD_ZH.exec(text));
}

/** Whether the message asks to see the cart or to take something out of it. */
export function readCartRequest(text: string): "view" | "remove" | "quantity" | "checkout" | "swap" | undefined {
  if (askedQuantity(text) !== undefined) return "quantity";
  if (SWAP.test(text)) return "swap";
  if ((CHECKOUT_EN.test(text) || CHECKOUT_ZH.test(text)) && !PAYMENT_METHOD.test(text)) return "checkout";
  if (REMOVE_EN.test(text) || REMOVE_ZH.test(text)) return "remove";
  if ((REMOVE_BARE_EN.test(text) || REMOVE_BARE_ZH.test(text)) && !ABOUT_DATA.test(text)) return "remove";
  if (VIEW_EN.test(text) || VIEW_ZH.test(text)) return "view";
  return undefined;
}

function canBuy(p: Product): boolean {
  return p.stock === undefined || p.stock > 0;
}

/** These products into the cart, newest last (one of each), and into the shopper's events. */
async function putInCart(ctx: FlowContext, products: Product[], without: string[] = []): Promise<void> {
  const added = new Set(products.map((p) => p.id));
  ctx.state.cart = [...(ctx.state.cart ?? []).filter((id) => !added.has(id) && !without.includes(id)), ...added].slice(-CART_LIMIT);
  if (products.length) await ctx.deps.shoppers.record(products.map((p) => ({ userId: ctx.turn.userId, itemId: p.id, type: "cart" as const, ts: Date.now() })));
}

/** The cart's product "it" means: the one in focus when it is in the cart, else the last added. */
function cartItemInFocus(ctx: FlowContext): string | undefined {
  const cart = ctx.state.cart ?? [];
  return ctx.state.focus && cart.includes(ctx.state.focus) ? ctx.state.focus : cart.at(-1);
}

const addToCart: Flow = async (ctx) => {
  // "add the first and the second", 把第一个和第三个加入购物车: each one pointed at.
  const pointedAt = explicitIndexes(ctx.turn.text, ctx.state.lastShown.length).length;
  const products = await referencedProducts(ctx, Math.max(1, pointedAt));
  if (!products.length) return { text: say(ctx.locale, "whichProduct"), products: [], suggestions: suggest(ctx.locale, "start") };
  const inStock = products.filter(canBuy);
  const sentences = products.map((p) => say(ctx.locale, inStock.includes(p) ? "addedToCart" : "cannotAddOutOfStock", { title: p.title }));
  // The cart keeps one of each: how many is set at checkout, said rather than dropped.
  const count = inStock.length === 1 && products.length === 1 ? quantityInAdd(ctx.turn.text) : undefined;
  if (count) sentences.push(say(ctx.locale, "quantityAtCheckout", { count }));
  ctx.state.focus = (inStock.at(-1) ?? products.at(-1)!).id;
  await putInCart(ctx, inStock);
  const added = new Set(inStock.map((p) => p.id));
  return {
    text: sentences.join(ctx.locale === "zh" ? "" : " "),
    products: products.map((p) => productCard(p, say(ctx.locale, added.has(p.id) ? "cardInCart" : "cardOutOfStock"))),
    suggestions: inStock.length ? suggest(ctx.locale, "afterDetails").slice(1) : suggest(ctx.locale, "afterResults"),
  };
};

/** The cart, newest first, said with these words; it becomes the list "the second one" points into. */
function listCart(empty: TemplateKey, contents: TemplateKey): Flow {
  return async (ctx) => {
    const products = (await productsOf(ctx, ctx.state.cart ?? [])).reverse();
    if (!products.length) return { text: say(ctx.locale, empty), products: [], suggestions: suggest(ctx.locale, "start"), answeredAs: "cart" };
    const reason = say(ctx.locale, "cardInCart");
    return {
      text: say(ctx.locale, contents, { count: products.length }),
      products: products.map((p) => productCard(p, reason)),
      listing: true,
      suggestions: suggest(ctx.locale, "afterCart"),
      answeredAs: "cart",
    };
  };
}

export const viewCart = listCart("cartEmpty", "cartContents");

/** "how do I check out?": what was picked here, and that paying is at the shop's own checkout. */
export const checkoutHow = listCart("checkoutEmpty", "checkoutHow");

/** "remove it from my cart", "remove the second one from my basket", 把耳机从购物车删掉. */
export const removeFromCart: Flow = async (ctx) => {
  const cart = ctx.state.cart ?? [];
  if (!cart.length) return { text: say(ctx.locale, "cartEmpty"), products: [], suggestions: suggest(ctx.locale, "start"), answeredAs: "cart" };
  const [product] = (await namedInCart(ctx, cart)) ?? (await referencedProducts(ctx, 1));
  if (!product) return { text: say(ctx.locale, "whichProduct"), products: [], suggestions: suggest(ctx.locale, "afterCart"), answeredAs: "cart" };
  if (!cart.includes(product.id)) return { text: say(ctx.locale, "notInCart", { title: product.title }), products: [], suggestions: suggest(ctx.locale, "afterCart"), answeredAs: "cart" };
  ctx.state.cart = cart.filter((id) => id !== product.id);
  if (ctx.state.focus === product.id) delete ctx.state.focus;
  return { text: say(ctx.locale, "removedFromCart", { title: product.title }), products: [], suggestions: suggest(ctx.locale, "afterCart"), answeredAs: "cart" };
};

/**
 * "remove the tent", 把帐篷删掉: the one product in the cart whose title has every word named; none
 * when the message names no words, or when no product or several have them.
 */
async function namedInCart(ctx: FlowContext, cart: string[]): Promise<Product[] | undefined> {
  const words = queryTerms(ctx.turn.text.replace(REMOVE_VERBS, " "))
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => w.replace(/(?<=[a-z]{3})(?:es|s)$/, ""));
  if (!words.length) return undefined;
  const named = (await productsOf(ctx, cart)).filter((p) => words.every((w) => p.title.toLowerCase().includes(w)));
  return named.length === 1 ? named : undefined;
}

/** "actually swap it for the second one", 换成第二个: the product in focus (else the last added) out, the one pointed at in. */
export const swapInCart: Flow = async (ctx) => {
  const out = cartItemInFocus(ctx);
  const [product] = await productsOf(ctx, explicitIndexes(ctx.turn.text, ctx.state.lastShown.length).map((i) => ctx.state.lastShown[i]!));
  const [old] = out ? await productsOf(ctx, [out]) : [];
  if (!product || !old) return addToCart(ctx);
  if (!canBuy(product)) {
    return { text: say(ctx.locale, "cannotAddOutOfStock", { title: product.title }), products: [productCard(product, say(ctx.locale, "cardOutOfStock"))], suggestions: suggest(ctx.locale, "afterCart"), answeredAs: "add_to_cart" };
  }
  await putInCart(ctx, [product], [old.id]);
  ctx.state.focus = product.id;
  return { text: say(ctx.locale, "swappedInCart", { old: old.title, title: product.title }), products: [productCard(product, say(ctx.locale, "cardInCart"))], suggestions: suggest(ctx.locale, "afterCart"), answeredAs: "add_to_cart" };
};

/** "make it two": the cart keeps one of each product, so how many is set at checkout — said, not ignored. */
export const cartQuantity: Flow = async (ctx) => {
  const count = askedQuantity(ctx.turn.text)!;
  const id = cartItemInFocus(ctx);
  const [product] = id ? await productsOf(ctx, [id]) : [];
  if (!product) return { text: say(ctx.locale, "cartQuantityEmpty"), products: [], suggestions: suggest(ctx.locale, "start"), answeredAs: "cart" };
  return { text: say(ctx.locale, "cartQuantity", { title: product.title, count }), products: [productCard(product, say(ctx.locale, "cardInCart"))], suggestions: suggest(ctx.locale, "afterCart"), answeredAs: "cart" };
};

export const cartFlows = { add_to_cart: addToCart } satisfies Record<string, Flow>;
