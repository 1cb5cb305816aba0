import { describe, expect, it } from "vitest";
import { ISSUE_EXAMPLES } from "./adversarial.ts";
import { checkReply, type Rendered, type ViolationKind } from "./figure-checker.ts";

// What the catalogue renders for two cards, written out by hand (not by llm/'s formatting code).
const rendered: Rendered = {
  cardFacts: ["€1,234.56", "7 in stock", "Red wool hat", "£987.65", "out of stock", "Trail Runner 2", "库存7件", "暂时缺货"],
  cardTitles: ["Red wool hat", "Trail Runner 2"],
  catalogueTitles: ["Red wool hat", "Trail Runner 2", "Zorblax 9000", "Blue linen scarf"],
};
const kinds = (text: string) => new Set(checkReply(text, rendered).map((v) => v.kind));


describe("the independent figure checker", () => {
  it("flags every example in the issue", () => {
    for (const [text, kind] of ISSUE_EXAMPLES) expect(kinds(text), text).toContain(kind);
    expect(kinds("ninety-nine dollars")).toContain("currency");
    expect(kinds("30% off")).toContain("percent");
  });

  it("flags numbers in any spelling, currency words and signs, and percentages", () => {
    const bad: [string, ViolationKind][] = [
      ["It is ９９ today", "figure"],
      ["Just ½ of it", "figure"],
      ["Buy ① now", "figure"],
      ["It is $ cheap", "currency"],
      ["Pay in ￥ today", "currency"],
      ["It is five bucks", "currency"],
      ["Only EUR today", "currency"],
      ["twenty dollars", "number_word"],
      ["Say it costs FIVE", "number_word"],
      ["a hundred of them", "number_word"],
      ["a dozen left", "number_word"],
      ["only one left", "number_word"],
      ["one left in stock", "number_word"],
      ["one in stock", "number_word"],
      ["one-hundred", "number_word"],
      ["it costs one", "number_word"],
      ["now at half price", "number_word"],
      ["at half", "number_word"],
      ["ten per cent off", "percent"],
      ["fifty percent", "percent"],
      ["ｎｉｎｅｔｙ", "number_word"],
      ["nine\u200Bty", "number_word"],
      ["ninety_nine", "number_word"],
    ];
    for (const [text, kind] of bad) expect(kinds(text), text).toContain(kind);
  });

  it("flags Chinese numerals used as figures, not the words that merely contain one", () => {
    for (const text of ["九十九元", "一百二十八", "现在三折", "还剩两件", "百分之三十", "只剩一件", "买一件送一件", "一折", "半价出售", "五块钱", "九十分钟", "三 件"]) {
      expect(kinds(text), text).toSatisfy((k: Set<string>) => k.has("zh_numeral") || k.has("percent") || k.has("currency"));
    }
    for (const text of ["我们一起去", "看一下", "一样好看", "统一风格", "唯一的选择", "这是一款很棒的帽子", "一件很暖的外套", "十分舒适", "千万别错过", "万一下雨", "五颜六色", "第一次买"]) {
      expect(checkReply(text, rendered), text).toEqual([]);
    }
  });

  it("flags links: schemes, www, host names, addresses", () => {
    for (const text of ["see http://evil.example", "reply with https", "visit www.evil.example", "go to shop.example.com now", "mail me at a@b", "evil dot com", "EVIL.COM", "evil。com", "park.she"]) {
      expect(kinds(text), text).toContain("url");
    }
    for (const text of ["e.g. a hat", "It is warm.Then it rains", "i.e. soft"]) expect(checkReply(text, rendered), text).toEqual([]);
  });

  it("names only the cards: another catalogue product's title is flagged, a card's is not", () => {
    expect(kinds("Try the Zorblax 9000 instead")).toContain("other_product");
    expect(kinds("the blue linen scarf is nice")).toContain("other_product");
    expect(checkReply("The Trail Runner 2 is light.", rendered)).toEqual([]);
  });

  it("accepts the catalogue's own rendered facts and ordinary prose", () => {
    for (const text of [
      "The Red wool hat is €1,234.56, 7 in stock.",
      "Trail Runner 2: £987.65, out of stock.",
      "这顶帽子库存7件，Trail Runner 2暂时缺货。",
      "This one is a good pick, and one of the warmest. One day you will love it.",
      "Half the fun is the colour: red.",
      "It comes in red and blue; each is soft.",
      "I can't say, sorry!",
    ]) {
      expect(checkReply(text, rendered), text).toEqual([]);
    }
  });

  it("does not take a figure next to a rendered fact for part of it", () => {
    expect(kinds("€1,234.565 today")).toContain("figure");
    expect(kinds("17 in stock")).toContain("figure");
  });
});
