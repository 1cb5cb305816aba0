import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import { LlamaLanguageModel, LlmBusyError } from "../../llm/index.ts";
import { ENDLESS, hasToyModel, TOY_MODEL, until } from "./toy-model.ts";

describe.skipIf(!hasToyModel)("LlamaLanguageModel on the real toy GGUF (CPU)", () => {
  let model: LlamaLanguageModel;
  // One sequence, one waiting place, a short wait: for back-pressure.
  let tight: LlamaLanguageModel;

  beforeAll(async () => {
    model = await LlamaLanguageModel.load({ modelPath: TOY_MODEL, gpu: "cpu", threads: 1, sequences: 2, contextSize: 1024, maxQueue: 8, queueTimeoutMs: 10_000, idleMs: 200, progress: false });
    tight = await LlamaLanguageModel.load({ modelPath: TOY_MODEL, gpu: "cpu", threads: 1, sequences: 1, contextSize: 512, maxQueue: 1, queueTimeoutMs: 150, progress: false });
  });
  afterAll(async () => {
    await model?.close();
    await tight?.close();
  });

  it("loads on the CPU with the threads and sequences it was given", () => {
    expect(model.info).toMatchObject({ backend: "cpu", devices: [], threads: 1, sequences: 2, contextSize: 1024 });
    expect(model.info.name.length).toBeGreaterThan(0);
    expect(model.countTokens("a red wool hat")).toBeGreaterThan(0);
    expect(model.status()).toMatchObject({ busy: 0, idle: 2, waiting: 0 });
  });

  it("streams text while generating, and the pieces make up the final text", async () => {
    const pieces: string[] = [];
    const busyWhenStreaming: number[] = [];
    const result = await model.generate({
      system: "You tell short stories.",
      messages: [{ role: "user", text: "Tell me about a cat." }],
      maxTokens: 60,
      onToken: (t) => {
        pieces.push(t);
        busyWhenStreaming.push(model.status().busy);
      },
    });
    expect(pieces.length).toBeGreaterThan(1);
    // Every piece arrived while the sequence was still generating, i.e. before completion.
    expect(busyWhenStreaming.every((b) => b >= 1)).toBe(true);
    expect(pieces.join("")).toBe(result.text);
    expect(result.tokens).toBeGreaterThan(0);
    expect(result.tokens).toBeLessThanOrEqual(60);
    expect(result.firstTokenMs).toBeLessThanOrEqual(result.totalMs);
    expect(model.status().busy).toBe(0);
  });

  it("keeps JSON-schema-constrained output valid, with enums respected, across prompts", async () => {
    const schema = { type: "object", properties: { answer: { type: "string" }, pick: { enum: ["red", "blue"] } }, required: ["answer", "pick"] };
    for (const text of ["Which colour?", "Pick one for me", "你喜欢哪个？"]) {
      const result = await model.generate({ messages: [{ role: "user", text }], grammar: { type: "json-schema", schema }, maxTokens: 80 });
      const parsed = JSON.parse(result.text) as { answer: unknown; pick: unknown };
      expect(typeof parsed.answer).toBe("string");
      expect(["red", "blue"]).toContain(parsed.pick);
    }
  });

  it("stops early on abort, rejects with the reason, and frees the sequence", async () => {
    const controller = new AbortController();
    const stop = new Error("shopper spoke over the reply");
    let pieces = 0;
    const run = model.generate({
      messages: [{ role: "user", text: "Sing" }],
      grammar: ENDLESS,
      maxTokens: 800,
      signal: controller.signal,
      onToken: () => {
        if (++pieces === 5) controller.abort(stop);
      },
    });
    await expect(run).rejects.toBe(stop);
    expect(pieces).toBeLessThan(50);
    expect(model.status()).toMatchObject({ busy: 0, waiting: 0 });
    const after = await model.generate({ messages: [{ role: "user", text: "Hello" }], maxTokens: 8 });
    expect(after.tokens).toBeGreaterThan(0);
  });

  it("queues requests beyond its sequences and serves them all, never more than two at once", async () => {
    const seen = { busy: 0, waiting: 0 };
    const sample = () => {
      const load = model.status();
      seen.busy = Math.max(seen.busy, load.busy);
      seen.waiting = Math.max(seen.waiting, load.waiting);
    };
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => model.generate({ messages: [{ role: "user", text: `Story ${i}` }], grammar: ENDLESS, maxTokens: 30, onToken: sample })),
    );
    expect(results.map((r) => r.stopReason)).toEqual(Array(5).fill("maxTokens"));
    expect(seen.busy).toBe(2);
    expect(seen.waiting).toBeGreaterThanOrEqual(1);
    expect(Math.max(...results.map((r) => r.queuedMs))).toBeGreaterThan(0);
    expect(model.status()).toMatchObject({ busy: 0, waiting: 0 });
  });

  it("refuses at once when the queue is full, and after the queue timeout when waiting too long", async () => {
    const hold = new AbortController();
    const running = tight.generate({ messages: [{ role: "user", text: "Sing" }], grammar: ENDLESS, maxTokens: 450, signal: hold.signal });
    await until(() => tight.status().busy === 1);
    const waiting = tight.generate({ messages: [{ role: "user", text: "Hi" }], maxTokens: 8 });
    const refused = tight.generate({ messages: [{ role: "user", text: "Hi" }], maxTokens: 8 });
    await expect(refused).rejects.toMatchObject({ code: "llm_busy", reason: "queue_full" });
    await expect(waiting).rejects.toBeInstanceOf(LlmBusyError);
    await expect(waiting).rejects.toMatchObject({ reason: "queue_timeout" });
    hold.abort(new Error("done"));
    await expect(running).rejects.toThrow("done");
    expect(tight.status()).toMatchObject({ busy: 0, waiting: 0 });
  });

  it("drops a waiting request from the queue when it is aborted", async () => {
    const hold = new AbortController();
    const running = tight.generate({ messages: [{ role: "user", text: "Sing" }], grammar: ENDLESS, maxTokens: 450, signal: hold.signal });
    await until(() => tight.status().busy === 1);
    const cancel = new AbortController();
    const queued = tight.generate({ messages: [{ role: "user", text: "Hi" }], maxTokens: 8, signal: cancel.signal });
    await until(() => tight.status().waiting === 1);
    cancel.abort(new Error("barge-in"));
    await expect(queued).rejects.toThrow("barge-in");
    expect(tight.status().waiting).toBe(0);
    hold.abort(new Error("done"));
    await expect(running).rejects.toThrow("done");
  });

  it("keeps a conversation's prompt in its sequence, and clears idle sequences", async () => {
    await model.generate({ messages: [{ role: "user", text: "Hello" }], maxTokens: 5, key: "conversation-1" });
    expect(model.status().holding).toBeGreaterThanOrEqual(1);
    await until(() => model.status().holding === 0, 3000);
    expect(model.status()).toMatchObject({ busy: 0, idle: 2 });
  });

  it("names the field when a request is malformed", async () => {
    await expect(model.generate({ messages: [{ role: "assistant", text: "Hi" }], maxTokens: 5 })).rejects.toBeInstanceOf(ValidationError);
    await expect(model.generate({ messages: [{ role: "user", text: "Hi" }], maxTokens: 0 })).rejects.toThrow(/maxTokens/);
  });
});
