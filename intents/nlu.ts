import { extractEntities } from "./entities.ts";
import { detectLocale } from "./language.ts";
import { analyzeSentiment } from "./sentiment.ts";
import type { IntentClassifier, IntentPrediction, Lexicon, Understander, Understanding } from "./types.ts";

/**
 * The whole of understanding for one message: language, intent (with out-of-scope), entities
 * known to this shop's catalogue, and sentiment. The lexicon can be swapped when the catalogue
 * changes, without retraining the classifier.
 */
export class Nlu implements Understander {
  constructor(
    private classifier: IntentClassifier,
    private lexicon: Lexicon,
  ) {}

  /** Swaps in a retrained classifier; the next message uses it, one in progress finishes with the old. */
  setClassifier(classifier: IntentClassifier): void {
    this.classifier = classifier;
  }

  setLexicon(lexicon: Lexicon): void {
    this.lexicon = lexicon;
  }

  /** The intent alone, for what weighs many readings of one request (a recogniser's N-best list). */
  classify(text: string): IntentPrediction {
    return this.classifier.predict(text);
  }

  understand(text: string, localeHint?: string): Understanding {
    const prediction = this.classifier.predict(text);
    return {
      locale: detectLocale(text, localeHint),
      intent: prediction.intent,
      confidence: prediction.confidence,
      ranking: prediction.ranking,
      entities: extractEntities(text, this.lexicon),
      sentiment: analyzeSentiment(text),
    };
  }
}
