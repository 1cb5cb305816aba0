import { spokenSizesToDigits } from "./numbers.ts";

/**
 * Clothing and shoe sizes, canonical: letter sizes upper-case ("XS" … "XXXL"), "ONE SIZE",
 * a bare number for "size 42" / "42码", and the system kept when the shopper names one
 * ("EU 42", "UK 7", "US 9"), since US 9 and EU 42 are different shoes.
 */

interface SizeRule {
  re: RegExp;
  size: (m: RegExpExecArray) => string | undefined;
  /** Said as a size ("size 42", "EU 42", 42码): never words of what is searched for. */
  marked?: boolean;
}

const WORD_SIZES: Record<string, string> = {
  "extra small": "XS",
  "x small": "XS",
  xsmall: "XS",
  small: "S",
  medium: "M",
  large: "L",
  "extra large": "XL",
  "x large": "XL",
  xlarge: "XL",
  "extra extra large": "XXL",
};
const WORD = "(extra[\\s-]+extra[\\s-]+large|extra[\\s-]+small|extra[\\s-]+large|x-?small|x-?large|small|medium|large)";
const word = (s: string) => WORD_SIZES[s.toLowerCase().replace(/[\s-]+/g, " ")] ?? WORD_SIZES[s.toLowerCase().replace(/[\s-]+/g, "")];

const LETTER = "(xxxs|xxs|xs|xxxl|xxl|xl|[2-5]xl|s|m|l)";
const letter = (s: string) => {
  const up = s.toUpperCase();
  const n = /^([2-5])XL$/.exec(up);
  return n ? `${"X".repeat(Number(n[1]))}L` : up;
};

const ZH_WORDS: Record<string, string> = {
  加大号: "XL",
  加大码: "XL",
  特大号: "XXL",
  大号: "L",
  大码: "L",
  中号: "M",
  中码: "M",
  小号: "S",
  小码: "S",
  均码: "ONE SIZE",
  均号: "ONE SIZE",
};

const NUMBER = "(\\d{1,2}(?:\\.5)?)(?![\\d.])";

// Earlier rules claim their span first, so "size EU 42" is read once, as EU 42.
const RULES: SizeRule[] = [
  { re: new RegExp(`\\b(?:size\\s+)?(eu|uk)\\s*(?:size\\s*)?${NUMBER}`, "gi"), size: (m) => `${m[1].toUpperCase()} ${m[2]}`, marked: true },
  // "us" is also a pronoun ("show us 5 bags"): only the capitalised code or with the word size.
  { re: new RegExp(`\\b(?:US|size\\s+us|us\\s+size)\\s*${NUMBER}`, "g"), size: (m) => `US ${m[1]}`, marked: true },
  { re: new RegExp(`\\b(?:size\\s+us|us\\s+size)\\s*${NUMBER}`, "gi"), size: (m) => `US ${m[1]}`, marked: true },
  { re: new RegExp(`\\b(?:size|sz)\\.?\\s*${NUMBER}`, "gi"), size: (m) => m[1], marked: true },
  { re: new RegExp(`(?<![\\d.])${NUMBER}\\s*(?:码|碼)`, "g"), size: (m) => m[1], marked: true },
  // "size M", "sz. L" — but "sizes" is not size S.
  { re: new RegExp(`\\b(?:size|sz)(?:[.:]\\s*|\\s+)${LETTER}\\b`, "gi"), size: (m) => letter(m[1]), marked: true },
  { re: new RegExp(`(?<![a-z])${LETTER}\\s*(?:码|号)`, "gi"), size: (m) => letter(m[1]), marked: true },
  // Two letters or more are a size however they are said ("he's an XL"): never a word to search.
  { re: /(?<![\w'’&])(XXXS|XXS|XS|XXXL|XXL|XL|[2-5]XL)(?![\w'’&])/gi, size: (m) => letter(m[1]), marked: true },
  // Single letters only in capitals: "s", "m" and "l" are too common in lower-case chat.
  // …and not as a model: "Xbox Series S", "Galaxy S", "Plan B"; nor as a unit after a number ("65 L", "5 M").
  {
    re: /(?<![\w'’&.-])(?<!\d\s*)(?<!(?:[Ss]eries|[Mm]odel|[Vv]ersion|[Tt]ype|[Cc]lass|[Gg]alaxy|[Pp]lan|[Oo]ption|[Gg]rade|[Ee]dition)\s)([SML])(?![\w'’&-])/g,
    size: (m) => m[1],
  },
  { re: new RegExp(`\\b(?:size|in(?:\\s+(?:a|an|the))?(?:\\s+size)?|the)\\s+${WORD}\\b`, "gi"), size: (m) => word(m[1]) },
  { re: new RegExp(`\\b${WORD}\\s+size\\b`, "gi"), size: (m) => word(m[1]) },
  {
    re: new RegExp(`\\b(?:a|an)\\s+${WORD}(?=\\s*(?:$|[?.!,]|\\s+(?:one|size|please|in|for)\\b))`, "gi"),
    size: (m) => word(m[1]),
  },
  { re: /\bone[\s-]size(?:[\s-]fits[\s-]all)?\b/gi, size: () => "ONE SIZE" },
  { re: new RegExp(Object.keys(ZH_WORDS).join("|"), "g"), size: (m) => ZH_WORDS[m[0]] },
];

interface SizeSpan {
  start: number;
  end: number;
  value: string;
  marked: boolean;
}

function sizeSpans(normal: string): SizeSpan[] {
  const spans: SizeSpan[] = [];
  for (const { re, size, marked } of RULES) {
    re.lastIndex = 0;
    for (let m = re.exec(normal); m; m = re.exec(normal)) {
      const start = m.index;
      const end = start + m[0].length;
      if (spans.some((s) => start < s.end && s.start < end)) continue;
      const value = size(m);
      if (!value) continue;
      spans.push({ start, end, value, marked: !!marked });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

function normalise(text: string): string {
  return spokenSizesToDigits(text.normalize("NFKC").replace(/[’‘]/g, "'"));
}

export function extractSizes(text: string): string[] {
  // In the order the shopper said them, once each.
  return [...new Set(sizeSpans(normalise(text)).map((s) => s.value))];
}

/**
 * The text without the sizes it states as sizes ("hiking boots size 42" → "hiking boots"): a size
 * is a filter, and "size" read as a search word would make it the compound's head.
 */
export function withoutSizePhrases(text: string): string {
  const normal = normalise(text);
  let out = "";
  let at = 0;
  for (const s of sizeSpans(normal)) {
    if (!s.marked) continue;
    out += `${normal.slice(at, s.start).replace(/\b(?:in|a|an)\s*$/i, "")} `;
    at = s.end;
  }
  return (out + normal.slice(at)).replace(/\s+/g, " ").trim();
}
