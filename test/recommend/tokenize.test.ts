import { describe, expect, it } from "vitest";
import { stripPriceWords } from "../../recommend/text/query.ts";
import { parseGlossary } from "../../recommend/text/glossary.ts";
import { stemEnglish } from "../../recommend/text/stem.ts";
import { analyzeQuery, tokenize } from "../../recommend/text/tokenize.ts";

describe("English tokens", () => {
  it("lower-cases, drops request words and stems plurals and -ing", () => {
    expect(tokenize("Show me some Running Shoes")).toEqual(["run", "shoe"]);
    expect(tokenize("Hiking boots for women")).toEqual(["hike", "boot", "woman"]);
    expect(tokenize("dresses watches batteries boxes")).toEqual(["dress", "watch", "battery", "box"]);
  });

  it("meets a -ie word and its -ies plural (hoodie, hoodies)", () => {
    for (const [one, many] of [["hoodie", "hoodies"], ["beanie", "beanies"], ["cookie", "cookies"], ["smoothie", "smoothies"]]) {
      expect(stemEnglish(one!)).toBe(stemEnglish(many!));
    }
    expect(stemEnglish("pie")).toBe("pie");
    expect(stemEnglish("ties")).not.toBe(stemEnglish("ty"));
  });

  it("keeps short and vowel-less -ing words whole", () => {
    expect(stemEnglish("string")).toBe("string");
    expect(stemEnglish("ring")).toBe("ring");
    expect(stemEnglish("swimming")).toBe("swim");
    expect(stemEnglish("glass")).toBe("glass");
    expect(stemEnglish("lens")).toBe("lens");
  });

  it("splits hyphenated words and also keeps them joined, drops possessive 's", () => {
    expect(tokenize("Men's T-Shirt")).toEqual(["man", "t", "shirt", "tshirt"]);
  });

  it("folds full-width characters", () => {
    expect(tokenize("ＲＵＮＮＩＮＧ ＳＨＯＥＳ")).toEqual(["run", "shoe"]);
  });
});

describe("Chinese tokens", () => {
  it("segments with jieba and adds the glossary's English concepts", () => {
    const t = tokenize("红色跑鞋");
    expect(t).toEqual(expect.arrayContaining(["红色", "跑鞋", "red", "run", "shoe"]));
  });

  it("finds glossary phrases across jieba's cut (跑步鞋 = 跑步 + 鞋)", () => {
    const t = tokenize("我想买一双跑步鞋");
    expect(t).toEqual(expect.arrayContaining(["跑步", "鞋", "run", "shoe"]));
    // Request words are stopwords and produce no bigrams either.
    expect(t).not.toContain("我");
    expect(t).not.toContain("我想");
    expect(t).not.toContain("想买");
  });

  it("adds character bigrams of longer runs for recall", () => {
    expect(tokenize("无线蓝牙耳机")).toEqual(expect.arrayContaining(["无线", "蓝牙", "耳机", "线蓝", "牙耳"]));
  });

  it("maps a single character only when jieba cut it alone (白兰地 is not white)", () => {
    expect(tokenize("白兰地")).not.toContain("white");
    expect(tokenize("白 T恤")).toEqual(expect.arrayContaining(["white", "tshirt"]));
  });

  it("meets English: a Chinese and an English phrase share their concept tokens", () => {
    const zh = new Set(tokenize("无线耳机"));
    const en = tokenize("wireless headphones");
    expect(en.every((t) => zh.has(t))).toBe(true);
  });
});

describe("query groups", () => {
  it("offers the literal word and its English concepts as alternatives", () => {
    const groups = analyzeQuery("红色连衣裙");
    expect(groups.map((g) => g.text)).toEqual(["红色", "连衣裙"]);
    expect(groups[0]!.alternatives).toEqual([["红色"], ["red"]]);
    expect(groups[1]!.alternatives).toEqual(expect.arrayContaining([["连衣裙"], ["dress"]]));
  });

  it("keeps the shopper's spelling for quoting and drops stopword-only words", () => {
    const groups = analyzeQuery("Show me Running Shoes");
    expect(groups.map((g) => g.text)).toEqual(["Running", "Shoes"]);
    expect(groups.map((g) => g.alternatives)).toEqual([[["run"]], [["shoe"]]]);
  });
});

describe("price words", () => {
  it("removes price phrases but keeps model numbers", () => {
    expect(stripPriceWords("running shoes under 100")).toBe("running shoes");
    expect(stripPriceWords("Nike Air Max 90 under $120")).toBe("Nike Air Max 90");
    expect(stripPriceWords("headphones between 50 and 80 dollars")).toBe("headphones");
    expect(stripPriceWords("cheap jacket for 30 euros")).toBe("jacket");
    expect(stripPriceWords("跑鞋 100元以下")).toBe("跑鞋");
    expect(stripPriceWords("耳机 低于200")).toBe("耳机");
    expect(stripPriceWords("Aero 2")).toBe("Aero 2");
    expect(stripPriceWords("a laptop, my budget is 800")).toBe("a laptop, my");
    // A wish for a low price is no word to match: "expensive" is never in a listing as what was asked.
    expect(stripPriceWords("a laptop, not too expensive")).toBe("a laptop, not");
    expect(stripPriceWords("有没有不太贵的跑鞋")).toBe("有没有 的跑鞋");
  });

  it("keeps a number with a unit of measure: a size, not money", () => {
    expect(stripPriceWords("laptop with at least 16GB")).toBe("laptop with at least 16GB");
    expect(stripPriceWords("a tent for 4 people under 200")).toBe("a tent for 4 people");
    expect(stripPriceWords("a 65 L backpack under 80")).toBe("a 65 L backpack");
    expect(stripPriceWords("shoes under 99.99")).toBe("shoes");
  });
});

describe("glossary file", () => {
  it("parses entries, merges a term listed twice and reports bad lines by number", () => {
    const g = parseGlossary("# c\n跑鞋\trunning shoe\n跑鞋\tsneaker\n\n包\tbag\n");
    expect(g.lookup("跑鞋")).toBe("running shoe sneaker");
    expect(g.size).toBe(2);
    expect(() => parseGlossary("ok\tfine\nbroken line\n", "g.tsv")).toThrow("g.tsv:2");
  });
});
