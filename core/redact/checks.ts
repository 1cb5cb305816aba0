/** Check digits and plausibility tests of the formats redacted (digit strings are ASCII here). */

/** ISO 13616: the IBAN with its first four characters moved to the end, letters as 10–35, mod 97 is 1. */
export function mod97(iban: string): boolean {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (let i = 0; i < moved.length; i++) {
    const c = moved.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 55;
    rest = (v >= 10 ? rest * 100 + v : rest * 10 + v) % 97;
  }
  return rest === 1;
}

/** The Luhn check every payment card number passes. */
export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Card schemes by leading digits: Mastercard 2221–2720, Diners 30/36/38/39, Amex 34/37, JCB 35, Visa
 * 4, Mastercard/Maestro 5x, Discover/UnionPay/Maestro 6x. Order numbers that start with a year (2024…)
 * or a 1 fall outside.
 */
export function cardPrefix(digits: string): boolean {
  const first = digits[0];
  if (first === "4" || first === "5" || first === "6") return true;
  if (first === "3") return digits[1] !== "1" && digits[1] !== "2" && digits[1] !== "3";
  const four = Number(digits.slice(0, 4));
  return four >= 2221 && four <= 2720;
}

/** A calendar date (Gregorian), year 1900–2099. */
export function isDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// First two digits of a resident ID: the province-level region (GB/T 2260; 71 Taiwan, 81–83 HK, Macau, Taiwan residents).
const PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83]);
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/**
 * A Chinese resident ID number (GB 11643): 18 characters (region, YYYYMMDD birth date, sequence, an
 * ISO 7064 MOD 11-2 check character that may be X), or the old 15-digit form (YYMMDD, no check).
 */
export function isChineseId(id: string): boolean {
  if (!PROVINCES.has(Number(id.slice(0, 2)))) return false;
  if (id.length === 15) return /^\d{15}$/.test(id) && isDate(1900 + Number(id.slice(6, 8)), Number(id.slice(8, 10)), Number(id.slice(10, 12)));
  if (id.length !== 18 || !/^\d{17}[\dX]$/.test(id)) return false;
  if (!isDate(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14)))) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11] === id[17];
}

/** A US social security number as issued: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export function isSsn(digits: string): boolean {
  const area = Number(digits.slice(0, 3));
  return digits.length === 9 && area !== 0 && area !== 666 && area < 900 && digits.slice(3, 5) !== "00" && digits.slice(5) !== "0000";
}
