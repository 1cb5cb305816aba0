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
  for (const { re, dimension, factor } of RULES) {
    let best: number | undefined;
    for (const m of title.matchAll(re)) {
      const n = CN_NUMBER[m[1]!] ?? Number(m[1]);
      if (Number.isFinite(n) && (best === undefined || n * factor > best)) best = n * factor;
    }
    if (best !== undefined) return { dimension, value: best };
  }
  return undefined;
}
