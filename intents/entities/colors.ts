/**
 * Colours, canonical as basic English names so the catalogue filter has one vocabulary:
 * red orange yellow green blue purple pink brown beige black white grey silver gold.
 * Shades map to their basic colour ("navy" → blue, "酒红" → red). Words that are usually
 * something else in a shop are left out on purpose: "cream" (face cream), "olive" (olive oil),
 * "plum", "sage", "blush", "coffee", "chocolate", "lemon", "mint".
 */

const EN: Record<string, string[]> = {
  red: ["red", "crimson", "scarlet", "burgundy", "maroon", "wine red", "cherry red"],
  orange: ["orange", "tangerine", "coral", "rust"],
  yellow: ["yellow", "mustard", "mustard yellow", "lemon yellow"],
  green: ["green", "olive green", "mint green", "emerald", "forest green", "lime green", "khaki green"],
  blue: ["blue", "navy", "navy blue", "sky blue", "light blue", "dark blue", "royal blue", "turquoise", "teal", "cobalt", "baby blue"],
  purple: ["purple", "violet", "lilac", "mauve", "magenta"],
  pink: ["pink", "hot pink", "rose pink", "fuchsia", "baby pink"],
  brown: ["brown", "tan", "camel", "chestnut", "chocolate brown", "cognac"],
  beige: ["beige", "khaki", "sand", "nude", "taupe", "stone"],
  black: ["black", "jet black"],
  white: ["white", "ivory", "off-white", "off white", "cream-coloured", "cream-colored"],
  grey: ["grey", "gray", "charcoal", "slate grey", "slate gray", "ash grey"],
  silver: ["silver"],
  gold: ["gold", "golden", "rose gold"],
};

const ZH: Record<string, string[]> = {
  red: ["红色", "大红", "正红", "酒红", "枣红", "暗红"],
  orange: ["橙色", "橘色", "橘红", "橙红"],
  yellow: ["黄色", "鹅黄", "姜黄", "明黄"],
  green: ["绿色", "军绿", "墨绿", "草绿", "薄荷绿", "橄榄绿", "牛油果绿"],
  blue: ["蓝色", "藏青", "藏蓝", "海军蓝", "天蓝", "宝蓝", "湖蓝", "浅蓝", "深蓝", "雾霾蓝", "牛仔蓝", "克莱因蓝"],
  purple: ["紫色", "浅紫", "香芋紫", "深紫"],
  pink: ["粉色", "粉红", "粉红色", "玫红", "樱花粉", "浅粉"],
  brown: ["棕色", "咖啡色", "褐色", "驼色", "焦糖色"],
  beige: ["米色", "卡其色", "卡其", "杏色", "奶茶色"],
  black: ["黑色", "纯黑", "曜石黑"],
  white: ["白色", "米白", "纯白", "象牙白", "奶白"],
  grey: ["灰色", "深灰", "浅灰", "炭灰", "银灰"],
  silver: ["银色"],
  gold: ["金色", "香槟金", "玫瑰金"],
};

/** A bare colour character followed by 的 ("要红的", "黑的和灰的"), only after words that make it a choice. */
const ZH_SHORT: Record<string, string> = {
  红: "red",
  橙: "orange",
  黄: "yellow",
  绿: "green",
  蓝: "blue",
  紫: "purple",
  粉: "pink",
  棕: "brown",
  黑: "black",
  白: "white",
  灰: "grey",
};

const lookup = new Map<string, string>();
for (const table of [EN, ZH]) {
  for (const [canonical, names] of Object.entries(table)) for (const name of names) lookup.set(name, canonical);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const byLength = (a: string, b: string) => b.length - a.length;
const enNames = Object.values(EN).flat().sort(byLength).map(escapeRegExp).join("|").replace(/ /g, "[\\s-]+");
const zhNames = Object.values(ZH).flat().sort(byLength).map(escapeRegExp).join("|");
// Longest names first, so "navy blue" and "粉红色" are read once, as a whole.
const COLOR_RE = new RegExp(
  `(?<![a-z])(${enNames})(?:[\\s-]+colou?red)?(?![a-z])|(${zhNames})|(?<=^|[要买有是选换挑拿来款种那这个和或跟还])([${Object.keys(ZH_SHORT).join("")}])的`,
  "g",
);

export function extractColors(text: string): string[] {
  const normal = text.toLowerCase().replace(/\s+/g, " ");
  const found: string[] = [];
  for (const m of normal.matchAll(COLOR_RE)) {
    const canonical = m[1] ? lookup.get(m[1].replace(/[\s-]+/g, " ")) ?? lookup.get(m[1]) : m[2] ? lookup.get(m[2]) : ZH_SHORT[m[3]];
    if (canonical && !found.includes(canonical)) found.push(canonical);
  }
  return found;
}

/** The canonical colour names extractColors can return. */
export const COLORS = Object.keys(EN);

/** Every word a canonical colour is said with, in English and Chinese ("red" → red, crimson, 红色, 酒红…). */
export function colourWords(canonical: string): string[] {
  return [...(EN[canonical] ?? [canonical]), ...(ZH[canonical] ?? [])];
}

/** Every English name a canonical colour covers ("blue" → blue, navy, teal…), for catalogues that keep the shade. */
export function colorShades(canonical: string): string[] {
  return EN[canonical] ? [...EN[canonical]] : [canonical];
}

/** A canonical colour as a shopper reads it: the English name, or the plain Chinese one (红色). */
export function colorName(canonical: string, locale: "en" | "zh"): string {
  if (locale === "zh") return ZH[canonical]?.[0] ?? canonical;
  return canonical;
}
