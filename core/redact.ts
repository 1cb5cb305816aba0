/**
 * Removes personal data from text before it is logged or stored as a transcript: e-mail addresses,
 * phone numbers and payment-card-like digit runs. Product talk ("size 42", "under 100") survives.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// 13–19 digits, optionally grouped by spaces or dashes: card numbers.
const CARD = /\b(?:\d[ -]?){12,18}\d\b/g;
// An international or grouped phone number: +44 20 7946 0958, (555) 123-4567, 138 0013 8000.
const PHONE = /(?:\+\d{1,3}[\s.-]?)?(?:(?:\(\d{1,4}\)|\d{1,4})[\s.-]?)?\d{3,4}[\s.-]\d{3,4}(?:[\s.-]\d{2,4})?\b|\b1[3-9]\d{9}\b/g;

export function redactPii(text: string): string {
  return text.replace(EMAIL, "[email]").replace(CARD, "[card]").replace(PHONE, "[phone]");
}
