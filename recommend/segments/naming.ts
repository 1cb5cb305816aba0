import { median } from "./rfm.ts";

/** What a segment's members look like, for naming and for the admin API. */
export interface SegmentStats {
  size: number;
  /** Mean over members of each member's share of interest per category, best first. */
  topCategories: { name: string; share: number }[];
  topBrands: { name: string; share: number }[];
  recencyDays: number;
  frequency: number;
  monetary: number;
  /** Share of members with at least one purchase. */
  buyerShare: number;
}

/** Population medians the segments are compared with. */
export interface PopulationRfm {
  recencyDays: number;
  frequency: number;
  monetary: number;
}

export type Character = "lapsed" | "frequent" | "high-value" | "new" | "occasional";

/** Days without a visit before a segment can be called lapsed, whatever the shop's rhythm. */
export const LAPSED_MIN_DAYS = 30;

/**
 * The RFM word for a segment, from its medians against the population's (first rule that holds):
 *   lapsed      median recency ≥ max(2 × population median, 30 days)
 *   frequent    median active days ≥ max(1.5 × population median, 3)
 *   high-value  median spend ≥ 2 × population median spend, and > 0
 *   new         seen within the week, on one day only
 *   occasional  everything else
 */
export function characterOf(s: Pick<SegmentStats, "recencyDays" | "frequency" | "monetary">, population: PopulationRfm): Character {
  if (s.recencyDays >= Math.max(2 * population.recencyDays, LAPSED_MIN_DAYS)) return "lapsed";
  if (s.frequency >= Math.max(1.5 * population.frequency, 3)) return "frequent";
  if (s.monetary > 0 && s.monetary >= 2 * population.monetary) return "high-value";
  if (s.recencyDays <= 7 && s.frequency <= 1) return "new";
  return "occasional";
}

const ADJECTIVE: Record<Character, string> = {
  lapsed: "Lapsed",
  frequent: "Frequent",
  "high-value": "High-value",
  new: "New",
  occasional: "Occasional",
};

/** "running shoes" → "Running Shoes"; a path ("Sports > Running") names its last part. */
export function categoryLabel(category: string): string {
  const last = category.split(/\s*(?:>|\/|›)\s*/).filter(Boolean).pop() ?? category;
  return last.trim().replace(/(^|[\s&-])(\p{Ll})/gu, (_, pre: string, ch: string) => pre + ch.toUpperCase());
}

/**
 * "Frequent Running buyers": the RFM word, the segment's top category (two when the runner-up has
 * at least 60% of the leader's share), and "buyers" when at least half the members purchased,
 * else "browsers". Names are made unique by adding the top brand, then a number.
 */
export function nameSegments(stats: SegmentStats[], population: PopulationRfm): string[] {
  const names = stats.map((s) => {
    const [first, second] = s.topCategories;
    let interest = "";
    if (first) interest = second && second.share >= 0.6 * first.share ? `${categoryLabel(first.name)} & ${categoryLabel(second.name)}` : categoryLabel(first.name);
    const who = s.buyerShare >= 0.5 ? "buyers" : "browsers";
    return [ADJECTIVE[characterOf(s, population)], interest, who].filter(Boolean).join(" ");
  });
  const count = (n: string) => names.filter((x) => x === n).length;
  const withBrand = names.map((n, i) => (count(n) > 1 && stats[i]!.topBrands[0] ? `${n} (${stats[i]!.topBrands[0]!.name})` : n));
  const seen = new Map<string, number>();
  return withBrand.map((n) => {
    const times = (seen.get(n) ?? 0) + 1;
    seen.set(n, times);
    return times === 1 ? n : `${n} #${times}`;
  });
}

export function populationRfm(rfm: { recencyDays: number; frequency: number; monetary: number }[]): PopulationRfm {
  return {
    recencyDays: median(rfm.map((r) => r.recencyDays)),
    frequency: median(rfm.map((r) => r.frequency)),
    monetary: median(rfm.map((r) => r.monetary)),
  };
}
