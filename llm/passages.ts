import { z } from "zod";
import type { Logger } from "../core/logger.ts";
import type { Locale } from "../core/turn.ts";
import { parseInput } from "../core/validation.ts";
import { LlmBusyError } from "./errors.ts";
import { freeTextFigures } from "./grounded/figures.ts";
import type { LanguageModel } from "./types.ts";

/**
 * Answers a question about the shop from passages of its own documents (knowledge/), never from
 * what the model believes. The model writes an answer and names the passages it used; a sentence
 * stating a figure (a price, a number of days, an hour, an address) that none of the cited passages
 * holds is dropped, as in product replies. When the model declines, fails or keeps nothing, the
 * templated answer (the passages' own best sentences) is the reply.
 */

export interface PassageInput {
  question: string;
  locale: Locale;
  /** Best first. */
  passages: { title: string; text: string }[];
  /** The templated answer, used whenever the model cannot answer. */
  fallbackText: string;
  maxTokens?: number;
}

export interface PassageReply {
  text: string;
  /** Indexes into the input's passages the answer draws on. */
  cited: number[];
  usedModel: boolean;
  reason?: "no_model" | "declined" | "model_error" | "failed_checks" | "no_room" | "queue_full" | "queue_timeout" | "closed";
  /** Sentences dropped for a figure no cited passage holds. */
  dropped?: number;
}

const inputSchema = z.object({
  question: z.string().min(1).max(8000),
  locale: z.enum(["en", "zh"]),
  passages: z.array(z.object({ title: z.string(), text: z.string().min(1) })).min(1).max(8),
  fallbackText: z.string().min(1),
  maxTokens: z.number().int().positive().max(1024).default(192),
});

const DECLINE = "NOT_IN_PASSAGES";

function prompt(input: z.infer<typeof inputSchema>): string {
  const language = input.locale === "zh" ? "Simplified Chinese" : "English";
  const passages = input.passages.map((p, i) => `[${i + 1}] ${p.title}\n${p.text}`).join("\n\n");
  return [
    "You are a shop's assistant answering a shopper's question about the shop.",
    `Answer in ${language}, in at most three short sentences, using ONLY the passages below. Copy every figure (days, prices, hours, addresses) exactly as the passages write it.`,
    `If the passages do not answer the question, set "answer" to "${DECLINE}". Never guess.`,
    'Reply as JSON: {"answer": "...", "passages": [numbers of the passages you used]}.',
    "",
    passages,
  ].join("\n");
}

/** Sentences of the model's answer, English and Chinese, each with its trailing blank; "4.95" stays whole. */
function split(text: string): string[] {
  return text.split(/(?<=[.!?](?=\s|$)\s*|[。！？]\s*)(?=\S)/u).filter(Boolean);
}

function fold(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ");
}

export async function composePassageAnswer(
  model: LanguageModel | undefined,
  input: PassageInput,
  options: { signal?: AbortSignal; onDelta?: (text: string) => void; logger?: Logger; key?: string } = {},
): Promise<PassageReply> {
  const args = parseInput(inputSchema, input, "passage answer input");
  const fallback = (reason: PassageReply["reason"], extra: Partial<PassageReply> = {}): PassageReply => {
    options.logger?.[reason === "no_model" ? "debug" : "info"]({ reason, ...extra }, "knowledge answer: templated");
    options.onDelta?.(args.fallbackText);
    return { text: args.fallbackText, cited: args.passages.map((_, i) => i).slice(0, 1), usedModel: false, reason, ...extra };
  };
  if (!model) return fallback("no_model");
  const system = prompt(args);
  if (model.countTokens(system) + model.countTokens(args.question) + args.maxTokens > model.info.contextSize) return fallback("no_room");
  const n = args.passages.length;
  let raw: string;
  try {
    const result = await model.generate({
      system,
      messages: [{ role: "user", text: args.question }],
      grammar: {
        type: "json-schema",
        schema: {
          type: "object",
          properties: {
            answer: { type: "string" },
            passages: { type: "array", items: { type: "integer", enum: Array.from({ length: n }, (_, i) => i + 1) } },
          },
          required: ["answer", "passages"],
        },
      },
      maxTokens: args.maxTokens,
      signal: options.signal,
      key: options.key,
    });
    raw = result.text;
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason;
    return fallback(err instanceof LlmBusyError ? err.reason : "model_error");
  }
  let answer = "";
  let cited: number[] = [];
  try {
    const parsed = JSON.parse(raw) as { answer?: unknown; passages?: unknown };
    answer = typeof parsed.answer === "string" ? parsed.answer.trim() : "";
    cited = Array.isArray(parsed.passages) ? [...new Set(parsed.passages.filter((x): x is number => Number.isInteger(x) && x >= 1 && x <= n).map((x) => x - 1))] : [];
  } catch {
    return fallback("model_error");
  }
  if (!answer || answer.includes(DECLINE)) return fallback("declined");
  // A figure counts as grounded only in the passages the model says it used (all of them when it named none).
  const grounds = fold((cited.length ? cited : args.passages.map((_, i) => i)).map((i) => args.passages[i]!.text).join("\n"));
  let dropped = 0;
  const kept = split(answer).filter((sentence) => {
    const ok = freeTextFigures(sentence).every((f) => grounds.includes(fold(f.text)));
    if (!ok) dropped++;
    return ok;
  });
  const text = kept.join("").trim();
  if (!text) return fallback("failed_checks", { dropped });
  options.onDelta?.(text);
  return { text, cited: cited.length ? cited : [0], usedModel: true, ...(dropped ? { dropped } : {}) };
}
