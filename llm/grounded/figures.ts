/**
 * Figures in the text a model wrote itself (never in what the catalogue rendered into it). In a
 * grounded reply every price, stock count, discount or other figure comes from a placeholder, so
 * any figure found here is one the model invented, in whatever spelling it chose. The grammar
 * already keeps digits, currency symbols and '%' out; this catches what a grammar cannot: number
 * words, Chinese numerals, currency words, percentages and links spelled with letters.
 *
 * What counts (README "Grounded means grounded" has the same list for people):
 * - any numeric character (any script: digits, fractions, circled or Roman numerals), any currency
 *   symbol, any percent or per-mille sign;
 * - English number words two…ninety-nine, hundred, thousand, million, billion, trillion, dozen,
 *   zero; "one" only where it is a quantity (before a unit, money, stock or another number word, or
 *   after only/just/costs/priced at/down to/under/over) — "this one", "one of", "one day" are prose;
 *   "half" only as a price ("half price", "half off", "at half"). Ordinals and once/twice are prose;
 * - money words (dollar, euro, pound, yuan, cent…), ISO currency codes, 美元/人民币/块钱…;
 * - "percent", "per cent", "pct", 百分之, 半价, and a numeral before 折 or 成;
 * - Chinese numerals used as figures: two or more numerals together (九十九, 一百二十八, 三千万),
 *   and a numeral before a measure word (两件, 三双, 五元, 九分); 一 before a measure word only after
 *   only/left/buy (只剩一件, 买一件) or before 折/元/块/倍, since 一件/一款/一次 are the language's
 *   article, not a count. Not the words 千万, 万一, 万万, 一一, 十分, 万分, 五颜六色, 乱七八糟, 一五一十
 *   (unless another numeral touches them: 九十分钟);
 * - links: a scheme (http, https, ftp), www, "dot com", an address with '@', and a host name —
 *   labels joined by dots ending in a known top-level domain, or two lower-case labels of two or
 *   more letters with no space around the dot ("evil.example", "shop.example.com").
 */

export type FigureKind = "digit" | "currency" | "percent" | "number_word" | "zh_numeral" | "url";

export interface Figure {
  kind: FigureKind;
  text: string;
}

/** The text a reader sees: compatibility forms folded (ｎｉｎｅ → nine) and invisible format characters gone. */
function visibleText(text: string): string {
  return text.normalize("NFKC").replace(/\p{Cf}/gu, "");
}

const NUMERAL = "零〇一二两兩三四五六七八九十百千万萬亿億壹贰貳叁參肆伍陆陸柒捌玖拾佰仟";
const ZH_UNITS = "公斤|千克|厘米|毫米|毫升|小时|小時|分钟|分鐘|英寸|个月|個月|[件个個双雙台套份只条條瓶盒包款色种種码碼号號张張本支枚颗顆粒片袋箱组組位名次倍天年月周岁歲斤克米寸分折成元块塊]";

const EN_NUMBERS =
  "zero|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|trillions?|dozens?";
const MONEY_WORDS = "dollars?|bucks?|euros?|pounds?|quid|cents?|penny|pennies|pence|yuan|renminbi|yen|rupees?|francs?";
const QUANTITY_AFTER_ONE = `${MONEY_WORDS}|${EN_NUMBERS}|percent|per\\s?cent|left|remaining|in\\s+stock|available|units?|pieces?|pcs|items?|pairs?|packs?|more|point|and\\s+a\\s+half`;

// ASCII word edges that, unlike \b, also part a word from '_' and from letters with accents.
const W = (words: string) => `(?<![A-Za-z])(?:${words})(?![A-Za-z])`;

const PATTERNS: [FigureKind, RegExp][] = [
  ["digit", /\p{N}+/gu],
  ["currency", /\p{Sc}/gu],
  ["currency", new RegExp(W(MONEY_WORDS), "gi")],
  ["currency", new RegExp(`${W("USD|EUR|GBP|CNY|RMB|JPY|CHF|CAD|AUD|HKD|SGD|NZD|INR|KRW|SEK|NOK|DKK")}|${W("usd|eur|gbp|cny|rmb|jpy|hkd|aud|sgd|nzd|inr|krw|chf")}`, "g")],
  ["currency", /美元|美金|欧元|歐元|英镑|英鎊|日元|港元|港币|港幣|韩元|韓元|人民币|人民幣|块钱|塊錢/g],
  ["percent", new RegExp(`[%％‰‱٪﹪]|${W("per\\s*cent|percent|pct")}|百分之|半价|半價`, "gi")],
  ["number_word", new RegExp(W(EN_NUMBERS), "gi")],
  ["number_word", new RegExp(`${W("one")}(?=[\\s-]+(?:${QUANTITY_AFTER_ONE})(?![A-Za-z]))|${W("only|just|costs?|priced\\s+at|down\\s+to|under|over")}\\s+one(?![A-Za-z])`, "gi")],
  ["number_word", new RegExp(`${W("half")}[\\s-]*(?:price[ds]?|off)(?![A-Za-z])|${W("at|for")}\\s+half(?![A-Za-z])`, "gi")],
  ["url", new RegExp(`${W("https?|ftp|www")}|${W("dot")}\\s+(?:com|net|org|cn)(?![A-Za-z])|\\S@\\S`, "gi")],
  [
    "url",
    /(?<![A-Za-z0-9-])[a-z0-9-]+(?:[.。][a-z0-9-]+)*[.。](?:com|net|org|io|co|cn|uk|de|fr|jp|ru|info|biz|shop|store|online|site|app|dev|xyz|top|me|ly|gl|link|example|test|invalid|local|tk|us|ca|au|in|eu|tv|cc|ai)(?![A-Za-z0-9-])/gi,
  ],
  ["url", /(?<![A-Za-z0-9])[a-z][a-z-]+(?:[.。][a-z][a-z-]+)+(?![A-Za-z0-9])/g],
];

const ZH_RUN = new RegExp(`[${NUMERAL}]+`, "g");
const ZH_UNIT_AFTER = new RegExp(`^\\s?(?:${ZH_UNITS})`);
// Words whose numerals are not figures; not when another numeral is next to them (九十分钟, 一万一).
const ZH_IDIOMS = new RegExp(`(?<![${NUMERAL}])(?:千万|万一|万万|一一|十分|万分|五颜六色|乱七八糟|一五一十)(?![${NUMERAL}钟鐘])`, "g");
// Before 一, these make it a count: 只剩一件, 仅此一件, 买一送一.
const ZH_COUNT_CUE = /(?:只|仅|僅|就|剩|共|限|买|買|送|还有|還有|只有|仅有|僅有|库存|庫存|仅此|僅此)$/;
const ZH_ALWAYS_FIGURE_AFTER_ONE = /^\s?[折元块塊倍]/;

function chineseNumerals(text: string): Figure[] {
  const t = text.replace(ZH_IDIOMS, (m) => "\u3000".repeat(m.length));
  const found: Figure[] = [];
  for (const m of t.matchAll(ZH_RUN)) {
    const run = m[0];
    if (run.length >= 2) {
      found.push({ kind: "zh_numeral", text: run });
      continue;
    }
    const after = t.slice(m.index + run.length);
    const unit = ZH_UNIT_AFTER.exec(after)?.[0];
    if (!unit) continue;
    if (run === "一" && !ZH_ALWAYS_FIGURE_AFTER_ONE.test(after) && !ZH_COUNT_CUE.test(t.slice(0, m.index))) continue;
    found.push({ kind: "zh_numeral", text: run + unit });
  }
  return found;
}

/** Every figure in `text`, which must be model-written free text only. */
export function freeTextFigures(text: string): Figure[] {
  const t = visibleText(text);
  const found: Figure[] = [];
  for (const [kind, re] of PATTERNS) for (const m of t.matchAll(re)) found.push({ kind, text: m[0] });
  found.push(...chineseNumerals(t));
  return found;
}
