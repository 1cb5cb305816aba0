import { describe, expect, it } from "vitest";
import { referencedIndexes } from "../../dialogs/references.ts";

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
  ])("%s → %j", (text, shown, expected) => {
    expect(referencedIndexes(text, shown)).toEqual(expected);
  });

  it("points at nothing beyond what was shown, or when nothing was", () => {
    expect(referencedIndexes("the fifth one", 3)).toEqual([]);
    expect(referencedIndexes("the first one", 0)).toEqual([]);
    expect(referencedIndexes("show me shoes", 4)).toEqual([]);
  });
});
