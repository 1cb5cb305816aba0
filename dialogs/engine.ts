import type { Logger } from "pino";
import { timeStage } from "../core/metrics.ts";
import { redactPii } from "../core/redact.ts";
import type { Locale, ProductCard, Reply, ReplySink, Turn } from "../core/turn.ts";
import { OUT_OF_SCOPE, type Understander, type Understanding } from "../intents/types.ts";
import { sourcesOf } from "../knowledge/index.ts";
import type { Filters, Recommender } from "../recommend/types.ts";
import type { ConversationStore } from "../store/types.ts";
import type { ActionsSetup } from "../actions/index.ts";
import { readConfirmation } from "./confirm.ts";
import { type Flow, type FlowContext, type FlowReply, type Grounding, LISTING_INTENTS } from "./flow.ts";
import { continuePendingAction, withActionFlows } from "./flows/actions.ts";
import { cartFlows } from "./flows/cart.ts";
import { catalogueFlows } from "./flows/catalogue.ts";
import { deletionAnswers, privacyFlows } from "./flows/privacy.ts";
import { serviceFlows } from "./flows/service.ts";
import type { ReplyWriter } from "./reply-writer.ts";
import { CONTROL_INTENTS, isGrievance, outOfScope, route } from "./route.ts";
import { ConversationStates, type ConversationState } from "./state.ts";
import { say, suggest } from "./templates.ts";
import type { DialogEngine, KnowledgeLookup, ShopperService } from "./types.ts";
import { readExclusion, withoutExcluded } from "./exclusions.ts";
import { readAcknowledgement } from "./flows/service.ts";
import { mendedChinese } from "./flows/matching.ts";
import { hasCjk } from "../intents/tokenize.ts";
import { stepInList } from "./references.ts";
import { withoutTakenBack } from "./compound.ts";

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

// "I like hiking and photography", 我喜欢跑步: an answer to "what do you like?", not a search for both at once.
const STATES_LIKES = /^\s*(?:well,?\s*|um,?\s*|hmm,?\s*)?(?:i|we)(?:'m| am)?\s+(?:really\s+|mostly\s+|mainly\s+|just\s+)?(?:like|love|enjoy|into|prefer)\b|^\s*我(?:很|比较|特别|挺|主要|平时)?(?:喜欢|爱|热爱|偏爱)/i;

const SEEDING_REQUESTS = new Set(["search_products", "recommend"]);
const APOLOGY = /^(?:i'?m sorry|i am sorry|sorry|we'?re sorry|my apologies|apologies|非常抱歉|抱歉|对不起|很抱歉|不好意思)/i;

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

    async handle(said: Turn, sink: ReplySink, signal?: AbortSignal): Promise<Reply> {
      await pendingWrites.get(said.userId);
      // 无线耳几, 咖啡鸡: a Chinese input-method slip is read as the catalogue's word (the transcript keeps what was typed).
      const mended = hasCjk(said.text) ? { ...said, text: await mendedChinese(deps.recommender, said.text).catch(() => said.text) } : said;
      const state = await states.get(said.conversationId);
      // "not that one, the next one", 下一个: read as the position it steps to from the product in focus.
      // …and "actually forget the shoes, I need a tent", 算了不要鞋了，我要帐篷: only what is still asked is read.
      const asked = withoutTakenBack(mended.text) ?? mended.text;
      const stepped = stepInList(asked, state.lastShown, state.focus) ?? asked;
      const turn = stepped === said.text ? said : { ...said, text: stepped };
      const understood = await timeStage("nlu", () => deps.understander.understand(turn.text, turn.locale));
      // "running shoes but not from Qingbu": a brand or colour said not to be wanted is no filter.
      const exclusion = readExclusion(turn.text, understood);
      const nlu = exclusion ? withoutExcluded(understood, exclusion) : understood;
      const locale = nlu.locale;
      const ctx: FlowContext = { turn, nlu, locale, state, deps: flowDeps, filters: filtersFrom(nlu), ...(exclusion && { exclusion }) };

      // A deletion waits for the shopper's yes; anything but a plain yes or no drops the question.
      const confirming = pendingConfirmation(state, turn.text, locale);
      // An order question we asked ("what's the order number?") is answered before anything else is read into the message.
      const continuing = confirming ? undefined : continuePendingAction(ctx, flows);
      // A new shopper's first answer after the greeting says what they like. When it is also a
      // request ("running shoes under 100"), it seeds their profile and is answered as asked.
      // ("ok", "hmm" say nothing of what they like.)
      const onboarding = !confirming && !continuing && state.awaitingPreferences && !CONTROL_INTENTS.has(nlu.intent) && !readAcknowledgement(turn.text);
      const answersOnboarding = onboarding && (!SEEDING_REQUESTS.has(nlu.intent) || STATES_LIKES.test(turn.text));
      if (onboarding && !answersOnboarding) await deps.shoppers.addPreferences(turn.userId, turn.text);
      const searchBefore = state.lastSearch;
      const flow: Flow | undefined = confirming ?? continuing ?? (answersOnboarding ? catalogueFlows.preferences : await route(ctx, flows));
      state.awaitingPreferences = false;
      const { grounding, transcript, listing, answeredAs, knowledge: passages, focus, ...body } = flow ? await flow(ctx) : outOfScope(locale);
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
      // A new search keeps the one it replaces, for "go back".
      if (searchBefore && state.lastSearch && JSON.stringify(searchBefore) !== JSON.stringify(state.lastSearch)) state.previousSearch = searchBefore;
      // Only a list replaces what "the first one" points at; details of one item keep the list.
      if (body.products.length && (listing || LISTING_INTENTS.has(intent))) {
        state.lastShown = body.products.map((p) => p.id);
        state.focus = focus;
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
        const write: Promise<void> = remember(deps, said, { ...reply, text: transcript ?? reply.text }, locale, nlu.sentiment).finally(() => {
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

/** The intent a routed flow answers as, for the reply and the metrics. */
function routedIntent(ctx: FlowContext, flow: Flow, flows: Partial<Record<string, Flow>>): string {
  for (const [intent, f] of Object.entries(flows)) if (f === flow) return intent;
  return ctx.nlu.intent;
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
