import { CURRENCY_SYMBOLS, moneyWords, numberWords, ordinalWords } from "./numbers.ts";

/**
 * English text as the words a person would say, lower-case, one token per word: numbers, money,
 * percentages, ordinals and times spelled out, acronyms as letters, punctuation gone (apostrophes
 * inside words kept: "i'd", "what's"). The recogniser's language model is built from text in this
 * form, and word error rates compare both sides in it.
 */
export function spokenWords(text: string): string[] {
  let t = text.normalize("NFKC").replace(/[’‘`´]/g, "'");
  // Split glued units before anything else: "SPF50" → "SPF 50", "9am" → "9 am", "42EU" → "42 EU".
  t = t.replace(/(\d)(?!(?:st|nd|rd|th)\b)([a-zA-Z])/g, "$1 $2").replace(/([a-zA-Z])(\d)/g, "$1 $2");
  const currency = CURRENCY_SYMBOLS.map((s) => `\\${s}`).join("");
  const out: string[] = [];
  /** The number just before, when the previous token was one: "4 L" reads "four liters", "1 kg" "one kilogram". */
  let number: string | undefined;
  const tokenRe = new RegExp(`([${currency}])\\s?(${NUMBER})|(\\d+):(\\d{2})|(\\d+)(st|nd|rd|th)\\b|(${NUMBER})(\\s?%)?|([A-Za-z]+(?:'[A-Za-z]+)*)|(&)|(\\+)|(%)`, "g");
  for (const m of t.matchAll(tokenRe)) {
    const after = number;
    number = undefined;
    if (m[1]) out.push(...moneyWords(m[1], m[2]));
    else if (m[3]) {
      out.push(...numberWords(m[3]));
      if (m[4] !== "00") out.push(...(m[4].startsWith("0") ? ["oh", ...numberWords(m[4].slice(1))] : numberWords(m[4])));
    } else if (m[5]) out.push(...ordinalWords(m[5]));
    else if (m[7]) {
      out.push(...numberWords(m[7]));
      if (m[8]) out.push("percent");
      else number = m[7];
    } else if (m[9]) {
      const unit = after !== undefined ? unitOf(m[9]) : undefined;
      if (unit) out.push(...(after === "1" ? unit[0] : unit[1]).split(" "));
      else out.push(...wordForms(m[9]));
    }
    else if (m[10]) out.push("and");
    else if (m[11]) out.push("plus");
    else if (m[12]) out.push("percent");
  }
  return out;
}

/**
 * A number as written: thousands grouped by commas only when every group has three digits and no
 * digit follows ("1,200,000"), so the comma in "January 05, 2019" ends the number rather than
 * joining it to the year. Several points ("1.2.3", a version) read as "one point two point three".
 */
const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?!\d|,\d)(?:\.\d+)*|\d+(?:\.\d+)*`;

/** Own keys only: "1 constructor" must not find Object.prototype.constructor. */
function unitOf(word: string): [string, string] | undefined {
  if (Object.hasOwn(UNITS, word)) return UNITS[word];
  const lower = word.toLowerCase();
  return Object.hasOwn(UNITS, lower) ? UNITS[lower] : undefined;
}

/** Units after a number, singular and plural, as people say them. */
const UNITS: Record<string, [string, string]> = {
  kg: ["kilogram", "kilograms"],
  g: ["gram", "grams"],
  mg: ["milligram", "milligrams"],
  ml: ["milliliter", "milliliters"],
  l: ["liter", "liters"],
  L: ["liter", "liters"],
  mm: ["millimeter", "millimeters"],
  cm: ["centimeter", "centimeters"],
  km: ["kilometer", "kilometers"],
  gb: ["gigabyte", "gigabytes"],
  tb: ["terabyte", "terabytes"],
  mb: ["megabyte", "megabytes"],
  mah: ["milliamp hour", "milliamp hours"],
  oz: ["ounce", "ounces"],
  lb: ["pound", "pounds"],
  lbs: ["pound", "pounds"],
  ft: ["foot", "feet"],
  w: ["watt", "watts"],
  hz: ["hertz", "hertz"],
};

const KEEP_UPPER = new Set(["OK", "I", "A"]);

function wordForms(word: string): string[] {
  // Short all-capital words are read as letters (USB, TV, SPF), unless they are words themselves.
  if (/^[A-Z]{2,4}$/.test(word) && !KEEP_UPPER.has(word) && !/^[A-Z][AEIOU][A-Z]$/.test(word)) return word.toLowerCase().split("");
  if (/^(am|pm)$/i.test(word)) return word.toLowerCase().split("");
  return [word.toLowerCase()];
}

export function spokenForm(text: string): string {
  return spokenWords(text).join(" ");
}
