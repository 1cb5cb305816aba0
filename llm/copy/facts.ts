import type { Locale } from "../../core/turn.ts";
import { formatPrice, priceText, stockText } from "../grounded/catalogue.ts";
import { figuresIn } from "../grounded/sanitize.ts";
import type { CopyProduct } from "./types.ts";

/**
 * What copy may state about a product, and the check every variant passes: each number in it is one
 * the catalogue record contains (price, stock, a size, a figure in the title or description), each
 * price is the catalogue price as the templates format it, and it makes no promotional claim
 * (discount, sale, free shipping, deadline, scarcity) that the record itself does not make.
 */

const NUMBER = /\d+(?:[.,]\d+)*/g;

// Claims a shop makes deliberately, never by copy invented around a product.
const CLAIMS_EN =
  /\b(?:discount(?:s|ed)?|sale|on sale|clearance|coupon|voucher|promo(?:tion)?|deal|bargain|save|savings|off\b|free shipping|free delivery|free gift|bogo|cheap(?:est)?|lowest price|limited[- ]time|today only|ends (?:soon|tonight|today)|last chance|selling fast|almost gone|while stocks? last|guarantee[ds]?|best[- ]?seller|award[- ]winning|#1|number one)\b/i;
const CLAIMS_ZH = /打折|折扣|[一二三四五六七八九]折|优惠|特价|促销|降价|减价|满减|包邮|免运费|赠品|买一送一|限时|仅限今天|今天最后|最后机会|抢购|即将售罄|热卖|爆款|销量第一|最低价|保证/;

export interface CopyFacts {
  product: CopyProduct;
  locale: Locale;
  /** Numbers the record contains, as written ("1,234.56", "42", "7"). */
  numbers: Set<string>;
  /** The price as the copy must write it. */
  prices: Set<string>;
  /** The record's own text, lower case: a claim it makes itself ("sale" in its tags) may be repeated. */
  recordText: string;
}

export function copyFacts(product: CopyProduct, locale: Locale): CopyFacts {
  const recordText = [product.title, product.brand, product.category, product.description, product.color, ...(product.sizes ?? []), ...(product.tags ?? [])]
    .filter(Boolean)
    .join(" \n ")
    .normalize("NFKC");
  const numbers = new Set<string>();
  const prices = new Set<string>();
  const take = (text: string) => {
    for (const m of text.normalize("NFKC").matchAll(NUMBER)) numbers.add(m[0]);
  };
  take(recordText);
  if (product.price !== undefined) {
    for (const l of ["en", "zh"] as const) {
      const formatted = formatPrice(product.price, product.currency, l);
      prices.add(formatted);
      take(formatted);
    }
    take(priceText(product, locale));
  }
  if (product.stock !== undefined && product.stock > 0) take(stockText(product, locale));
  return { product, locale, numbers, prices, recordText: recordText.toLowerCase() };
}

export interface FactProblem {
  kind: "number" | "price" | "claim";
  text: string;
}

/** What in `text` the catalogue record does not support (empty: the text keeps to the facts). */
export function factProblems(text: string, facts: CopyFacts): FactProblem[] {
  const t = text.normalize("NFKC");
  const problems: FactProblem[] = [];
  for (const m of t.matchAll(NUMBER)) if (!facts.numbers.has(m[0])) problems.push({ kind: "number", text: m[0] });
  for (const money of figuresIn(t).money) {
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

/** Drops the sentences of `text` that state something the record does not support. */
export function keepFactualSentences(text: string, facts: CopyFacts): { text: string; dropped: FactProblem[] } {
  const dropped: FactProblem[] = [];
  const kept = (text.match(SENTENCES) ?? []).filter((s) => {
    const problems = factProblems(s, facts);
    dropped.push(...problems);
    return problems.length === 0;
  });
  return { text: kept.join("").replace(/[ \t]+\n/g, "\n").trim(), dropped };
}
