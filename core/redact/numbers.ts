import { cardPrefix, isChineseId, isDate, isSsn, luhn } from "./checks.ts";
import { type Hint, hintBefore, priceAfter } from "./context.ts";
import { digitValue, isAsciiAlnum, isAsciiLetter, replaceSpans, type Span } from "./text.ts";

/** Digits between separators: "(555)", "123", "4567"; an ID's check character X ends its last group. */
interface Group {
  /** Index of the first digit, or of '(' for a group in parentheses. */
  start: number;
  end: number;
  /** ASCII digits (full-width ones read as such), then "X" for an ID's check character. */
  digits: string;
  /** The separator before it; "" for the first group or one next to parentheses. */
  sep: string;
  paren: boolean;
}

interface Run {
  /** Index of the first group, or of its '+'. */
  start: number;
  end: number;
  plus: boolean;
  groups: Group[];
}

// One of these between two groups keeps them in one number: "138 0013 8000", "555-123-4567", "555.123.4567".
const SEPARATORS = new Set([" ", "\u00a0", "\u2009", "\u202f", "\u3000", "-", "\u2010", "\u2011", "\u2012", "\u2013", "\uff0d", "."]);
const PLUS = new Set(["+", "＋"]);
const OPEN = new Set(["(", "（"]);
const CLOSE = new Set([")", "）"]);
// An area code in parentheses is short; stopping there keeps "(" before a long digit run cheap.
const MAX_PAREN = 5;
// The longest card; nothing longer is any format redacted here.
const MAX_DIGITS = 19;
// No format is shorter: seven digits make a phone number only after a phone word ("tel 5551234").
const MIN_DIGITS = 7;
// Joiners that make a number part of a code: "sku-000123", "A12345", "/p/5551234567", "id=…".
const JOINERS = new Set(["-", "_", "/", "="]);
// Hints under which a number joined to a word is still the shopper's: "tel-5551234567".
const PERSONAL = new Set<Hint | undefined>(["phone", "card", "id", "ssn"]);

/**
 * Phone numbers, payment cards, Chinese resident IDs and US SSNs among the text's numbers. A number is a
 * run of digit groups joined by single separators; each run is read once, and at each group the longest
 * sequence of groups (at most 19 digits) that is a known format is replaced, so the pass is linear.
 *
 * What decides (see core/redact.ts for the whole list of rules):
 * - the words right before the number (context.ts): an order/reference word or '#', or a price, keeps it;
 *   a phone, card, ID or SSN word lets a number through that its shape alone would not;
 * - check digits where a format has them (Luhn and a card prefix, the ID's MOD 11-2, SSN ranges);
 * - shape: dates, lists of sizes, thousands-grouped amounts and codes joined to letters stay.
 */
export function redactNumbers(text: string): string {
  const spans: Span[] = [];
  let i = 0;
  while (i < text.length) {
    const run = readRun(text, i);
    if (!run) {
      i++;
      continue;
    }
    redactRun(text, run, spans);
    i = run.end;
  }
  return replaceSpans(text, spans);
}

function readGroup(text: string, p: number): Group | null {
  const paren = OPEN.has(text[p]!);
  let q = paren ? p + 1 : p;
  let digits = "";
  for (let d = digitValue(text.charCodeAt(q)); d >= 0; d = digitValue(text.charCodeAt(++q))) {
    digits += d;
    if (paren && digits.length > MAX_PAREN) return null;
  }
  if (!digits) return null;
  if (paren) {
    if (!CLOSE.has(text[q]!)) return null;
    q++;
  } else if ((text[q] === "X" || text[q] === "x") && !isAsciiAlnum(text.charCodeAt(q + 1))) {
    digits += "X";
    q++;
  }
  return { start: p, end: q, digits, sep: "", paren };
}

function readRun(text: string, start: number): Run | null {
  const plus = PLUS.has(text[start]!);
  const first = readGroup(text, plus ? start + 1 : start);
  if (!first) return null;
  const groups = [first];
  let end = first.end;
  while (!groups.at(-1)!.digits.endsWith("X")) {
    const sep = SEPARATORS.has(text[end]!) ? text[end]! : "";
    const next = readGroup(text, end + sep.length);
    // Without a separator only parentheses join: "+44(0)20…".
    if (!next || (!sep && !next.paren && !groups.at(-1)!.paren)) break;
    next.sep = sep;
    groups.push(next);
    end = next.end;
  }
  return { start, end, plus, groups };
}

function redactRun(text: string, run: Run, spans: Span[]): void {
  if (run.groups.reduce((sum, g) => sum + g.digits.length, 0) < MIN_DIGITS) return;
  let hint: Hint | undefined | null = null;
  const hintOf = () => {
    if (hint === null) hint = hintBefore(text, run.start);
    return hint;
  };
  let groups = run.groups;
  // A number joined to a word is part of a code (SKU, model, URL) unless the word says it is personal.
  if (joinedBefore(text, run.start) && !PERSONAL.has(hintOf())) {
    if (run.plus) return;
    groups = groups.slice(1);
  }
  // Running into letters, it is a measure or a code: "42mm", "128GB", "2x3".
  if (isAsciiLetter(text.charCodeAt(run.end))) groups = groups.slice(0, -1);
  let segment: Group[] = [];
  for (let k = 0; k <= groups.length; k++) {
    const date = k < groups.length && !(k === 0 && run.plus) && isDateAt(groups, k);
    if (k < groups.length && !date) {
      segment.push(groups[k]!);
      continue;
    }
    const first = segment[0] === run.groups[0];
    redactSegment(text, segment, first ? hintOf : () => undefined, first && run.plus ? run.start : -1, spans);
    segment = [];
    if (date) k += 2;
  }
}

function joinedBefore(text: string, start: number): boolean {
  const before = JOINERS.has(text[start - 1]!) ? start - 2 : start - 1;
  return before >= 0 && isAsciiAlnum(text.charCodeAt(before));
}

/** Groups k..k+2 are a date: 2025-01-31, 31.01.2025, 01/31/2025 with one separator throughout. */
function isDateAt(groups: Group[], k: number): boolean {
  const [a, b, c] = [groups[k], groups[k + 1], groups[k + 2]];
  if (!a || !b || !c || a.paren || b.paren || c.paren || b.sep !== c.sep || c.digits.endsWith("X")) return false;
  const [x, y, z] = [Number(a.digits), Number(b.digits), Number(c.digits)];
  if (a.digits.length === 4 && b.digits.length <= 2 && c.digits.length <= 2) return isDate(x, y, z);
  if (a.digits.length <= 2 && b.digits.length <= 2 && c.digits.length === 4) return isDate(z, y, x) || isDate(z, x, y);
  return false;
}

/**
 * At each group, the longest sequence of groups from it that is a format is replaced. `plusAt` is the
 * index of the run's '+' when the segment starts the run and has one, else -1.
 */
function redactSegment(text: string, groups: Group[], hintOf: () => Hint | undefined, plusAt: number, spans: Span[]): void {
  for (let i = 0; i < groups.length; i++) {
    const plus = i === 0 && plusAt >= 0;
    // digits[k]: the digits of groups i..i+k, for each candidate sequence.
    const digits: string[] = [];
    for (let j = i, all = ""; j < groups.length; j++) {
      const next = groups[j]!.digits;
      if (all.length + next.length > MAX_DIGITS) break;
      // A one-digit group after the first ends any number but a phone after '+' or a phone word.
      if (next.length === 1 && j > i && !plus && !(i === 0 && hintOf() === "phone")) break;
      all += next;
      digits.push(all);
    }
    for (let k = digits.length - 1; k >= 0; k--) {
      if (digits[k]!.length < MIN_DIGITS) break;
      const token = classify(text, groups.slice(i, i + k + 1), digits[k]!, i === 0 ? hintOf : () => undefined, plus);
      if (!token) continue;
      spans.push({ start: plus ? plusAt : groups[i]!.start, end: groups[i + k]!.end, token });
      i += k;
      break;
    }
  }
}

function classify(text: string, groups: Group[], digits: string, hintOf: () => Hint | undefined, plus: boolean): string | undefined {
  const hint = hintOf();
  if (hint === "reference" || hint === "price") return undefined;
  const token = format(groups, digits, hint, plus);
  // An amount, whatever its digits: "13800 元", "5551234567 dollars".
  return token && !priceAfter(text, groups.at(-1)!.end) ? token : undefined;
}

function format(groups: Group[], digits: string, hint: Hint | undefined, plus: boolean): string | undefined {
  const n = digits.length;
  if (plus) return n >= 8 && n <= 15 && !digits.endsWith("X") ? "[phone]" : undefined;
  // Cards and IDs are written whole or in blocks of three or more ("4111 1111 …", "110105 19491231 002X").
  const blocks = groups.every((g) => g.digits.length >= 3 && !g.paren);
  if (digits.endsWith("X")) return blocks && n === 18 && (hint === "id" || isChineseId(digits)) ? "[id]" : undefined;
  if (blocks) {
    if (hint === "card" && n >= 13) return "[card]";
    if ((n === 18 || n === 15) && (hint === "id" || isChineseId(digits))) return "[id]";
    // 13-digit numbers are left to the card word: EAN-13 barcodes and ISBNs have that length.
    if (n >= 14 && luhn(digits) && cardPrefix(digits)) return "[card]";
  }
  if (n === 9 && (hint === "ssn" || (isSsnShape(groups) && isSsn(digits)))) return "[ssn]";
  if (hint === "phone" && n <= 15) return "[phone]";
  return isPhone(groups, digits) ? "[phone]" : undefined;
}

const isSsnShape = (groups: Group[]): boolean =>
  groups.length === 3 && groups[0]!.digits.length === 3 && groups[1]!.digits.length === 2 && groups[2]!.sep === groups[1]!.sep && (groups[1]!.sep === "-" || groups[1]!.sep === " ");

/**
 * A phone number by its shape alone (no keyword before it). Bare 10–11 digits are phones: the
 * ambiguous case, since an order number can be as long; a word before it ("order", "订单", "#")
 * settles it the other way. Grouped numbers must look like a dialled number, not a list or an amount.
 */
function isPhone(groups: Group[], digits: string): boolean {
  const n = digits.length;
  // 00 dials out as '+' does: 0044 20 7946 0958, 008613800138000.
  if (digits.startsWith("00")) return n >= 10 && n <= 17;
  if (groups.length === 1 && !groups[0]!.paren) {
    if (n === 10 || n === 11) return true;
    // A Chinese landline with a 4-digit area code (075512345678), a UK mobile with its country code.
    if (n === 12) return digits[0] === "0" || digits.startsWith("447");
    return n === 13 && /^861[3-9]/.test(digits);
  }
  if (n < 8 || n > 12) return false;
  if (groups.some((g) => g.paren)) return true;
  const lengths = groups.map((g) => g.digits.length);
  if (lengths[0]! > 5 || lengths.slice(1).some((l) => l < 2 || l > 8)) return false;
  const seps = groups.slice(1).map((g) => g.sep);
  // Dots: 555.123.4567, never a decimal (12345678.90).
  if (seps.includes(".") && (seps.some((s) => s !== ".") || groups.length < 3 || lengths[0]! < 2)) return false;
  // A trunk 0 is a national number: 020 7946 0958, 010-12345678, 06 12 34 56 78.
  if (digits[0] === "0") return true;
  if (lengths.every((l) => l <= 2)) return false; // sizes: 38 39 40 41 42
  if (lengths[0]! <= 3 && lengths.slice(1).every((l) => l === 3)) return false; // 12 500 000
  if (groups.every((g) => g.digits.endsWith("0"))) return false; // 1000 2000 3000
  if (groups.every((g) => /^(19|20)\d\d$/.test(g.digits))) return false; // 2023 2024 2025
  return groups.length > 2 || (n >= 10 && lengths[0]! >= 3 && lengths[1]! >= 3);
}
