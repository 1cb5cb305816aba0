/** Character tests and span replacement shared by the redaction scanners (private to core/redact). */

export const isAsciiDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
export const isAsciiAlnum = (c: number): boolean => isAsciiDigit(c) || isAsciiLetter(c);

/** 0–9 for an ASCII or full-width digit (Chinese input methods type the latter), else -1. */
export function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 0xff10 && c <= 0xff19) return c - 0xff10;
  return -1;
}

const LETTER = /\p{L}/u;
const MARK = /\p{M}/u;
const MARK_OR_NUMBER = /[\p{M}\p{N}]/u;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * The script class of a letter: CJK text runs into Latin text without spaces ("联系我jane@…"), so a
 * switch between the two marks where an address or label ends. Digits, marks and the punctuation
 * an address may contain are neutral; -1 is a character no address contains.
 */
export const NEUTRAL = 0;
export const CJK_LETTER = 1;
export const OTHER_LETTER = 2;
export function letterClass(cp: number): number {
  if (cp < 128) return isAsciiLetter(cp) ? OTHER_LETTER : isAsciiDigit(cp) ? NEUTRAL : -1;
  const ch = String.fromCodePoint(cp);
  if (CJK.test(ch)) return CJK_LETTER;
  if (LETTER.test(ch)) return OTHER_LETTER;
  return MARK_OR_NUMBER.test(ch) ? NEUTRAL : -1;
}

/** A combining mark: part of the letter before it (Indic vowel signs, accents typed apart). */
export const isMark = (cp: number): boolean => cp >= 0x300 && MARK.test(String.fromCodePoint(cp));

/** The code point ending just before `i` and its length in UTF-16 units (surrogate pairs are 2). */
export function codePointBefore(text: string, i: number): [number, number] {
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const high = text.charCodeAt(i - 2);
    if (high >= 0xd800 && high <= 0xdbff) return [text.codePointAt(i - 2)!, 2];
  }
  return [low, 1];
}

export interface Span {
  start: number;
  end: number;
  token: string;
}

/** The text with each span (sorted, not overlapping) replaced by its token. */
export function replaceSpans(text: string, spans: Span[]): string {
  if (spans.length === 0) return text;
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + s.token;
    at = s.end;
  }
  return out + text.slice(at);
}
