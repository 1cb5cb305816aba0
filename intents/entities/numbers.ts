/**
 * Rewrites written-out numbers as digits so the price patterns only have to know digits:
 * Chinese numerals ("两百" → 200, "一千五" → 1500, "1.5万" → 15000) and English number words of
 * ten and above ("fifty" → 50, "two hundred" → 200). Small English words ("one", "two") are left
 * alone: "this one under 50" must not grow a second number.
 */

const CN_DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const CN_UNITS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** Parses a run of Chinese numeral characters; undefined when the run is not a well-formed number. */
export function parseChineseNumber(run: string): number | undefined {
  let total = 0;
  let section = 0;
  let digit: number | undefined;
  let lastUnit = 0;
  let afterZero = false;
  for (const ch of run) {
    if (ch in CN_DIGITS) {
      const d = CN_DIGITS[ch];
      if (digit !== undefined) return undefined; // "二五" is not how amounts are written
      if (d === 0) {
        afterZero = true;
        continue;
      }
      digit = d;
    } else if (ch in CN_UNITS) {
      const unit = CN_UNITS[ch];
      section += (digit ?? 1) * unit;
      digit = undefined;
      lastUnit = unit;
      afterZero = false;
    } else if (ch === "万") {
      section += digit ?? 0;
      total += (section || 1) * 10000;
      section = 0;
      digit = undefined;
      lastUnit = 10000;
      afterZero = false;
    } else {
      return undefined;
    }
  }
  if (digit !== undefined) {
    // Spoken shorthand: "三百五" is 350 and "两万五" is 25,000 — a trailing digit right after a
    // unit of a hundred or more counts in the next unit down. After 零 it is a plain digit (一百零五).
    section += lastUnit >= 100 && !afterZero ? (digit * lastUnit) / 10 : digit;
  }
  return total + section;
}

const CN_RUN = /[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万]*/g;

const EN_SMALL: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const EN_TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const EN_SCALES: Record<string, number> = { hundred: 100, thousand: 1000 };
const EN_WORD = [...Object.keys(EN_SMALL), ...Object.keys(EN_TENS), ...Object.keys(EN_SCALES)].join("|");
const EN_RUN = new RegExp(`\\b(?:${EN_WORD})(?:(?:\\s+and\\s+|[\\s-]+)(?:${EN_WORD}))*\\b`, "g");

/** The value of a run of English number words, and whether a scale word (hundred, thousand) was in it. */
function englishValue(run: string): { value: number; scaled: boolean } {
  let total = 0;
  let current = 0;
  let scaled = false;
  for (const word of run.split(/[\s-]+/)) {
    if (word === "and") continue;
    if (word in EN_SMALL) current += EN_SMALL[word];
    else if (word in EN_TENS) current += EN_TENS[word];
    else if (word === "hundred") {
      current = (current || 1) * 100;
      scaled = true;
    } else if (word === "thousand") {
      total += (current || 1) * 1000;
      current = 0;
      scaled = true;
    }
  }
  return { value: total + current, scaled };
}

function parseEnglishRun(run: string): number | undefined {
  const { value, scaled } = englishValue(run);
  return value >= 10 || scaled ? value : undefined;
}

/** Expects lower-cased, NFKC-normalised text. */
export function numeralsToDigits(text: string): string {
  return (
    withoutFillersBeforeAmounts(text)
      // 百元 / 千元 with no count in front mean one hundred / one thousand.
      .replace(/(?<![\d零〇一二两三四五六七八九十])([百千万])(?=元|块)/g, (_, unit: string) =>
        unit === "百" ? "100" : unit === "千" ? "1000" : "10000",
      )
      .replace(CN_RUN, (run) => {
        const value = parseChineseNumber(run);
        return value === undefined ? run : String(value);
      })
      .replace(/\ba\s+(hundred|thousand)\b/g, "one $1")
      .replace(EN_RUN, (run) => {
        const value = parseEnglishRun(run);
        return value === undefined ? run : String(value);
      })
      // Thousands separators: "1,299" → 1299 (a comma before exactly three digits).
      .replace(/(\d),(?=\d{3}(?!\d))/g, "$1")
      // Multipliers written after digits: 2k, 3千, 1.5万.
      .replace(/(\d+(?:\.\d+)?)\s*(k|千|万)(?![a-z])/g, (_, n: string, unit: string) =>
        String(Number(n) * (unit === "万" ? 10000 : 1000)),
      )
  );
}

// "under like fifty bucks", "about um 30": spoken filler between a price word and its amount.
const FILLER_BEFORE_AMOUNT = /\b(under|below|over|above|around|about|than|up to|budget(?:\s+(?:is|of))?|spend|for),?\s+(?:(?:like|um+|uh+|er+|erm|say|maybe|just|roughly|you know),?\s+)+(?=[$€£¥]?\s*\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred|hundred)\b)/gi;

/** "under like fifty bucks" → "under fifty bucks": the filler would hide the price phrase. */
function withoutFillersBeforeAmounts(text: string): string {
  return text.replace(FILLER_BEFORE_AMOUNT, "$1 ");
}

const EN_RUN_ANY_CASE = new RegExp(`\\b(?:a\\s+(?=hundred|thousand))?(?:${EN_WORD})(?:(?:\\s+and\\s+|[\\s-]+)(?:${EN_WORD}))*\\b`, "gi");
// A Chinese amount is one only beside money or a bound (两百块, 三百以下): 一双, 三件 stay words.
// …and either side of a range: 三百到五百之间.
const CN_AMOUNT = /[一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万]*(?=\s*(?:元|块|美元|欧元|以下|以内|以上|左右|之内|之间|到|至))|(?<=[到至]\s*)[一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万]*/g;

/**
 * A spoken amount as digits, everything else as written (case kept): "under one hundred dollars" →
 * "under 100 dollars", "两百块以下" → "200块以下" — so the phrases that mark a price are found in
 * speech too. Small words stay ("this one"), as do Chinese numerals that are no amount (一双).
 */
export function spokenAmountsToDigits(text: string): string {
  return withoutFillersBeforeAmounts(text)
    .replace(EN_RUN_ANY_CASE, (run) => {
      const value = parseEnglishRun(run.toLowerCase().replace(/^a\s+/, "one "));
      return value === undefined ? run : String(value);
    })
    .replace(CN_AMOUNT, (run) => {
      const value = parseChineseNumber(run.replace(/^([百千])/, "一$1"));
      return value === undefined ? run : String(value);
    });
}

const EN_SIZE = new RegExp(`\\b(size|sz|eu|uk|us)(\\s+)((?:${EN_WORD})(?:[\\s-]+(?:${EN_WORD}))*)(\\s+and\\s+a\\s+half)?\\b`, "gi");

// 三十码, 四十二码半: a shoe size in Chinese numerals (a run of numeral characters before 码).
const ZH_SIZE = /([零一二两三四五六七八九十]{1,4})(?=\s*(?:码|碼))/g;

/** "size ten", "EU forty two", "size nine and a half", 三十码 as speech (or a Chinese keyboard) writes them → "size 10", "EU 42", "size 9.5", 30码. */
export function spokenSizesToDigits(text: string): string {
  return text
    .replace(EN_SIZE, (whole, marker: string, space: string, run: string, half?: string) => {
      const { value, scaled } = englishValue(run.toLowerCase());
      return !scaled && value > 0 && value < 60 ? `${marker}${space}${value}${half ? ".5" : ""}` : whole;
    })
    .replace(ZH_SIZE, (run) => {
      const value = parseChineseNumber(run);
      return value !== undefined && value >= 10 && value < 60 ? String(value) : run;
    });
}
