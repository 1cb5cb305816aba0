import type { Logger } from "pino";
import type { ActionsSetup } from "../actions/index.ts";
import type { Locale, Reply, Turn } from "../core/turn.ts";
import type { Understanding } from "../intents/types.ts";
import type { Filters, Recommender } from "../recommend/types.ts";
import type { WriterProduct, WriterTask } from "./reply-writer.ts";
import type { ConversationState } from "./state.ts";
import type { KbHit } from "../knowledge/index.ts";
import type { KnowledgeLookup, ShopperService } from "./types.ts";
import type { Exclusion } from "./exclusions.ts";

/** What a flow is: one turn in, a reply out (route.ts picks the flow; the engine in engine.ts runs it and writes the transcript). */

/** What a flow asks the writer to ground its reply in; the flow's text is the fallback. */
export interface Grounding {
  task: WriterTask;
  /** The retrieved products, in the order of the reply's cards. */
  products: WriterProduct[];
  /** State each named product's catalogue price and stock when the text did not. */
  appendFacts?: boolean;
}

export type FlowReply = Omit<Reply, "intent" | "locale"> & {
  grounding?: Grounding;
  /** What the transcript keeps instead of the text, when the text must not be stored (a download link). */
  transcript?: string;
  /** The cards are a list the next message may point into ("the second one") or refine ("cheaper ones"). */
  listing?: boolean;
  /** The product "it" still means after this reply's list (the one asked about, when the list is of others). */
  focus?: string;
  /** The intent the turn was answered as, when a flow answered it as another (a refinement read as a search). */
  answeredAs?: string;
  /** The answer came from the shop's documents: the passages the writer may answer from instead of the text. */
  knowledge?: { hits: KbHit[] };
};

/** One turn as the flows see it: what was said, what it means, and where to put the answer. */
export interface FlowContext {
  turn: Turn;
  nlu: Understanding;
  locale: Locale;
  state: ConversationState;
  deps: {
    recommender: Recommender;
    shoppers: ShopperService;
    resultLimit: number;
    /** The shop's webhook and hand-off target (actions/); empty when the shop configured none. */
    actions?: ActionsSetup;
    /** The conversation's last messages as stored (redacted), oldest first, for a hand-off. */
    recentMessages?: (turn: Turn, limit: number) => Promise<{ role: "user" | "assistant"; text: string }[]>;
    logger?: Logger;
    /** The shop's knowledge base as it is now; undefined while it loads, or when the shop has none. */
    knowledge: () => KnowledgeLookup | undefined;
  };
  filters: Filters;
  /** What the message says not to show; its brands and colours are not in `filters` nor in `nlu`'s entities. */
  exclusion?: Exclusion;
  /** Set by a flow that removed the shopper's data, so this turn is not stored again. */
  forgetTurn?: boolean;
}

export type Flow = (ctx: FlowContext) => Promise<FlowReply>;

/** Intents whose reply's cards are a list (what "the first one" then points into), whatever the flow says. */
export const LISTING_INTENTS: ReadonlySet<string> = new Set(["search_products", "recommend", "greet", "preferences"]);

const turnMemo = new WeakMap<FlowContext, Map<string, Promise<unknown>>>();

/**
 * A lookup computed once per turn: routing a message may ask the same question of the catalogue or
 * the documents at several steps (route, then the intent's flow), and each asking is a search.
 */
export function oncePerTurn<T>(ctx: FlowContext, key: string, compute: () => Promise<T>): Promise<T> {
  let memo = turnMemo.get(ctx);
  if (!memo) {
    memo = new Map();
    turnMemo.set(ctx, memo);
  }
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = compute();
    memo.set(key, value);
  }
  return value;
}
