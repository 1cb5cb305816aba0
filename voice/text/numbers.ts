/** English numbers as they are spoken: "49.99" in dollars → "forty nine dollars ninety nine cents". */

const ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const SCALES: [number, string][] = [
  [1e9, "billion"],
  [1e6, "million"],
  [1e3, "thousand"],
];
const ORDINAL_WORDS: Record<string, string> = {
  one: "first",
  two: "second",
  three: "third",
  five: "fifth",
  eight: "eighth",
  nine: "ninth",
  twelve: "twelfth",
};

function under1000(n: number): string[] {
  const out: string[] = [];
  if (n >= 100) {
    out.push(ONES[Math.floor(n / 100)], "hundred");
    n %= 100;
  }
  if (n >= 20) {
    out.push(TENS[Math.floor(n / 10)]);
    if (n % 10) out.push(ONES[n % 10]);
  } else if (n > 0 || out.length === 0) out.push(ONES[n]);
  return out;
}

/** Each digit of a string as its word; anything that is not a digit is left out. */
export function digitWords(text: string): string[] {
  return [...text].flatMap((d) => (d >= "0" && d <= "9" ? [ONES[d.charCodeAt(0) - 48]] : []));
}

/** A whole number (0 … 999,999,999,999) in words; larger or non-integer input is read digit by digit. */
export function integerWords(n: number): string[] {
  // String(1e21) is "1e+21": only a number below 1e12 reaches String() here, so no exponent form.
  if (!Number.isSafeInteger(n) || n < 0 || n >= 1e12) return Number.isFinite(n) && n >= 0 && n < 1e21 ? digitWords(n.toFixed(0)) : [];
  if (n === 0) return ["zero"];
  const out: string[] = [];
  for (const [value, name] of SCALES) {
    if (n >= value) {
      out.push(...under1000(Math.floor(n / value)), name);
      n %= value;
    }
  }
  if (n > 0) out.push(...under1000(n));
  return out;
}

/** A digit string as a whole number: up to twelve digits as a number, longer ones digit by digit. */
function digitStringWords(digits: string): string[] {
  const plain = digits.replace(/\D/g, "");
  if (!plain) return [];
  return plain.length > 12 ? digitWords(plain) : integerWords(Number(plain));
}

/** "21" → twenty first; the argument may be a number or its digits (so a 30-digit ordinal keeps its digits). */
export function ordinalWords(n: number | string): string[] {
  const words = typeof n === "string" ? digitStringWords(n) : integerWords(n);
  if (words.length === 0) return words;
  const last = words[words.length - 1];
  const irregular = ORDINAL_WORDS[last];
  words[words.length - 1] = irregular ?? (last.endsWith("y") ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return words;
}

/**
 * "9.5" → nine point five; "1,200" → one thousand two hundred; "007" → zero zero seven. Total:
 * whatever else the text holds (a trailing comma, a second point, letters) is not read, so every
 * word returned is a word.
 */
export function numberWords(text: string): string[] {
  const [first = "", ...fractions] = text.split(".");
  const whole = first.replace(/\D/g, "");
  const out: string[] = [];
  if (whole.length > 1 && whole.startsWith("0")) out.push(...digitWords(whole));
  else out.push(...digitStringWords(whole));
  for (const f of fractions) {
    const digits = f.replace(/\D/g, "");
    if (digits) out.push("point", ...digitWords(digits));
  }
  return out;
}

const CURRENCIES: Record<string, [string, string, string, string]> = {
  $: ["dollar", "dollars", "cent", "cents"],
  "£": ["pound", "pounds", "penny", "pence"],
  "€": ["euro", "euros", "cent", "cents"],
  "¥": ["yuan", "yuan", "fen", "fen"],
};

/** "$49.99" → forty nine dollars ninety nine cents; "$1" → one dollar. */
export function moneyWords(symbol: string, amount: string): string[] {
  const names = Object.hasOwn(CURRENCIES, symbol) ? CURRENCIES[symbol] : CURRENCIES.$;
  const dot = amount.indexOf(".");
  const whole = (dot < 0 ? amount : amount.slice(0, dot)).replace(/\D/g, "") || "0";
  const fraction = dot < 0 ? "" : amount.slice(dot + 1).replace(/\D/g, "");
  const words = digitStringWords(whole);
  const units = Number(whole);
  const out = [...words, units === 1 ? names[0] : names[1]];
  const cents = fraction ? Number(fraction.padEnd(2, "0").slice(0, 2)) : 0;
  if (cents > 0) out.push(...integerWords(cents), cents === 1 ? names[2] : names[3]);
  return out;
}

export const CURRENCY_SYMBOLS = Object.keys(CURRENCIES);
