import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tokenize as intentTokens } from "../../intents/tokenize.ts";
import { tokenize as catalogueTokens } from "../../recommend/text/tokenize.ts";

// Any text a shopper or a catalogue can hold: every code point, lone surrogates, emoji, CJK, digits.
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.array(fc.constantFrom("订单号 12345", "红色的鞋子", "😀", "\uD800", "05, 2019", "#12345", "AB-12345", "a@b.co", "SW1A 1AA", "", " ", "\u0000"), { maxLength: 8 }).map((p) => p.join(" ")),
);

describe("the tokenisers are total", () => {
  it("never throw and give only non-empty tokens without spaces", () => {
    fc.assert(
      fc.property(anyText, (t) => {
        for (const tokens of [intentTokens(t), catalogueTokens(t)]) {
          for (const w of tokens) {
            expect(typeof w).toBe("string");
            expect(w.length).toBeGreaterThan(0);
            expect(w).not.toMatch(/\s/);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
