/**
 * A sentiment classifier trained in-process with the intent classifier's machinery (hashed word and
 * character n-grams, jieba for Chinese, a small network ensemble), labels as intents. It is here to
 * be measured against the lexicon (bench/sentiment.ts); llm/README.md gives the figures and the choice.
 *
 * A prediction the calibrated certainty rejects (out of scope) reads as neutral: not sure is not a
 * judgement. The score is P(positive) − P(negative) from the ranking.
 */
import { ANSWER_PROBABILITY, DEFAULT_TRAINER, trainIntentClassifier } from "./classifier/index.ts";
import type { SentimentAnalyzer } from "./sentiment.ts";
import { OUT_OF_SCOPE, type Sentiment, type SentimentLabel } from "./types.ts";

export interface LabelledSentiment {
  text: string;
  label: SentimentLabel;
}

/** `abstain`: a prediction the calibration rejects reads as neutral (else the most probable label wins). */
export async function trainSentimentClassifier(examples: LabelledSentiment[], options: { seed?: number; abstain?: boolean } = {}): Promise<SentimentAnalyzer> {
  const abstain = options.abstain ?? true;
  // Three labels and no out-of-scope class: holding one label out would teach it nothing useful.
  const classifier = await trainIntentClassifier(
    examples.map((e) => ({ text: e.text, intent: e.label })),
    // Calibrated with the labels' own held-apart examples, so "not sure" can abstain.
    { seed: options.seed ?? 1, minConfidence: ANSWER_PROBABILITY },
    { ...DEFAULT_TRAINER, holdOutIntent: false, features: { ...DEFAULT_TRAINER.features, minDf: 1 } },
  );
  return {
    name: abstain ? "trained" : "trained-argmax",
    analyze(text: string): Sentiment {
      const p = classifier.predict(text);
      const prob = (label: string) => p.ranking.find((r) => r.intent === label)?.score ?? 0;
      const score = Math.round((prob("positive") - prob("negative")) * 1000) / 1000 || 0;
      const top = p.intent === OUT_OF_SCOPE ? (abstain ? "neutral" : p.ranking[0]!.intent) : p.intent;
      const label = top as SentimentLabel;
      return { label, score };
    },
  };
}
