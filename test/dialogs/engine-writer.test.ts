import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reply } from "../../core/turn.ts";
import { createDialogEngine, type DialogDeps, groundedReplyWriter, type ReplyDraft, type ReplyWriter, type WriteOptions, type WrittenReply } from "../../dialogs/index.ts";
import type { Store } from "../../store/types.ts";
import { FakeLanguageModel, replyJson } from "../llm/fake-model.ts";
import { checkReply, renderedFor } from "../llm/figure-checker.ts";
import { onStore, PRODUCTS, scriptedRecommender, scriptedUnderstander, tempStore } from "./helpers.ts";

const understander = scriptedUnderstander({
  "show me what you have": { intent: "search_products" },
  "recommend something": { intent: "recommend" },
  "how much is the red wool hat": { intent: "price" },
  "compare the wool hat and the green tea": { intent: "compare" },
  "do you have nothing like surfboards": { intent: "product_details", entities: { categories: ["surfboards"], brands: [], colors: [], sizes: [] } },
  "what are your opening hours": { intent: "opening_hours" },
  "有帽子吗": { intent: "search_products", locale: "zh" },
});

/** A writer that writes three pieces and names the retrieved products last-first. */
function scriptedWriter(behaviour: "write" | "throwFirst" | "throwMidway" | "hang" = "write") {
  const drafts: ReplyDraft[] = [];
  const options: WriteOptions[] = [];
  const writer: ReplyWriter & { drafts: ReplyDraft[]; options: WriteOptions[] } = {
    drafts,
    options,
    async write(draft, io): Promise<WrittenReply> {
      drafts.push(draft);
      options.push(io);
      if (behaviour === "throwFirst") throw new Error("writer exploded (scripted)");
      const pieces = ["Written ", "by the ", "writer."];
      if (behaviour === "hang") {
        io.onDelta(pieces[0]!);
        await new Promise((_, reject) => io.signal?.addEventListener("abort", () => reject(io.signal?.reason), { once: true }));
      }
      for (const [i, p] of pieces.entries()) {
        io.onDelta(p);
        if (behaviour === "throwMidway" && i === 1) throw new Error("writer exploded midway (scripted)");
      }
      return { text: pieces.join(""), productIds: draft.products.map((p) => p.id).reverse(), usedModel: true };
    },
  };
  return writer;
}

describe("the dialog engine with a reply writer", () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  let store: Store;
  let n = 0;
  const engineWith = (writer?: DialogDeps["writer"]) => createDialogEngine({ understander, recommender: scriptedRecommender(), ...onStore(store), writer });
  const turn = (text: string, conversationId = `c-${++n}`, userId = `u-${n}`) => ({ conversationId, userId, text });
  async function run(engine: ReturnType<typeof engineWith>, t: ReturnType<typeof turn>, signal?: AbortSignal): Promise<{ reply: Reply; deltas: string[] }> {
    const deltas: string[] = [];
    const reply = await engine.handle(t, { delta: (d) => deltas.push(d) }, signal);
    return { reply, deltas };
  }

  beforeAll(async () => {
    db = await tempStore();
    store = db.store;
  }, 60_000);
  afterAll(async () => db?.close());

  it("streams the writer's text once, exactly, and keeps the retrieved cards (named first)", async () => {
    const writer = scriptedWriter();
    const { reply, deltas } = await run(engineWith(writer), turn("show me what you have"));
    expect(deltas).toEqual(["Written ", "by the ", "writer."]);
    expect(reply.text).toBe(deltas.join(""));
    expect(reply.products.map((p) => p.id)).toEqual(PRODUCTS.map((p) => p.id).reverse());
    const draft = writer.drafts[0]!;
    expect(draft.task).toBe("search");
    expect(draft.products.map((p) => p.id)).toEqual(PRODUCTS.map((p) => p.id));
    expect(draft.products[0]!.reason).toBe("matches what you asked");
    expect(draft.fallbackText).toMatch(/3 matches/);
    expect(draft.locale).toBe("en");
  });

  it("gives the writer each flow's task, template and products; price and compare state catalogue facts", async () => {
    const writer = scriptedWriter();
    const engine = engineWith(writer);
    await run(engine, turn("recommend something"));
    await run(engine, turn("how much is the red wool hat"));
    await run(engine, turn("compare the wool hat and the green tea"));
    const [recommend, price, compare] = writer.drafts;
    expect(recommend).toMatchObject({ task: "recommend", appendFacts: undefined });
    expect(price).toMatchObject({ task: "details", appendFacts: true });
    expect(price!.products.map((p) => p.id)).toEqual(["sku-hat"]);
    expect(price!.fallbackText).toMatch(/1,234\.56/);
    expect(compare).toMatchObject({ task: "compare", appendFacts: true });
    expect(compare!.products.map((p) => p.id).sort()).toEqual(["sku-hat", "sku-tea"]);
  });

  it("passes this conversation's last turns, the shopper's likes and the conversation key; not other conversations", async () => {
    const writer = scriptedWriter();
    const engine = engineWith(writer);
    const now = Date.now();
    await store.shoppers.upsertShopper({ userId: "u-memory", preferences: ["wool", "trail running"], personalise: true, createdAt: now, updatedAt: now });
    await run(engine, turn("what are your opening hours", "conv-a", "u-memory"));
    await run(engine, turn("recommend something", "conv-b", "u-memory"));
    await run(engine, turn("show me what you have", "conv-a", "u-memory"));
    const draft = writer.drafts.at(-1)!;
    expect(draft.conversationId).toBe("conv-a");
    expect(draft.history.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(draft.history[0]!.text).toBe("what are your opening hours");
    expect(draft.preferences).toEqual(["wool", "trail running"]);

    // A shopper who stopped personalising has their likes left out.
    await store.shoppers.upsertShopper({ userId: "u-memory", preferences: ["wool"], personalise: false, createdAt: now, updatedAt: now + 1 });
    await run(engine, turn("show me what you have", "conv-a", "u-memory"));
    expect(writer.drafts.at(-1)!.preferences).toEqual([]);
    expect(writer.drafts.at(-1)!.history.length).toBe(4);
  });

  it("answers in the shopper's language", async () => {
    const writer = scriptedWriter();
    await run(engineWith(writer), turn("有帽子吗"));
    expect(writer.drafts[0]!.locale).toBe("zh");
    expect(writer.drafts[0]!.fallbackText).toMatch(/为你找到/);
  });

  it("answers with the template, streamed once, without a writer, with a getter that has none yet, or when it fails before writing", async () => {
    for (const writer of [undefined, () => undefined, scriptedWriter("throwFirst")]) {
      const { reply, deltas } = await run(engineWith(writer), turn("show me what you have"));
      expect(reply.text).toMatch(/3 matches/);
      expect(deltas.join("")).toBe(reply.text);
      expect(reply.products.map((p) => p.id)).toEqual(PRODUCTS.map((p) => p.id));
    }
  });

  it("gives the writer the catalogue's mention finder, so it can keep its text to the reply's cards", async () => {
    const writer = scriptedWriter();
    await run(engineWith(writer), turn("how much is the red wool hat"));
    const named = writer.options[0]!.namedProducts!;
    expect(await named("is the green tea any good")).toEqual(["sku-tea"]);
    expect(await named("nothing in particular")).toEqual([]);
  });

  it("drops what the model wrote about a product that is not among the cards (grounded writer, FakeLanguageModel)", async () => {
    const model = new FakeLanguageModel(() => [replyJson("The {name:sku-hat} is warm. The Green tea tin is nicer. It costs ninety-nine.", ["sku-hat"])]);
    const { reply, deltas } = await run(engineWith(groundedReplyWriter({ model: () => model })), turn("how much is the red wool hat"));
    expect(reply.products.map((p) => p.id)).toEqual(["sku-hat"]);
    expect(reply.text).toBe("The Red wool hat is warm. Red wool hat: €1,234.56, 7 in stock.");
    expect(deltas.join("")).toBe(reply.text);
    expect(checkReply(reply.text, renderedFor([PRODUCTS[0]!], "en", PRODUCTS.map((p) => p.title)))).toEqual([]);
  });

  it("fails the turn when the writer fails after the shopper saw part of its reply (never a second answer)", async () => {
    const deltas: string[] = [];
    await expect(engineWith(scriptedWriter("throwMidway")).handle(turn("show me what you have"), { delta: (d) => deltas.push(d) })).rejects.toThrow(/midway/);
    expect(deltas).toEqual(["Written ", "by the "]);
  });

  it("does not call the writer for a product the shop does not have, nor for service answers", async () => {
    const writer = scriptedWriter();
    const missing = await run(engineWith(writer), turn("do you have nothing like surfboards"));
    expect(missing.reply.text).toMatch(/don't carry/);
    expect(missing.reply.products).toEqual([]);
    const hours = await run(engineWith(writer), turn("what are your opening hours"));
    expect(hours.deltas.join("")).toBe(hours.reply.text);
    expect(writer.drafts).toEqual([]);
  });

  it("stops when the turn is aborted while the writer writes, and stores nothing of it", async () => {
    const controller = new AbortController();
    const t = turn("show me what you have");
    const deltas: string[] = [];
    const handled = engineWith(scriptedWriter("hang")).handle(t, { delta: (d) => deltas.push(d) }, controller.signal);
    await new Promise((r) => setTimeout(r, 20));
    controller.abort(new Error("shopper left"));
    await expect(handled).rejects.toThrow(/shopper left/);
    expect(deltas).toEqual(["Written "]);
    expect(await store.conversations.messagesForUser(t.userId)).toEqual([]);
  });
});
