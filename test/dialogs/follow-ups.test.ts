import { describe, expect, it } from "vitest";
import type { Understanding } from "../../intents/types.ts";
import { alternateAudiences, bothAdultAudiences, productAudiences, shopperAudience, suits } from "../../dialogs/audience.ts";
import { readWhichQuestion } from "../../dialogs/attributes.ts";
import { passageSaysPolicy } from "../../dialogs/flows/knowledge.ts";
import { asksToChangeOrder } from "../../dialogs/flows/service.ts";
import { askedExtreme, askedMeasure, magnitudeOf, magnitudeOn, statedMeasure } from "../../dialogs/magnitude.ts";
import { categoryName, localiseCategories } from "../../dialogs/names.ts";
import { readNeed } from "../../dialogs/needs.ts";
import { queryTerms } from "../../dialogs/query.ts";
import { priceOrderAsked, readMoreOf, readNarrowing, readRefinement, rejectsTheList } from "../../dialogs/refine.ts";
import { askedQuantity, readCartRequest } from "../../dialogs/flows/cart.ts";
import { editsApart, oneEditApart, wordPieces, wordsAsWritten } from "../../dialogs/flows/matching.ts";
import { explicitIndexes, pointsAtOne, superlativePick } from "../../dialogs/references.ts";
import { extractEntities } from "../../intents/entities.ts";

const lexicon = { categories: { shoes: ["shoe", "鞋"], clothing: ["clothes"] }, brands: ["Fleet"] };

function nlu(text: string, intent = "search_products", sentiment: Understanding["sentiment"]["label"] = "neutral"): Understanding {
  return { locale: /\p{Script=Han}/u.test(text) ? "zh" : "en", intent, confidence: 0.9, ranking: [], entities: extractEntities(text, lexicon), sentiment: { label: sentiment, score: 0 } };
}

describe("query terms", () => {
  it.each([
    ["do you sell the Zorblax 9000 hoverboard?", "Zorblax 9000 hoverboard"],
    ["I want to buy running shoes under 100", "running shoes"],
    ["can you show me some red dresses please", "red dresses"],
    ["I'm looking for a fountain pen", "fountain pen"],
    ["有没有更便宜的", ""],
    ["我想买一双100元以下的跑鞋", "跑鞋"],
    ["有没有卖悬浮滑板", "悬浮滑板"],
    ["帮我找找头灯", "头灯"],
    ["步维的鞋", "步维 鞋"],
    ["I want to buy a tent for 4 people", "tent 4-person"],
    ["a tent for two persons under 300", "tent 2-person"],
    ["你们有没有卖狗粮", "狗粮"],
    ["我想给老婆买条围巾", "老婆 围巾"],
    ["could you help me find a coffee grinder", "coffee grinder"],
    ["帮我找个咖啡机", "咖啡机"],
    ["brown hiking boots size 42", "brown hiking boots"],
    ["hiking boots in size 42", "hiking boots"],
    ["42码的跑鞋", "跑鞋"],
    ["trainers in EU 43", "trainers"],
    ["有iPhone 16吗", "iPhone 16"],
    ["我要买蓝牙音箱", "蓝牙音箱"],
    ["推荐几本小说", "小说"],
    ["你们卖不卖戴森吸尘器", "戴森吸尘器"],
    ["是不是防水的", "防水"],
    ["第一个有货吗", ""],
    ["第2款多少钱", ""],
  ])("%s → %j", (text, terms) => {
    expect(queryTerms(text)).toBe(terms);
  });

  it("never keeps a request verb or a Chinese function character", () => {
    for (const text of ["do you sell hats", "show me hats", "find hats", "I want hats", "buy hats", "有没有帽子", "更好的帽子吗", "你们有帽子吗"]) {
      const terms = queryTerms(text);
      expect(terms.split(/\s+/)).not.toEqual(expect.arrayContaining(["sell", "show", "find", "want", "buy"]));
      expect(terms).not.toMatch(/[更的有吗没]/);
    }
  });
});

describe("refinements", () => {
  const last = { text: "running shoes", filters: { categories: ["shoes"], priceMax: 100 } };
  it.each([
    ["cheaper ones", { direction: "cheaper" }],
    ["anything less expensive?", { direction: "cheaper" }],
    ["do you have them in red?", { colors: ["red"] }],
    ["for men", { audience: "men" }],
    ["bigger", { direction: "bigger" }],
    ["under 50", { price: { max: 50 } }],
    ["更便宜的", { direction: "cheaper" }],
    ["红色的", { colors: ["red"] }],
    ["男款的", { audience: "men" }],
    ["有大一点的吗", { direction: "bigger" }],
    ["what about a thicker one", { direction: "bigger", adj: "thicker" }],
    ["有薄一点的吗", { direction: "smaller", adj: "更薄的" }],
    ["any other colours?", { otherColours: true }],
    ["换个颜色", { otherColours: true }],
  ])("%s refines the last search", (text, expected) => {
    expect(readRefinement(text, nlu(text, "price"), last, 5)).toMatchObject(expected);
  });

  it("is not a refinement without a last search, for another business, for one product of the list, or for a new category", () => {
    expect(readRefinement("cheaper ones", nlu("cheaper ones"), undefined, 0)).toBeUndefined();
    expect(readRefinement("add the red one to my cart", nlu("add the red one to my cart", "add_to_cart"), last, 5)).toBeUndefined();
    expect(readRefinement("is the second one cheaper?", nlu("is the second one cheaper?", "compare"), last, 5)).toBeUndefined();
    expect(readRefinement("tell me about the cheapest one", nlu("tell me about the cheapest one", "product_details"), last, 5)).toBeUndefined();
    expect(readRefinement("red clothes", nlu("red clothes"), last, 5)).toBeUndefined();
    expect(readRefinement("这个太贵了，垃圾", nlu("这个太贵了，垃圾", "complaint", "negative"), last, 5)).toBeUndefined();
  });

  it("says which new words it carries, for the engine to weigh against the catalogue", () => {
    expect(readRefinement("red hiking boots", nlu("red hiking boots"), last, 5)?.fresh).toBe("hiking boots");
    expect(readRefinement("got anything a bit cheaper?", nlu("got anything a bit cheaper?"), last, 5)?.fresh).toBeUndefined();
  });
});

describe("narrowings", () => {
  const last = { text: "headphones", filters: { priceMax: 150 } };
  it.each([
    ["do any of them have noise cancelling?", "noise cancelling"],
    ["waterproof ones?", "waterproof"],
    ["有降噪的吗", "降噪"],
  ])("%s adds %j to the last search", (text, words) => {
    expect(readNarrowing(text, nlu(text), last, 4)).toBe(words);
  });

  it("is not a narrowing when the message is about one product, another need or nothing new", () => {
    expect(readNarrowing("is it waterproof?", nlu("is it waterproof?"), last, 4)).toBeUndefined();
    expect(readNarrowing("does the second one have noise cancelling?", nlu("does the second one have noise cancelling?"), last, 4)).toBeUndefined();
    expect(readNarrowing("a gift for my dad who likes hiking", nlu("a gift for my dad who likes hiking"), last, 4)).toBeUndefined();
    expect(readNarrowing("noise cancelling", nlu("noise cancelling"), undefined, 0)).toBeUndefined();
    expect(readNarrowing("cheaper ones", nlu("cheaper ones"), last, 4)).toBeUndefined();
  });
});

describe("references", () => {
  it("tells a position from a pronoun", () => {
    expect(explicitIndexes("the second one", 5)).toEqual([1]);
    expect(explicitIndexes("第二个怎么样", 5)).toEqual([1]);
    expect(explicitIndexes("the last one", 3)).toEqual([2]);
    expect(explicitIndexes("add it to my cart", 5)).toEqual([]);
    expect(pointsAtOne("add it to my cart")).toBe(true);
    expect(pointsAtOne("这个多少钱")).toBe(true);
    expect(pointsAtOne("show me hats")).toBe(false);
  });

  it("tells a pick by price from a search or a refinement", () => {
    expect(superlativePick("which one is the cheapest?")).toBe("min");
    expect(superlativePick("tell me about the cheapest one")).toBe("min");
    expect(superlativePick("what's the most expensive of them")).toBe("max");
    expect(superlativePick("哪个最便宜")).toBe("min");
    expect(superlativePick("show me the cheapest running shoes")).toBeUndefined();
    expect(superlativePick("cheapest ones")).toBeUndefined();
    expect(superlativePick("ok add the cheaper one to my cart")).toBe("min");
    expect(superlativePick("which one is more expensive?")).toBe("max");
    expect(superlativePick("便宜的那个加入购物车")).toBe("min");
    expect(superlativePick("cheaper ones")).toBeUndefined();
    expect(superlativePick("cheaper?")).toBeUndefined();
    expect(superlativePick("有没有更便宜的")).toBeUndefined();
  });
});

describe("needs described indirectly", () => {
  it.each([
    ["I need a gift for my dad who likes hiking", { terms: "hiking", audience: "men" }],
    ["something for my sister who enjoys yoga", { terms: "yoga", audience: "women" }],
    ["present for my nephew who loves science", { terms: "science", audience: "kids" }],
    ["给喜欢跑步的女朋友买礼物", { terms: "跑步", audience: "women" }],
    ["爷爷喜欢喝茶，送什么礼物好", { terms: "茶", audience: "men" }],
    ["I need a gift for my wife", { terms: "", audience: "women" }],
    ["what would you recommend for a 10 year old girl who likes art", { terms: "art", audience: "kids" }],
    ["looking for a present for my teenage nephew who's into gaming", { terms: "gaming", audience: "kids" }],
    ["想给十岁的女儿买个礼物，她喜欢画画", { terms: "画画", audience: "kids" }],
    ["有没有适合送给爸爸的礼物，他喜欢钓鱼", { terms: "钓鱼", audience: "men" }],
    ["my husband is a keen cyclist, any ideas?", { terms: "cycling", audience: "men" }],
    ["she's a big coffee lover", { terms: "coffee", audience: "women" }],
    ["I'm going camping next weekend, what do I need?", { terms: "camping", activity: true }],
    ["going running tomorrow, need new shoes", { terms: "running shoes", activity: true }],
    ["下周去露营，需要准备什么", { terms: "露营", activity: true }],
    ["it is for my brother, he is an avid reader", { terms: "books", audience: "men" }],
    ["my son is 8, what toys would he like?", { terms: "toys", audience: "kids" }],
    ["a present for my daughter, she's turning 12 and loves drawing", { terms: "drawing", audience: "kids" }],
  ])("%s", (text, need) => {
    expect(readNeed(text)).toEqual(need);
  });

  it("is not a need when the message names what it wants", () => {
    expect(readNeed("running shoes for men")).toBeUndefined();
    expect(readNeed("我想买跑鞋")).toBeUndefined();
    expect(readNeed("he's a teacher")).toBeUndefined();
    expect(readNeed("is this a good runner?")).toBeUndefined();
    expect(readNeed("I'm going shopping")).toBeUndefined();
    expect(readNeed("I'm looking for running shoes")).toBeUndefined();
  });
});

describe("audiences and sizes", () => {
  it("reads whom a product is for and whom a shopper buys for", () => {
    expect([...productAudiences("Fleet Men's Running Shoes")]).toEqual(["men"]);
    expect([...productAudiences("步维 Crest 女款跑步鞋")]).toEqual(["women"]);
    expect([...productAudiences("暮云 男女同款卫衣")]).toEqual(["unisex"]);
    expect(suits(productAudiences("Unisex Hoodie"), "men")).toBe(true);
    expect(suits(productAudiences("Kids' Scooter"), "men")).toBe(false);
    expect(shopperAudience("for my dad")).toBe("men");
    expect(shopperAudience("给女朋友")).toBe("women");
    expect(shopperAudience("for my son")).toBe("kids");
    expect(shopperAudience("for a 10 year old girl")).toBe("kids");
    expect(shopperAudience("给十岁的孩子")).toBe("kids");
    expect(shopperAudience("给八岁的她")).toBe("kids");
    expect(shopperAudience("送给二十岁的她")).toBe("women");
    expect(shopperAudience("for a 35 year old woman")).toBe("women");
  });

  it("cuts words into the pieces a related product's title may share", () => {
    expect(wordPieces("iphones")).toEqual(["iphon", "phone", "hones"]);
    expect(wordPieces("Sony WH-1000XM5")).toEqual(["sony"]);
    expect(wordPieces("特斯拉")).toEqual(["特斯", "斯拉"]);
  });

  it("tells a typing slip from a different word", () => {
    expect(oneEditApart("runing", "running")).toBe(true);
    expect(oneEditApart("shoes", "sheos")).toBe(true);
    expect(oneEditApart("jackte", "jacket")).toBe(true);
    expect(oneEditApart("dog", "dot")).toBe(true);
    expect(oneEditApart("wallet", "pallets")).toBe(false);
    expect(oneEditApart("food", "hood")).toBe(true);
    expect(oneEditApart("grinder", "ginger")).toBe(false);
  });

  it("reads a product's size from its title in common units", () => {
    expect(magnitudeOf("Trail Tent 4-Person, Green")).toEqual({ dimension: "people", value: 4 });
    expect(magnitudeOf("风暴角 防水露营帐篷 四人")).toEqual({ dimension: "people", value: 4 });
    expect(magnitudeOf("Hiking Backpack 65 L, Black")).toEqual({ dimension: "volume", value: 65000 });
    expect(magnitudeOf("Phone 8GB+256GB")).toEqual({ dimension: "storage", value: 256 });
    expect(magnitudeOf("5G Smartphone, Black")).toBeUndefined();
  });
});

describe("category names in Chinese replies", () => {
  it("names a category in Chinese, never the English slug", () => {
    expect(categoryName("shoes", "zh")).toBe("鞋靴");
    expect(categoryName("shoes", "en")).toBe("shoes");
    expect(localiseCategories("shoes类近期热门", "zh", ["shoes"])).toBe("鞋靴类近期热门");
  });
});

describe("typing slips", () => {
  it.each([
    ["headphnes", "headphones", 2, true],
    ["mechanicla", "mechanical", 2, true],
    ["bluetooh", "bluetooth", 2, true],
    ["recieve", "receive", 1, true],
    ["runing", "running", 1, true],
    ["shoes", "shirt", 1, false],
    ["laptop", "tablet", 2, false],
  ] as const)("%s ~ %s within %i: %s", (a, b, max, expected) => {
    expect(editsApart(a, b, max)).toBe(expected);
  });
});

describe("turning down the list shown", () => {
  it.each(["I don't like any of these", "none of those", "show me something else", "not really my style", "any others?", "show me more", "more please", "next page", "这些都不喜欢", "换一批", "还有别的吗", "再来几个"])("%s", (text) => {
    expect(rejectsTheList(text)).toBe(true);
  });
  it.each(["I don't like the colour, any other colours?", "show me sneakers", "I like these", "换个颜色", "cheaper ones", "show me more expensive ones", "tell me more about the first one"])("not %s", (text) => {
    expect(rejectsTheList(text)).toBe(false);
  });
});

describe("the extreme of price asked of a new search", () => {
  it.each([
    ["cheapest coffee maker", "low"],
    ["what's the least expensive tent?", "low"],
    ["最便宜的咖啡机", "low"],
    ["what are the most expensive headphones you have?", "high"],
    ["the priciest tent", "high"],
    ["你们最贵的耳机是哪款", "high"],
    ["cheaper ones", undefined],
    ["an expensive watch", undefined],
    ["便宜一点的", undefined],
  ])("%s", (text, order) => {
    expect(priceOrderAsked(text)).toBe(order);
  });
  it("leaves the price words out of the query", () => {
    expect(queryTerms("what are the most expensive headphones you have?")).toBe("headphones");
    expect(queryTerms("the priciest tent")).toBe("tent");
    expect(queryTerms("最贵的咖啡机")).toBe("咖啡机");
  });
});

describe("taking something out of the cart", () => {
  it.each(["remove the tent", "take it out", "remove it", "delete it", "take the sleeping bag out", "drop the second one", "remove the tent from my cart", "把帐篷删掉", "删掉第一个", "把耳机从购物车删掉"])("%s", (text) => {
    expect(readCartRequest(text)).toBe("remove");
  });
  // The shopper's data is a privacy request, whatever verb removes it.
  it.each(["delete my data", "remove me", "delete everything", "remove my account and data", "remove my details from your system", "删除我的数据", "把你们知道的关于我的全部删掉", "删掉聊天记录"])("not %s", (text) => {
    expect(readCartRequest(text)).toBeUndefined();
  });
});

describe("words a product has as written", () => {
  const titled = (title: string, tags?: string[]) => ({ id: "p", title, ...(tags && { tags }) });
  it.each([
    ["hoodies", "Zip Hoodie, Grey", 1],
    ["batteries", "AA Battery Pack", 1],
    ["dresses", "Summer Dress", 1],
    ["glasses", "Reading Glasses", 1],
    ["running shoes", "Trail Running Shoes", 2],
    // A stem in common is not the word: the tent is for backpacking, not a backpack.
    ["backpack", "Backpacking Tent 2-Person", 0],
    ["backpack school", "Hiking Backpack 30 L", 1],
  ])("%s in %s", (query, title, count) => {
    expect(wordsAsWritten(query, titled(title))).toBe(count);
  });
  it("reads the tags as well as the title", () => {
    expect(wordsAsWritten("backpack", titled("Trailhead 8 XT 45 L", ["hiking backpack", "bag"]))).toBe(1);
  });
});

describe("men's and women's asked together", () => {
  it.each(["running shoes for men and women", "women's and men's jackets", "有男女款的跑鞋吗", "男款和女款的外套"])("%s names both", (text) => {
    expect(bothAdultAudiences(text)).toBe(true);
    expect(shopperAudience(text)).toBeUndefined();
  });
  it.each(["running shoes for men", "a gift for my mum", "women's shoes and a men's watch strap"])("%s does not", (text) => {
    expect(bothAdultAudiences(text)).toBe(false);
  });
  it("lists men's and women's in turn, unmarked ones after", () => {
    const titles = ["Men's A", "Men's B", "Men's C", "Unisex D", "Women's E", "Women's F"];
    expect(alternateAudiences(titles, (t) => t)).toEqual(["Men's A", "Women's E", "Men's B", "Women's F", "Men's C", "Unisex D"]);
  });
});

describe("a property asked again of the list", () => {
  it.each([
    ["and the quietest?", "quiet"],
    ["what about the most powerful one?", "powerful"],
    ["最轻的呢", "轻"],
    ["and the cheapest?", undefined],
    ["and the latest?", undefined],
  ])("%s", (text, property) => {
    expect(readWhichQuestion(text)).toBe(property);
  });
  it("keeps a memory size and drops the word for memory", () => {
    expect(queryTerms("laptop with 16GB of RAM")).toBe("laptop 16GB");
    expect(queryTerms("a laptop with 512 GB SSD")).toBe("laptop 512 GB");
  });
});

describe("how many the shopper asks for", () => {
  it.each([
    ["actually make it two", 2],
    ["I'll take 3 of them", 3],
    ["make it a pair", 2],
    ["要两个", 2],
    ["那就买3件吧", 3],
    ["make it one", 1],
    ["show me two tents", undefined],
    ["第二个", undefined],
    ["add the second one", undefined],
  ])("%s", (text, count) => {
    expect(askedQuantity(text)).toBe(count);
  });
});

describe("a quality asked of the list", () => {
  it.each([
    ["something more exciting", "exciting"],
    ["more comfortable ones", "comfortable"],
    ["anything a bit more colourful?", "colourful"],
    ["有没有更有意思的", "有意思"],
    ["more expensive ones", undefined],
    ["something cheaper", undefined],
    ["更便宜的", undefined],
    ["show me more", undefined],
    ["tell me more about the first one", undefined],
  ])("%s", (text, quality) => {
    expect(readMoreOf(text)).toBe(quality);
  });
});

describe("number words are not searched", () => {
  it("drops a bare number word, keeps a hyphenated size", () => {
    expect(queryTerms("Is there a discount if I buy two?")).toBe("");
    expect(queryTerms("two tents")).toBe("tents");
    expect(queryTerms("a two-piece swimsuit")).toBe("two-piece swimsuit");
  });
});

describe("policy questions and the passages that answer them", () => {
  it("takes a passage that speaks of the policy named, not one sharing a generic word", () => {
    expect(passageSaysPolicy("Do you price match?", "We wrap it in recycled paper and leave the price off the packing slip.")).toBe(false);
    expect(passageSaysPolicy("Do you price match?", "We match any lower price from a UK retailer.")).toBe(true);
    expect(passageSaysPolicy("what's your returns policy?", "You can return unused items within 30 days.")).toBe(true);
    expect(passageSaysPolicy("is there a warranty?", "Every product has a 2-year warranty.")).toBe(true);
    expect(passageSaysPolicy("有保修吗", "所有商品保修两年。")).toBe(true);
  });
  it.each(["I want to cancel my order", "can I change my order?", "my order needs to be cancelled", "我想取消订单", "订单可以修改吗"])("a change to an order: %s", (text) => {
    expect(asksToChangeOrder(text)).toBe(true);
  });
  it.each(["noise cancelling headphones", "I want to order a tent", "where is my order?"])("not %s", (text) => {
    expect(asksToChangeOrder(text)).toBe(false);
  });
});

describe("a figure asked of a product", () => {
  it.each([
    ["how heavy is it?", "mass"],
    ["what's the capacity of the second one?", "volume"],
    ["how many people does it sleep?", "people"],
    ["第一个是几人的", "people"],
    ["它多重", "mass"],
    ["屏幕多大", "screen"],
    ["is it waterproof?", undefined],
  ])("%s", (text, dimension) => {
    expect(askedMeasure(text)).toBe(dimension);
  });
  it("reads the figure as the listing writes it", () => {
    expect(statedMeasure("Saltmarsh Orchard Electric Kettle 1.5 L, Beige", "volume")).toBe("1.5 L");
    expect(statedMeasure("Bluetarn Trailhead Backpacking Tent 2-Person, Yellow", "people")).toBe("2-Person");
    expect(statedMeasure("野峰 Basecamp 2 防水速开露营帐篷 双人 橙色", "people")).toBe("双人");
    expect(statedMeasure("Bluetarn Trailhead Backpacking Tent 2-Person, Yellow", "mass")).toBeUndefined();
  });
});

describe("the extreme of the list on a stated dimension", () => {
  it.each([
    ["which is the thickest?", "length", "max"],
    ["which has the most storage?", "storage", "max"],
    ["哪个最薄", "length", "min"],
    ["which is the heaviest?", "mass", "max"],
    ["which is the lightest?", "mass", "min"],
    ["哪个最轻", "mass", "min"],
    ["which lamp is the brightest?", undefined, undefined],
    ["which is the best?", undefined, undefined],
  ])("%s", (text, dimension, pick) => {
    const asked = askedExtreme(text);
    expect(asked?.dimension).toBe(dimension);
    expect(asked?.pick).toBe(pick);
  });
  it("compares figures in common units", () => {
    expect(magnitudeOn("Laptop 16GB/1TB", "storage")).toBe(1024);
    expect(magnitudeOn("Yoga Mat 6 mm", "length")).toBe(6);
    expect(magnitudeOn("Yoga Mat 1 cm", "length")).toBe(10);
    expect(magnitudeOn("Yoga Mat, Pink", "length")).toBeUndefined();
  });
});

describe("several interests said together", () => {
  it("keeps each interest apart, beside the whole", () => {
    expect(readNeed("a gift for my mum, she loves gardening and tea")).toMatchObject({ terms: "gardening tea", audience: "women", interests: ["gardening", "tea"] });
    expect(readNeed("a gift for my dad who likes hiking")?.interests).toBeUndefined();
  });
});
