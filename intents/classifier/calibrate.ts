/**
 * Out-of-scope calibration. The network's certainty (negative entropy of its class distribution) is
 * mapped to the probability that its answer is right, estimated on examples held apart from
 * training: isotonic regression (pool-adjacent-violators), so the map can only rise with certainty.
 * The answer is given when that probability is at least one half, otherwise the query is out of
 * scope — Chow's rejection rule, a rejection costing half a wrong answer. Held-apart out-of-scope
 * examples count as "wrong if answered", so when a training file has them they move the threshold
 * directly. (Entropy was measured against the top probability, the top-two margin and their
 * combinations with word similarity to the training set, and separated best.)
 */
export interface CalibrationPoint {
  score: number;
  /** Whether answering would be right: an in-scope example whose intent was predicted. */
  correct: boolean;
  weight?: number;
}

export interface Calibration {
  /** Ascending certainty scores (block centres) and the probability of a right answer at each. */
  scores: number[];
  probabilities: number[];
}

/** The calibrated probability wanted before an answer is given. */
export const ANSWER_PROBABILITY = 0.5;

export function fitCalibration(points: CalibrationPoint[]): Calibration {
  if (points.length === 0) return { scores: [0], probabilities: [1] };
  const sorted = [...points].sort((a, b) => a.score - b.score);
  // Blocks of (weighted score sum, weighted correct sum, weight), merged while they violate order.
  const sumScore: number[] = [];
  const sumCorrect: number[] = [];
  const weight: number[] = [];
  for (const p of sorted) {
    const w = p.weight ?? 1;
    sumScore.push(p.score * w);
    sumCorrect.push(p.correct ? w : 0);
    weight.push(w);
    let n = weight.length;
    // Ties in score must share a block, or the map would jump at a single score.
    while (
      n > 1 &&
      (sumCorrect[n - 2] / weight[n - 2] >= sumCorrect[n - 1] / weight[n - 1] ||
        sumScore[n - 2] / weight[n - 2] === sumScore[n - 1] / weight[n - 1])
    ) {
      sumScore[n - 2] += sumScore[n - 1];
      sumCorrect[n - 2] += sumCorrect[n - 1];
      weight[n - 2] += weight[n - 1];
      sumScore.pop();
      sumCorrect.pop();
      weight.pop();
      n--;
    }
  }
  return {
    scores: sumScore.map((s, i) => s / weight[i]),
    probabilities: sumCorrect.map((c, i) => c / weight[i]),
  };
}

/** Probability of a right answer at this certainty: linear between block centres, flat outside. */
export function calibratedProbability(cal: Calibration, score: number): number {
  const { scores, probabilities } = cal;
  const n = scores.length;
  if (score <= scores[0]) return probabilities[0];
  if (score >= scores[n - 1]) return probabilities[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (scores[mid] <= score) lo = mid;
    else hi = mid;
  }
  const t = (score - scores[lo]) / (scores[hi] - scores[lo]);
  return probabilities[lo] + t * (probabilities[hi] - probabilities[lo]);
}

/** Certainty of a class distribution: minus its entropy (0 when one class has it all). */
export function certainty(p: Float64Array): number {
  let h = 0;
  for (let c = 0; c < p.length; c++) if (p[c] > 0) h -= p[c] * Math.log(p[c]);
  return -h;
}
