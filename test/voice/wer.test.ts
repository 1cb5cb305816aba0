import { describe, expect, it } from "vitest";
import { corpusWer, normalizeForWer, wer, wordErrors } from "../../voice/eval/wer.ts";
import { integerWords, moneyWords, numberWords, ordinalWords } from "../../voice/text/numbers.ts";
import { spokenForm } from "../../voice/text/spoken.ts";

describe("English numbers in words", () => {
  it("reads integers, decimals, ordinals and money", () => {
    expect(integerWords(0)).toEqual(["zero"]);
    expect(integerWords(42).join(" ")).toBe("forty two");
    expect(integerWords(1200).join(" ")).toBe("one thousand two hundred");
    expect(integerWords(3_000_019).join(" ")).toBe("three million nineteen");
    expect(numberWords("9.5").join(" ")).toBe("nine point five");
    expect(numberWords("1,200").join(" ")).toBe("one thousand two hundred");
    expect(numberWords("007").join(" ")).toBe("zero zero seven");
    expect(ordinalWords(21).join(" ")).toBe("twenty first");
    expect(ordinalWords(12).join(" ")).toBe("twelfth");
    expect(ordinalWords(40).join(" ")).toBe("fortieth");
    expect(moneyWords("$", "49.99").join(" ")).toBe("forty nine dollars ninety nine cents");
    expect(moneyWords("$", "1").join(" ")).toBe("one dollar");
    expect(moneyWords("£", "20").join(" ")).toBe("twenty pounds");
  });

  it("turns text into the words a person says", () => {
    expect(spokenForm("Any laptops under $800?")).toBe("any laptops under eight hundred dollars");
    expect(spokenForm("SPF50 sunscreen, 75 ml")).toBe("s p f fifty sunscreen seventy five milliliters");
    expect(spokenForm("open 9am to 5:30pm")).toBe("open nine a m to five thirty p m");
    expect(spokenForm("the 2nd one & 10% off")).toBe("the second one and ten percent off");
    expect(spokenForm("I’d like 1 kg")).toBe("i'd like one kilogram");
  });
});

describe("word error rate", () => {
  it("counts substitutions, deletions and insertions by minimum edit alignment", () => {
    expect(wordErrors(["a", "b", "c"], ["a", "b", "c"])).toEqual({ substitutions: 0, deletions: 0, insertions: 0, words: 3 });
    expect(wordErrors(["a", "b", "c"], ["a", "x", "c"])).toEqual({ substitutions: 1, deletions: 0, insertions: 0, words: 3 });
    expect(wordErrors(["a", "b", "c"], ["a", "c"])).toEqual({ substitutions: 0, deletions: 1, insertions: 0, words: 3 });
    expect(wordErrors(["a", "b"], ["a", "x", "b", "y"])).toEqual({ substitutions: 0, deletions: 0, insertions: 2, words: 2 });
    expect(wordErrors([], ["a"])).toEqual({ substitutions: 0, deletions: 0, insertions: 1, words: 0 });
  });

  it("normalises case, punctuation, numbers and spelling on both sides", () => {
    expect(normalizeForWer("Do you have it in Grey, size 9?")).toEqual(["do", "you", "have", "it", "in", "gray", "size", "nine"]);
    expect(wer("Is it under $50?", "is it under fifty dollars")).toBe(0);
    expect(wer("10% off", "ten per cent off")).toBe(0);
    expect(wer("What's my favourite colour", "whats my favorite color")).toBe(0);
    expect(wer("um show me the red ones", "show me the red ones")).toBe(0);
  });

  it("computes hand-checked rates", () => {
    // 1 substitution + 1 deletion over 5 reference words.
    expect(wer("show me red running shoes", "show me bed shoes")).toBeCloseTo(2 / 5);
    expect(wer("", "")).toBe(0);
    expect(wer("", "hello")).toBe(1);
    // Corpus WER pools errors: (1 + 0) / (2 + 4), not the mean of 0.5 and 0.
    expect(
      corpusWer([
        { reference: "hello there", hypothesis: "hello" },
        { reference: "add it to cart", hypothesis: "add it to cart" },
      ]),
    ).toBeCloseTo(1 / 6);
  });
});
