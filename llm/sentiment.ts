/**
 * Sentiment by the local LLM: a grammar allows only {"label": "positive" | "neutral" | "negative"},
 * greedy, a handful of tokens. Measured against the lexicon and a trained classifier in
 * bench/sentiment.ts (figures and choice in llm/README.md).
 */
import type { Locale } from "../core/turn.ts";
import type { LanguageModel } from "./types.ts";

export type LlmSentimentLabel = "positive" | "neutral" | "negative";

const SCORE: Record<LlmSentimentLabel, number> = { positive: 0.5, neutral: 0, negative: -0.5 };

const PROMPT: Record<Locale, string> = {
  en: 'Classify the sentiment of the shopper\'s message about a shop or its products. Questions and requests without an opinion are neutral. Reply in JSON: {"label": "positive" | "neutral" | "negative"}.',
  zh: '判断顾客这条关于商店或商品的消息的情感。没有表达看法的提问和请求是中性。用 JSON 回复：{"label": "positive" | "neutral" | "negative"}。',
};

const GRAMMAR = String.raw`root ::= "{" " "? "\"label\"" " "? ":" " "? ( "\"positive\"" | "\"neutral\"" | "\"negative\"" ) " "? "}"`;

/** The model's label with a nominal score (the model gives no calibrated one); undefined if it wrote something else. */
export async function llmSentiment(model: LanguageModel, text: string, locale: Locale, signal?: AbortSignal): Promise<{ label: LlmSentimentLabel; score: number } | undefined> {
  const result = await model.generate({
    system: PROMPT[locale],
    messages: [{ role: "user", text: text.slice(0, 2000) }],
    grammar: { type: "gbnf", gbnf: GRAMMAR },
    maxTokens: 24,
    temperature: 0,
    signal,
  });
  const label = /"(positive|neutral|negative)"/.exec(result.text)?.[1] as LlmSentimentLabel | undefined;
  return label ? { label, score: SCORE[label] } : undefined;
}
