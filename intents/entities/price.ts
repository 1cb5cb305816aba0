/**
 * Price ranges in English and Chinese: "under 50", "between 20 and 40", "around 50" (±20%),
 * "50元以下", "20到40元", "两百元以下", "不超过50", "100元以上"…
 *
 * A number only counts as money when a price word frames it (under, 以内, between…) or a currency
 * marks it ($50, 50元). Sizes ("size 42", "42码"), quantities ("2 pairs", "3件"), model numbers
 * ("X2", "iPhone 15"), durations and percentages are refused by the guards on either side.
 * Vague words ("cheap", "便宜") are deliberately not turned into numbers.
 */
import type { PriceRange } from "../types.ts";
import { numeralsToDigits } from "./numbers.ts";

/** How far "around 50" reaches either side. */
export const AROUND_TOLERANCE = 0.2;

// Units that make a number something other than money. Latin ones must end at a word boundary.
const LATIN_UNITS = [
  "%",
  "percent",
  "pairs?",
  "pieces?",
  "pcs",
  "items?",
  "units?",
  "packs?",
  "sets?",
  "people",
  "persons?",
  "guests?",
  "years?",
  "yrs?",
  "y/?o",
  "days?",
  "weeks?",
  "months?",
  "hours?",
  "hrs?",
  "minutes?",
  "mins?",
  "seconds?",
  "secs?",
  "am",
  "pm",
  "o'clock",
  "cm",
  "mm",
  "m",
  "km",
  "kg",
  "g",
  "lbs?",
  "oz",
  "inch(?:es)?",
  '"',
  "gb",
  "tb",
  "mb",
  "mah",
  "w",
  "watts?",
  "v",
  "volts?",
  "ml",
  "l",
  "lit(?:er|re)s?",
  "reviews?",
  "stars?",
  "ratings?",
  "x",
  "times",
  "seats?",
  "kids?",
  "ft",
  "feet",
  "foot",
  "miles?",
].join("|");
const CJK_UNITS = "双|件|个|条|套|台|只|瓶|支|盒|包|款|种|天|年|月|周|星期|小时|分钟|秒|人|岁|寸|英寸|厘米|毫米|米|克|公斤|千克|斤|毫升|升|码|号|瓦|次|张|本|位|家|部|层|楼|点|度|折|倍|分";
const NOT_A_UNIT = `(?!\\s*(?:(?:${LATIN_UNITS})(?![a-z])|${CJK_UNITS}))`;

const CUR_PRE = "(?:[$€£¥]|usd|eur|gbp|rmb)\\s*";
const CUR_POST = "\\s*(?:dollars?|bucks|usd|euros?|eur|pounds?|quid|gbp|rmb|yuan|人民币|块钱|块|元|[$€£¥])";
// No letter, digit or point may touch the number (that would be a model: X2, iPhone15, v1.5), and
// size words must not precede it.
const NUM = "(?<![a-z0-9.])(?<!(?:size|sz|eu|us|uk)\\s*)\\d+(?:\\.\\d+)?(?!\\.?\\d)";
/** A number that may be money. */
const MONEY = `((?:${CUR_PRE})?${NUM}(?:${CUR_POST})?(?![a-z0-9])${NOT_A_UNIT})`;
/** A number that is certainly money: it carries a currency. */
const MONEY_MARKED = `((?:${CUR_PRE}${NUM}(?:${CUR_POST})?|${NUM}${CUR_POST})(?![a-z0-9])${NOT_A_UNIT})`;
const HAS_CURRENCY = /[$€£¥]|usd|eur|gbp|rmb|dollar|buck|euro|pound|quid|yuan|人民币|块|元/;
// The word before a bare number range that makes it a model or version, not prices: "iPhone 14 to 15".
const MODEL_BEFORE = /(?:^|\s)(?:iphone|ipad|galaxy|pixel|series|model|version|gen|generation|mk|ios|android|windows|playstation|ps|xbox|note|watch|v|[a-z]*\d[a-z\d]*)\s*$/;

/**
 * A range written without a currency must read like one: not a model's versions, and ascending —
 * "9 to 5" and "between 9 and 5" are opening hours, not prices.
 */
function plausibleRange(m: RegExpExecArray, text: string): boolean {
  if (HAS_CURRENCY.test(m[0])) return true;
  if (amount(m[1]) > amount(m[2])) return false;
  return !MODEL_BEFORE.test(text.slice(0, m.index));
}

// An age, not a price: "toys for kids under 10".
const NOT_AGE = "(?<!(?:kids?|child(?:ren)?|ages?|aged|bab(?:y|ies)|boys?|girls?|toddlers?|teens?)\\s+)";

type Kind = "range" | "min" | "max" | "around";

interface Rule {
  kind: Kind;
  re: RegExp;
  /** Extra check for matches a pattern alone cannot settle. */
  accept?: (match: RegExpExecArray, text: string) => boolean;
}

const rule = (kind: Kind, source: string, accept?: Rule["accept"]): Rule => ({ kind, re: new RegExp(source, "g"), accept });

// Order matters: negated comparatives before plain ones, ranges before single bounds, and a bare
// currency amount last; a span used by an earlier rule is not read again.
const RULES: Rule[] = [
  // "nothing over 30", "nothing more than 30", "anything but over 30" ("no more than" too).
  rule("max", `\\b(?:not|no|nothing|none|never)\\s+(?:more|higher|greater|over|above|exceeding|pricier|dearer)(?:\\s+than)?\\s*${MONEY}`),
  rule("min", `\\b(?:not|no|nothing|none|never)\\s+(?:less|lower|cheaper|under|below)(?:\\s+than)?\\s*${MONEY}`),
  rule("min", `(?:不低于|不少于|不小于|不便宜于)\\s*${MONEY}`),
  rule("max", `(?:不超过|不高于|不多于|不大于|不要超过|别超过|不到)\\s*${MONEY}`),

  rule("range", `\\bbetween\\s+${MONEY}\\s*(?:and|to|-|–)\\s*${MONEY}`, plausibleRange),
  rule("range", `\\bfrom\\s+${MONEY}\\s*(?:to|-|–|until|till|up\\s+to)\\s*${MONEY}`, plausibleRange),
  rule("range", `(?:在|介于)?\\s*${MONEY}\\s*(?:和|与|到|至)\\s*${MONEY}\\s*之间`),
  rule("range", `${MONEY}\\s*(?:到|至)\\s*${MONEY}`, plausibleRange),
  rule("range", `${NOT_AGE}${MONEY}\\s*(?:-|–|—|~|～)\\s*${MONEY}`, plausibleRange),
  rule("range", `${NOT_AGE}${MONEY}\\s+to\\s+${MONEY}`, plausibleRange),

  rule("around", `(?:\\b(?:around|about|approximately|approx\\.?|roughly|circa)\\s+|~\\s*|(?:大概|大约|差不多|约)\\s*)${MONEY}`),
  rule("around", `${MONEY}\\s*(?:左右|上下|\\bish\\b|\\bor\\s+so\\b)`),

  rule(
    "max",
    `${NOT_AGE}\\b(?:under|below|beneath|less\\s+than|lower\\s+than|cheaper\\s+than|up\\s+to|upto|at\\s+most|max(?:imum)?\\.?|within|budget(?:\\s+(?:is|of))?|<=?)\\s*:?\\s*${MONEY}`,
  ),
  rule("max", `(?<!不)(?:低于|少于|小于|便宜于|最多|顶多|最高|预算(?:是|在|为|有|只有)?)\\s*${MONEY}`),
  // A sum to spend: "I have 150 to spend", "spend 150 on", "150 in total", 一共300.
  rule("max", `\\b(?:spend|spending|afford)\\s+(?:up\\s+to\\s+|at\\s+most\\s+|only\\s+)?${MONEY}`),
  rule("max", `\\b(?:have|got)\\s+(?:only\\s+|just\\s+)?${MONEY}\\s+to\\s+spend\\b`),
  rule("max", `${MONEY}\\s+(?:to\\s+spend|budget|in\\s+total|total|altogether|all\\s+in|for\\s+(?:both|everything|the\\s+lot))\\b`),
  rule("max", `(?:[一1]共|总共|总计|加起来|合计)(?:有|只有)?\\s*${MONEY}`),
  rule("max", `${MONEY}\\s*(?:or\\s+(?:less|under|below|cheaper)|and\\s+(?:under|below|less)|max(?:imum)?|tops|at\\s+most)\\b`),
  rule("max", `${MONEY}\\s*(?:以下|以内|之内|之下|内|封顶)`),

  rule(
    "min",
    `\\b(?:over|above|more\\s+than|greater\\s+than|higher\\s+than|at\\s+least|min(?:imum)?\\.?|starting\\s+(?:at|from)|>=?)\\s*${MONEY}`,
  ),
  rule("min", `\\bfrom\\s+${MONEY_MARKED}`),
  rule("min", `(?<!不)(?:高于|超过|多于|大于|至少|最少|起码|最低)\\s*${MONEY}`),
  rule("min", `${MONEY}\\s*(?:\\+|or\\s+(?:more|above|over|higher)\\b|and\\s+(?:up|above|over|higher)\\b|plus\\b)`),
  rule("min", `${MONEY}\\s*(?:以上|之上|起步|起|往上)`),

  rule("around", MONEY_MARKED),
];

function amount(token: string): number {
  return Number(token.match(/\d+(?:\.\d+)?/)![0]);
}

const round = (n: number): number => Math.round(n * 100) / 100;

/** Lower-cases and folds full-width forms (５０元, ￥) so one set of patterns serves all inputs. */
export function normaliseForPrice(text: string): string {
  return numeralsToDigits(
    text
      .normalize("NFKC")
      .toLowerCase()
      .replace(/[’‘]/g, "'")
      .replace(/(\d)ish\b/g, "$1 ish"),
  );
}

export function extractPrice(text: string): PriceRange | undefined {
  const normal = normaliseForPrice(text);
  const used: [number, number][] = [];
  const overlaps = (start: number, end: number) => used.some(([s, e]) => start < e && s < end);
  let min: number | undefined;
  let max: number | undefined;
  let around: number | undefined;

  for (const { kind, re, accept } of RULES) {
    re.lastIndex = 0;
    for (let m = re.exec(normal); m; m = re.exec(normal)) {
      const start = m.index;
      const end = start + m[0].length;
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (overlaps(start, end) || (accept && !accept(m, normal))) continue;
      used.push([start, end]);
      if (kind === "range") {
        const [a, b] = [amount(m[1]), amount(m[2])];
        min ??= Math.min(a, b);
        max ??= Math.max(a, b);
      } else if (kind === "min") min ??= amount(m[1]);
      else if (kind === "max") max ??= amount(m[1]);
      else around ??= amount(m[1]);
    }
  }

  if (min === undefined && max === undefined) {
    if (around === undefined) return undefined;
    return { min: round(around * (1 - AROUND_TOLERANCE)), max: round(around * (1 + AROUND_TOLERANCE)) };
  }
  // "over 100 but under 50" is a slip of the tongue more often than an empty range.
  if (min !== undefined && max !== undefined && min > max) [min, max] = [max, min];
  const range: PriceRange = {};
  if (min !== undefined) range.min = min;
  if (max !== undefined) range.max = max;
  return range;
}
