import { asksAboutPolicy, knowledgeReply, lookUp } from "./flows/knowledge.ts";
import { catalogueCoverage } from "./flows/matching.ts";
import { readWhichQuestion } from "./attributes.ts";
import type { Flow, FlowContext } from "./flow.ts";
import { askedExtreme } from "./magnitude.ts";
import { queryTerms } from "./query.ts";
import { asksForTheBest } from "./references.ts";
import type { SearchMemory } from "./state.ts";

/**
 * One message, two asks: "ok back to the tents, which is the lightest?", "show me tents and which one
 * is the lightest?", "do you have yoga mats and how much is shipping?", 有瑜伽垫吗，运费多少. The first
 * part makes a list, the second is asked of it (routed as a turn of its own, by the caller's router)
 * or of the shop's documents.
 */

/** Routes the rest of a message as a turn of its own (the router, passed in: it calls this module). */
export type RouteRest = (ctx: FlowContext) => Promise<Flow | undefined>;

// "back to the tents, which is the lightest?": what the shopper goes back to, then what they ask of it.
const BACK_TO =
  /^\s*(?:(?:ok(?:ay)?|so|right|actually|and|hmm)[,\s]+)*(?:let'?s\s+)?(?:go\s+)?back to (?:the\s+)?([^,;.!?]{2,40}?)\s*[,;.!?]+\s*(\S.*)$|^\s*(?:回到|回去看|再看看)(?:刚才|之前)?的?([^，,；;。！？]{1,12})[，,；;。！？]\s*(\S.*)$/i;

/** The question asked of the list before, when the message goes back to it by name; undefined otherwise. */
export function readBackTo(text: string, previous: SearchMemory | undefined): { previous: SearchMemory; question: string } | undefined {
  const m = BACK_TO.exec(text);
  if (!m || !previous?.text) return undefined;
  const named = m[1] ?? m[3]!;
  const question = (m[2] ?? m[4]!).trim();
  const before = previous.text.toLowerCase();
  const same = queryTerms(named).toLowerCase().split(/\s+/).some((w) => w && before.includes(w.replace(/(?<=\w{3})(?:es|s)$/, "")));
  return same && !BACK_TO.test(question) ? { previous, question } : undefined;
}

/**
 * A list (the one before again, or a new search), which becomes the list on screen, then the rest of
 * the message routed against it ("…, which is the lightest?").
 */
export function listThenAsk(list: Flow, question: string, routeRest: RouteRest): Flow {
  return async (ctx) => {
    const listed = await list(ctx);
    if (!listed.products.length) return listed;
    ctx.state.lastShown = listed.products.map((p) => p.id);
    ctx.state.focus = undefined;
    ctx.state.compared = undefined;
    const asked = { ...ctx, turn: { ...ctx.turn, text: question } };
    const next = await routeRest(asked);
    return next ? next(asked) : listed;
  };
}

// A request, then a question (for the shop's documents, or of what it finds) after "and", a comma or 另外.
const THEN_ASKS =
  /^(.+?)(?:\s*[,，;；]\s*(?:(?:and|also|plus|oh and)\s+|另外|还有|顺便问一下|顺便问下|顺便|以及)?|\s+(?:and|also|plus|oh and)\s+)((?:how|what|when|where|which|do|does|can|could|is|are|will)\b.+|[^，,;；]*(?:运费|配送|退货|退款|发货|保修|支付|付款|包邮|几天|哪个|哪款).*)$/i;

/**
 * The product request and the question after it — for the documents ("how much is shipping?") or of
 * the list it finds (`ofList`: "which one is the lightest?") — of a message that makes both; else undefined.
 */
export async function readQuestionAfterRequest(ctx: FlowContext): Promise<{ request: string; question: string; ofList: boolean } | undefined> {
  const m = THEN_ASKS.exec(ctx.turn.text);
  if (!m) return undefined;
  const request = m[1]!.trim();
  const question = m[2]!.trim();
  // ("I'm between two shoe sizes, which should I choose?" is one question, for the size guide.)
  const ofList = !!(askedExtreme(question) || readWhichQuestion(question) || asksForTheBest(question)) && !asksAboutPolicy(ctx.turn.text);
  if (!(ofList || asksAboutPolicy(question)) || asksAboutPolicy(request)) return undefined;
  const terms = queryTerms(request);
  return terms && (await catalogueCoverage(ctx, terms)) >= 0.5 ? { request, question, ofList } : undefined;
}

/** The search for the request, then what the documents say to the question (left out when they do not know). */
export function searchThenDocuments(both: { request: string; question: string }, search: Flow): Flow {
  return async (ctx) => {
    const found = await search({ ...ctx, turn: { ...ctx.turn, text: both.request } });
    const lookup = await lookUp({ ...ctx, turn: { ...ctx.turn, text: both.question } }, { intentBacked: true });
    if (!lookup?.answerable) return found;
    const answer = knowledgeReply(lookup, ctx);
    // No grounding: a written reply would rewrite the search's text and drop the documents' answer.
    const { grounding: _grounding, ...rest } = found;
    return { ...rest, text: `${found.text}${ctx.locale === "zh" ? "" : " "}${answer.text}`, sources: answer.sources };
  };
}

// "actually forget the shoes, I need a tent", "never mind that, show me tents", 算了不要鞋了，我要帐篷, 鞋不要了，看看帐篷:
// the first part takes back what was asked before; only the rest asks for something.
const TAKES_BACK =
  /^\s*(?:(?:ok(?:ay)?|oh|no|actually|hmm+|um+|wait|sorry|right)[,.\s]+)*(?:forget|never ?mind|scratch|skip|drop)\s+(?:about\s+)?(?:that|those|them|it|these|the\s+[^,;.!?]{1,30}?|[a-z][^,;.!?]{0,30}?)\s*(?:[,;.!?]+|\s+-+|\s+and)\s*(?:instead\s+)?(\S.*)$|^\s*(?:算了[，,。\s]*)?(?:(?:不要|不看|不买|不找)(?:这些|那些|这个|那个)?[^，,。；;！!？?\s]{0,10}?了|[^，,。；;！!？?\s]{1,10}?(?:不要|不看|不买)了|算了)\s*[，,。；;！!]\s*(\S.*)$/i;

/** What a message asks once what it takes back is set aside ("forget the shoes, I need a tent" → "I need a tent"); undefined when it takes nothing back or asks nothing more. */
export function withoutTakenBack(text: string): string | undefined {
  const m = TAKES_BACK.exec(text);
  const rest = (m?.[1] ?? m?.[2])?.trim();
  return rest && !TAKES_BACK.test(rest) ? rest : undefined;
}
