import { describe, expect, it } from "vitest";
import { type FactSource, formatPrice } from "../../llm/grounded/catalogue.ts";
import { FactFilter, figuresIn, sanitize } from "../../llm/grounded/sanitize.ts";

const hat: FactSource = { id: "sku-1", title: "Red wool hat", price: 1234.56, currency: "EUR", stock: 7 };
const shoe: FactSource = { id: "sku-2", title: "Blue trail shoe", price: 987.65, currency: "GBP", stock: 0 };
const products = new Map([hat, shoe].map((p) => [p.id, p]));
const en = { products, locale: "en" as const };

describe("sanitize", () => {
  it("fills price and stock placeholders from the catalogue", () => {
    const out = sanitize("The hat costs {price:sku-1} and has {stock:sku-1}; the shoe is {stock:sku-2}.", en);
    expect(out.text).toBe(`The hat costs ${formatPrice(1234.56, "EUR", "en")} and has 7 in stock; the shoe is out of stock.`);
    expect(out.priced).toEqual(["sku-1"]);
    expect(out.stocked).toEqual(["sku-1", "sku-2"]);
  });

  it("removes prices and stock figures the model wrote itself when the reply is about several products", () => {
    for (const written of [
      "The hat is $19.99 today.",
      "The hat is 19.99 USD today.",
      "The hat is USD 19 today.",
      "The hat is €19,99 today.",
      "The hat is 20 dollars today.",
      "The hat is 19.99 today.",
      "The hat is only 3 left today.",
      "The hat is in stock: 12 today.",
    ]) {
      const out = sanitize(written, en).text;
      expect(out, written).not.toMatch(/\d/);
      expect(out, written).toMatch(/^The hat is (only )?today\.$/);
    }
  });

  it("removes Chinese prices and stock figures", () => {
    const zh = { products, locale: "zh" as const };
    expect(sanitize("这顶帽子只要99元，库存5件。", zh).text).toBe("这顶帽子只要，。");
    expect(sanitize("售价¥88，还有3个。", zh).text).toBe("售价，。");
  });

  it("replaces model-written figures with the catalogue's when the reply is about one product", () => {
    const out = sanitize("It costs $5 and only 2 left!", { ...en, focus: hat }).text;
    expect(out).toBe(`It costs ${formatPrice(1234.56, "EUR", "en")} and only 7 in stock!`);
  });

  it("keeps numbers that are not prices or stock", () => {
    expect(sanitize("Sizes 40 to 44, with 2 colours.", en).text).toBe("Sizes 40 to 44, with 2 colours.");
  });

  it("finds every figure so callers can check them against the catalogue", () => {
    const price = formatPrice(1234.56, "EUR", "en");
    expect(figuresIn(`now ${price}, was $3.50, 4 left`)).toEqual({ money: [price, "$3.50"], stock: ["4 left"] });
  });
});

describe("FactFilter (streaming)", () => {
  const texts = [
    "The hat costs {price:sku-1} and it is $19.99 elsewhere; {stock:sku-2} for the shoe, 3 left.",
    "Great choice!   The shoe {price:sku-2}, USD 45 before.  ",
    "帽子价格{price:sku-1}，别处卖99元，库存12件。",
    "No figures here at all, just words and spaces ",
  ];

  function randomSplits(text: string, seed: number): string[] {
    let s = seed;
    const rand = () => {
      s = (s * 1103515245 + 12345) & 0x7fffffff;
      return s / 0x7fffffff;
    };
    const pieces: string[] = [];
    for (let i = 0; i < text.length; ) {
      const n = 1 + Math.floor(rand() * 6);
      pieces.push(text.slice(i, i + n));
      i += n;
    }
    return pieces;
  }

  it("emits, piece by piece, exactly the text a one-shot sanitize gives, whatever the chunking", () => {
    for (const text of texts) {
      const whole = sanitize(text, en).text.replace(/\s+$/, "");
      for (let seed = 1; seed <= 25; seed++) {
        const filter = new FactFilter(en);
        const emitted = randomSplits(text, seed).map((p) => filter.push(p));
        emitted.push(filter.finish());
        expect(emitted.join(""), `${text} / seed ${seed}`).toBe(whole);
      }
    }
  });

  it("streams ordinary words without waiting for the end", () => {
    const filter = new FactFilter(en);
    const early = filter.push("This hat is warm and soft, a lovely winter pick for cold days ");
    expect(early.length).toBeGreaterThan(40);
  });

  it("holds back an unfinished placeholder or figure until it is complete", () => {
    const filter = new FactFilter(en);
    const a = filter.push("Only {price:sk");
    expect(a).not.toContain("{");
    const b = filter.push("u-1} now, was $1");
    const c = filter.push("2.50 yesterday.");
    const all = a + b + c + filter.finish();
    expect(all).toBe(`Only ${formatPrice(1234.56, "EUR", "en")} now, was yesterday.`);
    expect([...filter.priced]).toEqual(["sku-1"]);
  });
});
