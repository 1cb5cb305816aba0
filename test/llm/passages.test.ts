import { describe, expect, it } from "vitest";
import { composePassageAnswer } from "../../llm/index.ts";
import { FakeLanguageModel } from "./fake-model.ts";

const passages = [
  { title: "Returns and refunds › Returning an item", text: "You can return unused items within 30 days of delivery for a full refund." },
  { title: "Shipping and delivery › Shipping costs", text: "Standard shipping is free on orders over 50. Below that it costs 4.95." },
];
const input = { question: "can I send it back?", locale: "en" as const, passages, fallbackText: "You can return unused items within 30 days of delivery for a full refund." };
const reply = (answer: string, cited: number[]) => [JSON.stringify({ answer, passages: cited })];

describe("answers from passages", () => {
  it("keeps an answer whose figures are in the passages it cites, and says which ones", async () => {
    const model = new FakeLanguageModel(() => reply("Yes: unused items can go back within 30 days for a full refund.", [1]));
    const deltas: string[] = [];
    const out = await composePassageAnswer(model, input, { onDelta: (t) => deltas.push(t) });
    expect(out).toMatchObject({ text: "Yes: unused items can go back within 30 days for a full refund.", cited: [0], usedModel: true });
    expect(deltas.join("")).toBe(out.text);
    expect(model.requests[0]!.system).toContain("[1] Returns and refunds › Returning an item");
  });

  it("drops a sentence with a figure no cited passage holds, even when another passage has it", async () => {
    const model = new FakeLanguageModel(() => reply("You have 30 days to return it. Returns cost 4.95. You get 60 days at Christmas.", [1]));
    const out = await composePassageAnswer(model, input);
    expect(out.text).toBe("You have 30 days to return it.");
    expect(out.dropped).toBe(2);
  });

  it("counts number words as figures: 'thirty days' is not what the passage says", async () => {
    const model = new FakeLanguageModel(() => reply("You have thirty days.", [1]));
    const out = await composePassageAnswer(model, input);
    expect(out).toMatchObject({ text: input.fallbackText, usedModel: false, reason: "failed_checks" });
  });

  it("answers with the template when the model declines, fails or there is none", async () => {
    const declining = new FakeLanguageModel(() => reply("NOT_IN_PASSAGES", []));
    expect(await composePassageAnswer(declining, input)).toMatchObject({ text: input.fallbackText, usedModel: false, reason: "declined" });
    const broken = new FakeLanguageModel(() => ["{not json"]);
    expect(await composePassageAnswer(broken, input)).toMatchObject({ text: input.fallbackText, reason: "model_error" });
    const failing = new FakeLanguageModel(() => {
      throw new Error("boom");
    });
    expect(await composePassageAnswer(failing, input)).toMatchObject({ text: input.fallbackText, reason: "model_error" });
    const deltas: string[] = [];
    expect(await composePassageAnswer(undefined, input, { onDelta: (t) => deltas.push(t) })).toMatchObject({ text: input.fallbackText, reason: "no_model" });
    expect(deltas).toEqual([input.fallbackText]);
  });

  it("refuses a draft without passages, naming the field", async () => {
    await expect(composePassageAnswer(undefined, { ...input, passages: [] })).rejects.toThrow(/passages/);
  });
});
