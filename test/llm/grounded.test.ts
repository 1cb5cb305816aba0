import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import type { Locale } from "../../core/turn.ts";
import { composeGroundedReply, type GroundedInput, type GroundingProduct, LlamaLanguageModel } from "../../llm/index.ts";
import { checkReply, renderedFor } from "./figure-checker.ts";
import { ENDLESS, hasToyModel, TOY_MODEL, until } from "./toy-model.ts";

// Distinctive prices, so any figure in a reply can be traced to the catalogue; an id that needs escaping in JSON and GBNF.
const products: GroundingProduct[] = [
  { id: "sku-1", title: "Red wool hat", brand: "Acme", category: "hats", price: 1234.56, currency: "EUR", stock: 7, description: "A warm hat for cold days." },
  { id: "sku-2", title: "Blue trail shoe", brand: "Fleet", category: "shoes", price: 987.65, currency: "GBP", stock: 0, sizes: ["40", "41"] },
  { id: 'odd"id\\3', title: "Green tea tin", price: 4321, currency: "CNY", description: "Loose-leaf green tea." },
];
const ids = new Set(products.map((p) => p.id));

function input(over: Partial<GroundedInput> = {}): GroundedInput {
  return { message: "Do you have a warm hat?", locale: "en", task: "search", products, fallbackText: "Here is what I found for you.", ...over };
}

describe.skipIf(!hasToyModel)("grounded replies from the real toy GGUF", () => {
  let model: LlamaLanguageModel;
  let tight: LlamaLanguageModel;

  beforeAll(async () => {
    model = await LlamaLanguageModel.load({ modelPath: TOY_MODEL, gpu: "cpu", threads: 1, sequences: 2, contextSize: 2048, maxQueue: 4, queueTimeoutMs: 10_000, progress: false });
    tight = await LlamaLanguageModel.load({ modelPath: TOY_MODEL, gpu: "cpu", threads: 1, sequences: 1, contextSize: 2048, maxQueue: 2, queueTimeoutMs: 100, progress: false });
  });
  afterAll(async () => {
    await model?.close();
    await tight?.close();
  });

  it("only ever names retrieved products, and every figure is the catalogue's (by the independent checker)", async () => {
    const cases: [string, Locale, GroundedInput["task"]][] = [
      ["Do you have a warm hat?", "en", "search"],
      ["What would you recommend for winter?", "en", "recommend"],
      ["How much is the blue shoe and is it in stock?", "en", "details"],
      ["Compare the hat and the shoe, which is cheaper? Is it $5?", "en", "compare"],
      ["有保暖的帽子吗？", "zh", "search"],
      ["这双鞋多少钱？还有货吗？", "zh", "details"],
    ];
    let used = 0;
    let withFigures = 0;
    for (const [i, [message, locale, task]] of cases.entries()) {
      const deltas: string[] = [];
      const reply = await composeGroundedReply(
        model,
        input({ message, locale, task, appendFacts: true, maxTokens: 96, history: [{ role: "user", text: "hi" }, { role: "assistant", text: "Hello!" }], preferences: ["wool"] }),
        // Varied sampling; one conversation key, so the shared rules-and-products prefix is evaluated once per language.
        { temperature: i % 2 ? 0.9 : 0, key: `grounded-${locale}`, onDelta: (d) => deltas.push(d) },
      );
      expect(deltas.join("")).toBe(reply.text);
      for (const id of reply.productIds) expect(ids.has(id), `${message}: ${id}`).toBe(true);
      const rendered = renderedFor(products, locale);
      expect(checkReply(reply.text, rendered), `${message} → ${reply.text}`).toEqual([]);
      if (reply.usedModel) {
        used++;
        // The grammar makes a finished reply name at least one product (a cut one may not have reached the list).
        if (!reply.truncated) expect(reply.productIds.length).toBeGreaterThan(0);
        expect(reply.tokens).toBeGreaterThan(0);
      } else expect(reply.text).toBe("Here is what I found for you.");
      if (rendered.cardFacts.some((f) => /\d/.test(f) && reply.text.includes(f))) withFigures++;
    }
    // The model answered (not the template) in most cases, and facts were really filled in.
    expect(used).toBeGreaterThanOrEqual(4);
    expect(withFigures).toBeGreaterThan(0);
  });

  it("streams the reply while the model is still writing it", async () => {
    let busyAtFirstDelta = -1;
    const deltas: string[] = [];
    const reply = await composeGroundedReply(model, input({ message: "Tell me about the hat", maxTokens: 64 }), {
      key: "grounded-en",
      onDelta: (d) => {
        if (busyAtFirstDelta < 0) busyAtFirstDelta = model.status().busy;
        deltas.push(d);
      },
    });
    expect(reply.usedModel).toBe(true);
    expect(busyAtFirstDelta).toBeGreaterThanOrEqual(1);
    expect(deltas.join("")).toBe(reply.text);
  });

  it("says so with the template when nothing was retrieved, or there is no model", async () => {
    const none: string[] = [];
    const missing = await composeGroundedReply(model, input({ products: [], fallbackText: "Sorry, we don't carry that." }), { onDelta: (d) => none.push(d) });
    expect(missing).toEqual({ text: "Sorry, we don't carry that.", productIds: [], usedModel: false, reason: "no_products" });
    expect(none.join("")).toBe("Sorry, we don't carry that.");
    const noModel = await composeGroundedReply(undefined, input());
    expect(noModel).toMatchObject({ text: "Here is what I found for you.", usedModel: false, reason: "no_model" });
  });

  it("answers with the template when the model is busy past its queue timeout", async () => {
    const hold = new AbortController();
    const running = tight.generate({ messages: [{ role: "user", text: "Sing" }], grammar: ENDLESS, maxTokens: 1500, signal: hold.signal });
    await until(() => tight.status().busy === 1);
    const deltas: string[] = [];
    const reply = await composeGroundedReply(tight, input(), { onDelta: (d) => deltas.push(d) });
    expect(reply).toMatchObject({ usedModel: false, reason: "queue_timeout", text: "Here is what I found for you." });
    expect(deltas.join("")).toBe(reply.text);
    hold.abort(new Error("done"));
    await expect(running).rejects.toThrow("done");
  });

  it("stops when aborted mid-reply (barge-in), rejecting with the reason and freeing the model", async () => {
    const controller = new AbortController();
    const reason = new Error("barge-in");
    const deltas: string[] = [];
    const reply = composeGroundedReply(model, input({ maxTokens: 400 }), {
      signal: controller.signal,
      key: "grounded-en",
      temperature: 0.9,
      onDelta: (d) => {
        deltas.push(d);
        controller.abort(reason);
      },
    });
    await expect(reply).rejects.toBe(reason);
    expect(deltas.length).toBeLessThanOrEqual(1);
    await until(() => model.status().busy === 0);
    // Aborted before it started, too.
    await expect(composeGroundedReply(model, input(), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it("keeps a reply cut short by maxTokens consistent: what streamed is the reply, and cut text is closed (an ellipsis unless it ended a sentence)", async () => {
    for (const message of ["Tell me everything about every product", "Do you have a warm hat?", "有帽子吗"]) {
      const deltas: string[] = [];
      const reply = await composeGroundedReply(model, input({ message, maxTokens: 16 }), { onDelta: (d) => deltas.push(d), temperature: 0.9, key: "grounded-en" });
      expect(deltas.join("")).toBe(reply.text);
      for (const id of reply.productIds) expect(ids.has(id)).toBe(true);
      if (reply.truncated) expect(reply.text).toMatch(/[.!?。！？…]$/);
      if (!reply.usedModel) expect(["empty_output", "failed_checks"]).toContain(reply.reason);
    }
  });

  it("refuses malformed input with the field named", async () => {
    await expect(composeGroundedReply(model, { ...input(), fallbackText: "" })).rejects.toBeInstanceOf(ValidationError);
    await expect(composeGroundedReply(model, { ...input(), products: [{ id: "", title: "x" }] })).rejects.toThrow(/products\.0\.id/);
  });

  it("answers with the template once the model is closed", async () => {
    await tight.close();
    const reply = await composeGroundedReply(tight, input());
    expect(reply).toMatchObject({ usedModel: false, reason: "closed" });
  });
});
