import type { TranscriptAlternative } from "../types.ts";

/** The classifier's out-of-scope answer (intents/types.ts OUT_OF_SCOPE; voice/ does not depend on intents/). */
const OUT_OF_SCOPE = "oos";

/** What the chooser needs of an intent classifier (intents/'s IntentClassifier has it). */
export interface IntentScorer {
  predict(text: string): { intent: string; confidence: number };
}

export interface ChooseOptions {
  /**
   * How many score units of the decoder make a factor e between two hypotheses' weights
   * (pocketsphinx's N-best path scores). Small: trust the recogniser's order; large: every
   * alternative counts nearly as much as the best. Default 100 (bench/voice-nbest.ts).
   */
  temperature?: number;
  /**
   * "rescue" (default): see keepAbove. "marginal": each intent gets the recogniser weights of the hypotheses the classifier
   * gives it, times the classifier's confidence, summed — the intent most probable over the whole
   * list wins, and its most probable hypothesis is the transcript. "confident": the one hypothesis
   * with the best product of recogniser weight and classifier confidence. "vote": the intent the
   * recogniser's weights favour across the list, whatever the classifier's confidence.
   */
  mode?: "marginal" | "confident" | "rescue" | "vote";
  /**
   * "rescue": the recogniser's best transcript stands when the classifier answers it in scope
   * with at least this confidence; otherwise the alternative with the best weighted confidence
   * replaces it if it is answered in scope and more confidently. Default 0.5.
   */
  keepAbove?: number;
  /** Alternatives considered (the list's first `top`). Default 5. */
  top?: number;
}

export interface Choice {
  text: string;
  intent: string;
  /** Posterior-weighted confidence of the chosen intent (0–1). */
  confidence: number;
  /** Position of the chosen transcript in the N-best list (0 = the recogniser's own best). */
  index: number;
}

/**
 * Chosen on the shop's spoken set (bench/voice-nbest.ts, 270 utterances, 3 voices): "rescue" was
 * the only rule that helped (1-best 71.5 % → 73.7 %, text 73.3 %); "marginal", "confident" and
 * "vote" all lost 1–7 points, because a garbled alternative is often read confidently as another
 * intent. The temperature hardly matters to "rescue" (10–300 gave the same). Checked, unchanged,
 * on a public set (SNIPS, synthesised) that played no part in the choice.
 */
export const DEFAULT_CHOOSE: Required<ChooseOptions> = { temperature: 100, mode: "rescue", keepAbove: 0.5, top: 5 };

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
  const { temperature, mode, keepAbove, top } = { ...DEFAULT_CHOOSE, ...options };
  if (alternatives.length === 0) {
    const p = classifier.predict("");
    return { text: "", intent: p.intent, confidence: p.confidence, index: 0 };
  }
  alternatives = alternatives.slice(0, Math.max(1, top));
  const weights = alternativeWeights(alternatives, temperature);
  if (mode === "rescue") {
    const first = classifier.predict(alternatives[0].text);
    if (first.intent !== OUT_OF_SCOPE && first.confidence >= keepAbove) return { text: alternatives[0].text, intent: first.intent, confidence: first.confidence, index: 0 };
    let best = -1;
    let bestScore = 0;
    let bestPrediction = first;
    for (let i = 1; i < alternatives.length; i++) {
      const p = classifier.predict(alternatives[i].text);
      if (p.intent === OUT_OF_SCOPE || p.confidence < keepAbove) continue;
      const score = (weights[i] / weights[0]) * p.confidence;
      if (score > bestScore) {
        best = i;
        bestScore = score;
        bestPrediction = p;
      }
    }
    if (best < 0 || (first.intent !== OUT_OF_SCOPE && bestPrediction.confidence <= first.confidence)) return { text: alternatives[0].text, intent: first.intent, confidence: first.confidence, index: 0 };
    return { text: alternatives[best].text, intent: bestPrediction.intent, confidence: bestPrediction.confidence, index: best };
  }
  const predictions = alternatives.map((a) => classifier.predict(a.text));
  if (mode === "vote") {
    // The recogniser's weights alone decide among the intents the alternatives are read as.
    const votes = new Map<string, { mass: number; best: number }>();
    predictions.forEach((p, i) => {
      const e = votes.get(p.intent);
      if (!e) votes.set(p.intent, { mass: weights[i], best: i });
      else e.mass += weights[i];
    });
    let intent = predictions[0].intent;
    for (const [name, e] of votes) if (e.mass > votes.get(intent)!.mass) intent = name;
    const chosen = votes.get(intent)!;
    return { text: alternatives[chosen.best].text, intent, confidence: chosen.mass, index: chosen.best };
  }
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
