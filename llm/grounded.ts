import { z } from "zod";
import type { Logger } from "../core/logger.ts";
import type { Locale } from "../core/turn.ts";
import { parseInput } from "../core/validation.ts";
import { LlmBusyError } from "./errors.ts";
import { catalogueFactsSchema } from "./grounded/catalogue.ts";
import { groundedGrammar } from "./grounded/grammar.ts";
import { fitPrompt, type GroundedTask, type GroundingProduct } from "./grounded/prompt.ts";
import { ReplyJsonReader } from "./grounded/reply-json.ts";
import { ReplyText, type RepairCheck } from "./grounded/reply-text.ts";
import { groundedRepairsTotal, groundedRepliesTotal } from "./metrics.ts";
import type { ChatMessage, LanguageModel } from "./types.ts";

export type { GroundedTask, GroundingProduct } from "./grounded/prompt.ts";

export interface GroundedInput {
  /** The shopper's message being answered. */
  message: string;
  locale: Locale;
  task?: GroundedTask;
  /** The retrieved products, most relevant first; the reply may name only these. */
  products: GroundingProduct[];
  /** The conversation's last turns, oldest first (without the current message). */
  history?: ChatMessage[];
  /** The shopper's stated likes ("trail running", "no leather"). */
  preferences?: string[];
  /** The templated reply, used whenever the model cannot answer. */
  fallbackText: string;
  /** Cap on generated tokens (default 192). */
  maxTokens?: number;
  /** Append each mentioned product's price and stock from the catalogue unless the model placed them. */
  appendFacts?: boolean;
}

export type FallbackReason = "no_model" | "no_products" | "queue_full" | "queue_timeout" | "closed" | "model_error" | "empty_output" | "failed_checks" | "no_room";

export interface GroundedReply {
  text: string;
  /** Retrieved products the reply is about, in the order it names them. */
  productIds: string[];
  usedModel: boolean;
  /** Why the template answered. */
  reason?: FallbackReason;
  /**
   * The model did not finish (it stopped at maxTokens, or failed mid-reply): the text is what it had
   * written (closed with "…" when the text itself was cut), and the product list may be short.
   */
  truncated?: boolean;
  tokens?: number;
  firstTokenMs?: number;
  /** Sentences of the model's text dropped by the checks, by check (absent when none were). */
  repairs?: Partial<Record<RepairCheck, number>>;
}

export interface GroundedOptions {
  signal?: AbortSignal;
  /**
   * The reply as it is written. Concatenated, the deltas always equal the returned `text` (the
   * template is delivered through it too), so a caller streams only through this.
   */
  onDelta?: (text: string) => void;
  logger?: Logger;
  /** The conversation id: its turns reuse the sequence holding its previous prompt. */
  key?: string;
  temperature?: number;
  seed?: number;
  /**
   * Ids of the catalogue products a piece of text names. With it, a sentence that names a product
   * other than the reply's products is dropped; the llm layer cannot see the catalogue itself.
   */
  namedProducts?: (text: string) => Promise<string[]>;
}

const productSchema = catalogueFactsSchema.extend({ reason: z.string().optional() });

const inputSchema = z.object({
  message: z.string().min(1).max(8000),
  locale: z.enum(["en", "zh"]),
  task: z.enum(["search", "recommend", "details", "compare"]).default("search"),
  products: z.array(productSchema).max(20),
  history: z.array(z.object({ role: z.enum(["user", "assistant"]), text: z.string() })).max(100).default([]),
  preferences: z.array(z.string()).max(50).default([]),
  fallbackText: z.string().min(1),
  maxTokens: z.number().int().min(16).max(2048).default(192),
  appendFacts: z.boolean().default(false),
});

// Room the chat template and the JSON wrapper need beyond the counted prompt.
const SAFETY_TOKENS = 32;
const MAX_MENTIONS = 5;

/**
 * A reply written by the model from the retrieved products only, streamed sentence by sentence as
 * it is written, with every price, stock figure and product name from the catalogue (ReplyText
 * checks and owns the text); or the templated reply, with the reason logged, when there is no
 * model, nothing was retrieved, the model is busy past its queue timeout, fails, or writes nothing
 * that passes the checks. An abort (the shopper barged in) rejects with the signal's reason.
 */
export async function composeGroundedReply(model: LanguageModel | undefined, input: GroundedInput, options: GroundedOptions = {}): Promise<GroundedReply> {
  const args = parseInput(inputSchema, input, "grounded reply input");
  const { signal, logger } = options;
  const text = new ReplyText({
    locale: args.locale,
    products: args.products,
    fallbackText: args.fallbackText,
    namedProducts: options.namedProducts,
    onDelta: options.onDelta,
    signal,
  });
  const fallback = (reason: FallbackReason, err?: unknown): GroundedReply => {
    groundedRepliesTotal.inc({ outcome: reason });
    const level = reason === "no_model" || reason === "no_products" ? "debug" : "warn";
    logger?.[level]({ reason, task: args.task, products: args.products.length, repairs: text.repaired || undefined, err }, "grounded reply: templated answer");
    text.template();
    return { text: text.text, productIds: [], usedModel: false, reason, ...repairsOf(text) };
  };

  if (!args.products.length) return fallback("no_products");
  if (!model) return fallback("no_model");
  signal?.throwIfAborted();

  let prompt: ReturnType<typeof fitPrompt>;
  try {
    const budget = model.info.contextSize - args.maxTokens - SAFETY_TOKENS;
    prompt = fitPrompt(
      { message: args.message, locale: args.locale, task: args.task, products: args.products, history: args.history, preferences: args.preferences },
      budget,
      (t) => model.countTokens(t),
    );
  } catch (err) {
    return fallback(err instanceof LlmBusyError ? err.reason : "model_error", err);
  }
  if (!prompt.fits) return fallback("no_room");
  const ids = prompt.products.map((p) => p.id);
  const reader = new ReplyJsonReader();

  let generated: Awaited<ReturnType<LanguageModel["generate"]>> | undefined;
  let failure: unknown;
  // Once the text field closes its last sentence is whole: shown while the model still lists ids.
  let textDone: Promise<boolean> | undefined;
  try {
    generated = await model.generate({
      system: prompt.system,
      messages: prompt.messages,
      grammar: { type: "gbnf", gbnf: groundedGrammar(ids, MAX_MENTIONS) },
      maxTokens: args.maxTokens,
      temperature: options.temperature,
      seed: options.seed,
      signal,
      key: options.key,
      onToken: (chunk) => {
        const fresh = reader.push(chunk);
        if (fresh) text.push(fresh);
        if (reader.textComplete) textDone ??= text.end();
      },
    });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    failure = err;
  }

  const kept = await (textDone ?? text.end());
  signal?.throwIfAborted();
  for (const [check, n] of Object.entries(text.repairs)) if (n) groundedRepairsTotal.inc({ check }, n);
  if (!kept) {
    if (failure) return fallback(failure instanceof LlmBusyError ? failure.reason : "model_error", failure);
    return fallback(text.repaired ? "failed_checks" : "empty_output");
  }
  // Once the shopper has seen part of the reply it is finished from what was written, never replaced.
  if (failure) logger?.warn({ err: failure, task: args.task }, "grounded reply: the model failed mid-reply; finishing with what it wrote");
  const parsed = reader.result(new Set(ids));
  // Cut short is any reply the model did not finish — its text, or only the product list after it — at
  // maxTokens or by a failure once the text was shown: closed with "…" unless it ended a sentence.
  const truncated = !reader.textComplete || generated?.stopReason === "maxTokens" || failure !== undefined;
  if (truncated) text.closeCut();
  const known = new Set(args.products.map((p) => p.id));
  const productIds = [...new Set([...text.placed.keys(), ...parsed.productIds])].filter((id) => known.has(id));
  if (args.appendFacts) text.appendFacts(productIds);
  groundedRepliesTotal.inc({ outcome: "model" });
  logger?.debug({ task: args.task, tokens: generated?.tokens, firstTokenMs: generated?.firstTokenMs, truncated, productIds, repairs: text.repairs }, "grounded reply written by the model");
  return {
    text: text.text,
    productIds,
    usedModel: true,
    truncated: truncated || undefined,
    tokens: generated?.tokens,
    firstTokenMs: generated?.firstTokenMs,
    ...repairsOf(text),
  };
}

function repairsOf(text: ReplyText): Pick<GroundedReply, "repairs"> {
  if (!text.repaired) return {};
  return { repairs: Object.fromEntries(Object.entries(text.repairs).filter(([, n]) => n > 0)) };
}
