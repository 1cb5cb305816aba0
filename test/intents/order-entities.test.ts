import { describe, expect, it } from "vitest";
import { redactPii } from "../../core/redact.ts";
import { extractEmail, extractEntities, extractOrderNumber, extractPostcode, readBareOrderNumber, readBarePostcode } from "../../intents/entities.ts";

const lexicon = { categories: {}, brands: [] };

describe("order numbers, e-mails and postcodes", () => {
  it.each([
    ["where is my order 12345?", "12345"],
    ["where is order #12345", "12345"],
    ["#AB-12345 hasn't arrived", "AB-12345"],
    ["my order number is ab-98765", "AB-98765"],
    ["order no. 77001234 please", "77001234"],
    ["Order ID: ORD123456", "ORD123456"],
    ["what happened to AB-12345?", "AB-12345"],
    ["订单号 12345 到哪了", "12345"],
    ["我的订单号是AB12345", "AB12345"],
    ["单号：２０２４０５０１", "20240501"],
  ])("reads the order number in %j", (text, expected) => {
    expect(extractOrderNumber(text)).toBe(expected);
  });

  it.each(["I want to order 100 pens", "what's your order status", "size 42 running shoes", "SPF50 sun cream", "deliver to SW1A 1AA", "iPhone 15 under $900", "refund please"])("finds no order number in %j", (text) => {
    expect(extractOrderNumber(text)).toBeUndefined();
  });

  it("reads e-mail addresses in EN and ZH phrasing", () => {
    expect(extractEmail("it's Jane.Doe+shop@Example.CO.UK, thanks")).toBe("Jane.Doe+shop@example.co.uk");
    expect(extractEmail("我的邮箱是jane@example.cn。")).toBe("jane@example.cn");
    expect(extractEmail("no address @ here")).toBeUndefined();
  });

  it.each([
    ["postcode SW1A 1AA", "SW1A 1AA"],
    ["it's going to m1 1ae", "M1 1AE"],
    ["my zip code is 94105", "94105"],
    ["zip 94105-1234", "94105-1234"],
    ["邮编 100000", "100000"],
    ["邮政编码：２００１２０", "200120"],
  ])("reads the postcode in %j", (text, expected) => {
    expect(extractPostcode(text)).toBe(expected);
  });

  it("digits alone are neither an order number nor a postcode until the conversation asked for one", () => {
    expect(extractOrderNumber("12345")).toBeUndefined();
    expect(extractPostcode("94105")).toBeUndefined();
    expect(readBareOrderNumber("it's 12345")).toBe("12345");
    expect(readBareOrderNumber("12 or 34")).toBeUndefined();
    expect(readBarePostcode("94105")).toBe("94105");
    expect(readBarePostcode("100000。")).toBe("100000");
    expect(readBarePostcode("I have 3 kids")).toBeUndefined();
  });

  it("stays fast on adversarial text (long runs of spaces after a cue word, repeated fragments)", () => {
    const texts = [`order${" ".repeat(1990)}!`, `订单号${" ".repeat(1990)}!`, `zip code${"\t ".repeat(995)}x`, "a@".repeat(1000), "AB-".repeat(700), "1".repeat(2000), `order ${"#".repeat(1990)}`, "order is ".repeat(220)];
    const started = performance.now();
    for (const t of texts) {
      extractOrderNumber(t);
      extractEmail(t);
      extractPostcode(t);
      readBareOrderNumber(t);
      readBarePostcode(t);
    }
    // Milliseconds when linear; before whitespace was folded the first text alone took over 10 s.
    // The bound is loose because the machine running the suite is shared.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("the entities reach the dialog while the stored transcript loses the e-mail", () => {
    const text = "order #12345, email jane@example.com, postcode SW1A 1AA";
    const e = extractEntities(text, lexicon);
    expect(e).toMatchObject({ orderNumber: "12345", email: "jane@example.com", postcode: "SW1A 1AA" });
    const stored = redactPii(text);
    expect(stored).not.toContain("jane@example.com");
    expect(stored).toContain("[email]");
    // The shop issued the order number and a postcode names an area: both are kept for the transcript's reader.
    expect(stored).toContain("#12345");
  });
});
