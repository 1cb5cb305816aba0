import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDialogEngine } from "../../dialogs/index.ts";
import type { StoredMessage, Store } from "../../store/types.ts";
import { scriptedRecommender, scriptedUnderstander, tempStore, onStore } from "./helpers.ts";
import { Shoppers } from "../../shoppers/index.ts";

const understander = scriptedUnderstander({
  "show me hats": { intent: "search_products" },
  "export my data": { intent: "export_data" },
  "delete my data": { intent: "delete_data" },
});

/** The real store, except that transcript writes wait until the test lets them through. */
function withHeldWrites(store: Store) {
  const held: (() => void)[] = [];
  const writes: StoredMessage[][] = [];
  const conversations = Object.create(store.conversations) as Store["conversations"];
  const wrapped = { ...store, conversations } as Store;
  conversations.appendMessages = async (messages) => {
    await new Promise<void>((release) => held.push(release));
    writes.push(messages);
    await store.conversations.appendMessages(messages);
  };
  const release = () => {
    for (const r of held.splice(0)) r();
  };
  /** Resolves once `n` writes are waiting (the engine reads the shopper before it writes). */
  const waiting = async (n: number) => {
    for (let i = 0; i < 500 && held.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    return held.length;
  };
  return { store: wrapped, writes, held, release, waiting };
}

describe("the transcript is written behind the reply", () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    db = await tempStore();
  }, 60_000);
  afterAll(async () => db?.close());

  it("answers before the transcript lands, writes the turn's two lines in one write, and flush() waits for it", async () => {
    const h = withHeldWrites(db.store);
    const engine = createDialogEngine({ understander, recommender: scriptedRecommender(), ...onStore(h.store) });
    const reply = await engine.handle({ conversationId: "c1", userId: "u1", text: "show me hats" }, { delta() {} });
    expect(reply.products.length).toBeGreaterThan(0);
    expect(await h.waiting(1)).toBe(1);
    expect(await db.store.conversations.messagesForUser("u1")).toEqual([]);

    const flushed = engine.flush!();
    h.release();
    await flushed;
    expect(h.writes).toHaveLength(1);
    expect((await db.store.conversations.messagesForUser("u1")).map((m) => m.role)).toEqual(["user", "assistant"]);
  });

  it("an export waits for the shopper's previous turn to be written, so it is in the export", async () => {
    const h = withHeldWrites(db.store);
    const engine = createDialogEngine({ understander, recommender: scriptedRecommender(), ...onStore(h.store) });
    await engine.handle({ conversationId: "c2", userId: "u2", text: "show me hats" }, { delta() {} });
    await h.waiting(1);
    const exporting = engine.handle({ conversationId: "c2", userId: "u2", text: "export my data" }, { delta() {} });
    await new Promise((r) => setTimeout(r, 20));
    h.release();
    const exported = await exporting;
    // The export is a one-time link; what it gives holds the turn written before it.
    const token = /\/api\/me\/export\/([A-Za-z0-9_-]+)/.exec(exported.text)?.[1];
    expect(token).toBeDefined();
    const data = await new Shoppers({ store: db.store.shoppers }).redeemExport(token!);
    expect(data.messages.map((m) => m.text)).toContain("show me hats");
    await h.waiting(1);
    h.release(); // the export turn's own lines
    await engine.flush!();
  });

  it("a deletion cannot be overtaken by the previous turn's write", async () => {
    const h = withHeldWrites(db.store);
    const engine = createDialogEngine({ understander, recommender: scriptedRecommender(), ...onStore(h.store) });
    await engine.handle({ conversationId: "c3", userId: "u3", text: "show me hats" }, { delta() {} });
    await h.waiting(1);
    const asking = engine.handle({ conversationId: "c3", userId: "u3", text: "delete my data" }, { delta() {} });
    await new Promise((r) => setTimeout(r, 20));
    h.release();
    expect((await asking).text).toMatch(/Say "yes" to delete it/);
    // The confirmation waits for the question's own line, then nothing written before it survives.
    await h.waiting(1);
    const deleting = engine.handle({ conversationId: "c3", userId: "u3", text: "yes" }, { delta() {} });
    await new Promise((r) => setTimeout(r, 20));
    h.release();
    expect((await deleting).text).toMatch(/deleted/);
    await engine.flush!();
    expect(await db.store.conversations.messagesForUser("u3")).toEqual([]);
    expect(h.held).toHaveLength(0);
  });

  it("other shoppers do not wait for someone else's write", async () => {
    const h = withHeldWrites(db.store);
    const engine = createDialogEngine({ understander, recommender: scriptedRecommender(), ...onStore(h.store) });
    await engine.handle({ conversationId: "c4", userId: "u4", text: "show me hats" }, { delta() {} });
    const other = await engine.handle({ conversationId: "c5", userId: "u5", text: "show me hats" }, { delta() {} });
    expect(other.products.length).toBeGreaterThan(0);
    expect(await h.waiting(2)).toBe(2);
    h.release();
    await engine.flush!();
  });
});
