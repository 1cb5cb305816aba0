import type { Logger } from "pino";
import { timeStage } from "../core/metrics.ts";
import { redactPii } from "../core/redact.ts";
import type { Locale, Reply, ReplySink, Turn } from "../core/turn.ts";
import { OUT_OF_SCOPE, type Understander, type Understanding } from "../intents/types.ts";
import type { Filters, Recommender } from "../recommend/types.ts";
import type { Store } from "../store/types.ts";
import { catalogueFlows } from "./flows/catalogue.ts";
import { privacyFlows } from "./flows/privacy.ts";
import { serviceFlows } from "./flows/service.ts";
import { ConversationStates, type ConversationState } from "./state.ts";
import { say, suggest } from "./templates.ts";
import type { DialogEngine } from "./types.ts";

export interface DialogDeps {
  understander: Understander;
  recommender: Recommender;
  store: Store;
  logger?: Logger;
  /** How many product cards a reply carries. */
  resultLimit?: number;
}

/** One turn as the flows see it: what was said, what it means, and where to put the answer. */
export interface FlowContext {
  turn: Turn;
  nlu: Understanding;
  locale: Locale;
  state: ConversationState;
  deps: Required<Pick<DialogDeps, "recommender" | "store" | "resultLimit">>;
  filters: Filters;
  /** Set by a flow that removed the shopper's data, so this turn is not stored again. */
  forgetTurn?: boolean;
}

export type Flow = (ctx: FlowContext) => Promise<Omit<Reply, "intent" | "locale">>;

// Intents that are about the shop or the shopper's data: while we wait for a new shopper's likes,
// these are still answered as themselves rather than read as preferences.
const CONTROL_INTENTS = new Set([
  "goodbye", "thanks", "capabilities", "human_handoff", "export_data", "delete_data", "stop_personalisation",
  "order_status", "shipping", "returns", "opening_hours", "payment", "complaint", "add_to_cart", "compare",
]);

const LISTING_INTENTS = new Set(["search_products", "recommend", "greet", "preferences"]);
const SEEDING_REQUESTS = new Set(["search_products", "recommend"]);

export function createDialogEngine(deps: DialogDeps): DialogEngine {
  const states = new ConversationStates();
  const flowDeps = { recommender: deps.recommender, store: deps.store, resultLimit: deps.resultLimit ?? 5 };
  const flows: Partial<Record<string, Flow>> = { ...catalogueFlows, ...serviceFlows, ...privacyFlows };

  return {
    async handle(turn: Turn, sink: ReplySink, signal?: AbortSignal): Promise<Reply> {
      const nlu = await timeStage("nlu", () => deps.understander.understand(turn.text, turn.locale));
      const locale = nlu.locale;
      const state = states.get(turn.conversationId);
      const ctx: FlowContext = { turn, nlu, locale, state, deps: flowDeps, filters: filtersFrom(nlu) };

      // A new shopper's first answer after the greeting says what they like. When it is also a
      // request ("running shoes under 100"), it seeds their profile and is answered as asked.
      const onboarding = state.awaitingPreferences && !CONTROL_INTENTS.has(nlu.intent);
      const answersOnboarding = onboarding && !SEEDING_REQUESTS.has(nlu.intent);
      if (onboarding && !answersOnboarding) await deps.recommender.seedPreferences(turn.userId, turn.text);
      const flow: Flow | undefined = answersOnboarding ? catalogueFlows.preferences : flows[nlu.intent];
      state.awaitingPreferences = false;
      const body = flow ? await flow(ctx) : outOfScope(locale);
      signal?.throwIfAborted();

      // A negative message outside the complaint flows gets a way to a person.
      if (nlu.sentiment.label === "negative" && !["complaint", "feedback", "human_handoff", "delete_data"].includes(nlu.intent)) {
        body.suggestions = [...new Set([...suggest(locale, "handoff").slice(0, 1), ...body.suggestions])];
      }
      const intent = answersOnboarding ? "preferences" : flow ? nlu.intent : OUT_OF_SCOPE;
      // Only a list replaces what "the first one" points at; details of one item keep the list.
      if (body.products.length && LISTING_INTENTS.has(intent)) state.lastShown = body.products.map((p) => p.id);
      const reply: Reply = { ...body, intent, locale };

      streamText(reply.text, sink, signal);
      if (!ctx.forgetTurn) await remember(deps.store, turn, reply, locale, deps.logger, nlu.sentiment);
      else states.forget(turn.conversationId);
      return reply;
    },
  };
}

function outOfScope(locale: Locale): Omit<Reply, "intent" | "locale"> {
  return { text: say(locale, "outOfScope"), products: [], suggestions: suggest(locale, "start") };
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

async function remember(store: Store, turn: Turn, reply: Reply, locale: Locale, logger?: Logger, sentiment?: Understanding["sentiment"]): Promise<void> {
  const now = Date.now();
  try {
    const shopper = await store.getShopper(turn.userId);
    if (!shopper) {
      await store.upsertShopper({ userId: turn.userId, locale, preferences: [], personalise: true, createdAt: now, updatedAt: now });
    }
    // Its sentiment (and the product, when the turn was about one) feed the admin sentiment reports.
    const about = reply.products.length === 1 ? { itemId: reply.products[0]!.id } : {};
    await store.appendMessage({ conversationId: turn.conversationId, userId: turn.userId, role: "user", text: redactPii(turn.text), ts: now, sentiment, ...about });
    await store.appendMessage({ conversationId: turn.conversationId, userId: turn.userId, role: "assistant", text: redactPii(reply.text), ts: now + 1 });
  } catch (err) {
    // Losing a transcript line must not cost the shopper their answer.
    logger?.warn({ err, conversationId: turn.conversationId }, "could not store the conversation");
  }
}
