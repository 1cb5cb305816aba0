import type { KbLookup } from "../../knowledge/index.ts";
import { type Flow, type FlowContext, type FlowReply, oncePerTurn } from "../flow.ts";
import { categoryName } from "../names.ts";
import { referencedIndexes, replacePointers } from "../references.ts";
import { say, suggest } from "../templates.ts";

/**
 * Answers from the shop's own documents (knowledge/): the best passages' own sentences with their
 * sources, or — when no passage clears the calibrated confidence — a plain "I don't know that" and
 * the way to a person, never a guess. The LLM, when loaded, rewrites the answer from the same
 * passages (engine.ts); the sources then follow the passages it cited.
 */

/**
 * When the classifier itself names the policy (returns, shipping…), that is evidence the documents
 * need not repeat: a passage half as sure as the calibrated threshold answers. Not calibrated
 * separately (docs/knowledge.md, limits).
 */
const INTENT_BACKED_SHARE = 0.5;

// What each policy intent is about, in the words shops' documents use for it (EN and ZH): "你们几点上班" names none of them.
const TOPICS: Record<string, string> = {
  returns: "return returns refund 退货 退款",
  shipping: "shipping delivery 配送 运费",
  payment: "payment pay 支付 付款",
  opening_hours: "opening hours customer service open 营业 客服时间",
  complaint: "return refund 退货 退款",
};

// "what size should I get? I'm usually a 42", 应该选多大的: a question for the size guide, whatever intent it was given.
const SIZING = /\b(?:size guide|size chart|sizing|between (?:two )?(?:[a-z]+ )?sizes|true to size|(?:runs?|fits?|comes?|come up) (?:small|large|big)|size (?:up|down)|(?:what|which) size|size should i)\b|偏大|偏小|穿多大|选多大|买多大|多大的?码|什么码|哪个码|尺码/i;

/**
 * The knowledge base's best passages for the turn's message; undefined when the shop has none.
 * `intentBacked`: the classifier (or a policy word) already says what it is about.
 */
export async function lookUp(ctx: FlowContext, options: { intentBacked?: boolean } = {}): Promise<KbLookup | undefined> {
  const kb = ctx.deps.knowledge();
  if (!kb) return undefined;
  const text = await withoutPointers(ctx);
  const ask = (minConfidence?: number, hint?: string, question = text) =>
    oncePerTurn(ctx, `kb\n${ctx.locale}\n${minConfidence}\n${hint}\n${question}`, () => kb.ask(question, ctx.locale, minConfidence === undefined ? undefined : { minConfidence, ...(hint && { hint }) }));
  if (!options.intentBacked) return ask();
  const minConfidence = kb.minConfidence * INTENT_BACKED_SHARE;
  const own = await ask(minConfidence);
  // The topic's words rank passages by how much they talk about it, not by what was asked: only when the question's own words find nothing…
  const topic = TOPICS[ctx.nlu.intent] ?? (SIZING.test(ctx.turn.text) ? "size sizes sizing 尺码" : undefined);
  // (An answer the intent's topic never comes up in answers something else: "how do I return something I bought online?" is not the online shop's hours.)
  const fits = (found: KbLookup) => found.answerable && saysThePolicyAsked(ctx.turn.text, found.text ?? "") && (!topic || mentionsTopic(topic, found.text ?? ""));
  if (!topic || fits(own)) return own;
  // …or, asked by the policy's own words, when what they found does not open with it (电子产品怎么退货 found the warranty's 电子产品).
  const phrase = own.answerable ? POLICY_WORDS.exec(ctx.turn.text)?.[0] : undefined;
  const byPolicy = await (phrase ? ask(minConfidence, undefined, phrase) : ask(minConfidence, topic));
  return own.answerable && !fits(byPolicy) ? own : byPolicy;
}

/**
 * "第一个有保修吗", "does the second one have a warranty?": the documents know kinds of product, not
 * positions in a list — the pointer is asked as the product's kind ("第一个" would find "每月第一个周六").
 */
async function withoutPointers(ctx: FlowContext): Promise<string> {
  const { text } = ctx.turn;
  const shown = ctx.state.lastShown;
  const index = referencedIndexes(text, shown.length)[0];
  if (index === undefined) return text;
  const product = await ctx.deps.recommender.getProduct(shown[index]!);
  const kind = product?.category ? (categoryName(product.category, ctx.locale) ?? "") : "";
  return replacePointers(text, kind);
}

export function knowledgeReply(lookup: KbLookup, ctx: FlowContext, answeredAs?: string): FlowReply {
  return {
    text: lookup.text!,
    products: [],
    suggestions: suggest(ctx.locale, "afterKnowledge"),
    sources: lookup.sources,
    knowledge: { hits: lookup.used?.length ? [...lookup.used, ...lookup.hits.filter((h) => !lookup.used!.includes(h))].slice(0, 3) : lookup.hits.slice(0, 3) },
    ...(answeredAs && { answeredAs }),
  };
}

export function declined(ctx: FlowContext, answeredAs?: string): FlowReply {
  return { text: say(ctx.locale, "kbUnknown"), products: [], suggestions: suggest(ctx.locale, "handoff"), ...(answeredAs && { answeredAs }) };
}

/**
 * A question a policy intent names (returns, shipping, payment, hours): the documents answer, or
 * nothing does. A flow of its own per intent, so the engine can tell which intent it answered.
 */
export function fromKnowledge(): Flow {
  return async (ctx) => {
    const lookup = await lookUp(ctx, { intentBacked: true });
    return lookup?.answerable ? knowledgeReply(lookup, ctx) : declined(ctx);
  };
}

/** "I want my money back": the apology, what the documents say about returns, and a person. */
export const complaintRefund: Flow = async (ctx) => {
  const lookup = await lookUp(ctx, { intentBacked: true });
  const sep = ctx.locale === "zh" ? "" : " ";
  if (!lookup?.answerable) return { text: say(ctx.locale, "complaintRefund"), products: [], suggestions: suggest(ctx.locale, "handoff"), answeredAs: "complaint" };
  const reply = knowledgeReply(lookup, ctx, "complaint");
  // The sorry comes first: the engine adds its own only when the text does not open with one.
  return { ...reply, text: `${say(ctx.locale, "sorryAbout")}${sep}${reply.text}${sep}${say(ctx.locale, "offerColleague")}`, suggestions: suggest(ctx.locale, "handoff"), knowledge: undefined };
};

// Words of the shop's policies that no product search uses: a question naming one is for the documents.
const POLICY_WORDS =
  /\b(?:warrant(?:y|ies)|guarantees?|gift[- ]?wrap\w*|wrapping|loyalty|points|membership|members'?|workshops?|store events?|gift ?cards?|gift vouchers?|e-?gift|refunds?|returns? policy|exchanges?|deliver(?:y|ies)|shipping|ship to|postage|payment|pay with|pay by|opening hours|open on|customer service|invoices?|size guide|size chart|sizing|price match(?:ing)?|price guarantee|replacements?|replace (?:it|them|mine)|(?:send|get) (?:me )?(?:a )?(?:new|another) one|between (?:two )?(?:[a-z]+ )?sizes|true to size|(?:runs?|fits?|comes?|come up) (?:small|large|big)|size (?:up|down)|(?:what|which) size (?:should|do|would|shall|must) (?:i|we|he|she)|size should i|what size (?:to|i should) (?:get|buy|order|choose|take)|(?:usually|normally) (?:a |wear (?:a )?|take (?:a )?)?(?:size )?\d+(?:\.5)?)\b|偏大|偏小|穿多大|选多大|买多大|多大的?码|什么码|哪个码|怎么换|如何换|能换吗|可以换吗|换尺码|换个尺码|换(?:大|小)一?码|太(?:小|大)了|保修|质保|包装|礼品卡|会员|积分|优惠券|工作坊|活动|退款|退货|换货|配送|运费|发货|支付|付款|营业时间|客服|发票|尺码|鞋码/i;

// Words a policy phrase shares with passages about anything ("price" of "price match", "size" of "size chart").
const GENERIC_POLICY_WORDS = new Set(["price", "prices", "policy", "size", "sizes", "guide", "chart", "on", "to", "by", "with", "up", "down", "the", "two", "between", "what", "which", "should", "i"]);

/**
 * Whether a passage speaks of the policy the question names: "Do you price match?" is not answered by
 * a gift-wrapping passage that leaves "the price" off the slip. Only the phrase's own words count.
 */
export function passageSaysPolicy(question: string, passage: string): boolean {
  const phrase = POLICY_WORDS.exec(question)?.[0];
  if (!phrase || /\p{Script=Han}/u.test(phrase)) return true;
  const own = phrase.toLowerCase().split(/[^a-z]+/).filter((w) => w.length >= 4 && !GENERIC_POLICY_WORDS.has(w));
  const text = passage.toLowerCase();
  return !own.length || own.some((w) => text.includes(w.slice(0, Math.max(4, w.length - 3))));
}

/** Whether a passage uses any of a topic's words ("return returns refund 退货 退款"), an English one by its stem. */
function mentionsTopic(topic: string, passage: string): boolean {
  const text = passage.toLowerCase();
  return topic.split(/\s+/).some((w) => text.includes(/\p{Script=Han}/u.test(w) ? w : w.slice(0, Math.max(4, w.length - 2))));
}

/** Whether a passage says the policy a question names, Chinese included (退货 of 电子产品怎么退货). */
function saysThePolicyAsked(question: string, passage: string): boolean {
  const phrase = POLICY_WORDS.exec(question)?.[0];
  // The answer's first sentence: one that only ends with it answers something else first.
  const first = passage.split(/(?<=[。！？.!?])\s*/u)[0] ?? passage;
  return phrase && /\p{Script=Han}/u.test(phrase) ? first.includes(phrase) : passageSaysPolicy(question, passage);
}

/** A question that names a policy ("is there a warranty?", 有礼品包装吗): the documents are asked first, whatever the intent. */
export function asksAboutPolicy(text: string): boolean {
  return looksLikeQuestion(text) && POLICY_WORDS.test(text);
}

// Words a question about the shop (not about the world) is made of.
const SHOP_WORDS =
  /\b(?:shop|store|stores|order|orders|deliver\w*|ship\w*|parcel|refund\w*|return\w*|exchange\w*|warrant\w*|guarantee\w*|loyalty|member\w*|points|discount\w*|coupon\w*|voucher\w*|promo\w*|sale|sales|account|pick ?up|collect|click and collect|gift ?cards?|wrap\w*|size\w*|sizing|events?|workshops?|newsletter|invoice\w*|receipt\w*|pay\w*|checkout|price match|open\w*|hours|close[sd]?|contact|phone|e-?mail|address|staff|customer service)\b|门店|店|订单|发货|快递|配送|运费|退|换货|保修|质保|会员|积分|优惠|折扣|礼品|包装|尺码|活动|发票|支付|付款|营业|客服|电话|地址/i;
const QUESTION = /\?|？|^(?:how|what|when|where|which|who|why|is|are|do|does|can|could|will|would|should|may)\b|吗|呢|么|什么|怎么|如何|哪|几|多少|多大|多长|多重|多高|多宽|多久|是否|有没有|能不能|可不可以|可以.+吗/i;

export function looksLikeQuestion(text: string): boolean {
  return QUESTION.test(text.trim());
}

/** A question the documents might have answered: it asks, and it is about the shop (or they half-matched it). */
export function aboutTheShop(text: string, lookup: KbLookup | undefined): boolean {
  return looksLikeQuestion(text) && (SHOP_WORDS.test(text) || (lookup?.confidence ?? 0) > 0);
}
