import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reply } from "../../core/turn.ts";
import { createDialogEngine, groundedReplyWriter } from "../../dialogs/index.ts";
import { collectFiles, DEMO_KB_DIR, importDocuments, KnowledgeBase } from "../../knowledge/index.ts";
import { FakeLanguageModel } from "../llm/fake-model.ts";
import { onStore, scriptedRecommender, scriptedUnderstander, tempStore } from "./helpers.ts";

const understander = scriptedUnderstander({
  "what are your opening hours": { intent: "opening_hours" },
  "how long do I have to return something?": { intent: "returns" },
  "你们几点上班": { intent: "opening_hours", locale: "zh" },
});

/** The engine answering from the demo documents (a real knowledge base), with and without the LLM tier. */
describe("answers from the shop's documents", () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  let kb: KnowledgeBase;
  let n = 0;
  const run = async (text: string, deps: Partial<Parameters<typeof createDialogEngine>[0]> = {}): Promise<{ reply: Reply; deltas: string[] }> => {
    const engine = createDialogEngine({ understander, recommender: scriptedRecommender(), ...onStore(db.store), knowledge: kb, ...deps });
    const deltas: string[] = [];
    const reply = await engine.handle({ conversationId: `k-${++n}`, userId: `ku-${n}`, text }, { delta: (d) => deltas.push(d) });
    await engine.flush?.();
    return { reply, deltas };
  };

  beforeAll(async () => {
    db = await tempStore();
    await importDocuments({ store: db.store.knowledge, files: await collectFiles([DEMO_KB_DIR]) });
    kb = new KnowledgeBase({ store: db.store.knowledge });
  }, 60_000);
  afterAll(async () => db?.close());

  it("answers a policy intent with the document's sentences and its sources, streamed once", async () => {
    const { reply, deltas } = await run("what are your opening hours");
    expect(reply.intent).toBe("opening_hours");
    expect(reply.text).toMatch(/24\/7/);
    expect(deltas.join("")).toBe(reply.text);
    expect(reply.sources?.[0]).toMatchObject({ title: expect.stringMatching(/^Opening hours and contact › /) });
  });

  it("finds the passage by the intent's topic when the question's own words name none of it", async () => {
    const { reply } = await run("你们几点上班");
    expect(reply.text).toMatch(/9:00–18:00/);
    expect(reply.sources?.[0]?.title).toMatch(/^营业时间与联系方式/);
  });

  it("with a model: keeps the model's sentences whose figures the cited passage has, and cites only that passage", async () => {
    // The model cites the passage that says "30 days", and invents "2 days", which no passage says.
    const model = new FakeLanguageModel((request) => {
      const blocks = request.system!.split(/\n\n(?=\[\d+\] )/).filter((b) => /^\[\d+\] /.test(b));
      const cited = blocks.findIndex((b) => b.includes("within 30 days")) + 1;
      return [JSON.stringify({ answer: "You have 30 days to send unused items back. Refunds arrive within 2 days.", passages: [cited] })];
    });
    const { reply, deltas } = await run("how long do I have to return something?", { writer: groundedReplyWriter({ model: () => model }) });
    expect(model.requests.length).toBe(1);
    expect(model.requests[0]!.system).toMatch(/\[1\] Returns and refunds › /);
    expect(model.requests[0]!.system).toMatch(/\[\d\] Returns and refunds › Returning an item\nYou can return unused items within 30 days/);
    expect(reply.text).toBe("You have 30 days to send unused items back.");
    expect(deltas.join("")).toBe(reply.text);
    expect(reply.sources?.length).toBe(1);
    expect(reply.sources?.[0]?.title).toBe("Returns and refunds › Returning an item");
  });

  it("says it does not know, and offers a person, when the shop has no documents on it", async () => {
    const empty = await tempStore();
    try {
      const none = new KnowledgeBase({ store: empty.store.knowledge });
      const { reply } = await run("what are your opening hours", { knowledge: none });
      expect(reply.text).toMatch(/couldn't find that/);
      expect(reply.suggestions).toContain("Talk to a human");
      expect(reply.sources).toBeUndefined();
      const without = await run("what are your opening hours", { knowledge: undefined });
      expect(without.reply.text).toMatch(/couldn't find that/);
    } finally {
      await empty.close();
    }
  });
});
