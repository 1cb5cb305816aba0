import { describe, expect, it } from "vitest";
import { redactPii } from "../../core/redact.ts";

describe("redactPii", () => {
  it.each([
    ["mail me at jane.doe@example.com please", "mail me at [email] please"],
    ["my card is 4111 1111 1111 1111", "my card is [card]"],
    ["call +44 20 7946 0958", "call [phone]"],
    ["我的手机 13800138000", "我的手机 [phone]"],
    ["(555) 123-4567 is my number", "[phone] is my number"],
  ])("redacts %s", (input, expected) => {
    expect(redactPii(input)).toBe(expected);
  });

  it.each(["running shoes under 100", "size 42 in red", "between 20 and 40 dollars", "order 12345", "iPhone 15 Pro"])(
    "leaves product talk alone: %s",
    (text) => {
      expect(redactPii(text)).toBe(text);
    },
  );
});
