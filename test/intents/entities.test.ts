import { describe, expect, it } from "vitest";
import { compileLexicon, extractEntities, extractPrice, extractSizes, spokenAmountsToDigits } from "../../intents/entities.ts";
import type { Entities, Lexicon } from "../../intents/types.ts";

const lexicon: Lexicon = {
  categories: {
    shoes: ["shoe", "sneakers", "trainers", "鞋", "鞋子", "运动鞋"],
    "running shoes": ["running shoe", "跑鞋"],
    dresses: ["dress", "连衣裙", "裙子"],
    "t-shirts": ["t-shirt", "tee", "T恤"],
    headphones: ["headphone", "earphones", "耳机"],
    glasses: ["glasses"],
    "wine glasses": ["wine glass", "红酒杯"],
    knives: ["knife", "刀具"],
    "coffee machines": ["coffee machine", "espresso machine", "咖啡机"],
    phones: ["phone", "smartphone", "手机"],
  },
  brands: ["Nike", "Adidas", "Levi's", "H&M", "Dr. Martens", "Aurora", "李宁", "Apple"],
};

type Case = [text: string, expected: Partial<Entities>];

// Price ranges, English and Chinese, and the numbers that must not be read as prices.
const priceCases: Case[] = [
  ["show me running shoes under 100", { price: { max: 100 } }],
  ["anything below $50?", { price: { max: 50 } }],
  ["less than 50 dollars", { price: { max: 50 } }],
  ["up to 80", { price: { max: 80 } }],
  ["over 100", { price: { min: 100 } }],
  ["at least 30", { price: { min: 30 } }],
  ["more than 20 please", { price: { min: 20 } }],
  ["between 20 and 40", { price: { min: 20, max: 40 } }],
  ["tees 20-40", { price: { min: 20, max: 40 } }],
  ["from 20 to 40", { price: { min: 20, max: 40 } }],
  ["$20 to $40", { price: { min: 20, max: 40 } }],
  ["around 50", { price: { min: 40, max: 60 } }],
  ["not more than 60", { price: { max: 60 } }],
  ["need a gift for a coworker, nothing over 30", { price: { max: 30 } }],
  ["nothing more than 25 please", { price: { max: 25 } }],
  ["no less than 40", { price: { min: 40 } }],
  ["under fifty dollars", { price: { max: 50 } }],
  ["a laptop under 2k", { price: { max: 2000 } }],
  ["$1,299 or less", { price: { max: 1299 } }],
  ["50元以下的耳机", { price: { max: 50 } }],
  ["50块以内", { price: { max: 50 } }],
  ["低于50元", { price: { max: 50 } }],
  ["不超过50", { price: { max: 50 } }],
  ["100元以上", { price: { min: 100 } }],
  ["不低于100", { price: { min: 100 } }],
  ["20到40元", { price: { min: 20, max: 40 } }],
  ["20-40元", { price: { min: 20, max: 40 } }],
  ["两百元以下", { price: { max: 200 } }],
  ["一千五以内的手机", { price: { max: 1500 } }],
  ["1.5万以下", { price: { max: 15000 } }],
  ["百元以内", { price: { max: 100 } }],
  ["500 以内", { price: { max: 500 } }],
  ["预算300左右", { price: { min: 240, max: 360 } }],
  ["在100和200之间", { price: { min: 100, max: 200 } }],
  ["５０元以下", { price: { max: 50 } }],
  // Not prices: sizes, quantities, model numbers, ages, durations, percentages, vague words.
  ["size 42", { price: undefined, sizes: ["42"] }],
  ["42码", { price: undefined, sizes: ["42"] }],
  ["儿童运动鞋有吗，三十码的", { price: undefined, sizes: ["30"] }],
  ["四十码的靴子", { sizes: ["40"] }],
  ["大码的卫衣", { sizes: ["L"] }],
  ["2 pairs of socks", { price: undefined }],
  ["the Aurora X2", { price: undefined, brands: ["Aurora"] }],
  ["iPhone 15", { price: undefined }],
  ["iPhone 15 under 1000", { price: { max: 1000 } }],
  ["toys for kids under 10", { price: undefined }],
  ["delivered in under 5 days", { price: undefined }],
  ["over 100 reviews", { price: undefined }],
  ["up to 50% off", { price: undefined }],
  ["cheap shoes", { price: undefined, categories: ["shoes"] }],
  ["便宜的鞋子", { price: undefined, categories: ["shoes"] }],
  ["买3件", { price: undefined }],
  ["compare the 14 to the 15", { price: undefined }],
  ["upgrade from iPhone 14 to 15", { price: undefined }],
  ["Galaxy S23-S24", { price: undefined }],
  ["open from 9 to 5", { price: undefined }],
  ["phones 300 to 500", { price: { min: 300, max: 500 }, categories: ["phones"] }],
  ["size 38-40 sneakers", { price: undefined }],
];

// Categories, brands, colours and sizes, canonical.
const otherCases: Case[] = [
  ["do you have red dresses", { categories: ["dresses"], colors: ["red"] }],
  ["Nike shoe in size 42 please", { categories: ["shoes"], brands: ["Nike"], sizes: ["42"] }],
  ["I want a tshirt in XL", { categories: ["t-shirts"], sizes: ["XL"] }],
  ["levis and H&M t shirts", { categories: ["t-shirts"], brands: ["Levi's", "H&M"] }],
  ["dr martens boots", { brands: ["Dr. Martens"] }],
  ["NIKE sneakers", { brands: ["Nike"], categories: ["shoes"] }],
  ["red running shoes", { categories: ["running shoes"], colors: ["red"] }],
  ["a wine glass and some knives", { categories: ["wine glasses", "knives"] }],
  ["espresso machines", { categories: ["coffee machines"] }],
  ["navy blue hoodie in medium", { colors: ["blue"], sizes: ["M"] }],
  ["do you have this in a medium?", { sizes: ["M"] }],
  ["grey or gray, either is fine", { colors: ["grey"] }],
  ["olive oil and face cream", { colors: [] }],
  ["size EU 42 in black", { sizes: ["EU 42"], colors: ["black"] }],
  ["US 9 and UK 8", { sizes: ["US 9", "UK 8"] }],
  ["show us 5 bags", { sizes: [] }],
  ["Xbox Series S", { sizes: [] }],
  ["I'm a large", { sizes: ["L"] }],
  ["a large TV", { sizes: [] }],
  ["a small gift for my mum", { sizes: [] }],
  ["in large", { sizes: ["L"] }],
  ["one size fits all", { sizes: ["ONE SIZE"] }],
  ["我要42码的黑色运动鞋", { categories: ["shoes"], colors: ["black"], sizes: ["42"] }],
  ["有没有红色的连衣裙", { categories: ["dresses"], colors: ["red"] }],
  ["李宁跑鞋", { categories: ["running shoes"], brands: ["李宁"] }],
  ["nike鞋子 M码", { categories: ["shoes"], brands: ["Nike"], sizes: ["M"] }],
  ["粉红色的裙子", { categories: ["dresses"], colors: ["pink"] }],
  ["黑的和灰的你选哪个", { colors: ["black", "grey"] }],
  ["明白的", { colors: [] }],
  ["要加大号的", { sizes: ["XL"] }],
  ["有L码吗", { sizes: ["L"] }],
  ["藏青色外套，中号", { colors: ["blue"], sizes: ["M"] }],
  ["苹果手机", { categories: ["phones"] }],
];

describe("extractEntities", () => {
  it.each([...priceCases, ...otherCases])("%s", (text, expected) => {
    const entities = extractEntities(text, lexicon);
    for (const [key, value] of Object.entries(expected)) {
      expect(entities[key as keyof Entities], key).toEqual(value);
    }
  });

  it("always returns the list fields, empty when nothing is named", () => {
    expect(extractEntities("hello there", lexicon)).toEqual({ categories: [], brands: [], colors: [], sizes: [] });
  });

  it("returns several names in the order the shopper said them, once each", () => {
    const e = extractEntities("Adidas or Nike headphones? no, Nike shoes", lexicon);
    expect(e.brands).toEqual(["Adidas", "Nike"]);
    expect(e.categories).toEqual(["headphones", "shoes"]);
  });

  it.each([
    ["wireless earbuds under like fifty bucks", { max: 50 }],
    ["headphones under, like, 80", { max: 80 }],
    ["my budget is um 300", { max: 300 }],
    ["I'd like 2 of them", undefined],
  ])("reads past a spoken filler between a price word and its amount: %s", (text, expected) => {
    expect(extractPrice(text)).toEqual(expected);
  });

  it("reads a range with both bounds given separately", () => {
    expect(extractPrice("over 20 but under 50")).toEqual({ min: 20, max: 50 });
  });

  it.each([
    ["I have 150 to spend on a tent and a sleeping bag", { max: 150 }],
    ["I want to spend 200 on headphones", { max: 200 }],
    ["a tent and a sleeping bag, 120 in total", { max: 120 }],
    ["帐篷和睡袋一共300元", { max: 300 }],
    ["I have 2 kids", undefined],
    ["spend time outdoors", undefined],
  ])("a sum to spend is the most to pay: %s", (text, expected) => {
    expect(extractPrice(text)).toEqual(expected);
  });

  it("rejects a malformed lexicon with an error naming the field", () => {
    const bad = { categories: { shoes: "shoe" }, brands: [] } as unknown as Lexicon;
    expect(() => extractEntities("shoes", bad)).toThrow(/categories\.shoes/);
  });

  it("compiles a lexicon once and reuses it", () => {
    expect(compileLexicon(lexicon)).toBe(compileLexicon(lexicon));
  });
});

describe("spoken amounts as digits, the rest as written", () => {
  it.each([
    ["show me Running Shoes under one hundred dollars", "show me Running Shoes under 100 dollars"],
    ["headphones under a hundred bucks", "headphones under 100 bucks"],
    ["ninety nine dollars", "99 dollars"],
    ["this one under fifty", "this one under 50"],
    ["a tent for two people", "a tent for two people"],
    ["两百块以下的耳机", "200块以下的耳机"],
    ["三百以内的帐篷", "300以内的帐篷"],
    ["我要一双跑鞋", "我要一双跑鞋"],
  ])("%s → %s", (text, expected) => {
    expect(spokenAmountsToDigits(text)).toBe(expected);
  });
});

describe("spoken sizes", () => {
  it.each([
    ["hiking boots size ten", ["10"]],
    ["sneakers EU forty two", ["EU 42"]],
    ["size nine and a half running shoes", ["9.5"]],
  ])("%s → %j", (text, sizes) => {
    expect(extractSizes(text)).toEqual(sizes);
  });
});
