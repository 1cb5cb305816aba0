import type { Logger } from "pino";
import { timeStage } from "../core/metrics.ts";
import { redactPii } from "../core/redact.ts";
import type { Locale, ProductCard, Reply, ReplySink, Turn } from "../core/turn.ts";
import { OUT_OF_SCOPE, type Understander, type Understanding } from "../intents/types.ts";
import { sourcesOf } from "../knowledge/index.ts";
import type { Filters, Recommender } from "../recommend/types.ts";
import type { ConversationStore } from "../store/types.ts";
import { readConfirmation } from "./confirm.ts";
import { cartFlows, readCartRequest, removeFromCart, viewCart } from "./flows/cart.ts";
import { catalogueFlows } from "./flows/catalogue.ts";
import { catalogueCoverage } from "./flows/matching.ts";
import { narrowsTheList, refineSearch } from "./flows/search.ts";
import { queryTerms } from "./query.ts";
import { readNeed } from "./needs.ts";
import { readNarrowing, readRefinement, type Refinement, rejectsTheList } from "./refine.ts";
import { asksForTheBest, explicitIndexes, superlativePick } from "./references.ts";
import { onlyAPointer, pointsAtAProduct, readAttributeQuestion } from "./attributes.ts";
import { asksForDeals, bestOfShown, dealsAnswer, propertyAnswer } from "./flows/product-questions.ts";
import { deletionAnswers, privacyFlows } from "./flows/privacy.ts";
import { aboutTheShop, asksAboutPolicy, complaintRefund, declined, knowledgeReply, lookUp, looksLikeQuestion } from "./flows/knowledge.ts";
import { serviceFlows } from "./flows/service.ts";
import { continuePendingAction, withActionFlows } from "./flows/actions.ts";
import type { ActionsSetup } from "../actions/index.ts";
import type { ReplyWriter } from "./reply-writer.ts";
import { ConversationStates, type ConversationState } from "./state.ts";
import { say, suggest } from "./templates.ts";
import type { Flow, FlowContext, FlowReply, Grounding } from "./flow.ts";
import type { DialogEngine, KnowledgeLookup, ShopperService } from "./types.ts";

export interface DialogDeps {
  understander: Understander;
  recommender: Recommender;
  /** The one owner of the shopper's record, events, profile and privacy. */
  shoppers: ShopperService;
  /** Where transcripts go (and the writer's memory of the conversation comes from). */
  conversations: ConversationStore;
  logger?: Logger;
  /** How many product cards a reply carries. */
  resultLimit?: number;
  /**
   * Writes product answers in free text (the local LLM); without one, or whenever it cannot answer,
   * the flows' templates do. A getter is read each turn, so a model loaded later is picked up.
   */
  writer?: ReplyWriter | (() => ReplyWriter | undefined);
  /** How many of the conversation's last messages the writer sees (default 6: three exchanges). */
  memoryMessages?: number;
  /** Where conversations stand between turns; default: in `conversations`, cached in this process. */
  states?: ConversationStates;
  /** The shop's webhook and hand-off target (CONCIERGE_ACTIONS_URL, CONCIERGE_HANDOFF_URL); none: fixed wording. */
  actions?: ActionsSetup;
  /**
   * The shop's documents (knowledge/): policy questions and questions no intent covers are answered
   * from them. A getter is read each turn, so an import picked up later is used; without one, those
   * questions are told the shop's information does not say, and offered a person.
   */
  knowledge?: KnowledgeLookup | (() => KnowledgeLookup | undefined);
}

// Intents that are about the shop or the shopper's data: while we wait for a new shopper's likes,
// these are still answered as themselves rather than read as preferences.
const CONTROL_INTENTS = new Set([
  "goodbye", "thanks", "capabilities", "human_handoff", "export_data", "delete_data", "stop_personalisation",
  "order_status", "shipping", "returns", "opening_hours", "payment", "complaint", "add_to_cart", "compare",
]);

// "I like hiking and photography", 我喜欢跑步: an answer to "what do you like?", not a search for both at once.
const STATES_LIKES = /^\s*(?:well,?\s*|um,?\s*|hmm,?\s*)?(?:i|we)(?:'m| am)?\s+(?:really\s+|mostly\s+|mainly\s+|just\s+)?(?:like|love|enjoy|into|prefer)\b|^\s*我(?:很|比较|特别|挺|主要|平时)?(?:喜欢|爱|热爱|偏爱)/i;

const LISTING_INTENTS = new Set(["search_products", "recommend", "greet", "preferences"]);
const SEEDING_REQUESTS = new Set(["search_products", "recommend"]);

export function createDialogEngine(deps: DialogDeps): DialogEngine {
  const states = deps.states ?? new ConversationStates({ store: deps.conversations });
  const knowledge = () => (typeof deps.knowledge === "function" ? deps.knowledge() : deps.knowledge);
  const flowDeps: FlowContext["deps"] = {
    recommender: deps.recommender,
    shoppers: deps.shoppers,
    resultLimit: deps.resultLimit ?? 5,
    knowledge,
    actions: deps.actions,
    recentMessages: async (turn, limit) => (await memoryOf(deps, turn, limit, false)).history,
    logger: deps.logger,
  };
  const flows: Partial<Record<string, Flow>> = withActionFlows({ ...catalogueFlows, ...cartFlows, ...serviceFlows, ...privacyFlows });
  // The transcript is written after the reply is sent, so the shopper never waits for it. A
  // shopper's next turn waits for their previous write, so an export sees it and a deletion
  // cannot be overtaken by it.
  const pendingWrites = new Map<string, Promise<void>>();

  return {
    async flush() {
      await Promise.all(pendingWrites.values());
    },

    async handle(turn: Turn, sink: ReplySink, signal?: AbortSignal): Promise<Reply> {
      await pendingWrites.get(turn.userId);
      const nlu = await timeStage("nlu", () => deps.understander.understand(turn.text, turn.locale));
      const locale = nlu.locale;
      const state = await states.get(turn.conversationId);
      const ctx: FlowContext = { turn, nlu, locale, state, deps: flowDeps, filters: filtersFrom(nlu) };

      // A deletion waits for the shopper's yes; anything but a plain yes or no drops the question.
      const confirming = pendingConfirmation(state, turn.text, locale);
      // An order question we asked ("what's the order number?") is answered before anything else is read into the message.
      const continuing = confirming ? undefined : continuePendingAction(ctx, flows);
      // A new shopper's first answer after the greeting says what they like. When it is also a
      // request ("running shoes under 100"), it seeds their profile and is answered as asked.
      const onboarding = !confirming && !continuing && state.awaitingPreferences && !CONTROL_INTENTS.has(nlu.intent);
      const answersOnboarding = onboarding && (!SEEDING_REQUESTS.has(nlu.intent) || STATES_LIKES.test(turn.text));
      if (onboarding && !answersOnboarding) await deps.shoppers.addPreferences(turn.userId, turn.text);
      const flow: Flow | undefined = confirming ?? continuing ?? (answersOnboarding ? catalogueFlows.preferences : await route(ctx, flows));
      state.awaitingPreferences = false;
      const { grounding, transcript, listing, answeredAs, knowledge: passages, ...body } = flow ? await flow(ctx) : outOfScope(locale);
      signal?.throwIfAborted();

      // A grievance is acknowledged before anything else is said, whatever the flow answered.
      const apology = !confirming && isGrievance(nlu, turn.text) && !APOLOGY.test(body.text.trimStart()) ? `${say(locale, "sorryFirst")}${locale === "zh" ? "" : " "}` : "";
      body.text = apology + body.text;
      // A negative message outside the complaint flows gets a way to a person.
      if (nlu.sentiment.label === "negative" && !["complaint", "feedback", "human_handoff", "delete_data"].includes(nlu.intent)) {
        body.suggestions = [...new Set([...suggest(locale, "handoff").slice(0, 1), ...body.suggestions])];
      }
      const intent = confirming ? "confirm_delete" : answersOnboarding ? "preferences" : flow ? (answeredAs ?? routedIntent(ctx, flow, flows)) : OUT_OF_SCOPE;
      const writer = typeof deps.writer === "function" ? deps.writer() : deps.writer;
      // The writer streams its own text (its template fallback included); nothing is streamed twice.
      let streamed = false;
      let apologySent = false;
      if (writer && grounding?.products.length) {
        if (apology) {
          sink.delta(apology);
          apologySent = true;
        }
        const written = await writeGrounded(writer, grounding, body.text, ctx, sink, signal, deps);
        if (written) {
          body.text = apology + written.text;
          body.products = namedFirst(body.products, written.productIds);
          streamed = true;
        }
      }
      if (writer?.answerFromPassages && passages?.hits.length && !streamed) {
        if (apology) {
          sink.delta(apology);
          apologySent = true;
        }
        const written = await answerFromPassages(writer, passages.hits, body.text, ctx, sink, signal, deps);
        if (written) {
          body.text = apology + written.text;
          body.sources = sourcesOf(written.cited.map((i) => passages.hits[i]!).filter(Boolean));
          streamed = true;
        }
      }
      // Only a list replaces what "the first one" points at; details of one item keep the list.
      if (body.products.length && (listing || LISTING_INTENTS.has(intent))) {
        state.lastShown = body.products.map((p) => p.id);
        state.focus = undefined;
        state.compared = undefined;
        if (!listing) state.lastSearch = undefined;
      }
      const reply: Reply = { ...body, intent, locale };
      state.lastAnswer = intent;

      if (!streamed) streamText(apologySent ? reply.text.slice(apology.length) : reply.text, sink, signal);
      if (!ctx.forgetTurn) {
        // Kept before the reply goes out: the next message may reach another replica. A failure costs
        // the conversation its context ("the first one"), never the shopper their answer.
        await states.save(turn.conversationId, turn.userId, state).catch((err) => deps.logger?.warn({ err, conversationId: turn.conversationId }, "could not keep where the conversation stands"));
        const write: Promise<void> = remember(deps, turn, { ...reply, text: transcript ?? reply.text }, locale, nlu.sentiment).finally(() => {
          if (pendingWrites.get(turn.userId) === write) pendingWrites.delete(turn.userId);
        });
        pendingWrites.set(turn.userId, write);
      } else states.forget(turn.conversationId);
      return reply;
    },
  };
}

/** How long the assistant waits for the yes to "delete my data?". */
const CONFIRM_WINDOW_MS = 5 * 60_000;

/** The flow that answers a yes or no to a question the assistant asked, or undefined when there is none (or this is neither). */
function pendingConfirmation(state: ConversationState, text: string, locale: Locale): Flow | undefined {
  const asked = state.pendingDeletion;
  state.pendingDeletion = undefined;
  if (!asked || Date.now() - asked > CONFIRM_WINDOW_MS) return undefined;
  const answer = readConfirmation(text, locale);
  return answer ? deletionAnswers[answer] : undefined;
}

const COMPARE_WORDS = /\b(?:compare|comparison|versus|vs\.?|difference|differences|between)\b|对比|比较|区别|和第/i;
const MAYBE_SEARCH = new Set([OUT_OF_SCOPE, "feedback", "greet", "preferences"]);
const SHOPPING = /\b(?:buy|purchase|sell|sells|selling|stock|carry|order|find|show|look(?:ing)? for|searching|need|want|got any|have you got|do you have|is there|are there|available)\b|买|卖|有没有|有卖|想要|找|购/i;

/**
 * Searches when the catalogue has what the message names (or it plainly asks to buy); else the intent's own flow.
 * A question the shop's documents answer better than the catalogue does ("do you offer gift wrapping?") is
 * answered from them; one about the shop they do not answer is told so, with a person offered.
 */
function searchOr(fallback: Flow | undefined, intent: string): Flow {
  return async (ctx) => {
    const terms = queryTerms(ctx.turn.text);
    const asks = SHOPPING.test(ctx.turn.text) && intent !== "greet";
    // A lone Chinese character ("做") is no evidence of anything.
    const coverage = /^\p{Script=Han}$/u.test(terms) ? 0 : await catalogueCoverage(ctx, terms);
    const lookup = intent === OUT_OF_SCOPE || looksLikeQuestion(ctx.turn.text) ? await lookUp(ctx) : undefined;
    if (lookup?.answerable && lookup.confidence > coverage) return knowledgeReply(lookup, ctx, KNOWLEDGE);
    if (asks || coverage >= 0.5) {
      const search = catalogueFlows.search_products;
      return search(ctx);
    }
    if (intent === OUT_OF_SCOPE && aboutTheShop(ctx.turn.text, lookup)) return declined(ctx, OUT_OF_SCOPE);
    return fallback ? fallback(ctx) : { ...outOfScope(ctx.locale), answeredAs: OUT_OF_SCOPE };
  };
}

// Intents a question naming the cart still means ("what's the shipping cost for my cart?").
const OTHER_THAN_CART = new Set(["returns", "shipping", "payment", "human_handoff", "order_status"]);

/** What a turn answered from the shop's documents, outside any intent, is reported as. */
const KNOWLEDGE = "knowledge";
// Intents never handed to the documents, however unsure: what they do is not a question about the shop.
// "compare" with nothing shown yet is often a question ("between two sizes, which one?"): the documents may answer it.
const ACTION_INTENTS = new Set([...CONTROL_INTENTS, "add_to_cart"].filter((i) => i !== "compare"));
// Questions about a product ("how much is it?", 第一个有货吗): the documents answer them only when they name a policy ("what's the warranty on it?").
const PRODUCT_INTENTS = new Set(["price", "availability", "product_details"]);

// Intents a described need ("a gift for my dad who likes hiking") is read through: the classifier's catalogue guesses.
const NEED_INTENTS = new Set(["recommend", "search_products", "preferences", "greet", "product_details", OUT_OF_SCOPE]);
const GRIEVANCE = /\b(?:terrible|awful|horrible|worst|rubbish|garbage|trash|useless|broken|scam|rip[- ]?off|disgusting|disappointed|disappointing|unacceptable|furious|angry|pathetic|money back|refund|faulty|defective)\b|太差|很差|差劲|垃圾|骗子|坑人|失望|生气|气死|退钱|退款|破烂|烂透|质量差|不满/i;
const APOLOGY = /^(?:i'?m sorry|i am sorry|sorry|we'?re sorry|my apologies|apologies|非常抱歉|抱歉|对不起|很抱歉|不好意思)/i;

/** A message that complains: negative, and saying so in words a complaint is made of. */
function isGrievance(nlu: Understanding, text: string): boolean {
  return nlu.sentiment.label === "negative" && (GRIEVANCE.test(text) || nlu.intent === "complaint" || nlu.sentiment.score <= -0.5);
}

/**
 * The flow for this turn: a refinement of the last search ("cheaper ones", 红色的) or a pointer into
 * the last list ("第二个怎么样") is recognised from where the conversation stands, whatever intent
 * the classifier gave a message that short; a described need is a search; else the intent's flow.
 */
async function route(ctx: FlowContext, flows: Partial<Record<string, Flow>>): Promise<Flow | undefined> {
  const { nlu, state, turn } = ctx;
  // "what's in my cart?", "remove the tent from my basket": the cart, whatever the classifier made of it.
  const cart = readCartRequest(turn.text);
  if (cart === "remove") return removeFromCart;
  if (cart === "view" && !OTHER_THAN_CART.has(nlu.intent)) return viewCart;
  // "the delivery was late again, anyway do you have running shoes?": the engine apologises first, then the request is answered.
  const request = isGrievance(nlu, turn.text) ? await requestAfterComplaint(ctx) : undefined;
  if (request) return (c) => flows.search_products!({ ...c, turn: { ...c.turn, text: request } });
  // "what's on sale?", 有什么优惠: the shop's offers, from its documents; the catalogue has no sale prices.
  if (asksForDeals(turn.text) && !OTHER_BUSINESS_THAN_LIST.has(nlu.intent)) return dealsAnswer;
  // "I don't like any of these", 换一批: the same search without what was shown (never read as a privacy request).
  if (state.lastSearch?.text && state.lastShown.length && rejectsTheList(turn.text) && !OTHER_BUSINESS_THAN_LIST.has(nlu.intent)) {
    const last = state.lastSearch;
    return (c) => refineSearch(c, last, { others: true });
  }
  // Turning personalisation off is a privacy action: it takes words about being tracked or personalised.
  if (nlu.intent === "stop_personalisation" && !ABOUT_PERSONALISATION.test(turn.text)) return undefined;
  // "is it waterproof?", "does the second one have bluetooth?", 它防水吗: what that product's listing says;
  // then "and the third one?" asks the same of another.
  const asked = state.askedProperty;
  state.askedProperty = undefined;
  const property = (await askedProperty(ctx)) ?? (asked && onlyAPointer(turn.text) && explicitIndexes(turn.text, state.lastShown.length).length ? asked : undefined);
  if (property) return propertyAnswer(property);
  // "and the second one too" after adding one to the cart, "what about the third?" after a price: the same again.
  const again = state.lastAnswer && REPEATABLE.has(state.lastAnswer) && onlyAPointer(turn.text) && explicitIndexes(turn.text, state.lastShown.length).length;
  if (again) return flows[state.lastAnswer!];
  // "which one is the best?" of a list (not of two just compared: the comparison answers that).
  if (state.lastShown.length >= 2 && !state.compared && asksForTheBest(turn.text) && !ACTION_INTENTS.has(nlu.intent)) return bestOfShown;
  const refinement = readRefinement(turn.text, nlu, state.lastSearch, state.lastShown.length);
  // "do any of them have noise cancelling?", 有降噪的吗, "red trail ones?": words the listed kind of
  // product also has narrow the list (its price and filters kept) instead of starting a new search.
  const narrowing = refinement ? refinement.fresh : readNarrowing(turn.text, nlu, state.lastSearch, state.lastShown.length);
  if (narrowing && state.lastSearch?.text && (await narrowsTheList(ctx, state.lastSearch, narrowing))) {
    const last = state.lastSearch;
    const narrowed: Refinement = { ...refinement, fresh: narrowing, narrow: true };
    return (c) => refineSearch(c, last, narrowed);
  }
  // New words the catalogue knows make it a search of its own ("red hiking boots" after "running shoes"); filler does not.
  const fresh = refinement?.fresh ? (await catalogueCoverage(ctx, refinement.fresh)) >= 0.5 : false;
  if (refinement && state.lastSearch && !fresh) {
    const last = state.lastSearch;
    return (c) => refineSearch(c, last, refinement);
  }
  // "第二个怎么样", "the last one", "the cheapest one": a pointer into the list is about that product.
  const pointed = explicitIndexes(turn.text, state.lastShown.length).length + (state.lastShown.length && superlativePick(turn.text) ? 1 : 0);
  if (pointed && !readNeed(turn.text)) {
    if (["search_products", "recommend", "feedback", "greet", "preferences", OUT_OF_SCOPE].includes(nlu.intent)) return flows.product_details;
    if (nlu.intent === "compare" && pointed === 1 && !COMPARE_WORDS.test(turn.text)) return flows.product_details;
  }
  // A question the shop's documents answer, asked as whatever intent: answered from them when it names a
  // policy or they match it better than the catalogue does ("do you have running shoes" stays a search).
  if (!ACTION_INTENTS.has(nlu.intent) && !(nlu.intent === "compare" && state.lastShown.length) && looksLikeQuestion(turn.text)) {
    const policy = asksAboutPolicy(turn.text);
    // A policy word is evidence of what the question is about, as a policy intent is.
    const lookup = await lookUp(ctx, { intentBacked: policy });
    const aboutProduct = PRODUCT_INTENTS.has(nlu.intent) || (state.lastShown.length > 0 && pointed > 0);
    if (lookup?.answerable && (policy || (!aboutProduct && lookup.confidence > (await catalogueCoverage(ctx, queryTerms(turn.text)))))) {
      return async (c) => knowledgeReply(lookup, c, KNOWLEDGE);
    }
    if (lookup && policy) return async (c) => declined(c, KNOWLEDGE);
  }
  if (NEED_INTENTS.has(nlu.intent) && readNeed(turn.text)) return flows.search_products;
  // A message the classifier could not place, naming what the catalogue carries ("gel pens",
  // "24-inch monitor") or asking to buy something, is a search; otherwise it is what it was.
  // …as is a bare product name the classifier took for a complaint (搅拌机), when nothing in it complains.
  const calm = nlu.intent === "complaint" && !isGrievance(nlu, turn.text) && nlu.sentiment.label !== "negative";
  if ((MAYBE_SEARCH.has(nlu.intent) || calm) && queryTerms(turn.text)) return searchOr(flows[nlu.intent], nlu.intent);
  // "your products are terrible and I want my money back": the complaint, with the way to a refund.
  if (nlu.intent === "returns" && isGrievance(nlu, turn.text)) return complaintRefund;
  if (nlu.intent === "complaint" && /\b(?:money back|refund|return)\b|退钱|退款|退货/i.test(turn.text)) {
    return async (c) => ({ ...(await complaintRefund(c)), answeredAs: undefined });
  }
  return flows[nlu.intent];
}

// Intents a turned-down list does not override: they ask for something else outright.
const OTHER_BUSINESS_THAN_LIST = new Set(["add_to_cart", "order_status", "shipping", "returns", "payment", "human_handoff", "export_data", "delete_data"]);
const ABOUT_PERSONALISATION =
  /personali[sz]|track|histor|profil|\bdata\b|privacy|incognito|opt(?:ing)?[\s-]*out|tailor|customi[sz]|learn|remember|collect|brows|based on|same as everyone|normal results|generic|watching|following|analy[sz]|recommend|suggest|个性化|追踪|跟踪|记录|画像|数据|隐私|无痕|定制|学习|记住|收集|浏览|分析|推荐|推东西|历史|偏好|盯着|猜你喜欢|一样/i;

// What a bare pointer after it asks again ("and the second one too").
const REPEATABLE = new Set(["add_to_cart", "price", "availability"]);

// Intents a question about a product's property is often given ("is it vegan?" read as a search).
const PROPERTY_INTENTS = new Set(["product_details", "availability", "search_products", "recommend", "preferences", "feedback", "greet", OUT_OF_SCOPE]);

/** What a yes-or-no question asks of a product shown, in focus or named ("Is the Lumora Prism 9 waterproof?"); else undefined. */
async function askedProperty(ctx: FlowContext): Promise<string | undefined> {
  const { nlu, state, turn } = ctx;
  if (!PROPERTY_INTENTS.has(nlu.intent) || asksAboutPolicy(turn.text)) return undefined;
  // A size, a colour or a price asked of it is the refinements' and the details' to answer.
  const e = nlu.entities;
  if (e.sizes.length || e.colors.length || e.price) return undefined;
  const property = readAttributeQuestion(turn.text);
  if (!property) return undefined;
  const pointed = pointsAtAProduct(turn.text) && (state.lastShown.length > 0 || !!state.focus);
  return pointed || (await ctx.deps.recommender.findMentioned(turn.text, 1)).length ? property : undefined;
}

/**
 * The product request that follows a complaint in the same message, when its last sentence (or what
 * follows "anyway", "but", "by the way") asks for something the catalogue carries; else undefined.
 */
async function requestAfterComplaint(ctx: FlowContext): Promise<string | undefined> {
  const parts = ctx.turn.text
    .split(/(?<=[.!?。！？；;])\s*|[,，]?\s*\b(?:anyway|anyhow|but|by the way|btw|also)\b[,，]?\s*|(?:不过|另外|顺便问一下|顺便问下|顺便)[,，]?/i)
    .map((p) => p?.trim())
    .filter((p): p is string => !!p);
  const last = parts.at(-1);
  if (parts.length < 2 || !last || GRIEVANCE.test(last) || asksAboutPolicy(last)) return undefined;
  const terms = queryTerms(last);
  return terms && (await catalogueCoverage(ctx, terms)) >= 0.5 ? last : undefined;
}

/** The intent a routed flow answers as, for the reply and the metrics. */
function routedIntent(ctx: FlowContext, flow: Flow, flows: Partial<Record<string, Flow>>): string {
  for (const [intent, f] of Object.entries(flows)) if (f === flow) return intent;
  return ctx.nlu.intent;
}

function outOfScope(locale: Locale): FlowReply {
  return { text: say(locale, "outOfScope"), products: [], suggestions: suggest(locale, "start") };
}

/**
 * The writer's reply, streamed through the sink as it is written; undefined when the writer failed
 * before saying anything (the template then answers). The writer owns the text: what it streamed
 * is its reply, so this only forwards.
 */
async function writeGrounded(
  writer: ReplyWriter,
  grounding: Grounding,
  fallbackText: string,
  ctx: FlowContext,
  sink: ReplySink,
  signal: AbortSignal | undefined,
  deps: DialogDeps,
): Promise<{ text: string; productIds: string[] } | undefined> {
  const memory = await memoryOf(deps, ctx.turn, deps.memoryMessages ?? 6);
  let started = false;
  try {
    const written = await writer.write(
      {
        task: grounding.task,
        message: ctx.turn.text,
        locale: ctx.locale,
        products: grounding.products,
        fallbackText,
        history: memory.history,
        preferences: memory.preferences,
        conversationId: ctx.turn.conversationId,
        appendFacts: grounding.appendFacts,
      },
      {
        signal,
        onDelta: (text) => {
          if (!text || signal?.aborted) return;
          started = true;
          sink.delta(text);
        },
        // The catalogue's own reading of names (exact ids, titles' rare words), so the writer keeps
        // its text to the cards; findMentioned reads at most 2,000 characters, far more than a sentence.
        namedProducts: async (text) => (await deps.recommender.findMentioned(text.slice(0, 2000), 10)).map((p) => p.id),
      },
    );
    signal?.throwIfAborted();
    return { text: written.text, productIds: written.productIds };
  } catch (err) {
    if (signal?.aborted || started) throw err;
    deps.logger?.warn({ err, task: grounding.task }, "the reply writer failed: templated answer");
    return undefined;
  }
}

/** The writer's answer from the passages, streamed as it is written; undefined when it failed before saying anything. */
async function answerFromPassages(
  writer: ReplyWriter,
  hits: NonNullable<FlowReply["knowledge"]>["hits"],
  fallbackText: string,
  ctx: FlowContext,
  sink: ReplySink,
  signal: AbortSignal | undefined,
  deps: DialogDeps,
): Promise<{ text: string; cited: number[] } | undefined> {
  let started = false;
  try {
    const written = await writer.answerFromPassages!(
      {
        message: ctx.turn.text,
        locale: ctx.locale,
        passages: hits.map((h) => ({ title: [h.document.title, ...h.passage.headings.slice(1)].join(" › "), text: h.passage.text })),
        fallbackText,
        conversationId: ctx.turn.conversationId,
      },
      {
        signal,
        onDelta: (text) => {
          if (!text || signal?.aborted) return;
          started = true;
          sink.delta(text);
        },
      },
    );
    signal?.throwIfAborted();
    return { text: written.text, cited: written.cited };
  } catch (err) {
    if (signal?.aborted || started) throw err;
    deps.logger?.warn({ err }, "the reply writer failed on a knowledge answer: templated answer");
    return undefined;
  }
}

/** The conversation's last messages and the shopper's stated likes, for the writer's prompt. */
async function memoryOf(deps: DialogDeps, turn: Turn, limit: number, withPreferences = true): Promise<{ history: { role: "user" | "assistant"; text: string }[]; preferences: string[] }> {
  if (limit <= 0) return { history: [], preferences: [] };
  try {
    // A shopper's other conversations interleave with this one; fetching a few times more keeps this one's last turns.
    const [messages, shopper] = await Promise.all([deps.conversations.messagesForUser(turn.userId, limit * 4), withPreferences ? deps.shoppers.get(turn.userId) : null]);
    const history = messages
      .filter((m) => m.conversationId === turn.conversationId)
      .slice(-limit)
      .map((m) => ({ role: m.role, text: m.text }));
    // A shopper who asked us to stop personalising has their likes left out too.
    const preferences = shopper && shopper.personalise !== false ? shopper.preferences : [];
    return { history, preferences };
  } catch (err) {
    deps.logger?.warn({ err, conversationId: turn.conversationId }, "could not read the conversation's memory; writing without it");
    return { history: [], preferences: [] };
  }
}

/** The cards the writer named first, in its order, then the rest as retrieved: never a card it was not given. */
function namedFirst(cards: ProductCard[], named: string[]): ProductCard[] {
  const byId = new Map(cards.map((c) => [c.id, c]));
  const first = [...new Set(named)].map((id) => byId.get(id)).filter((c): c is ProductCard => c !== undefined);
  return [...first, ...cards.filter((c) => !first.includes(c))];
}

function filtersFrom(nlu: Understanding): Filters {
  const e = nlu.entities;
  const filters: Filters = {};
  if (e.price?.min !== undefined) filters.priceMin = e.price.min;
  if (e.price?.max !== undefined) filters.priceMax = e.price.max;
  // "under 100" means the shopper's own money; a catalogue in one currency ignores this.
  if (e.price) filters.currency = nlu.locale === "zh" ? "CNY" : "USD";
  if (e.categories.length) filters.categories = e.categories;
  if (e.brands.length) filters.brands = e.brands;
  if (e.colors.length) filters.colors = e.colors;
  if (e.sizes.length) filters.sizes = e.sizes;
  return filters;
}

/** Sends the reply in small pieces so channels that stream show it as it is composed. */
function streamText(text: string, sink: ReplySink, signal?: AbortSignal): void {
  const pieces = text.match(/\S+\s*|\s+/g) ?? [text];
  for (let i = 0; i < pieces.length; i += 3) {
    if (signal?.aborted) return;
    sink.delta(pieces.slice(i, i + 3).join(""));
  }
}

async function remember(deps: DialogDeps, turn: Turn, reply: Reply, locale: Locale, sentiment?: Understanding["sentiment"]): Promise<void> {
  const now = Date.now();
  try {
    await deps.shoppers.ensure(turn.userId, locale);
    // Its sentiment (and the product, when the turn was about one) feed the admin sentiment reports.
    const about = reply.products.length === 1 ? { itemId: reply.products[0]!.id } : {};
    await deps.conversations.appendMessages([
      { conversationId: turn.conversationId, userId: turn.userId, role: "user", text: redactPii(turn.text), ts: now, sentiment, ...about },
      { conversationId: turn.conversationId, userId: turn.userId, role: "assistant", text: redactPii(reply.text), ts: now + 1 },
    ]);
  } catch (err) {
    // Losing a transcript line must not cost the shopper their answer.
    deps.logger?.warn({ err, conversationId: turn.conversationId }, "could not store the conversation");
  }
}
