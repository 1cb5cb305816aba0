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

/** A whole number (0 … 999,999,999,999) in words; larger or non-integer input is read digit by digit. */
export function integerWords(n: number): string[] {
  if (!Number.isSafeInteger(n) || n < 0 || n >= 1e12) return String(n).split("").flatMap((d) => (/\d/.test(d) ? [ONES[Number(d)]] : []));
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

export function ordinalWords(n: number): string[] {
  const words = integerWords(n);
  const last = words[words.length - 1];
  const irregular = ORDINAL_WORDS[last];
  words[words.length - 1] = irregular ?? (last.endsWith("y") ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return words;
}

/** "9.5" → nine point five; "1,200" → one thousand two hundred; "007" → zero zero seven. */
export function numberWords(text: string): string[] {
  const plain = text.replace(/,(?=\d{3}(\D|$))/g, "");
  const [whole, fraction] = plain.split(".");
  const out: string[] = [];
  if (whole.length > 1 && whole.startsWith("0")) out.push(...whole.split("").map((d) => ONES[Number(d)]));
  else if (whole) out.push(...integerWords(Number(whole)));
  if (fraction?.length) out.push("point", ...fraction.split("").map((d) => ONES[Number(d)]));
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
  const names = CURRENCIES[symbol] ?? CURRENCIES.$;
  const plain = amount.replace(/,/g, "");
  const [whole, fraction = ""] = plain.split(".");
  const units = Number(whole || "0");
  const out = [...integerWords(units), units === 1 ? names[0] : names[1]];
  const cents = fraction ? Number(fraction.padEnd(2, "0").slice(0, 2)) : 0;
  if (cents > 0) out.push(...integerWords(cents), cents === 1 ? names[2] : names[3]);
  return out;
}

export const CURRENCY_SYMBOLS = Object.keys(CURRENCIES);
