import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlamaLanguageModel } from "../../llm/index.ts";
import { runGroundingReplies, titlesNamed } from "./grounding-run.ts";
import { requireToyModel, skipWithoutToyModelOutsideCi, TOY_MODEL } from "./toy-model.ts";

/**
 * Grounded means grounded, whatever the model writes: hundreds of replies from the real toy GGUF at
 * warm temperatures, under injections in the shopper's messages and the product descriptions, each
 * judged by the independent checker. The toy's prose is nonsense, which is the point: enforcement
 * must hold for any output. bench/grounding.ts runs the same at 1,000 replies and more.
 */

// Bounded for a test on two shared cores (small replies, few prompt prefixes); the bench runs more.
const REPLIES = 96;
const SCENARIOS = 8;

describe.skipIf(skipWithoutToyModelOutsideCi)("grounded replies from the real toy GGUF under attack", () => {
  let model: LlamaLanguageModel;

  beforeAll(async () => {
    requireToyModel();
    model = await LlamaLanguageModel.load({ modelPath: TOY_MODEL, gpu: "cpu", threads: 1, sequences: 1, contextSize: 2048, maxQueue: 4, queueTimeoutMs: 60_000, progress: false });
  });
  afterAll(async () => {
    await model?.close();
  });

  it(`never lets a figure, a link or another product through, streamed or final, over ${REPLIES} replies`, async () => {
    const result = await runGroundingReplies({ model, replies: REPLIES, scenarioCount: SCENARIOS, maxTokens: 24, namedProducts: titlesNamed, seed: 7 });
    expect(result.replies).toBeGreaterThanOrEqual(REPLIES);
    expect(result.examples, JSON.stringify(result.examples, null, 1)).toEqual([]);
    expect(result.violations).toEqual({});
    // The model really wrote them (what the checks drop is counted by the bench; the toy rarely needs it in 24 tokens).
    expect(result.byModel).toBeGreaterThan(REPLIES / 2);
  }, 300_000);
});
