import { describe, expect, it } from "vitest";
import { withoutTakenBack } from "../../dialogs/compound.ts";
import { askedQuantity, quantityInAdd, readCartRequest } from "../../dialogs/flows/cart.ts";
import { asksAboutRestock, asksForBrands, asksForDeals, asksForReviews, asksToBargain } from "../../dialogs/flows/product-questions.ts";
import { abusesTheAssistant, asksToGoBack, asksToRepeat, dismisses, isVagueWish, readAcknowledgement } from "../../dialogs/flows/service.ts";
import { readNeed } from "../../dialogs/needs.ts";
import { queryTerms } from "../../dialogs/query.ts";
import { pointsAtOne } from "../../dialogs/references.ts";
import { asksForCheap, asksInStock, priceDirection, rejectsTheList, sortOrderAsked } from "../../dialogs/refine.ts";

/** The small readers a turn is routed by: what each takes, and what only looks like it. */
describe("what a short message asks", () => {
  it.each([
    ["sort them by price", "low"],
    ["cheapest first please", "low"],
    ["most expensive first", "high"],
    ["by price, high to low", "high"],
    ["按价格从低到高排", "low"],
    ["价格从高到低", "high"],
    ["what's the cheapest tent?", undefined],
    ["show me the first one", undefined],
  ])("an order for the list: %s", (text, order) => {
    expect(sortOrderAsked(text)).toBe(order);
  });

  it("reads only-in-stock, not a question about one product's stock", () => {
    expect(asksInStock("headphones that are in stock")).toBe(true);
    expect(asksInStock("有现货的耳机吗")).toBe(true);
    expect(asksInStock("do you stock headphones?")).toBe(false);
  });

  it.each([
    ["yes please", "yes"],
    ["好的", "yes"],
    ["no thanks", "no"],
    ["不用了", "no"],
    ["ok", "ok"],
    ["hmm, I'm not sure", "ok"],
    ["yes, the red one", undefined],
    ["ok show me tents", undefined],
  ])("a bare answer: %s", (text, answer) => {
    expect(readAcknowledgement(text)).toBe(answer);
  });

  it("hears a request to repeat, or to let the matter drop", () => {
    for (const text of ["can you repeat that?", "pardon?", "sorry, what?", "say that again please", "你说什么？再说一遍"]) expect(asksToRepeat(text), text).toBe(true);
    for (const text of ["repeat my last order", "what did you say about returns?"]) expect(asksToRepeat(text), text).toBe(false);
    for (const text of ["never mind", "ok, forget it", "算了，不用了"]) expect(dismisses(text), text).toBe(true);
    expect(dismisses("never mind the price, show me tents")).toBe(false);
  });

  it("hears going back to the list before, and the next few", () => {
    for (const text of ["go back", "ok, go back to the previous ones", "previous results please", "返回", "回到刚才的"]) expect(asksToGoBack(text), text).toBe(true);
    for (const text of ["can I send it back?", "go back to the shop's homepage", "back pain cream"]) expect(asksToGoBack(text), text).toBe(false);
    expect(rejectsTheList("next")).toBe(true);
    expect(rejectsTheList("the next ones please")).toBe(true);
    expect(rejectsTheList("next day delivery?")).toBe(false);
  });

  it("reads which way the price should go, and a swap", () => {
    expect(priceDirection("any cheaper alternatives to this?")).toBe("cheaper");
    expect(priceDirection("something similar but more expensive")).toBe("pricier");
    expect(priceDirection("anything similar?")).toBeUndefined();
    expect(readCartRequest("actually swap it for the third one")).toBe("swap");
    expect(readCartRequest("换成第三个")).toBe("swap");
    expect(readCartRequest("show me the third one")).toBeUndefined();
  });

  it("tells checking out from asking how to pay with something", () => {
    expect(readCartRequest("how do I check out?")).toBe("checkout");
    expect(readCartRequest("怎么结账？")).toBe("checkout");
    expect(readCartRequest("can I pay with PayPal at checkout?")).toBeUndefined();
    expect(readCartRequest("how do I pay with my gift card?")).toBeUndefined();
  });

  it("tells asking for reviews from leaving one, and haggling from a search", () => {
    expect(asksForReviews("what do other customers say about it?")).toBe(true);
    expect(asksForReviews("第一个评价怎么样")).toBe(true);
    expect(asksForReviews("I want to leave a review")).toBe(false);
    expect(asksToBargain("能便宜点吗")).toBe(true);
    expect(asksToBargain("can you do a better price?")).toBe(true);
    expect(asksToBargain("cheaper headphones")).toBe(false);
  });

  it("reads a wish for a low price with no price named, and 'shes' as whom, not what", () => {
    expect(["a cheap laptop", "affordable headphones", "a laptop, not too expensive", "便宜点的耳机", "有没有不太贵的跑鞋"].map(asksForCheap)).toEqual([true, true, true, true, true]);
    expect(["a laptop under 500", "too expensive", "the most expensive laptop", "性价比高的耳机"].map(asksForCheap)).toEqual([false, false, false, false]);
    expect(readNeed("im looking for a gift for my wife shes into yoga")?.terms).toBe("yoga");
  });

  it("reads Chinese headcounts, 好 before a noun, a number of items and 那 as 'then'", () => {
    expect(queryTerms("四个人用的帐篷")).toBe("四人帐篷");
    expect(queryTerms("can you find me a tent that sleeps four")).toBe("tent 4-person");
    expect(queryTerms("I want a good quality chef knife")).toBe("chef knife");
    expect(queryTerms("有没有能睡四个人的帐篷")).toBe("四人帐篷");
    expect(queryTerms("要32G的")).toBe("32GB");
    expect(queryTerms("5G手机")).toBe("5G 手机");
    expect(queryTerms("我要一把好用的菜刀")).toBe("菜刀");
    expect(readNeed("下个月去阿尔卑斯山徒步，需要准备什么")?.terms).toBe("徒步");
    expect(queryTerms("两个人住的帐篷")).toBe("双人帐篷");
    expect(queryTerms("推荐一本好书")).toBe("书");
    expect(queryTerms("好吃的零食")).toBe("好吃 零食");
    expect(asksForDeals("买两件有折扣吗")).toBe(true);
    expect(asksForDeals("耳机有折扣吗")).toBe(false);
    expect(pointsAtOne("那茶叶呢")).toBe(false);
    expect(pointsAtOne("那个多少钱")).toBe(true);
    expect(pointsAtOne("这多少钱")).toBe(true);
  });

  it("reads a person named by a pastime as the pastime, unless a thing is named too", () => {
    expect(readNeed("what do you recommend for a beginner runner?")?.terms).toBe("running");
    expect(readNeed("any ideas for a keen cook?")?.terms).toBe("cooking");
    expect(readNeed("shoes for a new cyclist")).toBeUndefined();
  });

  it("keeps a pasted link and a housewarming out of the words searched", () => {
    expect(queryTerms("https://example.com/p/123 do you have this in blue?")).toBe("blue");
    const need = readNeed("a present for my brother, he just moved into a new flat and he drinks a lot of coffee");
    expect(need?.interests).toEqual(["housewarming", "coffee"]);
  });

  it("reads a thumbs-up, the assistant called no good, a wish with no kind of thing, and restock questions", () => {
    expect(["👍", "👍🏽", "👎", "🙂"].map(readAcknowledgement)).toEqual(["yes", "yes", "no", "ok"]);
    expect(abusesTheAssistant("great, another useless chatbot")).toBe(true);
    expect(abusesTheAssistant("没用的机器人")).toBe(true);
    expect(abusesTheAssistant("my charger is useless")).toBe(false);
    expect(abusesTheAssistant("you guys are useless at delivery")).toBe(false);
    expect(isVagueWish("something nice")).toBe(true);
    expect(isVagueWish("随便推荐点好东西")).toBe(true);
    expect(isVagueWish("something nice for my mum")).toBe(false);
    expect(isVagueWish("a nice tent")).toBe(false);
    expect(asksAboutRestock("when will the sold out ones be back?")).toBe(true);
    expect(asksAboutRestock("will you restock the blue one?")).toBe(true);
    expect(asksAboutRestock("什么时候补货")).toBe(true);
    expect(asksAboutRestock("I'll be back later")).toBe(false);
    expect(asksAboutRestock("will it come back in stock?")).toBe(true);
    expect(asksAboutRestock("back to the tents")).toBe(false);
    expect(asksAboutRestock("is it in stock?")).toBe(false);
  });

  it("reads 'just one' as a quantity of one", () => {
    expect(["actually make that one", "just one please", "算了，一台就行", "只要一个"].map(askedQuantity)).toEqual([1, 1, 1, 1]);
    expect(["one of the first", "the first one", "一个人用的"].map(askedQuantity)).toEqual([undefined, undefined, undefined]);
  });

  it("reads how many of a product an add request names", () => {
    expect(quantityInAdd("I'd like two of the first one")).toBe(2);
    expect(quantityInAdd("add 3 x the kettle")).toBe(3);
    expect(quantityInAdd("第一个要两个")).toBe(2);
    expect(quantityInAdd("add the first two")).toBeUndefined();
    expect(quantityInAdd("把第一个和第三个加入购物车")).toBeUndefined();
    expect(quantityInAdd("add the 2-person tent")).toBeUndefined();
  });

  it("reads a question about brands, and keeps 品牌 out of the words searched", () => {
    expect(asksForBrands("what brands of headphones do you have?")).toBe(true);
    expect(asksForBrands("耳机有哪些品牌")).toBe(true);
    expect(asksForBrands("Qingbu running shoes")).toBe(false);
    expect(queryTerms("跑鞋有什么牌子")).toBe("跑鞋");
    expect(queryTerms("i need a new pair of trainers")).toBe("trainers");
  });

  it("reads a Chinese 'nothing else' as letting the matter drop, not a decision to buy", () => {
    expect(dismisses("谢谢，没别的了")).toBe(true);
    expect(dismisses("就这些了")).toBe(true);
    expect(dismisses("好的，就这样吧")).toBe(false);
    expect(dismisses("没别的问题吗")).toBe(false);
  });

  it.each([
    ["actually forget the shoes, I need a tent", "I need a tent"],
    ["never mind that, show me yoga mats", "show me yoga mats"],
    ["ok scratch the blue ones. any in red?", "any in red?"],
    ["算了不要鞋了，我要帐篷", "我要帐篷"],
    ["帐篷不要了，看看背包", "看看背包"],
    ["算了，看看耳机吧", "看看耳机吧"],
  ])("reads past what a message takes back: %s", (text, rest) => {
    expect(withoutTakenBack(text)).toBe(rest);
  });

  it.each(["forget it", "never mind", "forget the shoes", "don't forget the charger, I need one", "不要黑色的，要白色的", "算了", "show me tents"])("takes nothing back from %s", (text) => {
    expect(withoutTakenBack(text)).toBeUndefined();
  });
});
