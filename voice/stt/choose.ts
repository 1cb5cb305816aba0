import type { TranscriptAlternative } from "../types.ts";

/** What the chooser needs of an intent classifier (intents/'s IntentClassifier has it). */
export interface IntentScorer {
  predict(text: string): { intent: string; confidence: number };
}

export interface ChooseOptions {
  /**
   * How many score units of the decoder make a factor e between two hypotheses' weights
   * (pocketsphinx's N-best path scores). Small: trust the recogniser's order; large: every
   * alternative counts nearly as much as the best. Default 2000 (bench/voice-nbest.ts).
   */
  temperature?: number;
  /**
   * "marginal" (default): each intent gets the recogniser weights of the hypotheses the classifier
   * gives it, times the classifier's confidence, summed — the intent most probable over the whole
   * list wins, and its most probable hypothesis is the transcript. "confident": the one hypothesis
   * with the best product of recogniser weight and classifier confidence.
   */
  mode?: "marginal" | "confident";
}

export interface Choice {
  text: string;
  intent: string;
  /** Posterior-weighted confidence of the chosen intent (0–1). */
  confidence: number;
  /** Position of the chosen transcript in the N-best list (0 = the recogniser's own best). */
  index: number;
}

export const DEFAULT_CHOOSE: Required<ChooseOptions> = { temperature: 2000, mode: "marginal" };

/** The recogniser's belief in each alternative: a softmax of its path scores at `temperature`. */
export function alternativeWeights(alternatives: TranscriptAlternative[], temperature = DEFAULT_CHOOSE.temperature): number[] {
  if (alternatives.length === 0) return [];
  const top = Math.max(...alternatives.map((a) => a.score));
  const raw = alternatives.map((a) => Math.exp((a.score - top) / Math.max(1e-9, temperature)));
  const sum = raw.reduce((s, x) => s + x, 0);
  return raw.map((x) => x / sum);
}

/**
 * Reads the recogniser's N-best list with the intent classifier: the transcript the shopper most
 * probably said *and meant*. A word the recogniser is unsure of ("add it to my card" / "cart")
 * often decides the intent; the classifier knows which reading makes sense in this shop.
 */
export function chooseByIntent(alternatives: TranscriptAlternative[], classifier: IntentScorer, options: ChooseOptions = {}): Choice {
  const { temperature, mode } = { ...DEFAULT_CHOOSE, ...options };
  if (alternatives.length === 0) {
    const p = classifier.predict("");
    return { text: "", intent: p.intent, confidence: p.confidence, index: 0 };
  }
  const weights = alternativeWeights(alternatives, temperature);
  const predictions = alternatives.map((a) => classifier.predict(a.text));
  if (mode === "confident") {
    let best = 0;
    for (let i = 1; i < alternatives.length; i++) if (weights[i] * predictions[i].confidence > weights[best] * predictions[best].confidence) best = i;
    return { text: alternatives[best].text, intent: predictions[best].intent, confidence: predictions[best].confidence, index: best };
  }
  const byIntent = new Map<string, { mass: number; best: number }>();
  predictions.forEach((p, i) => {
    const mass = weights[i] * p.confidence;
    const entry = byIntent.get(p.intent);
    if (!entry) byIntent.set(p.intent, { mass, best: i });
    else {
      entry.mass += mass;
      if (weights[i] * p.confidence > weights[entry.best] * predictions[entry.best].confidence) entry.best = i;
    }
  });
  let intent = predictions[0].intent;
  for (const [name, e] of byIntent) if (e.mass > byIntent.get(intent)!.mass) intent = name;
  const chosen = byIntent.get(intent)!;
  // The intent's share of the list's weight, scaled by how sure the classifier was of it.
  const total = [...byIntent.values()].reduce((s, e) => s + e.mass, 0);
  return { text: alternatives[chosen.best].text, intent, confidence: total > 0 ? chosen.mass / total : 0, index: chosen.best };
}
