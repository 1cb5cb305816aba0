import type { Reply, ReplySink, Turn } from "../core/turn.ts";
import type { KnowledgeBase } from "../knowledge/index.ts";
import type { Shoppers } from "../shoppers/index.ts";

/** Decides and composes the reply to a turn. Channel adapters call it; it never sees the channel. */
export interface DialogEngine {
  handle(turn: Turn, sink: ReplySink, signal?: AbortSignal): Promise<Reply>;
  /** Resolves once every transcript write still in flight has landed (before the store closes). */
  flush?(): Promise<void>;
}

/** What the flows ask of shoppers/: the shopper's record, events, profile and privacy, and nothing else. */
export type ShopperService = Pick<
  Shoppers,
  "get" | "ensure" | "isKnown" | "addPreferences" | "stopPersonalising" | "record" | "profile" | "rememberQuery" | "exportLink" | "delete"
>;

/** What the flows ask of the shop's knowledge base: the best passages for a question, and whether to trust them. */
export type KnowledgeLookup = Pick<KnowledgeBase, "ask" | "minConfidence">;
