/**
 * How big a product is, read from its title: "65 L", "27-inch", "4-Person", "20000mAh", "1 kg",
 * "512GB", 四人, 65升. "Bigger" and "smaller" compare products on one dimension in common units.
 */
export interface Magnitude {
  dimension: "volume" | "mass" | "storage" | "charge" | "screen" | "length" | "people";
  value: number;
}

const CN_NUMBER: Record<string, number> = { 单: 1, 一: 1, 双: 2, 两: 2, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8 };

const RULES: { re: RegExp; dimension: Magnitude["dimension"]; factor: number }[] = [
  { re: /(\d+(?:\.\d+)?)\s*(?:ml|毫升)(?![a-z])/gi, dimension: "volume", factor: 1 },
  { re: /(\d+(?:\.\d+)?)(?:\s+l|\s*litres?|\s*liters?|\s*升)(?![a-z])/gi, dimension: "volume", factor: 1000 },
  { re: /(\d+(?:\.\d+)?)\s*(?:kg|公斤|千克)(?![a-z])/gi, dimension: "mass", factor: 1000 },
  { re: /(\d+(?:\.\d+)?)(?:\s+g|\s*克)(?![a-z])/gi, dimension: "mass", factor: 1 },
  { re: /(\d+(?:\.\d+)?)\s*(?:tb)(?![a-z])/gi, dimension: "storage", factor: 1024 },
  { re: /(\d+(?:\.\d+)?)\s*(?:gb)(?![a-z])/gi, dimension: "storage", factor: 1 },
  { re: /(\d+(?:\.\d+)?)\s*(?:mah|毫安)(?![a-z])/gi, dimension: "charge", factor: 1 },
  { re: /(\d+(?:\.\d+)?)\s*(?:-?\s*inch(?:es)?|"|英寸|寸)(?![a-z])/gi, dimension: "screen", factor: 1 },
  { re: /(\d+(?:\.\d+)?)\s*(?:cm|厘米)(?![a-z])/gi, dimension: "length", factor: 10 },
  { re: /(\d+(?:\.\d+)?)\s*(?:mm|毫米)(?![a-z])/gi, dimension: "length", factor: 1 },
  { re: /(\d+)\s*-?\s*(?:person|people|man)(?![a-z])/gi, dimension: "people", factor: 1 },
  { re: /([单一双两二三四五六七八])人/g, dimension: "people", factor: 1 },
];

/** The product's size on the first dimension its title states; for storage the largest figure ("8GB+256GB" → 256). */
export function magnitudeOf(title: string): Magnitude | undefined {
  for (const rule of RULES) {
    const value = largestFigure(title, [rule]);
    if (value !== undefined) return { dimension: rule.dimension, value };
  }
  return undefined;
}

/** The largest figure these rules read in the text, in their common unit. */
function largestFigure(text: string, rules: typeof RULES): number | undefined {
  let best: number | undefined;
  for (const { re, factor } of rules) {
    for (const m of text.matchAll(re)) {
      const n = (CN_NUMBER[m[1]!] ?? Number(m[1])) * factor;
      if (Number.isFinite(n) && (best === undefined || n > best)) best = n;
    }
  }
  return best;
}

/** The figure a text states on a dimension, as written ("1.5 L", "65 L", "2-Person"); the first found. */
export function statedMeasure(text: string, dimension: Magnitude["dimension"]): string | undefined {
  for (const rule of RULES) {
    if (rule.dimension !== dimension) continue;
    const m = new RegExp(rule.re.source, rule.re.flags.replace("g", "")).exec(text);
    if (m) return m[0].trim();
  }
  return undefined;
}

// "how heavy is it?", "what's the capacity?", 多重, 容量多大, 几人的: a figure asked of a product.
const ASKED: [Magnitude["dimension"], RegExp][] = [
  ["mass", /\bhow heavy\b|\bweigh(?:s|t)?\b|多重|重量|几斤|多少克|多少公斤/i],
  ["volume", /\b(?:capacity|volume)\b|how (?:many|much) (?:litres?|liters?|ml)\b|how much (?:does it|can it|will it) hold|容量|多少升|能装多少/i],
  ["storage", /\bstorage\b|how (?:many|much) (?:gb|tb)\b|存储|多少g\b/i],
  ["charge", /\bbattery (?:capacity|size|life)\b|\bmah\b|how long does (?:the|its) battery last|电池容量|多少毫安|续航|电池(?:能用)?多久/i],
  ["screen", /\bscreen size\b|how big is the (?:screen|display)|\bhow many inch(?:es)?\b|屏幕(?:多大|尺寸)|几寸/i],
  ["people", /\bhow many (?:people|persons)\b|\bsleeps? how many\b|\bfor how many\b|几人|几个人|多少人/i],
];

/** The dimension a question asks a figure of, or undefined. */
export function askedMeasure(text: string): Magnitude["dimension"] | undefined {
  return ASKED.find(([, re]) => re.test(text))?.[0];
}

/** The product's size on one dimension, in common units (the largest figure its title states on it). */
export function magnitudeOn(title: string, dimension: Magnitude["dimension"]): number | undefined {
  return largestFigure(title, RULES.filter((rule) => rule.dimension === dimension));
}

// "which is the thickest?", "which has the most storage?", 哪个最薄: the extreme on a dimension titles state.
const EXTREMES: [RegExp, Magnitude["dimension"], "max" | "min"][] = [
  [/\bthickest\b|最厚/i, "length", "max"],
  [/\bthinnest\b|最薄/i, "length", "min"],
  [/\b(?:most|largest|biggest|highest) (?:storage|memory)\b|存储最大|内存最大/i, "storage", "max"],
  [/\b(?:largest|biggest|highest|most) (?:capacity|volume)\b|\bholds the most\b|容量最大/i, "volume", "max"],
  [/\b(?:largest|biggest|highest) (?:battery|charge)\b|电池最大/i, "charge", "max"],
  [/\b(?:largest|biggest) (?:screen|display)\b|屏幕最大/i, "screen", "max"],
  [/\bheaviest\b|最重/i, "mass", "max"],
  [/\blightest\b|\bleast heavy\b|最轻/i, "mass", "min"],
  [/\bfor the most people\b|\bsleeps the most\b|人数最多|住的人最多/i, "people", "max"],
];

/** The dimension and direction a "which is the …est" question asks of the list, or undefined. */
export function askedExtreme(text: string): { dimension: Magnitude["dimension"]; pick: "max" | "min"; phrase: string } | undefined {
  for (const [re, dimension, pick] of EXTREMES) {
    const m = re.exec(text);
    if (m) return { dimension, pick, phrase: m[0] };
  }
  return undefined;
}
