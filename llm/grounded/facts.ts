import type { Locale } from "../../core/turn.ts";
import { type CatalogueFacts, formatPrice, priceText, stockText } from "./catalogue.ts";

/**
 * The fact check every model-written text passes, chat replies and marketing copy alike: each
 * number in it is one the catalogue records contain (price, stock, a size, a figure in a title or
 * description), each money amount is a catalogue price as the templates format it, and it makes no
 * promotional claim (discount, sale, free shipping, deadline, scarcity) that the records themselves
 * do not make.
 */

const NUMBER = /\d+(?:[.,]\d+)*/g;

const AMOUNT = String.raw`\d+(?:[.,]\d+)*`;
// Intl writes some currencies with a country prefix: US$, CA$, A$, CN¥, JP¥.
const SYMBOL = "(?:[A-Z]{1,2}[$¥]|[$€£¥￥₹₩])";
const CODE = "(?:USD|EUR|GBP|CNY|RMB|JPY|CHF|CAD|AUD|HKD|SGD|NZD|INR|KRW|SEK|NOK|DKK)";
const MONEY_WORD = "(?:元|块钱?|塊錢?|美元|美金|欧元|歐元|英镑|英鎊|人民币|人民幣|日元|港币|港幣|dollars?|euros?|pounds?|bucks|yuan|quid|cents?)";
const MONEY = new RegExp(
  [
    String.raw`${SYMBOL}\s?${AMOUNT}(?:\s?${CODE}(?![A-Za-z]))?`,
    String.raw`(?<![A-Za-z])${CODE}\s?${AMOUNT}`,
    String.raw`${AMOUNT}\s?(?:${SYMBOL}|${CODE}(?![A-Za-z])|${MONEY_WORD}(?![A-Za-z]))`,
    // A bare amount with cents reads as a price even without a currency.
    String.raw`(?<![\d.,])\d+[.,]\d{2}(?![\d%])`,
  ].join("|"),
  "giu",
);

// Claims a shop makes deliberately, never by text a model invented around a product.
const CLAIMS_EN =
  /\b(?:discount(?:s|ed)?|sale|on sale|clearance|coupon|voucher|promo(?:tion)?|deal|bargain|save|savings|off\b|free shipping|free delivery|free gift|bogo|cheap(?:est)?|lowest price|limited[- ]time|today only|ends (?:soon|tonight|today)|last chance|selling fast|almost gone|while stocks? last|guarantee[ds]?|best[- ]?seller|award[- ]winning|#1|number one)\b/i;
const CLAIMS_ZH = /打折|折扣|[一二三四五六七八九]折|优惠|特价|促销|降价|减价|满减|包邮|免运费|赠品|买一送一|限时|仅限今天|今天最后|最后机会|抢购|即将售罄|热卖|爆款|销量第一|最低价|保证/;

/** What the records say, for the check: the numbers and prices they state, and their own words. */
export interface RecordFacts {
  locale: Locale;
  /** Numbers the records contain, as written ("1,234.56", "42", "7"). */
  numbers: Set<string>;
  /** The prices as the text must write them. */
  prices: Set<string>;
  /** The records' own text, lower case: a claim they make themselves ("sale" in the tags) may be repeated. */
  recordText: string;
}

export function recordFacts(products: readonly CatalogueFacts[], locale: Locale): RecordFacts {
  const numbers = new Set<string>();
  const prices = new Set<string>();
  const take = (text: string) => {
    for (const m of text.normalize("NFKC").matchAll(NUMBER)) numbers.add(m[0]);
  };
  const texts: string[] = [];
  for (const product of products) {
    const text = [product.title, product.brand, product.category, product.description, product.color, ...(product.sizes ?? []), ...(product.tags ?? [])]
      .filter(Boolean)
      .join(" \n ")
      .normalize("NFKC");
    texts.push(text);
    take(text);
    if (product.price !== undefined) {
      for (const l of ["en", "zh"] as const) {
        const formatted = formatPrice(product.price, product.currency, l);
        prices.add(formatted);
        take(formatted);
      }
      take(priceText(product, locale));
    }
    if (product.stock !== undefined && product.stock > 0) take(stockText(product, locale));
  }
  return { locale, numbers, prices, recordText: texts.join(" \n ").toLowerCase() };
}

export interface FactProblem {
  kind: "number" | "price" | "claim";
  text: string;
}

/** What in `text` the records do not support (empty: the text keeps to the facts). */
export function factProblems(text: string, facts: RecordFacts): FactProblem[] {
  const t = text.normalize("NFKC");
  const problems: FactProblem[] = [];
  for (const m of t.matchAll(NUMBER)) if (!facts.numbers.has(m[0])) problems.push({ kind: "number", text: m[0] });
  for (const m of t.matchAll(MONEY)) {
    const money = m[0].trim();
    if (![...facts.prices].some((p) => money.includes(p) || p.includes(money))) problems.push({ kind: "price", text: money });
  }
  for (const re of [CLAIMS_EN, CLAIMS_ZH]) {
    const claim = re.exec(t)?.[0];
    if (claim && !facts.recordText.includes(claim.toLowerCase().replace(/^on /, ""))) problems.push({ kind: "claim", text: claim });
  }
  return problems;
}

// A full stop inside a figure ("€1,234.56") or an abbreviation does not end a sentence; Chinese stops always do.
const SENTENCES = /(?:[^.!?。！？…\n]|[.!?…](?=[^\s.!?…]))+[.!?。！？…]*["'”’」)]*[ \t]*|\n+/g;

/** Drops the sentences of `text` that state something the records do not support. */
export function keepFactualSentences(text: string, facts: RecordFacts): { text: string; dropped: FactProblem[] } {
  const dropped: FactProblem[] = [];
  const kept = (text.match(SENTENCES) ?? []).filter((s) => {
    const problems = factProblems(s, facts);
    dropped.push(...problems);
    return problems.length === 0;
  });
  return { text: kept.join("").replace(/[ \t]+\n/g, "\n").trim(), dropped };
}
