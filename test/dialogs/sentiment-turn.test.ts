import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDialogEngine } from "../../dialogs/index.ts";
import { PRODUCTS, scriptedRecommender, scriptedUnderstander, tempStore, onStore } from "./helpers.ts";

const understander = scriptedUnderstander({
  "this hat is awful": { intent: "product_details", sentiment: { label: "negative", score: -0.6 } },
  "show me hats": { intent: "search_products", sentiment: { label: "neutral", score: 0 } },
  "I want to complain, it is awful": { intent: "complaint", sentiment: { label: "negative", score: -0.7 } },
  "thanks for nothing": { intent: "thanks", sentiment: { label: "negative", score: -0.5 } },
  "thanks a lot": { intent: "thanks", sentiment: { label: "positive", score: 0.6 } },
});

describe("a turn's sentiment", () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  // The configured hook timeout (120 s): opening the embedded database is slow on a loaded machine.
  beforeAll(async () => {
    db = await tempStore();
  });
  afterAll(async () => db?.close());

  it("offers a human hand-off on a negative message outside the complaint flows, and stores the sentiment with the shopper's line", async () => {
    const engine = createDialogEngine({ understander, recommender: scriptedRecommender(PRODUCTS.slice(0, 1)), ...onStore(db.store) });
    const negative = await engine.handle({ conversationId: "c-s", userId: "u-sent", text: "this hat is awful" }, { delta() {} });
    expect(negative.suggestions[0]).toBe("Talk to a human");
    const neutral = await engine.handle({ conversationId: "c-s", userId: "u-sent", text: "show me hats" }, { delta() {} });
    expect(neutral.suggestions).not.toContain("Talk to a human");
    // The complaint flow handles its own hand-off: no duplicate offer is forced first.
    const complaint = await engine.handle({ conversationId: "c-s", userId: "u-sent", text: "I want to complain, it is awful" }, { delta() {} });
    expect(complaint.intent).toBe("complaint");
    await engine.flush?.();

    const lines = await db.store.conversations.messagesForUser("u-sent");
    const mine = lines.filter((m) => m.role === "user");
    expect(mine.map((m) => m.sentiment?.label)).toEqual(["negative", "neutral", "negative"]);
    expect(mine[0]!.sentiment!.score).toBe(-0.6);
    for (const m of lines.filter((l) => l.role === "assistant")) expect(m.sentiment).toBeUndefined();
    // Reported over time with everything else.
    const tallies = await db.store.conversations.sentimentTallies({ bucketMs: 86_400_000, originMs: 0 });
    expect(tallies.byBucket.filter((t) => t.source === "message").reduce((n, t) => n + t.count, 0)).toBe(3);
  });

  it("answers a jab that reads like thanks with an apology and two ways on, and real thanks with thanks", async () => {
    const engine = createDialogEngine({ understander, recommender: scriptedRecommender(PRODUCTS.slice(0, 1)), ...onStore(db.store) });
    const jab = await engine.handle({ conversationId: "c-j", userId: "u-jab", text: "thanks for nothing" }, { delta() {} });
    expect(jab.text).toMatch(/^Sorry I'm not getting it right/);
    expect(jab.text).not.toMatch(/welcome/i);
    expect(jab.suggestions).toContain("Talk to a human");
    const thanks = await engine.handle({ conversationId: "c-j", userId: "u-jab", text: "thanks a lot" }, { delta() {} });
    expect(thanks.text).toMatch(/welcome/i);
  });
});
