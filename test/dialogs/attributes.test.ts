import { describe, expect, it } from "vitest";
import { onlyAPointer, readAttributeQuestion, readWhichQuestion } from "../../dialogs/attributes.ts";

describe("a yes-or-no question about a product's property", () => {
  it.each([
    ["is it waterproof?", "waterproof"],
    ["are the first ones waterproof?", "waterproof"],
    ["does the second one have bluetooth?", "bluetooth"],
    ["does it come with a case?", "case"],
    ["is it machine washable?", "machine washable"],
    ["is this good for beginners?", "beginners"],
    ["它防水吗", "防水"],
    ["第一个有降噪吗", "降噪"],
    ["这款是不是防水的", "防水"],
    ["第二个支持蓝牙吗", "蓝牙"],
  ])("%s asks about %j", (text, property) => {
    expect(readAttributeQuestion(text)).toBe(property);
  });

  it.each([
    // Stock, price, colour, size, policy, comparisons and the shopper's own requests are other questions.
    "is it in stock?",
    "how much is it?",
    "does it come in red?",
    "do you have it in red?",
    "does it have a warranty?",
    "is it any good?",
    "does that come in a bigger size?",
    "is the second one cheaper?",
    "do you have running shoes?",
    "can I return it?",
    "这个有货吗",
    "这个多少钱",
    "这个有红色的吗",
    "这个有大号吗",
    "show me waterproof jackets",
    "is it a good gift?",
  ])("%s is not one", (text) => {
    expect(readAttributeQuestion(text)).toBeUndefined();
  });
});

describe("a pointer alone asks the last question again", () => {
  it.each(["and the second one?", "what about the fourth?", "the third one?", "第二个呢", "那第三款呢", "第二个也要", "the second one too"])("%s", (text) => {
    expect(onlyAPointer(text)).toBe(true);
  });
  it.each(["is the second one waterproof?", "add the second one to my cart", "第二个多少钱", "cheaper ones?"])("not %s", (text) => {
    expect(onlyAPointer(text)).toBe(false);
  });
});

describe("a property asked of every product shown", () => {
  it.each([
    ["which is the quietest?", "quiet"],
    ["which ones are waterproof?", "waterproof"],
    ["which one has noise cancelling?", "noise cancelling"],
    ["which one is lighter?", "light"],
    ["哪款防水", "防水"],
    ["哪个最安静", "安静"],
    ["which one boils fastest", "fast"],
    ["which charges quickest?", "quick"],
    ["which of them lasts the longest?", "long"],
    ["which ones keep drinks cold", "keep drinks cold"],
    ["哪个保温效果最好", "保温"],
    ["哪个降噪更好", "降噪"],
    ["which one fits a 15 inch laptop?", "15 inch laptop"],
  ])("%s asks about %j", (text, property) => {
    expect(readWhichQuestion(text)).toBe(property);
  });
  it.each(["which is the cheapest?", "which one is the best?", "哪个最便宜", "哪个好", "which one is it?", "what's the difference?", "which one costs the least?", "which one works best", "which one should I get", "which one costs less", "which one do you recommend", "哪个最好"])("%s is answered otherwise", (text) => {
    expect(readWhichQuestion(text)).toBeUndefined();
  });
  it("reads the question after what it is about", () => {
    expect(readAttributeQuestion("what about the first one, is it wireless?")).toBe("wireless");
  });
});
