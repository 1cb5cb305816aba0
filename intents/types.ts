/** Natural-language understanding contracts: intent, entities, sentiment. */

export interface LabelledUtterance {
  text: string;
  /** "oos" marks an out-of-scope example. */
  intent: string;
}

export const OUT_OF_SCOPE = "oos";

export interface IntentPrediction {
  /** The best intent, or OUT_OF_SCOPE when no intent clears the calibrated threshold. */
  intent: string;
  confidence: number;
  /** Top intents with their scores, best first (at most five). */
  ranking: { intent: string; score: number }[];
}

export interface IntentClassifier {
  readonly intents: string[];
  predict(text: string): IntentPrediction;
  /** Serialisable state, so a trained classifier can be stored and reloaded without retraining. */
  toJSON(): unknown;
}

export interface TrainOptions {
  onProgress?: (done: number, total: number) => void;
  /** Optional dense features (a downloaded sentence embedder) joined to the built-in ones. */
  denseFeatures?: (texts: string[]) => Promise<Float32Array[]>;
  seed?: number;
  /**
   * The calibrated probability of a right answer below which a query is answered out of scope.
   * Default: one half (Chow's rule: a rejection costs half a wrong answer) when the training
   * examples include out-of-scope ones; otherwise none, and the classifier answers every query
   * (give a value to have it stand whole held-out intents in for out-of-scope examples).
   */
  minConfidence?: number;
}

export interface PriceRange {
  min?: number;
  max?: number;
}

export interface Entities {
  price?: PriceRange;
  /** Catalogue categories named in the text (canonical names from the lexicon). */
  categories: string[];
  brands: string[];
  colors: string[];
  sizes: string[];
  /** The order number named (after an order word or '#', or lettered like AB-12345), canonical. */
  orderNumber?: string;
  email?: string;
  /** A UK postcode anywhere, a US ZIP or Chinese postcode after a postcode word. */
  postcode?: string;
}

/** What the catalogue knows, so entity extraction recognises this shop's categories and brands. */
export interface Lexicon {
  /** canonical category → names that refer to it (English and Chinese, singular/plural). */
  categories: Record<string, string[]>;
  brands: string[];
}

export type SentimentLabel = "positive" | "neutral" | "negative";
export interface Sentiment {
  label: SentimentLabel;
  /** -1 (very negative) … 1 (very positive). */
  score: number;
}

/** Everything the NLU makes of one message, in the shape dialogs consume. */
export interface Understanding {
  locale: "en" | "zh";
  intent: string;
  confidence: number;
  ranking: { intent: string; score: number }[];
  entities: Entities;
  sentiment: Sentiment;
}

export interface Understander {
  understand(text: string, localeHint?: string): Understanding;
}
