import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groundedReplyWriter, type ReplyDraft } from "../../dialogs/index.ts";
import { LlamaLanguageModel } from "../../llm/index.ts";
import { checkReply, renderedFor } from "../llm/figure-checker.ts";
import { ENDLESS, hasToyModel, TOY_MODEL, until } from "../llm/toy-model.ts";
import { PRODUCTS } from "./helpers.ts";

const ids = new Set(PRODUCTS.map((p) => p.id));

function draft(over: Partial<ReplyDraft> = {}): ReplyDraft {
  return {
    task: "search",
    message: "do you have a warm hat?",
    locale: "en",
    products: PRODUCTS.map((p) => ({ ...p, reason: "matches what you asked" })),
    fallbackText: "Here are 3 matches.",
    history: [],
    preferences: [],
    conversationId: "conv-1",
    ...over,
  };
}

describe("groundedReplyWriter without a model", () => {
  it("delivers the template through the stream, with the reason", async () => {
    const deltas: string[] = [];
    const written = await groundedReplyWriter({ model: () => undefined }).write(draft(), { onDelta: (d) => deltas.push(d) });
    expect(written).toMatchObject({ text: "Here are 3 matches.", usedModel: false, reason: "no_model", productIds: [] });
    expect(deltas.join("")).toBe(written.text);
  });

  it("answers with the template when the draft is out of the writer's bounds (50 products, a 9000-character message)", async () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ id: `p${i}`, title: `Product ${i}`, price: -1 }));
    const deltas: string[] = [];
    const written = await groundedReplyWriter({ model: () => undefined }).write(draft({ products: many, message: "x".repeat(9000) }), { onDelta: (d) => deltas.push(d) });
    expect(written.usedModel).toBe(false);
    expect(deltas.join("")).toBe("Here are 3 matches.");
  });
});

describe.skipIf(!hasToyModel)("groundedReplyWriter over the real toy GGUF", () => {
  let model: LlamaLanguageModel;
  let busy: LlamaLanguageModel;
  beforeAll(async () => {
    model = await LlamaLanguageModel.load({ modelPath: TOY_MODEL, gpu: "cpu", threads: 1, sequences: 2, contextSize: 2048, maxQueue: 4, queueTimeoutMs: 10_000, progress: false });
    busy = await LlamaLanguageModel.load({ modelPath: TOY_MODEL, gpu: "cpu", threads: 1, sequences: 1, contextSize: 2048, maxQueue: 1, queueTimeoutMs: 150, progress: false });
  }, 60_000);
  afterAll(async () => {
    await model?.close();
    await busy?.close();
  });

  it("writes from the retrieved products only: ids retrieved, figures the catalogue's (by the independent checker), deltas equal to the text", async () => {
    const writer = groundedReplyWriter({ model: () => model, maxTokens: 96 });
    for (const over of [{}, { task: "details" as const, products: [{ ...PRODUCTS[0]!, reason: "asked" }], appendFacts: true }, { task: "compare" as const, appendFacts: true }]) {
      const deltas: string[] = [];
      const written = await writer.write(draft({ ...over, history: [{ role: "user", text: "hello" }, { role: "assistant", text: "Hi! What are you looking for?" }], preferences: ["wool"] }), {
        onDelta: (d) => deltas.push(d),
      });
      expect(written.usedModel).toBe(true);
      expect(deltas.join("")).toBe(written.text);
      expect(written.productIds.length).toBeGreaterThan(0);
      for (const id of written.productIds) expect(ids.has(id)).toBe(true);
      const cards = "products" in over && over.products ? over.products : PRODUCTS;
      const rendered = renderedFor(cards, "en", PRODUCTS.map((p) => p.title));
      expect(checkReply(written.text, rendered), written.text).toEqual([]);
      if (over.appendFacts) expect(rendered.cardFacts.some((f) => /\d/.test(f) && written.text.includes(f))).toBe(true);
    }
  });

  it("keeps a conversation on the sequence holding its prompt (the conversation id is the key)", async () => {
    const writer = groundedReplyWriter({ model: () => model, maxTokens: 32 });
    await writer.write(draft({ conversationId: "conv-key" }), { onDelta: () => {} });
    expect(model.status().holding).toBeGreaterThan(0);
  });

  it("stops generating when aborted and rejects with the reason", async () => {
    const writer = groundedReplyWriter({ model: () => model, maxTokens: 1024 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const writing = writer.write(draft({ conversationId: "conv-abort" }), { onDelta: (d) => deltas.push(d), signal: controller.signal });
    await until(() => model.status().busy > 0);
    controller.abort(new Error("barge-in"));
    await expect(writing).rejects.toThrow(/barge-in/);
    await until(() => model.status().busy === 0);
  });

  it("degrades to the template with the reason when the queue is full or the wait times out", async () => {
    const hold = new AbortController();
    const holding = busy.generate({ messages: [{ role: "user", text: "hi" }], grammar: ENDLESS, maxTokens: 100_000, signal: hold.signal });
    holding.catch(() => undefined);
    await until(() => busy.status().busy === 1);
    const writer = groundedReplyWriter({ model: () => busy });
    const waits = [writer.write(draft({ conversationId: "a" }), { onDelta: () => {} }), writer.write(draft({ conversationId: "b" }), { onDelta: () => {} })];
    const [timedOut, full] = await Promise.all(waits);
    hold.abort(new Error("done"));
    expect(new Set([timedOut!.reason, full!.reason])).toEqual(new Set(["queue_timeout", "queue_full"]));
    for (const w of [timedOut!, full!]) expect(w).toMatchObject({ text: "Here are 3 matches.", usedModel: false });
  });
});
