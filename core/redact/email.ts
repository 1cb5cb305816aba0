import { codePointBefore, isMark, letterClass, NEUTRAL, replaceSpans, type Span } from "./text.ts";

// RFC 5321 limits; the left scan stops at 64 so a long unspaced CJK sentence costs at most that much.
const LOCAL_MAX = 64;
const DOMAIN_MAX = 253;

const AT = 0x40;
const FULLWIDTH_AT = 0xff20;
const DOT = 0x2e;
const HYPHEN = 0x2d;

/** `._%+-` may stand in a local part besides letters and digits; of them only `-` in a domain label. */
function localClass(cp: number): number {
  if (cp === DOT || cp === 0x5f || cp === 0x25 || cp === 0x2b || cp === HYPHEN) return NEUTRAL;
  return letterClass(cp);
}
const labelClass = (cp: number): number => (cp === HYPHEN ? NEUTRAL : letterClass(cp));

/**
 * E-mail addresses, Unicode local parts and IDN domains included, found from each '@' (or '＠')
 * outwards rather than by a regex, which would retry a long letter run from every start position
 * (quadratic on CJK text, where words are not spaced). Each character is read by at most the '@'
 * before it and the '@' after it, so the pass is linear.
 *
 * Where the address begins is ambiguous in unspaced CJK text: the local part takes the letters of one
 * script class (CJK or not) next to the '@', so "联系我jane@x.com" keeps "联系我", while
 * "请发到张三@例子.中国" loses the whole run — more than the address, never less.
 */
export function redactEmails(text: string): string {
  const spans: Span[] = [];
  let from = 0;
  for (;;) {
    const at = nextAt(text, from);
    if (at < 0) break;
    const start = localStart(text, at, spans.at(-1)?.end ?? 0);
    const end = start < 0 ? -1 : domainEnd(text, at + 1);
    if (end < 0) {
      from = at + 1;
      continue;
    }
    spans.push({ start, end, token: "[email]" });
    from = end;
  }
  return replaceSpans(text, spans);
}

function nextAt(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === AT || c === FULLWIDTH_AT) return i;
  }
  return -1;
}

/** Start of the local part ending at `at` (not before `floor`), or -1 when there is none. */
function localStart(text: string, at: number, floor: number): number {
  let start = at;
  let cls = NEUTRAL;
  for (let count = 0; start > floor && count < LOCAL_MAX; count++) {
    const [cp, size] = codePointBefore(text, start);
    const c = localClass(cp);
    if (c < 0) break;
    if (c !== NEUTRAL) {
      if (cls === NEUTRAL) cls = c;
      else if (c !== cls) break;
    }
    start -= size;
  }
  while (start < at && isPunct(text.charCodeAt(start))) start++;
  return start < at ? start : -1;
}

const isPunct = (c: number): boolean => c === DOT || c === 0x5f || c === 0x25 || c === 0x2b || c === HYPHEN;

/**
 * End of the domain starting at `from`: dot-separated labels, each of one script class, ending at the
 * last label that can be a top-level domain (two or more letters, or xn-- punycode), after at least
 * one other label. -1 when there is no such domain.
 */
function domainEnd(text: string, from: number): number {
  let pos = from;
  let end = -1;
  let labels = 0;
  while (pos < text.length && pos - from < DOMAIN_MAX) {
    const labelStart = pos;
    let cls = NEUTRAL;
    let letters = 0;
    let others = 0;
    while (pos < text.length && pos - from < DOMAIN_MAX) {
      const cp = text.codePointAt(pos)!;
      const c = labelClass(cp);
      if (c < 0) break;
      if (c !== NEUTRAL) {
        if (cls === NEUTRAL) cls = c;
        else if (c !== cls) break;
        letters++;
      } else if (!isMark(cp)) others++;
      pos += cp > 0xffff ? 2 : 1;
    }
    if (pos === labelStart) break;
    labels++;
    const tld = (letters >= 2 && others === 0) || text.slice(labelStart, labelStart + 4).toLowerCase() === "xn--";
    if (labels >= 2 && tld) end = pos;
    if (text.charCodeAt(pos) !== DOT || pos + 1 >= text.length || labelClass(text.codePointAt(pos + 1)!) < 0) break;
    pos++;
  }
  return end;
}
