import { redactEmails } from "./redact/email.ts";
import { redactIbans } from "./redact/iban.ts";
import { redactNumbers } from "./redact/numbers.ts";

/**
 * Removes personal data from what a shopper wrote before it is stored (transcripts, onboarding
 * answers, feedback) or logged. The one function for it: callers never pick formats.
 *
 * Replaced, EN and ZH alike (full-width digits too):
 * - [email] addresses, Unicode local parts and IDN domains included;
 * - [phone] "+" or "00" numbers of 8–15 digits; bare 10–11 digits (5551234567, 07700900123,
 *   13800138000); 12–13 digits with a trunk 0 or a 44 7 / 86 1 prefix; grouped numbers shaped like a
 *   dialled one ((555) 123-4567, 020 7946 0958, 138 0013 8000, 010-12345678, 0755-1234567);
 * - [card] 14–19 digits, grouped or not, passing Luhn with a card scheme's prefix (13–19 digits and no
 *   check after a card word: the shopper's typo is still theirs);
 * - [id] Chinese resident IDs: 18 characters with a valid birth date, region and MOD 11-2 check
 *   character (X/x included), or the old 15-digit form; after 身份证/ID, any 15 or 18;
 * - [iban] IBANs, grouped or not, of the country's length and passing mod 97;
 * - [ssn] 123-45-6789 (dashes or spaces, in the ranges issued); 9 bare digits only after SSN/social security.
 *
 * Kept: order and reference numbers (after order/订单/单号/tracking/sku/… or '#', whatever their
 * length: the shop issued them), prices (after a currency sign or word, or before 元/dollars/%),
 * dates (2025-01-31, 31/01/2025, 2025年1月31日), times, sizes, quantities, years, version numbers,
 * postcodes (ZIP 94105-1234, 100000: they name an area, not a person, and delivery questions need
 * them), EAN-13 barcodes and ISBNs, and numbers joined to letters (sku-000123, A12345, 128GB).
 *
 * The ambiguous case is a bare 10–11-digit number: as long as a phone number and as an order number.
 * It is redacted unless the words right before it name an order or reference; a mistaken redaction
 * loses a digit string, a mistaken pass leaks a phone number.
 *
 * Every pass is linear in the text (anchored scans, no backtracking regex): 100,000 characters of
 * adversarial input take tens of milliseconds at most (bench/redact.ts). Redacting twice is
 * redacting once.
 */
export function redactPii(text: string): string {
  return redactNumbers(redactIbans(redactEmails(text)));
}
