import { describe, expect, it } from "vitest";
import { detectLocale } from "../../intents/language.ts";

describe("detectLocale", () => {
  it.each([
    ["show me running shoes", undefined, "en"],
    ["有没有红色的连衣裙", undefined, "zh"],
    ["我要Nike的鞋", undefined, "zh"],
    ["Aurora X2多少钱", "en-GB", "zh"],
    ["hello", "zh-CN", "en"],
    ["42", "zh-CN", "zh"],
    ["👍", "zh-TW", "zh"],
    ["42", "en", "en"],
    ["42", undefined, "en"],
    ["", "zh", "zh"],
    ["", undefined, "en"],
    ["？？", "zh-Hans", "zh"],
    ["ok", "zh", "en"],
  ] as const)("%j with hint %j → %s", (text, hint, expected) => {
    expect(detectLocale(text, hint)).toBe(expected);
  });
});
