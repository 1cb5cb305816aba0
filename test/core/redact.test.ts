import { describe, expect, it } from "vitest";
import { redactPii } from "../../core/redact.ts";

const redactedEn: [string, string][] = [
  // e-mail
  ["mail me at jane.doe@example.com please", "mail me at [email] please"],
  ["email me: Jane.Doe+shop@mail.example.co.uk!", "email me: [email]!"],
  ["write to jane@example.com.", "write to [email]."],
  ["jane@bücher.de", "[email]"],
  ["(jane_doe@example.org)", "([email])"],
  // phone, unseparated
  ["5551234567", "[phone]"],
  ["call 5551234567", "call [phone]"],
  ["my number is 07700900123", "my number is [phone]"],
  ["+447700900123", "[phone]"],
  ["447700900123", "[phone]"],
  // phone, grouped
  ["(555) 123-4567 is my number", "[phone] is my number"],
  ["+1 (555) 123-4567", "[phone]"],
  ["555-123-4567", "[phone]"],
  ["555.123.4567", "[phone]"],
  ["555 123 4567", "[phone]"],
  ["1-800-555-1234", "[phone]"],
  ["call +44 20 7946 0958", "call [phone]"],
  ["+44 (0)20 7946 0958", "[phone]"],
  ["0044 20 7946 0958", "[phone]"],
  ["020 7946 0958", "[phone]"],
  ["06 12 34 56 78", "[phone]"],
  ["tel: 5551234", "tel: [phone]"],
  ["tel-5551234567", "tel-[phone]"],
  // cards
  ["my card is 4111 1111 1111 1111", "my card is [card]"],
  ["4111-1111-1111-1111", "[card]"],
  ["4111111111111111", "[card]"],
  ["amex 3782 822463 10005", "amex [card]"],
  ["5500 0000 0000 0004 exp 12/27", "[card] exp 12/27"],
  // A typo fails Luhn, but after a card word it is still the shopper's card.
  ["credit card 4111111111111112", "credit card [card]"],
  // IBAN
  ["DE89 3704 0044 0532 0130 00", "[iban]"],
  ["GB82WEST12345698765432", "[iban]"],
  ["GB82 WEST 1234 5698 7654 32", "[iban]"],
  ["iban: de89370400440532013000.", "iban: [iban]."],
  // SSN
  ["SSN 123-45-6789", "SSN [ssn]"],
  ["123-45-6789", "[ssn]"],
  ["078-05-1120", "[ssn]"],
  ["123 45 6789", "[ssn]"],
  ["ssn 123456789", "ssn [ssn]"],
  ["my social security number is 078051120", "my social security number is [ssn]"],
];

const redactedZh: [string, string][] = [
  // e-mail: ASCII and Unicode local parts, IDN domains, no spaces around
  ["邮箱：zhang.san@163.com", "邮箱：[email]"],
  ["联系我jane@example.com谢谢", "联系我[email]谢谢"],
  ["用户@例子.广告", "[email]"],
  ["测试@例子.中国，谢谢", "[email]，谢谢"],
  ["jane＠example.com", "[email]"],
  // mobile
  ["我的手机 13800138000", "我的手机 [phone]"],
  ["我的手机号是13800138000，谢谢", "我的手机号是[phone]，谢谢"],
  ["+86 138 0013 8000", "[phone]"],
  ["8613800138000", "[phone]"],
  ["138-0013-8000", "[phone]"],
  ["手机：138 0013 8000", "手机：[phone]"],
  ["１３８００１３８０００", "[phone]"],
  // landline
  ["010-12345678", "[phone]"],
  ["0755-1234567", "[phone]"],
  ["075512345678", "[phone]"],
  ["(010) 12345678", "[phone]"],
  ["021 6123 4567", "[phone]"],
  ["电话 12345678", "电话 [phone]"],
  // cards
  ["卡号 6222021234567890128", "卡号 [card]"],
  ["信用卡 6222 0212 3456 7890 128", "信用卡 [card]"],
  ["6222021234567890128", "[card]"],
  // resident ID, 18 characters (check character X or x, or a digit) and the old 15 digits
  ["身份证 11010519491231002X", "身份证 [id]"],
  ["11010519491231002x 是我的", "[id] 是我的"],
  ["110105 19491231 002X", "[id]"],
  ["身份证号码：110105194912310021", "身份证号码：[id]"],
  ["110105491231002", "[id]"],
  // IBAN and SSN in Chinese text
  ["汇款到 DE89370400440532013000 谢谢", "汇款到 [iban] 谢谢"],
  ["社会安全号 078-05-1120", "社会安全号 [ssn]"],
];

const keptEn = [
  "running shoes under 100",
  "size 42 in red",
  "between 20 and 40 dollars",
  "iPhone 15 Pro",
  // order and reference numbers, SKUs
  "order 12345",
  "order #A12345",
  "Order No. 12345678901",
  "my order number is 2024123456",
  "#12345678901",
  "sku-000123",
  "SKU 000123",
  "tracking 1Z999AA10123456784",
  "ISBN 9780306406157",
  "6901234567892",
  // prices
  "$1,299.00",
  "€45.50",
  "£1,299",
  "price 1299 1499 1999",
  "1 299 000",
  "12 500 000",
  // dates and times
  "2025-01-31",
  "31/01/2025",
  "01/31/2025",
  "31.01.2025",
  "2025-01-31T14:30:00Z",
  "deliver 2025-01-31 14:30",
  "14:30",
  "at 9:05 pm",
  // sizes, quantities, years, versions, postcodes
  "size 10.5",
  "sizes 38 39 40 41 42",
  "2 x 500ml",
  "qty 100",
  "256GB",
  "in 2024",
  "2023 2024 2025",
  "1000 2000 3000",
  "v1.2.3",
  "192.168.1.10",
  "zip 94105-1234",
  // near misses: failed check digits, unissued SSNs, no domain
  "4111111111111112",
  "110105194912310021",
  "000-12-3456",
  "123456789",
  "AB12 3456",
  "x@y",
  "a.b@c",
];

const keptZh = [
  "订单号 2024123456",
  "订单号：202412345678901234",
  "订单 13800138000",
  "快递单号 SF1234567890123",
  "1299元",
  "¥128",
  "￥1299",
  "价格 1299",
  "2025年1月31日",
  "2025年1月31日14:30",
  "邮编 100000",
  "尺码 42",
  "买 2 件",
  "满 300 减 50",
];

describe("redactPii", () => {
  it.each(redactedEn)("redacts %s", (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each(redactedZh)("redacts %s", (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each([...keptEn, ...keptZh])("leaves %s alone", (text) => {
    expect(redactPii(text)).toBe(text);
  });

  it("reads a bare 10–11-digit number as a phone unless the words before it name an order", () => {
    expect(redactPii("order 5551234567")).toBe("order 5551234567");
    expect(redactPii("order: 5551234567")).toBe("order: 5551234567");
    expect(redactPii("call 5551234567")).toBe("call [phone]");
    expect(redactPii("it is 5551234567")).toBe("it is [phone]");
    expect(redactPii("订单 13800138000")).toBe("订单 13800138000");
    expect(redactPii("手机 13800138000")).toBe("手机 [phone]");
    expect(redactPii("订单手机号 13800138000")).toBe("订单手机号 [phone]");
    expect(redactPii("#12345678901")).toBe("#12345678901");
    expect(redactPii("12345678901")).toBe("[phone]");
    // The nearest word decides, and a comma ends its reach.
    expect(redactPii("order 12345, call me on 5551234567")).toBe("order 12345, call me on [phone]");
    expect(redactPii("thanks for the order, 5551234567 is my number")).toBe("thanks for the order, [phone] is my number");
  });

  it("keeps the text around what it redacts", () => {
    expect(redactPii("Hi! I'm Jane (jane@example.com, +44 7700 900123); order #A12345 for 2 × size 42 at $129.99 on 2025-01-31, thanks")).toBe(
      "Hi! I'm Jane ([email], [phone]); order #A12345 for 2 × size 42 at $129.99 on 2025-01-31, thanks",
    );
    expect(redactPii("你好，我是张三，手机13800138000，身份证11010519491231002X，订单号2024123456，1299元，2025年1月31日送到。")).toBe(
      "你好，我是张三，手机[phone]，身份证[id]，订单号2024123456，1299元，2025年1月31日送到。",
    );
    expect(redactPii("card 4111 1111 1111 1111, IBAN GB82WEST12345698765432 and SSN 078-05-1120.")).toBe("card [card], IBAN [iban] and SSN [ssn].");
  });

  it("redacting twice is redacting once", () => {
    for (const [input] of [...redactedEn, ...redactedZh]) {
      const once = redactPii(input);
      expect(redactPii(once)).toBe(once);
    }
    for (const text of [...keptEn, ...keptZh]) expect(redactPii(redactPii(text))).toBe(text);
  });
});

// Each family is 100,000 characters. A scan that retries from every start position takes minutes
// here and the test times out; the times themselves are bench/redact.ts's to report.
describe("redactPii on 100,000 characters of adversarial text", () => {
  const N = 100_000;
  const times = (unit: string) => Math.floor(N / unit.length);

  it("CJK letters without an '@', then an address", () => {
    const run = "中文没有空格".repeat(times("中文没有空格"));
    expect(redactPii(`${run} 联系 jane@example.com`)).toBe(`${run} 联系 [email]`);
    expect(redactPii(run)).toBe(run);
  });

  it("one '@' between two long CJK runs and no domain", () => {
    const text = `${"字".repeat(N / 2)}@${"字".repeat(N / 2)}`;
    expect(redactPii(text)).toBe(text);
  });

  it('"a@" repeated', () => {
    const text = "a@".repeat(times("a@"));
    expect(redactPii(text)).toBe(text);
  });

  it("digits and separators", () => {
    for (const unit of ["1-", "1 ", "12.", "(1", "+1 (", "7"]) {
      const text = unit.repeat(times(unit));
      expect(redactPii(text)).toBe(text);
    }
  });

  it("phone numbers joined into one long run", () => {
    expect(redactPii("5551234567 ".repeat(times("5551234567 ")))).toBe("[phone] ".repeat(times("5551234567 ")));
  });

  it("IBAN starts that never complete", () => {
    const text = "DE89 ".repeat(times("DE89 "));
    expect(redactPii(text)).toBe(text);
  });

  it("mixed chat, every format and its neighbours", () => {
    const unit = "订单号 2024123456，手机 13800138000，邮箱 zhang@example.com；a@b 1-2 (3) ";
    const expected = "订单号 2024123456，手机 [phone]，邮箱 [email]；a@b 1-2 (3) ";
    expect(redactPii(unit.repeat(times(unit)))).toBe(expected.repeat(times(unit)));
  });
});
