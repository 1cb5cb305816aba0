import type { Logger } from "../core/logger.ts";
import { composeGroundedReply, composePassageAnswer, type GroundingProduct, type LanguageModel } from "../llm/index.ts";
import type { PassageDraft, ReplyDraft, ReplyWriter, WriteOptions, WrittenAnswer, WrittenReply, WriterProduct } from "./reply-writer.ts";

export interface GroundedWriterOptions {
  /** The process's model as it is now: undefined while it loads or when there is none (templates answer). */
  model: () => LanguageModel | undefined;
  logger?: Logger;
  /** Cap on generated tokens per reply (composeGroundedReply's default when omitted). */
  maxTokens?: number;
}

// The grounded prompt allows 20 products; a flow rarely retrieves more than a handful.
const MAX_PRODUCTS = 20;
const MAX_HISTORY = 100;
const MAX_MESSAGE_CHARS = 8000;

function grounding(p: WriterProduct): GroundingProduct {
  const g: GroundingProduct = { id: p.id, title: p.title };
  if (p.brand) g.brand = p.brand;
  if (p.category) g.category = p.category;
  if (p.description) g.description = p.description;
  if (p.price !== undefined && Number.isFinite(p.price) && p.price >= 0) g.price = p.price;
  if (p.currency) g.currency = p.currency;
  if (p.stock !== undefined && Number.isInteger(p.stock)) g.stock = p.stock;
  if (p.color) g.color = p.color;
  if (p.sizes?.length) g.sizes = p.sizes;
  if (p.tags?.length) g.tags = p.tags;
  if (p.reason) g.reason = p.reason;
  return g;
}

/** The dialogs' reply writer over the local LLM: grounded in the retrieved products, streamed as written. */
export function groundedReplyWriter(options: GroundedWriterOptions): ReplyWriter {
  return {
    async write(draft: ReplyDraft, io: WriteOptions): Promise<WrittenReply> {
      let delivered = false;
      const onDelta = (text: string) => {
        delivered = true;
        io.onDelta(text);
      };
      let reply: Awaited<ReturnType<typeof composeGroundedReply>>;
      try {
        reply = await composeGroundedReply(
          options.model(),
          {
            message: draft.message.slice(0, MAX_MESSAGE_CHARS),
            locale: draft.locale,
            task: draft.task,
            products: draft.products.slice(0, MAX_PRODUCTS).map(grounding),
            history: draft.history.filter((m) => m.text.trim() !== "").slice(-MAX_HISTORY),
            preferences: draft.preferences.filter((p) => p.trim() !== "").slice(0, 50),
            fallbackText: draft.fallbackText,
            maxTokens: options.maxTokens,
            appendFacts: draft.appendFacts,
          },
          { signal: io.signal, onDelta, logger: options.logger, key: draft.conversationId, namedProducts: io.namedProducts },
        );
      } catch (err) {
        if (io.signal?.aborted || delivered) throw err;
        // A draft the writer refuses (a field out of its bounds) must not cost the shopper their answer.
        options.logger?.warn({ err, task: draft.task }, "reply writer refused the draft: templated answer");
        io.onDelta(draft.fallbackText);
        return { text: draft.fallbackText, productIds: [], usedModel: false, reason: "invalid_draft" };
      }
      return { text: reply.text, productIds: reply.productIds, usedModel: reply.usedModel, reason: reply.reason };
    },

    async answerFromPassages(draft: PassageDraft, io: Pick<WriteOptions, "onDelta" | "signal">): Promise<WrittenAnswer> {
      const reply = await composePassageAnswer(
        options.model(),
        { question: draft.message.slice(0, MAX_MESSAGE_CHARS), locale: draft.locale, passages: draft.passages.slice(0, 8), fallbackText: draft.fallbackText },
        { signal: io.signal, onDelta: io.onDelta, logger: options.logger, key: draft.conversationId },
      );
      return { text: reply.text, cited: reply.cited, usedModel: reply.usedModel, reason: reply.reason };
    },
  };
}
