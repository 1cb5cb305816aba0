import { describe, expect, it } from "vitest";
import { fitPrompt, type GroundingProduct, systemPrompt } from "../../llm/grounded/prompt.ts";

// About four characters a token, as for English with a real tokenizer; the toy model's tests use its own.
const count = (t: string) => Math.ceil(t.length / 4);

const products: GroundingProduct[] = Array.from({ length: 5 }, (_, i) => ({
  id: `p${i}`,
  title: `Trail shoe ${i}`,
  brand: "Fleet",
  price: 50 + i,
  currency: "EUR",
  stock: i,
  description: "Light and grippy for rocky paths. ".repeat(20),
}));
const history = Array.from({ length: 12 }, (_, i) => ({ role: i % 2 ? ("assistant" as const) : ("user" as const), text: `turn ${i} `.repeat(30) }));
const parts = { message: "Which one for mud?", locale: "en" as const, task: "recommend" as const, products, history, preferences: ["trail running", "wide fit"] };

describe("grounded prompt", () => {
  it("carries every product field the reply may use, and the preferences", () => {
    const system = systemPrompt(parts, 300);
    for (const p of products) expect(system).toContain(`ID ${p.id}: ${p.title}`);
    expect(system).toContain("price: 50 EUR");
    expect(system).toContain("stock: 0");
    expect(system).toContain("trail running, wide fit");
    expect(system).toContain("{price:p0}");
    expect(system).toContain("{name:p0}");
    const zh = systemPrompt({ ...parts, locale: "zh" }, 300);
    expect(zh).toContain("商品ID p0");
    expect(zh).toContain("简体中文");
    expect(zh).toContain("{name:p0}");
  });

  it("fits a budget: descriptions shrink, then old turns go, newest kept, message always last", () => {
    const roomy = fitPrompt(parts, 100_000, count);
    expect(roomy.messages).toHaveLength(13);
    expect(roomy.products).toHaveLength(5);
    const tight = fitPrompt(parts, 700, count);
    expect(tight.fits).toBe(true);
    expect(tight.promptTokens).toBeLessThanOrEqual(700);
    expect(tight.messages.at(-1)).toEqual({ role: "user", text: "Which one for mud?" });
    expect(tight.messages.length).toBeLessThan(13);
    expect(tight.messages[0]?.role).toBe("user");
    // The turns kept are the newest ones.
    if (tight.messages.length > 1) expect(tight.messages.at(-2)?.text).toBe(history.at(-1)!.text.trim());
  });

  it("drops the least relevant products before it gives up, and says when nothing fits", () => {
    const small = fitPrompt({ ...parts, history: [] }, 320, count);
    expect(small.fits).toBe(true);
    expect(small.products.length).toBeLessThan(5);
    expect(small.products[0]?.id).toBe("p0");
    expect(fitPrompt(parts, 20, count).fits).toBe(false);
  });
});
