import { z } from "zod";
import type { Logger } from "../core/logger.ts";
import type { Locale } from "../core/turn.ts";
import { parseInput } from "../core/validation.ts";
import { LlmBusyError } from "./errors.ts";
import { catalogueFactsSchema, factSentence, type FactSource } from "./grounded/catalogue.ts";
import { groundedGrammar } from "./grounded/grammar.ts";
import { fitPrompt, type GroundedTask, type GroundingProduct } from "./grounded/prompt.ts";
import { ReplyJsonReader } from "./grounded/reply-json.ts";
import { FactFilter } from "./grounded/sanitize.ts";
import { groundedRepliesTotal } from "./metrics.ts";
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

export type FallbackReason = "no_model" | "no_products" | "queue_full" | "queue_timeout" | "closed" | "model_error" | "empty_output" | "no_room";

export interface GroundedReply {
  text: string;
  /** Retrieved products the reply is about, in the order it names them. */
  productIds: string[];
  usedModel: boolean;
  /** Why the template answered. */
  reason?: FallbackReason;
  /** The model stopped at maxTokens; the text is what it had written (closed with "…"). */
  truncated?: boolean;
  tokens?: number;
  firstTokenMs?: number;
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
 * A reply written by the model from the retrieved products only, streamed as it is written, with
 * prices and stock from the catalogue; or the templated reply, with the reason logged, when there
 * is no model, nothing was retrieved, the model is busy past its queue timeout, fails, or writes
 * nothing usable. An abort (the shopper barged in) rejects with the signal's reason.
 */
export async function composeGroundedReply(model: LanguageModel | undefined, input: GroundedInput, options: GroundedOptions = {}): Promise<GroundedReply> {
  const args = parseInput(inputSchema, input, "grounded reply input");
  const { signal, logger } = options;
  let streamed = "";
  const deliver = (text: string) => {
    if (!text) return;
    streamed += text;
    options.onDelta?.(text);
  };
  const fallback = (reason: FallbackReason, err?: unknown): GroundedReply => {
    groundedRepliesTotal.inc({ outcome: reason });
    const level = reason === "no_model" || reason === "no_products" ? "debug" : "warn";
    logger?.[level]({ reason, task: args.task, products: args.products.length, err }, "grounded reply: templated answer");
    // The template streams in small pieces too, so every channel gets the same shape of reply.
    for (const piece of args.fallbackText.match(/\S+\s*|\s+/g) ?? [args.fallbackText]) deliver(piece);
    return { text: args.fallbackText, productIds: [], usedModel: false, reason };
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
  const catalogue = new Map<string, FactSource>(prompt.products.map((p) => [p.id, p]));
  const reader = new ReplyJsonReader();
  const filter = new FactFilter({ products: catalogue, locale: args.locale, focus: prompt.products.length === 1 ? prompt.products[0] : undefined });

  let generated: Awaited<ReturnType<LanguageModel["generate"]>> | undefined;
  try {
    generated = await model.generate({
      system: prompt.system,
      messages: prompt.messages,
      grammar: { type: "gbnf", gbnf: groundedGrammar(ids, MAX_MENTIONS) },
      maxTokens: args.maxTokens,
      temperature: options.temperature,
      signal,
      key: options.key,
      onToken: (chunk) => {
        const fresh = reader.push(chunk);
        if (fresh) deliver(filter.push(fresh));
      },
    });
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    // Once the shopper has seen part of the reply it is finished from what was written, never replaced.
    if (!streamed) return fallback(err instanceof LlmBusyError ? err.reason : "model_error", err);
    logger?.warn({ err, task: args.task }, "grounded reply: the model failed mid-reply; finishing with what it wrote");
  }

  deliver(filter.finish());
  if (!streamed.trim()) return fallback("empty_output");
  const parsed = reader.result(new Set(ids));
  const truncated = !reader.textComplete;
  if (truncated && !/[.!?。！？…]$/.test(streamed)) deliver("…");
  const productIds = [...new Set([...filter.priced, ...filter.stocked, ...parsed.productIds])].filter((id) => catalogue.has(id));
  if (args.appendFacts) {
    for (const id of productIds) {
      if (filter.priced.has(id)) continue;
      deliver((args.locale === "zh" ? "" : " ") + factSentence(catalogue.get(id)!, args.locale));
    }
  }
  groundedRepliesTotal.inc({ outcome: "model" });
  logger?.debug({ task: args.task, tokens: generated?.tokens, firstTokenMs: generated?.firstTokenMs, truncated, productIds }, "grounded reply written by the model");
  return { text: streamed, productIds, usedModel: true, truncated: truncated || undefined, tokens: generated?.tokens, firstTokenMs: generated?.firstTokenMs };
}
