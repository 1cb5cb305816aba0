import { mod97 } from "./checks.ts";
import { isAsciiAlnum, isAsciiDigit, isAsciiLetter, replaceSpans, type Span } from "./text.ts";

/** Length of an IBAN by country (SWIFT IBAN registry); a country not listed has no IBAN. */
const LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

const isSpace = (c: number): boolean => c === 0x20 || c === 0xa0;

/**
 * IBANs, unseparated or grouped by single spaces, either case: two letters and two digits starting a
 * word, then exactly the country's length of letters and digits passing the mod-97 check. The check
 * and the length keep codes that merely look alike ("AB12 …") untouched. Each start reads at most
 * 34 characters and their spaces, so the pass is linear.
 */
export function redactIbans(text: string): string {
  const spans: Span[] = [];
  for (let i = 0; i + 4 <= text.length; i++) {
    if (!startsIban(text, i)) continue;
    const length = LENGTHS[text.slice(i, i + 2).toUpperCase()];
    if (!length) continue;
    let count = 0;
    let pos = i;
    while (count < length && pos < text.length) {
      const c = text.charCodeAt(pos);
      if (isAsciiAlnum(c)) count++;
      else if (!isSpace(c) || !isAsciiAlnum(text.charCodeAt(pos + 1))) break;
      pos++;
    }
    // The last group must end where the IBAN does: "… 0130 0012" is longer than any German IBAN.
    if (count !== length || isAsciiAlnum(text.charCodeAt(pos)) || !mod97(text.slice(i, pos).replace(/[ \u00a0]/g, "").toUpperCase())) continue;
    spans.push({ start: i, end: pos, token: "[iban]" });
    i = pos - 1;
  }
  return replaceSpans(text, spans);
}

function startsIban(text: string, i: number): boolean {
  return (
    isAsciiLetter(text.charCodeAt(i)) &&
    isAsciiLetter(text.charCodeAt(i + 1)) &&
    isAsciiDigit(text.charCodeAt(i + 2)) &&
    isAsciiDigit(text.charCodeAt(i + 3)) &&
    (i === 0 || !isAsciiAlnum(text.charCodeAt(i - 1)))
  );
}
