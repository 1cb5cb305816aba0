import type { Audience, ColorId, Term } from "./types.ts";

/** Parses "english|中文" pairs, which keeps the word lists readable. */
export function terms(...pairs: string[]): Term[] {
  return pairs.map((pair) => {
    const bar = pair.indexOf("|");
    if (bar < 0) throw new Error(`demo vocabulary: "${pair}" has no "|" between English and Chinese`);
    return { en: pair.slice(0, bar), zh: pair.slice(bar + 1) };
  });
}

export const COLORS: Record<ColorId, Term> = {
  black: { en: "black", zh: "黑色" },
  white: { en: "white", zh: "白色" },
  grey: { en: "grey", zh: "灰色" },
  navy: { en: "navy", zh: "藏青色" },
  blue: { en: "blue", zh: "蓝色" },
  red: { en: "red", zh: "红色" },
  green: { en: "green", zh: "绿色" },
  olive: { en: "olive", zh: "橄榄绿" },
  beige: { en: "beige", zh: "米色" },
  brown: { en: "brown", zh: "棕色" },
  pink: { en: "pink", zh: "粉色" },
  purple: { en: "purple", zh: "紫色" },
  yellow: { en: "yellow", zh: "黄色" },
  orange: { en: "orange", zh: "橙色" },
  silver: { en: "silver", zh: "银色" },
  gold: { en: "gold", zh: "金色" },
};

export const AUDIENCE_TITLE: Record<Audience, Term> = {
  men: { en: "Men's", zh: "男款" },
  women: { en: "Women's", zh: "女款" },
  kids: { en: "Kids'", zh: "儿童" },
  unisex: { en: "Unisex", zh: "中性款" },
};

export const AUDIENCE_TAG: Record<Audience, Term> = {
  men: { en: "men", zh: "男士" },
  women: { en: "women", zh: "女士" },
  kids: { en: "kids", zh: "儿童" },
  unisex: { en: "unisex", zh: "男女同款" },
};

/**
 * Size runs, lower-case as the filters expect. English listings use US shoe sizes (kids in the
 * US toddler/youth notation, "10c", "2y"); Chinese listings use EU/Chinese sizes, so the two
 * number ranges never overlap. Chinese kids' clothing is sized by height in cm, as sold there.
 */
export const SIZE_RUNS: Record<"shoe" | "apparel" | "bed", Record<"en" | "zh", Partial<Record<Audience, string[]>> & { default: string[] }>> = {
  shoe: {
    en: {
      men: ["7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5", "11", "11.5", "12", "13"],
      women: ["5", "5.5", "6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10", "11"],
      kids: ["10c", "11c", "12c", "13c", "1y", "2y", "3y", "4y", "5y"],
      default: ["6", "7", "8", "9", "10", "11", "12"],
    },
    zh: {
      men: ["39", "40", "41", "42", "43", "44", "45", "46"],
      women: ["35", "36", "37", "38", "39", "40", "41"],
      kids: ["28", "29", "30", "31", "32", "33", "34", "35"],
      default: ["36", "37", "38", "39", "40", "41", "42", "43", "44"],
    },
  },
  apparel: {
    en: {
      kids: ["2t", "3t", "4t", "5", "6", "7", "8", "10", "12"],
      default: ["xs", "s", "m", "l", "xl", "xxl"],
    },
    zh: {
      kids: ["100", "110", "120", "130", "140", "150"],
      default: ["xs", "s", "m", "l", "xl", "xxl"],
    },
  },
  bed: {
    en: { default: ["twin", "full", "queen", "king"] },
    zh: { default: ["1.2m", "1.5m", "1.8m", "2.0m"] },
  },
};
