import type { Locale } from "../core/turn.ts";
import type { Product } from "../store/types.ts";

/**
 * What the dialogs need from a writer of free-text replies (the local LLM, through
 * grounded-writer.ts). Optional: without one, every flow answers with its template.
 */

export type WriterTask = "search" | "recommend" | "details" | "compare";

/** A retrieved product and why retrieval picked it. */
export type WriterProduct = Product & { reason?: string };

export interface ReplyDraft {
  task: WriterTask;
  /** The shopper's message being answered. */
  message: string;
  /** The language to reply in. */
  locale: Locale;
  /** The products the flow retrieved, most relevant first: the reply may be about these only. */
  products: WriterProduct[];
  /** The flow's templated reply: what the shopper gets whenever the writer cannot answer. */
  fallbackText: string;
  /** The conversation's last turns, oldest first, without the message being answered. */
  history: { role: "user" | "assistant"; text: string }[];
  /** The shopper's stated likes (empty when they asked us to stop personalising). */
  preferences: string[];
  /** The conversation, so its turns reuse what the writer kept of the previous one. */
  conversationId: string;
  /** State each named product's catalogue price and stock when the text did not. */
  appendFacts?: boolean;
}

export interface WrittenReply {
  /** Exactly the concatenation of the deltas the writer delivered. */
  text: string;
  /** Retrieved products the text is about, in the order it names them. */
  productIds: string[];
  usedModel: boolean;
  /** Why the template answered instead of the model. */
  reason?: string;
}

export interface WriteOptions {
  /** Receives the reply as it is written, template included; the caller streams nothing else. */
  onDelta: (text: string) => void;
  /** Aborting stops the writing and rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Ids of the catalogue products a piece of text names: a sentence the writer wrote that names a
   * product other than the draft's is not shown.
   */
  namedProducts?: (text: string) => Promise<string[]>;
}

/** A question about the shop and the passages of its documents that answer it. */
export interface PassageDraft {
  message: string;
  locale: Locale;
  /** Best first: the source title ("Returns › Refunds") and the passage's text. */
  passages: { title: string; text: string }[];
  /** The templated answer (the passages' own best sentences): what the shopper gets whenever the writer cannot answer. */
  fallbackText: string;
  conversationId: string;
}

export interface WrittenAnswer {
  /** Exactly the concatenation of the deltas the writer delivered. */
  text: string;
  /** Indexes into the draft's passages the answer draws on. */
  cited: number[];
  usedModel: boolean;
  reason?: string;
}

export interface ReplyWriter {
  write(draft: ReplyDraft, options: WriteOptions): Promise<WrittenReply>;
  /** Answers from the shop's documents; without it, the templated answer stands. */
  answerFromPassages?(draft: PassageDraft, options: Pick<WriteOptions, "onDelta" | "signal">): Promise<WrittenAnswer>;
}
