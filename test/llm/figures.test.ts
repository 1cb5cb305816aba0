import { describe, expect, it } from "vitest";
import { freeTextFigures } from "../../llm/grounded/figures.ts";
import { ISSUE_EXAMPLES } from "./adversarial.ts";

const kinds = (text: string) => freeTextFigures(text).map((f) => f.kind);

describe("figures in model-written text", () => {
  it("finds every example in the issue", () => {
    for (const [text] of ISSUE_EXAMPLES) expect(kinds(text), text).not.toEqual([]);
  });

  it("finds number words, currency words, percentages and links in any case or width", () => {
    for (const text of ["ninety-nine", "NINETY", "ｎｉｎｅｔｙ", "nine\u200Bty", "a dozen", "only one", "one left", "one hundred", "half price", "twenty bucks", "ten per cent", "in USD"]) {
      expect(kinds(text), text).not.toEqual([]);
    }
    for (const text of ["http", "www.evil.example", "shop.example.com", "evil。com", "evil dot com", "park.she"]) expect(kinds(text), text).toContain("url");
  });

  it("finds Chinese numerals used as figures", () => {
    for (const text of ["九十九", "一百二十八", "三折", "两件", "百分之三十", "只剩一件", "一折", "九十分钟", "三千万"]) expect(kinds(text), text).not.toEqual([]);
  });

  it("leaves prose alone", () => {
    for (const text of [
      "This one is warm, one of our best. One day you will love it.",
      "Half the fun is the colour.",
      "e.g. a hat, i.e. warm.",
      "It is warm.Then it rains",
      "我们一起看一下，一样好看，统一风格，唯一的选择。",
      "这是一款十分舒适的帽子，一件很暖的外套，千万别错过，五颜六色，第一次买。",
    ]) {
      expect(freeTextFigures(text), text).toEqual([]);
    }
  });
});
