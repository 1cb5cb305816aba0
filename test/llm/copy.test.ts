import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import type { Locale } from "../../core/turn.ts";
import { type GenerateRequest, type LanguageModel, LlamaLanguageModel, LlmBusyError } from "../../llm/index.ts";
import {
  type Audience,
  CHANNELS,
  type Channel,
  type CopyProduct,
  type CopyRequest,
  channelFields,
  charLength,
  cleanModelCopy,
  copyFacts,
  copyGrammar,
  factProblems,
  fitLength,
  generateCopy,
  keepFactualSentences,
  LENGTHS,
  TONES,
} from "../../llm/copy/index.ts";
import { hasToyModel, TOY_MODEL } from "./toy-model.ts";

// Distinctive figures, so any number in the copy can be traced to the record.
const shoe: CopyProduct = {
  id: "sku-77",
  title: "Trail Runner 2",
  brand: "Fleet",
  category: "Running Shoes",
  description: "A light trail shoe with a grippy sole. Made in Portugal.",
  price: 1234.56,
  currency: "EUR",
  stock: 3,
  color: "red",
  sizes: ["40", "41", "42"],
  tags: ["running", "trail"],
};
const tea: CopyProduct = { id: "tea-9", title: "龙井绿茶", brand: "西湖", category: "茶叶", price: 688, currency: "CNY", stock: 40, tags: ["绿茶"] };

const shopper: Audience = { kind: "shopper", categories: ["running shoes", "jackets"], brands: ["Fleet"], preferences: ["trail", "size 42"] };
const segment: Audience = { kind: "segment", name: "Frequent Running Shoes buyers", categories: ["running shoes"], brands: ["Fleet"], preferences: [] };
const everyone: Audience = { kind: "everyone", categories: [], brands: [], preferences: [] };

const request = (over: Partial<CopyRequest> = {}): CopyRequest => ({
  product: shoe,
  audience: shopper,
  tone: "friendly",
  channel: "chat",
  length: "medium",
  variants: 3,
  locale: "en",
  seed: 1,
  ...over,
});

const NUMBER = /\d+(?:[.,]\d+)*/g;

/** Every figure in the copy is one the record has: price (as formatted), stock, sizes, the "2" of the title. */
function expectOnlyCatalogueFigures(text: string, product: CopyProduct, locale: Locale): void {
  const facts = copyFacts(product, locale);
  expect(factProblems(text, facts), text).toEqual([]);
  const allowed = new Set([...facts.numbers]);
  for (const m of text.normalize("NFKC").match(NUMBER) ?? []) expect(allowed, `${m} in ${text}`).toContain(m);
}

function expectShape(fields: Record<string, string>, channel: Channel, locale: Locale, length: CopyRequest["length"]): void {
  const specs = channelFields(channel, locale);
  expect(Object.keys(fields).sort()).toEqual(specs.map((s) => s.name).sort());
  for (const s of specs) {
    expect(fields[s.name]!.trim().length, `${channel}.${s.name}`).toBeGreaterThan(0);
    expect(charLength(fields[s.name]!), `${channel}.${s.name}: ${fields[s.name]}`).toBeLessThanOrEqual(s.max[length]);
  }
}

describe("templated copy (no model)", () => {
  it("gives n distinct variants in each channel's shape and limits, with only catalogue figures, for every tone, length and language", async () => {
    for (const locale of ["en", "zh"] as const) {
      for (const channel of CHANNELS) {
        for (const tone of TONES) {
          for (const length of LENGTHS) {
            const product = locale === "zh" ? tea : shoe;
            const result = await generateCopy(undefined, request({ product, locale, channel, tone, length, variants: 4 }));
            expect(result.usedModel).toBe(false);
            expect(result.fallbackReason).toBe("no_model");
            expect(result.variants.map((v) => v.name)).toEqual(["A", "B", "C", "D"]);
            expect(new Set(result.variants.map((v) => JSON.stringify(v.fields))).size).toBe(4);
            for (const v of result.variants) {
              expect(v.source).toBe("template");
              expect(v.channel).toBe(channel);
              expectShape(v.fields, channel, locale, length);
              for (const text of Object.values(v.fields)) expectOnlyCatalogueFigures(text, product, locale);
            }
          }
        }
      }
    }
  });

  it("gives up to 10 distinct variants at once", async () => {
    for (const channel of CHANNELS) {
      for (const locale of ["en", "zh"] as const) {
        for (const length of LENGTHS) {
          const r = await generateCopy(undefined, request({ channel, locale, length, product: locale === "zh" ? tea : shoe, variants: 10, tone: "playful" }));
          expect(new Set(r.variants.map((v) => JSON.stringify(v.fields))).size, `${channel}/${locale}/${length}`).toBe(10);
        }
      }
    }
  });

  it("is deterministic per seed, and a different seed gives different copy", async () => {
    const a = await generateCopy(undefined, request({ seed: 7 }));
    const b = await generateCopy(undefined, request({ seed: 7 }));
    const c = await generateCopy(undefined, request({ seed: 8 }));
    expect(b.variants).toEqual(a.variants);
    expect(c.variants.map((v) => v.fields)).not.toEqual(a.variants.map((v) => v.fields));
  });

  it("writes longer copy for longer lengths, and personal lines only for a shopper or segment", async () => {
    const mean = async (length: CopyRequest["length"]) => {
      const r = await generateCopy(undefined, request({ channel: "email", length, variants: 5 }));
      return r.variants.reduce((n, v) => n + charLength(v.fields.body!), 0) / 5;
    };
    const [short, medium, long] = [await mean("short"), await mean("medium"), await mean("long")];
    expect(short).toBeLessThan(medium);
    expect(medium).toBeLessThan(long);

    const forShopper = await generateCopy(undefined, request({ audience: shopper, variants: 5 }));
    expect(forShopper.variants.some((v) => /running shoes|Fleet fan|for you/i.test(v.fields.message!))).toBe(true);
    const forSegment = await generateCopy(undefined, request({ audience: { ...segment, categories: ["hats"], brands: [] }, variants: 5 }));
    expect(forSegment.variants.some((v) => v.fields.message!.includes("Frequent Running Shoes buyers"))).toBe(true);
    const forAll = await generateCopy(undefined, request({ audience: everyone, variants: 5 }));
    for (const v of forAll.variants) expect(v.fields.message).not.toMatch(/for you|you love|you like|you're into|fan like you/i);
    // A preference with a number in it ("size 42") is never echoed: only catalogue figures appear.
    for (const v of forShopper.variants) expectOnlyCatalogueFigures(v.fields.message!, shoe, "en");
  });

  it("writes a product description from the attributes, without a personal line", async () => {
    const r = await generateCopy(undefined, request({ channel: "description", length: "long", audience: shopper, variants: 3 }));
    for (const v of r.variants) {
      expect(Object.keys(v.fields)).toEqual(["description"]);
      expect(v.fields.description).toContain("Trail Runner 2");
      expect(v.fields.description).not.toMatch(/for you|you love|you like/i);
    }
    expect(r.variants.some((v) => v.fields.description!.includes("€1,234.56"))).toBe(true);
  });

  it("states no stock it does not have and no price a product lacks", async () => {
    const bare: CopyProduct = { id: "b1", title: "Plain mug" };
    const r = await generateCopy(undefined, request({ product: bare, channel: "email", length: "long", variants: 5, audience: everyone }));
    for (const v of r.variants) {
      expect(JSON.stringify(v.fields)).not.toMatch(/\d|stock|price/i);
    }
  });

  it("refuses a bad request naming the field", async () => {
    await expect(generateCopy(undefined, request({ variants: 11 }))).rejects.toThrow(ValidationError);
    await expect(generateCopy(undefined, request({ channel: "fax" as Channel }))).rejects.toThrow(/channel/);
  });
});

describe("the fact check", () => {
  const facts = copyFacts(shoe, "en");

  it("accepts the record's figures and refuses invented numbers, prices and promotions", () => {
    expect(factProblems("Trail Runner 2 for €1,234.56, sizes 40 to 42, 3 in stock.", facts)).toEqual([]);
    expect(factProblems("Now 20% off!", facts).map((p) => p.kind)).toContain("number");
    expect(factProblems("Only $5 today", facts).map((p) => p.kind)).toEqual(expect.arrayContaining(["number", "price"]));
    expect(factProblems("Free shipping on this one.", facts).map((p) => p.kind)).toEqual(["claim"]);
    expect(factProblems("It's on sale now", facts).map((p) => p.kind)).toEqual(["claim"]);
    const zh = copyFacts(tea, "zh");
    expect(factProblems("龙井绿茶限时八折，包邮！", zh).map((p) => p.kind)).toEqual(["claim"]);
    expect(factProblems("售价¥688.00，库存40件。", zh)).toEqual([]);
    // A claim the record makes itself may be repeated.
    expect(factProblems("On sale!", copyFacts({ ...shoe, tags: ["sale"] }, "en"))).toEqual([]);
  });

  it("drops only the sentences that break it", () => {
    const { text, dropped } = keepFactualSentences("Meet the Trail Runner 2. Now 30% off for members! It comes in red.", facts);
    expect(text).toBe("Meet the Trail Runner 2. It comes in red.");
    expect(dropped.map((d) => d.text)).toContain("30");
  });

  it("fits text to a limit by whole sentences, else at a word with an ellipsis", () => {
    expect(fitLength("One. Two two. Three three three.", 14)).toBe("One. Two two.");
    const cut = fitLength("a very long sentence without any end in sight at all", 20);
    expect(charLength(cut)).toBeLessThanOrEqual(20);
    expect(cut.endsWith("…")).toBe(true);
    expect(charLength(fitLength("这是一个很长很长很长的句子没有句号", 8))).toBeLessThanOrEqual(8);
  });
});

describe("model output is cleaned against the catalogue", () => {
  const req = request({ channel: "email", length: "medium" });
  const facts = copyFacts(shoe, "en");
  const fields = channelFields("email", "en");

  it("fills placeholders from the catalogue and replaces a price the model wrote itself", () => {
    const raw = JSON.stringify({ subject: "Meet {title}", body: "The {title} is yours for {price:sku-77}. Only €5 for you! {stock:sku-77}." });
    const out = cleanModelCopy(raw, req, facts, fields)!;
    expect(out.subject).toBe("Meet Trail Runner 2");
    expect(out.body).toContain("€1,234.56");
    expect(out.body).not.toContain("€5 ");
    expectOnlyCatalogueFigures(out.body!, shoe, "en");
  });

  it("drops invented promotions, and refuses an answer that loses a field or is not the shape", () => {
    const raw = JSON.stringify({ subject: "Big sale", body: "Free shipping today only. It comes in red." });
    expect(cleanModelCopy(raw, req, facts, fields)).toBeUndefined(); // the subject was all promotion
    const ok = cleanModelCopy(JSON.stringify({ subject: "Red and ready", body: "Free shipping today only. It comes in red." }), req, facts, fields)!;
    expect(ok.body).toBe("It comes in red.");
    expect(cleanModelCopy('{"subject": "x"', req, facts, fields)).toBeUndefined();
    expect(cleanModelCopy(JSON.stringify({ subject: "Hi" }), req, facts, fields)).toBeUndefined();
  });

  it("has a grammar per channel whose strings cannot hold a digit", () => {
    const g = copyGrammar(fields, "sku-77", "short");
    expect(g).toMatch(/"\\"subject\\""/);
    expect(g).toMatch(/"\\"body\\""/);
    expect(g).toContain("0-9]");
    expect(g).toContain('"{price:" "sku-77" "}"');
  });
});

/** A stand-in for the model's failure modes (a real GGUF cannot be made busy or wrong on demand). */
function fakeLanguageModel(answer: (req: GenerateRequest, call: number) => Promise<string>): LanguageModel & { requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  return {
    requests,
    info: { name: "FakeLanguageModel", path: "", backend: "cpu", devices: [], threads: 1, sequences: 1, contextSize: 2048, maxQueue: 1, queueTimeoutMs: 1 },
    async generate(req) {
      requests.push(req);
      const text = await answer(req, requests.length - 1);
      return { text, tokens: 1, firstTokenMs: 1, queuedMs: 0, totalMs: 1, stopReason: "end" };
    },
    countTokens: (t) => t.length,
    status: () => ({ busy: 0, idle: 1, waiting: 0, holding: 0 }),
    close: async () => {},
  };
}

describe("copy when the model is busy, wrong or cancelled (FakeLanguageModel)", () => {
  it("answers with templates, saying why, when the model is busy", async () => {
    const busy = fakeLanguageModel(async () => {
      throw new LlmBusyError("queue_full", "all sequences busy");
    });
    const r = await generateCopy(busy, request({ variants: 4 }));
    expect(r).toMatchObject({ usedModel: false, fallbackReason: "busy" });
    expect(r.variants.map((v) => v.source)).toEqual(["template", "template", "template", "template"]);
  });

  it("keeps the model's variants that pass the checks, in order, and templates the rest", async () => {
    const model = fakeLanguageModel(async (_req, call) =>
      JSON.stringify({ message: call === 1 ? "Now 50% off, free shipping!" : call === 2 ? "Meet the {title}." : `Meet the {title} in red, for {price:sku-77}. Variant ${"abc"[call % 3]}.` }),
    );
    const r = await generateCopy(model, request({ variants: 3 }));
    expect(r.usedModel).toBe(true);
    expect(r.variants.map((v) => v.source)).toEqual(["model", "model", "template"]);
    expect(r.variants[0]!.fields.message).toBe("Meet the Trail Runner 2 in red, for €1,234.56. Variant a.");
    expect(r.fallbackReason).toBe("failed_checks");
    // One grammar-constrained request per variant, each with its own seed.
    expect(model.requests.map((q) => q.seed)).toEqual([1000, 1001, 1002]);
    expect(model.requests.every((q) => q.grammar?.type === "gbnf")).toBe(true);
  });

  it("rejects when the caller aborts", async () => {
    const controller = new AbortController();
    const model = fakeLanguageModel(
      (req) =>
        new Promise((_, reject) => {
          req.signal?.addEventListener("abort", () => reject(req.signal!.reason));
          controller.abort(new Error("client went away"));
        }),
    );
    await expect(generateCopy(model, request(), { signal: controller.signal })).rejects.toThrow(/client went away/);
  });
});

describe.skipIf(!hasToyModel)("copy from the real toy GGUF (structure only)", () => {
  let model: LlamaLanguageModel;

  beforeAll(async () => {
    model = await LlamaLanguageModel.load({ modelPath: TOY_MODEL, gpu: "cpu", threads: 1, sequences: 2, contextSize: 2048, maxQueue: 16, queueTimeoutMs: 60_000, progress: false });
  });
  afterAll(async () => {
    await model?.close();
  });

  it("answers n distinct variants in the channel's shape with only catalogue figures, whoever wrote them", async () => {
    let fromModel = 0;
    for (const [channel, locale, length] of [
      ["push", "en", "short"],
      ["banner", "zh", "short"],
      ["email", "en", "short"],
      ["chat", "zh", "short"],
    ] as const) {
      const product = locale === "zh" ? tea : shoe;
      const r = await generateCopy(model, request({ product, channel, locale, length, variants: 3, tone: "playful" }));
      expect(r.variants).toHaveLength(3);
      expect(new Set(r.variants.map((v) => JSON.stringify(v.fields))).size).toBe(3);
      expect(r.usedModel).toBe(r.variants.some((v) => v.source === "model"));
      for (const v of r.variants) {
        expectShape(v.fields, channel, locale, length);
        for (const text of Object.values(v.fields)) expectOnlyCatalogueFigures(text, product, locale);
        if (v.source === "model") fromModel++;
      }
      if (r.variants.some((v) => v.source === "template")) expect(r.fallbackReason).toBeTruthy();
    }
    // The grammar lets the toy write something that survives the checks at least once.
    expect(fromModel).toBeGreaterThan(0);
  });
});
