import type { Locale } from "../../core/turn.ts";
import { type FactSource, priceText, stockText } from "./catalogue.ts";

/**
 * Makes model text safe to show: `{price:ID}` / `{stock:ID}` placeholders become catalogue facts,
 * and any price or stock figure the model wrote itself is replaced by the catalogue's (when the
 * reply is about one product) or removed. Prices and stock therefore only ever come from the shop.
 */

const NUM = String.raw`\d+(?:[.,]\d+)*`;
// Intl writes some currencies with a country prefix: US$, CA$, A$, CN¥, JP¥.
const SYMBOL = "(?:[A-Z]{1,2}[$¥]|[$€£¥￥₹₩])";
const CODE = "(?:USD|EUR|GBP|CNY|RMB|JPY|CHF|CAD|AUD|HKD|SGD|NZD|INR|KRW|SEK|NOK|DKK)";
const MONEY_WORD = "(?:元|块钱?|塊錢?|美元|美金|欧元|歐元|英镑|英鎊|人民币|人民幣|日元|港币|港幣|dollars?|euros?|pounds?|bucks|yuan|quid|cents?)";
const UNIT_ZH = "(?:件|个|個|双|雙|台|套|份|只|条|條|瓶|盒|包)";

// Leading whitespace is part of each match so removing a figure leaves no double space.
const MONEY = new RegExp(
  [
    String.raw`${SYMBOL}\s?${NUM}(?:\s?${CODE}(?![A-Za-z]))?`,
    String.raw`(?<![A-Za-z])${CODE}\s?${NUM}`,
    String.raw`${NUM}\s?(?:${SYMBOL}|${CODE}(?![A-Za-z])|${MONEY_WORD}(?![A-Za-z]))`,
    // A bare amount with cents reads as a price even without a currency.
    String.raw`(?<![\d.,])\d+[.,]\d{2}(?![\d%])`,
  ]
    .map((p) => String.raw`(\s*)(?:${p})`)
    .join("|"),
  "giu",
);

const STOCK = new RegExp(
  [
    String.raw`(?<![\d.,])\d+\s?(?:(?:units?|pieces?|pcs|items?|pairs?)\s)?(?:left|in stock|remaining|available)(?![A-Za-z])`,
    String.raw`(?<![A-Za-z])(?:in\s)?stock(?:\s(?:level|count))?(?:\s?(?:of|:|is))?\s?\d+`,
    String.raw`(?:库存|庫存|剩余|剩餘|剩下|还剩|還剩|还有|還有|现货|現貨)\s?[:：]?\s?\d+\s?${UNIT_ZH}?`,
    String.raw`\d+\s?${UNIT_ZH}(?:库存|庫存|现货|現貨|在库|有货)`,
  ]
    .map((p) => String.raw`(\s*)(?:${p})`)
    .join("|"),
  "giu",
);

const PLACEHOLDER = /(\s*)\{(price|stock):([^{}]*)\}/g;

export interface SanitizeContext {
  products: ReadonlyMap<string, FactSource>;
  locale: Locale;
  /** The product the reply is about when there is only one: model-written figures become its facts. */
  focus?: FactSource;
}

export interface Sanitized {
  text: string;
  /** Ids whose price / stock a placeholder put in the text. */
  priced: string[];
  stocked: string[];
}

function keepSpace(lead: string, replacement: string): string {
  if (!replacement) return "";
  return (lead ? " " : "") + replacement;
}

const leadOf = (match: string) => /^\s*/.exec(match)![0];

/** Replaces (one product in focus) or removes the figures the model wrote itself. */
function stripFigures(text: string, ctx: SanitizeContext): string {
  const focus = ctx.focus;
  return text
    .replace(MONEY, (m) => (focus?.price !== undefined ? keepSpace(leadOf(m), priceText(focus, ctx.locale)) : ""))
    .replace(STOCK, (m) => (focus?.stock !== undefined ? keepSpace(leadOf(m), stockText(focus, ctx.locale)) : ""));
}

/** Sanitizes one piece of model text (placeholders and figures never span two pieces: see FactFilter). */
export function sanitize(text: string, ctx: SanitizeContext): Sanitized {
  const priced: string[] = [];
  const stocked: string[] = [];
  let out = "";
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    out += stripFigures(text.slice(last, m.index), ctx);
    last = m.index + m[0].length;
    const [, lead = "", kind, id = ""] = m;
    const p = ctx.products.get(id);
    if (!p) continue;
    (kind === "price" ? priced : stocked).push(id);
    out += keepSpace(lead, kind === "price" ? priceText(p, ctx.locale) : stockText(p, ctx.locale));
  }
  out += stripFigures(text.slice(last), ctx);
  return { text: out, priced, stocked };
}

/** Every price/stock figure in `text` (for checks: each should be a catalogue fact). */
export function figuresIn(text: string): { money: string[]; stock: string[] } {
  return {
    money: [...text.matchAll(MONEY)].map((m) => m[0].trim()),
    stock: [...text.matchAll(STOCK)].map((m) => m[0].trim()),
  };
}

// Long enough for any price or stock phrase ("12,345,678.90 dollars"), so none is cut in two.
const HOLD_BACK = 32;
// What a figure can start with; text without any of these streams with almost no delay.
const RISKY = new RegExp(String.raw`[\d$€£¥￥₹₩]|stock|库存|庫存|剩|还有|還有|现货|現貨|(?<![A-Za-z])${CODE}`, "i");
// A word still being written may become one of those ("sto…", "US…", "库…").
const UNFINISHED = /(?:[A-Za-z]+|[库庫剩还還现現])$/;

/**
 * Streams sanitized text: model text arrives piece by piece, and the filter emits only what can no
 * longer change — it holds back an unfinished placeholder, the last few characters (a figure may
 * still be growing) and trailing spaces. What it emits, concatenated, is the final text.
 */
export class FactFilter {
  private raw = "";
  private committed = 0;
  private pendingSpace = "";
  readonly priced = new Set<string>();
  readonly stocked = new Set<string>();

  constructor(private readonly ctx: SanitizeContext) {}

  push(text: string): string {
    this.raw += text;
    return this.emit(this.safeBoundary());
  }

  /** The rest, once the model is done (trailing spaces dropped). */
  finish(): string {
    return this.emit(this.raw.length, true);
  }

  private safeBoundary(): number {
    const tail = this.raw.slice(Math.max(this.committed, this.raw.length - HOLD_BACK));
    let b = RISKY.test(tail) ? this.raw.length - tail.length : this.raw.length - (UNFINISHED.exec(tail)?.[0].length ?? 0);
    b = Math.max(this.committed, b);
    const open = this.raw.lastIndexOf("{");
    if (open >= this.committed && this.raw.indexOf("}", open) < 0) b = Math.min(b, open);
    // Never cut through a figure or placeholder that is already visible.
    const window = this.raw.slice(this.committed);
    for (const re of [MONEY, STOCK, PLACEHOLDER]) {
      for (const m of window.matchAll(new RegExp(re.source, re.flags))) {
        const start = this.committed + m.index;
        const end = start + m[0].length;
        if (start < b && end > b) b = start;
      }
    }
    // Do not split a surrogate pair.
    if (b > this.committed && b < this.raw.length && /[\uD800-\uDBFF]/.test(this.raw[b - 1]!)) b--;
    return b;
  }

  private emit(boundary: number, final = false): string {
    if (boundary <= this.committed) return "";
    const piece = sanitize(this.raw.slice(this.committed, boundary), this.ctx);
    this.committed = boundary;
    for (const id of piece.priced) this.priced.add(id);
    for (const id of piece.stocked) this.stocked.add(id);
    let text = this.pendingSpace + piece.text;
    this.pendingSpace = "";
    if (final) return text.replace(/\s+$/, "");
    const trailing = /\s+$/.exec(text);
    if (trailing) {
      this.pendingSpace = trailing[0];
      text = text.slice(0, trailing.index);
    }
    return text;
  }
}
