/**
 * What an order question names: the order number (as shops print them: 12345, #12345, AB-12345,
 * 订单号 12345), an e-mail address and a postcode (UK SW1A 1AA, US 94105 or 94105-1234, CN
 * 100000). Numbers are ambiguous on their own ("order 100 pens", a ZIP code that looks like an
 * order number), so digits count as an order number only after an order word or '#', and as a
 * postcode only after a postcode word; a flow that has just asked for one reads a bare answer
 * with readBareOrderNumber / readBarePostcode.
 */

const ORDER_CUE_EN = /\b(?:order|confirmation|reference|ref)\b(?:\s+(?:number|no\.?|num|id|code))?\s*(?:#|:|=|\bis\b)?\s*#?\s*([A-Za-z0-9][A-Za-z0-9-]{3,29})\b/gi;
const ORDER_CUE_ZH = /(?:订单编号|订单号码|订单号|订单|单号)\s*(?:是|为|:|：|#)?\s*#?\s*([A-Za-z0-9][A-Za-z0-9-]{3,29})(?![A-Za-z0-9])/g;
const HASHED = /#\s?([A-Za-z0-9][A-Za-z0-9-]{2,29})(?![A-Za-z0-9])/g;
// Shops print lettered numbers in capitals: AB-12345, ORD12345.
const LETTERED = /(?<![A-Za-z0-9-])([A-Z]{1,4}-?\d{4,20})(?![A-Za-z0-9])/g;

const UK_POSTCODE = /(?<![A-Za-z0-9])([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})(?![A-Za-z0-9])/gi;
const POSTCODE_CUE = /(?:\b(?:zip(?:\s*code)?|post\s*code|postal\s*code|postcode)\b|邮编|邮政编码)\s*(?:is|是|为|:|：)?\s*(\d{5}(?:-\d{4})?|\d{6})(?!\d)/gi;

const EMAIL = /(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9\u00C0-\u024F-]{1,63}(?:\.[A-Za-z0-9\u00C0-\u024F-]{1,63}){1,8})/g;

const hasDigit = (s: string) => /\d/.test(s);
// One space for any run of whitespace: the patterns' optional separators ("order  number : #")
// then cannot split a long run of spaces in many ways, which took seconds on 2,000 of them.
const prepare = (text: string) => text.normalize("NFKC").replace(/\s+/g, " ");

/** The order number the text names, canonical: no '#', letters upper-case. */
export function extractOrderNumber(text: string): string | undefined {
  const t = prepare(text);
  for (const re of [HASHED, ORDER_CUE_ZH, ORDER_CUE_EN, LETTERED]) {
    for (const m of t.matchAll(re)) {
      const token = m[1].replace(/-+$/, "");
      // "order 100 pens" names a quantity, not an order; an order number has 4+ characters and a digit.
      if (token.length >= 4 && hasDigit(token) && !isUkPostcode(token)) return token.toUpperCase();
    }
  }
  return undefined;
}

/** The e-mail address the text names, domain lower-cased. */
export function extractEmail(text: string): string | undefined {
  const m = EMAIL.exec(prepare(text));
  EMAIL.lastIndex = 0;
  if (!m) return undefined;
  const address = m[1].replace(/[.-]+$/, "");
  const at = address.indexOf("@");
  const domain = address.slice(at + 1).toLowerCase();
  return /\.[a-z\u00C0-\u024F]{2,}$/.test(domain) ? `${address.slice(0, at)}@${domain}` : undefined;
}

/** The postcode the text names: a UK one anywhere, a ZIP or Chinese one after a postcode word. */
export function extractPostcode(text: string): string | undefined {
  const t = prepare(text);
  for (const m of t.matchAll(POSTCODE_CUE)) return m[1];
  for (const m of t.matchAll(UK_POSTCODE)) return `${m[1]} ${m[2]}`.toUpperCase();
  return undefined;
}

function isUkPostcode(token: string): boolean {
  return /^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/i.test(token);
}

/** An answer to "what is your order number?": the one token with 4+ digits, or undefined. */
export function readBareOrderNumber(text: string): string | undefined {
  const named = extractOrderNumber(text);
  if (named) return named;
  const tokens = prepare(text).match(/[A-Za-z0-9][A-Za-z0-9-]{3,29}/g) ?? [];
  const candidates = tokens.filter((t) => (t.match(/\d/g)?.length ?? 0) >= 4 && !isUkPostcode(t) && !t.includes("@"));
  return candidates.length === 1 ? candidates[0].replace(/-+$/, "").toUpperCase() : undefined;
}

/** An answer to "what is your postcode?": a UK postcode, or a lone 5-digit (ZIP, ZIP+4) or 6-digit (CN) number. */
export function readBarePostcode(text: string): string | undefined {
  const named = extractPostcode(text);
  if (named) return named;
  const m = /^\s*(\d{5}(?:-\d{4})?|\d{6})\s*[.。!！]?\s*$/.exec(prepare(text));
  return m?.[1];
}
