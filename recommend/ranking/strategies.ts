import type { RankingConfig, RankingWeights } from "./ranker.ts";

/**
 * Named ranking strategies: the ablations `rec eval` measures and the variants an A/B experiment can
 * serve live (`config.ranking` of a variant), defined once so what is measured offline is what
 * shoppers in a variant get.
 *
 *   default, concierge           the configured ranking
 *   popularity, popularityRecent the popularity prior alone
 *   content, contentOnly         the long-term profile's content similarity alone
 *   collaborative, collaborativeOnly  item-to-item co-occurrence alone
 *   model, ease, modelOnly       the learned item-item model (EASE) alone
 *   blend                        content + co-occurrence, equally weighted
 *   noSession / noPriors / noModel / noDiversity  the default without session intent / priors / the
 *                                learned model / MMR and brand cap
 *   mmr-NN                       the default with MMR λ = NN/100 (mmr-70: λ 0.7)
 *   brandcap-NN                  the default with a brand cap of NN% (brandcap-30: 0.3)
 *
 * The single-signal strategies and blend rank by their signals only (λ = 1, no brand cap, content
 * trusted fully).
 */
export const RANKING_STRATEGIES = [
  "default",
  "concierge",
  "popularity",
  "popularityRecent",
  "content",
  "contentOnly",
  "collaborative",
  "collaborativeOnly",
  "model",
  "ease",
  "modelOnly",
  "blend",
  "noSession",
  "noPriors",
  "noModel",
  "noDiversity",
] as const;

const KNOB = /^(mmr|brandcap)-(\d{1,3})$/;

export function withWeights(base: RankingConfig, weights: Partial<RankingWeights>, pure = false): RankingConfig {
  const zero: RankingWeights = { content: 0, session: 0, collaborative: 0, model: 0, popularity: 0, recency: 0 };
  return { ...base, weights: pure ? { ...zero, ...weights } : { ...base.weights, ...weights }, ...(pure ? { mmrLambda: 1, brandCap: 1, contentShrink: 0 } : {}) };
}

/** The ranking a strategy name stands for, built on `base` (the configured one); null for an unknown name. */
export function strategyConfig(base: RankingConfig, name: string): RankingConfig | null {
  switch (name) {
    case "default":
    case "concierge":
      return base;
    case "popularity":
    case "popularityRecent":
      return withWeights(base, { popularity: 1 }, true);
    case "content":
    case "contentOnly":
      return withWeights(base, { content: 1 }, true);
    case "collaborative":
    case "collaborativeOnly":
      return withWeights(base, { collaborative: 1 }, true);
    case "model":
    case "ease":
    case "modelOnly":
      return withWeights(base, { model: 1 }, true);
    case "blend":
      return withWeights(base, { content: 1, collaborative: 1 }, true);
    case "noSession":
      return withWeights(base, { session: 0 });
    case "noPriors":
      return withWeights(base, { popularity: 0, recency: 0 });
    case "noModel":
      return withWeights(base, { model: 0 });
    case "noDiversity":
      return { ...base, mmrLambda: 1, brandCap: 1 };
  }
  const knob = KNOB.exec(name);
  if (!knob) return null;
  const value = Number(knob[2]) / 100;
  if (value > 1) return null;
  if (knob[1] === "mmr") return { ...base, mmrLambda: value };
  return value > 0 ? { ...base, brandCap: value } : null;
}

export function isRankingStrategy(name: string): boolean {
  return strategyConfig({ weights: { content: 1, session: 1, collaborative: 1, model: 1, popularity: 1, recency: 1 } } as RankingConfig, name) !== null;
}

export const STRATEGY_HELP = `${RANKING_STRATEGIES.join(", ")}, mmr-NN (MMR λ NN/100) or brandcap-NN (brand cap NN%)`;
