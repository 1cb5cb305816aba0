import { describe, expect, it } from "vitest";
import { detectLanguage, detectLocale } from "../../intents/language.ts";

describe("detectLocale", () => {
  it.each([
    ["show me running shoes", undefined, "en"],
    ["有没有红色的连衣裙", undefined, "zh"],
    ["我要Nike的鞋", undefined, "zh"],
    ["Aurora X2多少钱", "en-GB", "zh"],
    ["hello", "zh-CN", "en"],
    ["42", "zh-CN", "zh"],
    ["👍", "zh-TW", "zh"],
    ["42", "en", "en"],
    ["42", undefined, "en"],
    ["", "zh", "zh"],
    ["", undefined, "en"],
    ["？？", "zh-Hans", "zh"],
    ["ok", "zh", "en"],
  ] as const)("%j with hint %j → %s", (text, hint, expected) => {
    expect(detectLocale(text, hint)).toBe(expected);
  });
});

describe("detectLanguage (fastText lid.176)", () => {
  it("identifies languages beyond the two the service speaks", async () => {
    expect((await detectLanguage("Where is my order? It was supposed to arrive yesterday.")).code).toBe("en");
    expect((await detectLanguage("我想买一双跑步鞋，预算五百元左右")).code).toBe("zh");
    expect((await detectLanguage("Je voudrais retourner ces chaussures, elles sont trop petites")).code).toBe("fr");
    expect((await detectLanguage("Ich möchte diese Schuhe zurückgeben, sie sind zu klein")).code).toBe("de");
    const guess = await detectLanguage("¿Tienen estos zapatos en talla 42?");
    expect(guess.code).toBe("es");
    expect(guess.confidence).toBeGreaterThan(0.5);
    expect(guess.confidence).toBeLessThanOrEqual(1);
  });

  it("answers 'und' for text without letters", async () => {
    expect(await detectLanguage("42 !!! 👍")).toEqual({ code: "und", confidence: 0 });
  });
});
