import { describe, expect, it } from "vitest";
import { pointsBeyondTheList } from "../../dialogs/flows/catalogue.ts";
import { asksForTheBest, referencedIndexes, replacePointers, stepInList } from "../../dialogs/references.ts";

describe("which shown products a message points at", () => {
  it.each([
    ["tell me more about the first one", 5, [0]],
    ["what about the second?", 5, [1]],
    ["the last one please", 5, [4]],
    ["compare the first two", 5, [0, 1]],
    ["compare the 1st and the 3rd", 5, [0, 2]],
    ["number 3", 5, [2]],
    ["介绍一下第一个", 5, [0]],
    ["第二款多少钱", 5, [1]],
    ["对比前两个", 5, [0, 1]],
    ["add it to my cart", 5, [0]],
    ["compare these two", 5, [0, 1]],
    // As speech writes them.
    ["tell me about number three", 5, [2]],
    ["how much is item four", 5, [3]],
    ["add option two to my cart", 5, [1]],
    ["二号多少钱", 5, [1]],
  ])("%s → %j", (text, shown, expected) => {
    expect(referencedIndexes(text, shown)).toEqual(expected);
  });

  it("points at nothing beyond what was shown, or when nothing was", () => {
    expect(referencedIndexes("the fifth one", 3)).toEqual([]);
    expect(referencedIndexes("the first one", 0)).toEqual([]);
    expect(referencedIndexes("show me shoes", 4)).toEqual([]);
  });
});

describe("a pointer asked of the documents as the product's kind", () => {
  it.each([
    ["第一个有保修吗", "笔记本电脑", "笔记本电脑 有保修吗"],
    ["does the second one have a warranty?", "laptops", "does laptops have a warranty?"],
    ["is that one covered by the warranty", "laptops", "is laptops covered by the warranty"],
    ["这款可以退货吗", "耳机", "耳机 可以退货吗"],
  ])("%s", (text, kind, asked) => {
    expect(replacePointers(text, kind)).toBe(asked);
  });

  it("leaves a message without a pointer as it is", () => {
    expect(replacePointers("is there a warranty on laptops?", "laptops")).toBe("is there a warranty on laptops?");
  });
});

describe("asking us to choose among the products shown", () => {
  it.each(["which one is the best?", "which would you recommend?", "what's your pick?", "which one should I get", "哪个最好", "你推荐哪个", "买哪款好"])("%s", (text) => {
    expect(asksForTheBest(text)).toBe(true);
  });
  it.each(["what is the best running shoe?", "what's the best tent for winter?", "which one is best for running?", "show me the best sellers"])("not %s (a search)", (text) => {
    expect(asksForTheBest(text)).toBe(false);
  });
});

describe("a step along the list from the product in focus", () => {
  const shown = ["a", "b", "c"];
  it.each([
    ["not that one, the next one", "a", "the second one"],
    ["the next one", "b", "the third one"],
    ["how much is the next one?", "a", "how much is the second one?"],
    ["and the one before that?", "c", "and the second one?"],
    ["the previous one please", "b", "the first one please"],
    ["不是这个，下一个", "a", "第二个"],
    ["下一款多少钱", "b", "第三个多少钱"],
    ["上一个呢", "b", "第一个呢"],
  ])("%s (focus %s) → %s", (text, focus, expected) => {
    expect(stepInList(text, shown, focus)).toBe(expected);
  });

  it("takes no step off the list, without a product in focus, or without a step asked", () => {
    expect(stepInList("the next one", shown, "c")).toBeUndefined();
    expect(stepInList("上一个", shown, "a")).toBeUndefined();
    expect(stepInList("the next one", shown, undefined)).toBeUndefined();
    expect(stepInList("the next one", shown, "zzz")).toBeUndefined();
    expect(stepInList("next", shown, "a")).toBeUndefined();
    expect(stepInList("show me the next page", shown, "a")).toBeUndefined();
    expect(stepInList("前两个对比一下", shown, "a")).toBeUndefined();
  });
});

describe("a position past the end of the list shown", () => {
  it("is told apart from one in it", () => {
    expect(pointsBeyondTheList("the third one", 1)).toBe(true);
    expect(pointsBeyondTheList("第五个多少钱", 3)).toBe(true);
    expect(pointsBeyondTheList("the first one", 1)).toBe(false);
    expect(pointsBeyondTheList("compare the first two", 1)).toBe(false);
    expect(pointsBeyondTheList("the third one", 0)).toBe(false);
    expect(pointsBeyondTheList("show me tents", 3)).toBe(false);
  });
});
