import { describe, expect, it } from "vitest";
import { joinExclusions, readExclusion, withoutExcluded, withoutExcludedWords } from "../../dialogs/exclusions.ts";
import type { Understanding } from "../../intents/types.ts";

function understood(brands: string[] = [], colors: string[] = []): Understanding {
  return { locale: "en", intent: "search_products", confidence: 1, ranking: [], entities: { categories: [], brands, colors, sizes: [] }, sentiment: { label: "neutral", score: 0 } };
}

describe("what the shopper says not to show", () => {
  it("reads brands, colours and words after a negation, in English and Chinese", () => {
    expect(readExclusion("running shoes but not from Qingbu", understood(["Qingbu"]))).toEqual({ colors: [], brands: ["Qingbu"], words: [] });
    expect(readExclusion("anything that isn't black?", understood([], ["black"]))).toEqual({ colors: ["black"], brands: [], words: [] });
    expect(readExclusion("a rain jacket without a hood, under 100", understood())).toEqual({ colors: [], brands: [], words: ["hood"] });
    expect(readExclusion("I don't like white", understood([], ["white"]))).toEqual({ colors: ["white"], brands: [], words: [] });
    expect(readExclusion("不要黑色的", understood([], ["black"]))?.colors).toEqual(["black"]);
    expect(readExclusion("除了步维还有别的牌子吗", understood())?.words).toEqual(["步维"]);
  });

  it("leaves alone what only sounds like one: a price direction, an answer, a complaint's words", () => {
    for (const text of ["something not too expensive", "no thanks", "no, I meant headphones", "I'm not sure what I want", "不要太贵的", "这不是我要的", "not for me", "no problem"]) {
      expect(readExclusion(text, understood()), text).toBeUndefined();
    }
    // "no" and "don't like" take only a brand or a colour: "I don't like waiting" excludes nothing.
    expect(readExclusion("I don't like waiting", understood())).toBeUndefined();
  });

  it("takes excluded brands and colours out of the understanding and the search words", () => {
    const nlu = understood(["Qingbu", "Lumora"], ["black", "red"]);
    const exclusion = { colors: ["black"], brands: ["Qingbu"], words: ["trail"] };
    expect(withoutExcluded(nlu, exclusion).entities).toMatchObject({ brands: ["Lumora"], colors: ["red"] });
    expect(withoutExcludedWords("running shoes Qingbu black trail", exclusion)).toBe("running shoes");
    expect(withoutExcludedWords("跑鞋 步维", { colors: [], brands: [], words: ["步维"] })).toBe("跑鞋");
    expect(joinExclusions(exclusion, { colors: ["white", "black"], brands: [], words: [] })).toEqual({ colors: ["black", "white"], brands: ["Qingbu"], words: ["trail"] });
    expect(joinExclusions(undefined, exclusion)).toBe(exclusion);
  });
});
