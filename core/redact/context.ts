import { isAsciiLetter } from "./text.ts";

/** What the words just before a number say it is. */
export type Hint = "reference" | "price" | "phone" | "card" | "id" | "ssn";

const KEYWORDS: [string, Hint][] = [
  // Numbers the shop itself issues or prints: orders, parcels, products, invoices.
  ...list("reference", "order, orders, order id, tracking, invoice, receipt, ref, reference, confirmation, sku, item, product, model, part, po, ticket, case, booking, reservation, article, voucher, coupon, barcode, ean, upc, isbn"),
  ...list("reference", "订单, 单号, 运单, 快递, 物流, 货号, 编号, 商品, 型号, 发票, 条码, 条形码, 批号"),
  ...list("price", "price, prices, cost, costs, total, amount, usd, eur, gbp, rmb, cny, hkd, jpy, $, ¥, ￥, €, £, 价格, 售价, 总价, 金额"),
  ...list("phone", "phone, telephone, tel, mobile, cell, cellphone, call, text, sms, whatsapp, fax, contact, reach, dial, 手机, 电话, 联系, 致电, 拨打, 座机, 微信"),
  ...list("card", "card, credit card, debit card, visa, mastercard, amex, 卡, 卡号, 信用卡, 银行卡, 借记卡"),
  ...list("id", "id, id card, id number, identity, national id, 身份证, 证件"),
  ...list("ssn", "ssn, social security, 社会安全号"),
  // The longest match wins: "order id" is a reference, "id" alone an identity document.
].sort((a, b) => b[0].length - a[0].length);

// Words that may stand between a keyword and its number: "order no. 12345", "手机号码是 138…".
const FILLERS = list(undefined, "number, numbers, num, no, nr, is, was, are, me, at, on, to, my, our, your, the, of, 号码, 号, 是, 为, 的, 我, 给").map(([w]) => w);
// Not the comma: "thanks for the order, 5551234567 is my number" is not an order number.
const FILLER_MARKS = new Set([":", "：", "#", "＃", "=", "-", "–", "—", ".", "(", "（"]);

function list<const K>(hint: K, words: string): [string, K][] {
  return words.split(", ").map((w) => [w, hint]);
}

// Looked up by their last character: a number costs a few comparisons, not one per keyword.
const KEYWORDS_BY_LAST = byLastChar(KEYWORDS);
const FILLERS_BY_LAST = byLastChar(FILLERS.map((w) => [w, undefined]));

function byLastChar<K>(entries: [string, K][]): Map<string, [string, K][]> {
  const map = new Map<string, [string, K][]>();
  for (const entry of entries) {
    const last = entry[0].at(-1)!;
    map.set(last, [...(map.get(last) ?? []), entry]);
  }
  return map;
}

// Far enough for "my mobile phone number is: " and no further, so the cost per number is fixed.
const WINDOW = 40;

/**
 * The hint given by the words right before `start` (only fillers and ':#' between them and the number),
 * or undefined. A bare '#' makes a reference ("#12345678901"). The nearest keyword decides, so in
 * "order 12345, call me on 5551234567" the phone number is read as a phone.
 */
export function hintBefore(text: string, start: number): Hint | undefined {
  let window = text.slice(Math.max(0, start - WINDOW), start).toLowerCase();
  let hash = false;
  for (;;) {
    window = window.trimEnd();
    if (!window) break;
    const last = window.at(-1)!;
    const keyword = KEYWORDS_BY_LAST.get(last)?.find(([w]) => endsWithWord(window, w));
    if (keyword) return keyword[1];
    if (FILLER_MARKS.has(last)) {
      hash ||= last === "#" || last === "＃";
      window = window.slice(0, -1);
      continue;
    }
    const filler = FILLERS_BY_LAST.get(last)?.find(([w]) => endsWithWord(window, w));
    if (!filler) break;
    window = window.slice(0, -filler[0].length);
  }
  return hash ? "reference" : undefined;
}

// Currency words after an amount: "1299元", "13800 yuan".
const AFTER_PRICE = ["元", "块", "圆", "美元", "欧元", "英镑", "港币", "人民币", "%", "％", "yuan", "rmb", "cny", "usd", "dollar", "dollars", "eur", "euro", "euros", "gbp", "pound", "pounds", "hkd"];

/** Whether a currency word or '%' follows the number ending at `end`: an amount, whatever its digits. */
export function priceAfter(text: string, end: number): boolean {
  const next = text.slice(end, end + 9).trimStart().toLowerCase();
  return AFTER_PRICE.some((w) => next.startsWith(w) && !(isAsciiLetter(w.charCodeAt(0)) && isAsciiLetter(next.charCodeAt(w.length))));
}

/** `text` ends with `word`, and a Latin word is not the tail of a longer one ("reorder" is not "order"). */
function endsWithWord(text: string, word: string): boolean {
  if (!text.endsWith(word)) return false;
  const before = text.charCodeAt(text.length - word.length - 1);
  return !isAsciiLetter(word.charCodeAt(0)) || !isAsciiLetter(before);
}
