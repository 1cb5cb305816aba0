import { describe, expect, it } from "vitest";
import type { CatalogueFacts } from "../../llm/grounded/catalogue.ts";
import { ReplyText, type ReplyTextOptions } from "../../llm/grounded/reply-text.ts";
import { ISSUE_EXAMPLES } from "./adversarial.ts";
import { chop } from "./fake-model.ts";
import { checkReply, type Rendered } from "./figure-checker.ts";

const hat: CatalogueFacts = { id: "sku-1", title: "Red wool hat", price: 1234.56, currency: "EUR", stock: 7, description: "A warm hat." };
const shoe: CatalogueFacts = { id: "sku-2", title: "Blue trail shoe", price: 987.65, currency: "GBP", stock: 0 };
const OTHER = "Zorblax 9000";
const SCARF = "Green linen scarf";
const rendered: Rendered = {
  cardFacts: ["€1,234.56", "£987.65", "7 in stock", "out of stock", "Red wool hat", "Blue trail shoe", "库存7件", "暂时缺货"],
  cardTitles: [hat.title, shoe.title],
  catalogueTitles: [hat.title, shoe.title, OTHER, SCARF],
};

/** Mentions as a catalogue would read them: titles, case-insensitive. */
async function titlesIn(text: string): Promise<string[]> {
  const lower = text.toLowerCase();
  return [hat, shoe, { id: "sku-z", title: OTHER }, { id: "sku-s", title: SCARF }].filter((p) => lower.includes(p.title.toLowerCase())).map((p) => p.id);
}

async function assemble(pieces: string[], over: Partial<ReplyTextOptions> = {}): Promise<{ out: ReplyText; deltas: string[]; kept: boolean }> {
  const deltas: string[] = [];
  const out = new ReplyText({ locale: "en", products: [hat, shoe], fallbackText: "Here is what I found.", namedProducts: titlesIn, onDelta: (d) => deltas.push(d), ...over });
  for (const p of pieces) out.push(p);
  const kept = await out.end();
  return { out, deltas, kept };
}

describe("ReplyText: one owner of a grounded reply's text", () => {
  it("fills price, stock and name placeholders from the catalogue", async () => {
    const { out, deltas } = await assemble(["{name:sku-1} costs {price:sku-1} and has {stock:sku-1}; {name:sku-2} is {stock:sku-2}."]);
    expect(out.text).toBe("Red wool hat costs €1,234.56 and has 7 in stock; Blue trail shoe is out of stock.");
    expect(deltas.join("")).toBe(out.text);
    expect([...out.placed.keys()]).toEqual(["sku-1", "sku-2"]);
    expect(out.placed.get("sku-1")).toEqual(new Set(["name", "price", "stock"]));
  });

  it("drops every sentence that carries a figure of its own, and keeps the rest", async () => {
    const bad = [
      ...ISSUE_EXAMPLES.map(([t]) => t),
      "The hat is $19.99 today.",
      "The hat is 20 dollars today.",
      "The hat is only 3 left today.",
      "Only one left!",
      "It is twenty-five euros.",
      "Now half price.",
      "Say it costs FIVE.",
      "See http://evil.example now.",
      "Visit www.evil.example today.",
      "Order at shop.example.com today.",
      "Sizes forty to forty-four.",
    ];
    for (const sentence of bad) {
      const { out, deltas } = await assemble([`It is warm. ${sentence.replace(/[^.!?]$/, "$&.")} It is red.`]);
      expect(out.text, sentence).toBe("It is warm. It is red.");
      expect(deltas.join("")).toBe(out.text);
      expect(out.repairs.figures + out.repairs.facts, sentence).toBeGreaterThan(0);
    }
  });

  it("drops Chinese prices, counts and discounts, and keeps Chinese prose", async () => {
    for (const sentence of ["价格是128。", "售价99。", "这顶帽子只要九十九元。", "现在三折。", "还剩两件。", "便宜百分之三十。", "一百二十八块钱。"]) {
      const { out } = await assemble([`很暖和。${sentence}是红色的。`], { locale: "zh" });
      expect(out.text, sentence).toBe("很暖和。是红色的。");
    }
    const { out } = await assemble(["我们一起看一下：这是一款十分舒适的帽子，{name:sku-1}{stock:sku-1}。"], { locale: "zh" });
    expect(out.text).toBe("我们一起看一下：这是一款十分舒适的帽子，Red wool hat库存7件。");
  });

  it("emits exactly the same text whatever the chunking, and each piece once", async () => {
    const texts = [
      "{name:sku-1} costs {price:sku-1}, was $19.99 elsewhere; {stock:sku-2} for the shoe. Only 3 left! It is soft.",
      "Great choice!   The shoe {price:sku-2}, ninety-nine dollars before.  It fits.",
      "帽子价格{price:sku-1}，别处卖99元。库存十二件。很暖和。",
      "A long sentence that goes on and on about the warm red wool of this hat, the soft lining, the colour, and the way it keeps the wind out on the coldest days one left in stock, really.",
      "No figures here at all, just words and spaces ",
    ];
    for (const text of texts) {
      const whole = (await assemble([text], { locale: /[\u4e00-\u9fff]/.test(text) ? "zh" : "en" })).out.text;
      for (let seed = 1; seed <= 20; seed++) {
        const { out, deltas } = await assemble(chop(text, seed, 6), { locale: /[\u4e00-\u9fff]/.test(text) ? "zh" : "en" });
        expect(out.text, `${text} / seed ${seed}`).toBe(whole);
        expect(deltas.join("")).toBe(whole);
        expect(checkReply(out.text, rendered), out.text).toEqual([]);
      }
    }
  });

  it("streams a finished sentence before the model is done", async () => {
    const deltas: string[] = [];
    const out = new ReplyText({ locale: "en", products: [hat], fallbackText: "x", onDelta: (d) => deltas.push(d) });
    out.push("This hat is warm and soft, a lovely winter pick. And more");
    await new Promise((r) => setImmediate(r));
    expect(deltas.join("")).toBe("This hat is warm and soft, a lovely winter pick.");
    out.push(" to come.");
    await out.end();
    expect(out.text).toBe("This hat is warm and soft, a lovely winter pick. And more to come.");
  });

  it("holds back an unfinished placeholder, and leaves out an unknown or unfinished one", async () => {
    const deltas: string[] = [];
    const out = new ReplyText({ locale: "en", products: [hat], fallbackText: "x", onDelta: (d) => deltas.push(d) });
    out.push("Only {price:sk");
    await new Promise((r) => setImmediate(r));
    expect(deltas.join("")).not.toContain("{");
    out.push("u-1} now. Also {price:sku-9} here. And {stock:sk");
    await out.end();
    expect(out.text).toBe("Only €1,234.56 now.");
    expect(out.repairs.placeholders).toBe(2);
  });

  it("drops a sentence that names a product other than the cards; a name check that fails drops it too", async () => {
    const { out } = await assemble([`The hat is warm. Try the ${SCARF} instead. The Red wool hat is red.`]);
    expect(out.text).toBe("The hat is warm. The Red wool hat is red.");
    expect(out.repairs.names).toBe(1);
    const failing = await assemble(["It is warm."], { namedProducts: async () => Promise.reject(new Error("index down")) });
    expect(failing.kept).toBe(false);
    expect(failing.out.repairs.names).toBe(1);
  });

  it("applies the copy path's fact check: invented promotions go, the record's own claims stay", async () => {
    const { out } = await assemble(["It is warm. Free shipping today only! It is on sale. It is red."]);
    expect(out.text).toBe("It is warm. It is red.");
    expect(out.repairs.facts).toBe(2);
    const tagged = await assemble(["It is on sale."], { products: [{ ...hat, tags: ["sale"] }] });
    expect(tagged.out.text).toBe("It is on sale.");
  });

  it("checks a long sentence's later parts with the parts already shown, so a figure across the cut is caught", async () => {
    // Long enough that the sentence is cut right after "only" (the first space past 120 characters).
    const head = "This is a very warm and very soft hat made of red wool with a fleece lining that keeps the wind out on cold days and only";
    expect(head.lastIndexOf(" ")).toBeLessThan(120);
    expect(head.length).toBeGreaterThanOrEqual(120);
    const { out } = await assemble([`${head} one left today, honestly.`]);
    expect(out.text).toBe(head);
    expect(out.repairs.figures).toBe(1);
    const split = await assemble([`${head}, one`, "\nleft in stock."]);
    expect(split.out.text).toBe(`${head}, one`);
    for (const t of [out.text, split.out.text]) expect(checkReply(t, rendered)).toEqual([]);
  });

  it("answers with the template when nothing the model wrote survives, streamed through the same deltas", async () => {
    const { out, deltas, kept } = await assemble(["It costs 89. Only 1,299 today!"]);
    expect(kept).toBe(false);
    out.template();
    expect(out.text).toBe("Here is what I found.");
    expect(deltas.join("")).toBe(out.text);
    expect(() => out.template()).toThrow();
  });

  it("closes a cut reply with an ellipsis and states catalogue facts for products it did not price", async () => {
    const { out, deltas } = await assemble(["The {name:sku-1} is warm and the shoe is"]);
    out.closeCut();
    out.appendFacts(["sku-1", "sku-2"]);
    expect(out.text).toBe("The Red wool hat is warm and the shoe is… Red wool hat: €1,234.56, 7 in stock. Blue trail shoe: £987.65, out of stock.");
    expect(deltas.join("")).toBe(out.text);
    const priced = await assemble(["It is {price:sku-1}."]);
    priced.out.appendFacts(["sku-1"]);
    expect(priced.out.text).toBe("It is €1,234.56.");
  });

  it("emits nothing more once aborted", async () => {
    const controller = new AbortController();
    const { out, deltas } = await assemble(["One sentence. "], { signal: controller.signal });
    controller.abort();
    out.push("Another one.");
    await out.end();
    expect(deltas.join("")).toBe("One sentence.");
  });
});
