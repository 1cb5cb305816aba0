import { type Flow, LISTING_INTENTS } from "../flow.ts";
import { productCard } from "../format.ts";
import { productsOf } from "./catalogue.ts";
import { fromKnowledge } from "./knowledge.ts";
import { type SuggestionSet, say, suggest, type TemplateKey } from "../templates.ts";

/** Flows answered with a fixed sentence and a few next steps. */
function answer(key: TemplateKey, suggestions: SuggestionSet = "start"): Flow {
  return async (ctx) => ({ text: say(ctx.locale, key), products: [], suggestions: suggest(ctx.locale, suggestions) });
}

// "do you speak Chinese?", 你会说英文吗.
const ASKS_LANGUAGE =
  /\b(?:do|can|could|will) you (?:speak|understand|talk|reply|answer|write|chat|read)(?: in)? (?:chinese|mandarin|english)\b|\b(?:chinese|mandarin|english) (?:ok|okay|possible)\s*\?|你(?:会|能|可以)(?:说|讲|用|看懂)?(?:英文|英语|中文|汉语)吗|(?:可以|能)(?:说|讲|用)(?:英文|英语|中文)吗/i;
// "I don't know what to get", "I'm not sure what I want", 我也不知道要买什么.
const UNDECIDED =
  /\b(?:(?:i'?m |i am )?not sure|(?:i )?don'?t know|(?:i )?do not know|dunno|no idea|(?:i )?can'?t decide|(?:i )?cannot decide|undecided)\b[^.?!]*?\b(?:what|which)\b[^.?!]*?\b(?:want|get|buy|choose|pick|need|order)\b|\bhelp me (?:choose|decide|pick)\b|不知道(?:要|该|想)?(?:买|选|挑)(?:什么|啥|哪个|哪款)|没想好(?:要)?买(?:什么|啥)/i;

// "can you repeat that?", "sorry, what?", 再说一遍: at a kiosk or on the phone a reply is easily missed.
const REPEAT =
  /^\s*(?:(?:sorry|pardon|what|huh|eh|ok|okay)[,?!.\s]*)?(?:(?:can|could|would) you (?:please )?)?(?:repeat|say) (?:that|it|this|what you said)(?: again)?(?: please)?\s*[?.!]*$|^\s*(?:pardon(?: me)?|come again|say again|sorry,? (?:what|i didn'?t (?:catch|hear) that)|what did you (?:just )?say|i didn'?t (?:catch|hear) (?:that|you)|(?:one more time|again),? please)\s*[?.!]*$|再说一[遍次]|重复一[下遍]|你(?:刚才)?说(?:了)?什么|没听清|没听到/i;

/** Whether the message asks to hear the last reply again. */
export function asksToRepeat(text: string): boolean {
  return REPEAT.test(text);
}

/** The last reply again, as stored (redacted), with the list it showed. */
export const repeatLast: Flow = async (ctx) => {
  const history = (await ctx.deps.recentMessages?.(ctx.turn, 4).catch(() => [])) ?? [];
  const last = history.filter((m) => m.role === "assistant").at(-1);
  if (!last) return { text: say(ctx.locale, "nothingToRepeat"), products: [], suggestions: suggest(ctx.locale, "start"), answeredAs: "capabilities" };
  // The cards it showed: the list after a list, else the product it was about.
  // (the cart's listing is answered as "cart").
  const listed = LISTING_INTENTS.has(ctx.state.lastAnswer ?? "") || ctx.state.lastAnswer === "cart";
  const ids = listed ? ctx.state.lastShown : ctx.state.focus ? [ctx.state.focus] : [];
  const cards = (await productsOf(ctx, ids)).map((p) => productCard(p, ""));
  return { text: last.text, products: cards, suggestions: suggest(ctx.locale, cards.length ? "afterResults" : "start"), ...(ctx.state.lastAnswer && { answeredAs: ctx.state.lastAnswer }) };
};

const DISMISS = /^\s*(?:(?:ok(?:ay)?|oh|ah|well|no)[,.\s]+)?(?:never ?mind|forget (?:it|about it)|that'?s all(?: for now)?|i'?m (?:good|fine|all set)(?: thanks?| thank you)?|nothing(?: else)?(?: thanks?)?|not now)\s*[.!]*\s*$|^\s*(?:(?:好的?|谢谢|多谢)[，,。\s]*)?(?:算了|不用了|没事了|不需要了|先这样吧?|没有了|没别的了|没其他的了|就这些了?)(?:[，,。\s]*(?:算了|不用了|没事了|不需要了|谢谢))*\s*[。！!]*\s*$/i;

/** Whether the shopper lets the matter drop ("never mind", 算了，不用了). */
export function dismisses(text: string): boolean {
  return DISMISS.test(text);
}

export const dismissed: Flow = async (ctx) => ({ text: say(ctx.locale, "dismissed"), products: [], suggestions: suggest(ctx.locale, "start"), answeredAs: "goodbye" });

// A bare "yes", "no", "ok" or "hmm": what it means depends on what was said last.
const YES = /^\s*(?:yes|yeah|yep|yup|sure|yes please|please do|go ahead|ok(?:ay)? (?:please|then)|是的?|好的?|好啊|可以|要的?|需要|麻烦了?|(?:👍|👌)[\u{1F3FB}-\u{1F3FF}]?)(?:[\s,.!?。！？，]+(?:please|thanks?|thank you|谢谢))?[\s.!?。！？]*$/iu;
const NO = /^\s*(?:no|nope|nah|no thanks?|no thank you|not really|不用了?|不要了?|不需要了?|不了|👎[\u{1F3FB}-\u{1F3FF}]?)(?:[\s,.!?。！？，]+(?:thanks?|thank you|谢谢))?[\s.!?。！？]*$/iu;
const OK = /^\s*(?:ok(?:ay)?|alright|all right|cool|great|nice|fine|hmm+|um+|i see|got it|right|mm+|嗯+|哦+|行|知道了|明白了|🙂|😊|🙏)(?:[\s,.!?。！？，]+(?:(?:i'?m )?not sure|let me think|let me see|maybe|thanks?|我想想|让我想想|考虑一下))?[\s.!?。！？]*$/iu;

/** A bare yes, no or acknowledgement, or undefined when the message says more. */
export function readAcknowledgement(text: string): "yes" | "no" | "ok" | undefined {
  if (YES.test(text)) return "yes";
  if (NO.test(text)) return "no";
  return OK.test(text) ? "ok" : undefined;
}

/** "ok", "hmm" after a list: what can be done with it next (never "outside what I can help with"). */
export const acknowledged: Flow = async (ctx) => {
  const listed = ctx.state.lastShown.length > 0;
  return { text: say(ctx.locale, listed ? "nextWithList" : "nextWithoutList"), products: [], suggestions: suggest(ctx.locale, listed ? "afterResults" : "start"), answeredAs: "capabilities" };
};

// "go back", "the previous ones", 返回, 回到刚才的: the list before this one.
const GO_BACK = /^\s*(?:(?:ok(?:ay)?|actually|no|hmm|please)[,\s]+)*(?:(?:can we |let'?s |could you )?go back(?: to (?:the )?(?:previous|last|other|earlier) (?:ones|list|results|search))?|back|previous(?: ones| list| results| page)?|(?:the |show me the )?(?:previous|earlier|other) (?:ones|list|results)(?: again)?|(?:show me )?(?:the )?(?:ones|list|results) (?:from )?before)(?:,?\s*please)?\s*[?.!]*$|^\s*(?:返回|回去|上一页|回到(?:刚才|之前|上一个)的?(?:列表|那些)?|刚才那些|之前那些|看回刚才的)(?:吧)?\s*[。！!?？]*\s*$/i;

/** Whether the shopper asks for the list before this one. */
export function asksToGoBack(text: string): boolean {
  return GO_BACK.test(text);
}

/** Whether the message asks which languages the assistant speaks. */
export function asksForLanguages(text: string): boolean {
  return ASKS_LANGUAGE.test(text);
}

// "something nice", "anything good?", 随便推荐点好东西: a wish with no kind of thing in it.
const VAGUE_WISH =
  /^\s*(?:(?:hi|hey|hello|ok|so|um+|well)[,\s]+)?(?:(?:i want|i'd like|i need|i'm after|show me|looking for|i'm looking for|find me|give me|got|have you got|do you have|any)\s+)?(?:something|anything)\s+(?:really\s+|a bit\s+)?(?:nice|good|cool|fun|interesting|special|different|great|lovely|awesome|neat)(?:\s+(?:please|for me|to buy))?\s*[?.!]*$|^\s*(?:随便|随便看看|随便推荐(?:点|一些|几个)?(?:好东西|东西)?|有什么好(?:东西|玩的|看的)(?:吗|呢)?|来点好东西)\s*[?？。！]*$/i;

/** Whether the shopper says they do not know what to buy (the caller checks that nothing is named), or wishes for "something nice". */
export function isUndecided(text: string): boolean {
  return UNDECIDED.test(text) || VAGUE_WISH.test(text);
}

/** "something nice", 随便推荐点好东西: no kind of thing named, only that it should be good. */
export function isVagueWish(text: string): boolean {
  return VAGUE_WISH.test(text);
}

// "I want to cancel my order", 取消订单: a change to an order, which only the shop's team can make.
const ORDER_CHANGE = /\b(?:cancel|change|modify|amend|edit|update)\b[^.?!]{0,30}\b(?:order|purchase)\b|\border\b[^.?!]{0,20}\b(?:cancel(?:led|lation)?|changed)\b|(?:取消|修改|更改|改一下)(?:我的)?订单|订单(?:能|可以)?(?:取消|修改|更改)/i;

/** Whether the message asks to cancel or change an order. */
export function asksToChangeOrder(text: string): boolean {
  return ORDER_CHANGE.test(text);
}

export const orderChange: Flow = async (ctx) => ({ text: say(ctx.locale, "orderChange"), products: [], suggestions: suggest(ctx.locale, "handoff"), answeredAs: "order_status" });

// "great, another useless chatbot", "this bot is hopeless", 没用的机器人: the assistant itself called no good.
const BAD = "useless|stupid|dumb|pointless|rubbish|garbage|terrible|awful|hopeless|clueless|worthless|pathetic";
const ABUSES_THE_ASSISTANT = new RegExp(
  `\\b(?:${BAD})\\s+(?:chat\\s?bot|bot|assistant|ai|robot|machine)s?\\b|\\b(?:you(?:'re| are)|ur|u r|this (?:chat\\s?bot|bot|assistant|ai|thing) is)\\s+(?:so |really |completely |totally |utterly |just )?(?:${BAD})\\b|(?:没用|笨|蠢|垃圾|废物)的?(?:机器人|智能客服|助手)|(?:机器人|智能客服|助手)(?:真|好|太)?(?:没用|笨|蠢|垃圾|废物)`,
  "i",
);

/** Whether the message calls the assistant itself no good (whatever the classifier made of it). */
export function abusesTheAssistant(text: string): boolean {
  return ABUSES_THE_ASSISTANT.test(text);
}

/** "you're so stupid", 你好笨啊: sorry, and two ways on — say it plainly, or a person. */
export const notHelping: Flow = async (ctx) => ({ text: say(ctx.locale, "notHelping"), products: [], suggestions: suggest(ctx.locale, "handoff"), answeredAs: "feedback" });

export const languagesAnswer: Flow = async (ctx) => ({ text: say(ctx.locale, "languages"), products: [], suggestions: suggest(ctx.locale, "start"), answeredAs: "capabilities" });

const feedback: Flow = async (ctx) => {
  const label = ctx.nlu.sentiment.label;
  const key = label === "positive" ? "feedbackPositive" : label === "negative" ? "feedbackNegative" : "feedbackNeutral";
  return { text: say(ctx.locale, key), products: [], suggestions: suggest(ctx.locale, label === "negative" ? "handoff" : "start") };
};

export const serviceFlows = {
  goodbye: answer("goodbye"),
  thanks: answer("thanks"),
  capabilities: answer("capabilities"),
  order_status: answer("orderStatus", "handoff"),
  // The shop's own documents answer these (knowledge/); a shop without any gets "I don't know" and a person.
  shipping: fromKnowledge(),
  returns: fromKnowledge(),
  opening_hours: fromKnowledge(),
  payment: fromKnowledge(),
  complaint: answer("complaint", "handoff"),
  feedback,
  human_handoff: answer("handoff"),
} satisfies Record<string, Flow>;
