import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfirmation } from "../../dialogs/confirm.ts";
import { createDialogEngine } from "../../dialogs/index.ts";
import type { Turn } from "../../core/turn.ts";
import { onStore, scriptedRecommender, scriptedUnderstander, tempStore } from "./helpers.ts";

const understander = scriptedUnderstander({
  "export my data": { intent: "export_data" },
  "导出我的数据": { intent: "export_data", locale: "zh" },
  "delete my data": { intent: "delete_data" },
  "删除我的数据": { intent: "delete_data", locale: "zh" },
  "show me hats": { intent: "search_products" },
});

describe("privacy in the conversation", () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    db = await tempStore();
  });
  afterAll(async () => db?.close());
  const engine = () => createDialogEngine({ understander, recommender: scriptedRecommender(), ...onStore(db.store) });
  const turn = (text: string, extra: Partial<Turn> = {}): Turn => ({ conversationId: "c-privacy", userId: "anon:privacy", text, ...extra });

  it("gives a one-time link at the address the shopper reached, and keeps no link in the transcript", async () => {
    const e = engine();
    const reply = await e.handle(turn("export my data", { medium: "text", baseUrl: "https://shop.example" }), { delta() {} });
    expect(reply.text).toMatch(/https:\/\/shop\.example\/api\/me\/export\/[A-Za-z0-9_-]{43}\n/);
    expect(reply.text).toMatch(/works once, for the next 15 minutes/);
    await e.flush!();
    const stored = await db.store.conversations.messagesForUser("anon:privacy");
    expect(stored.at(-1)!.text).toContain("[export link]");
    expect(stored.at(-1)!.text).not.toContain("/api/me/export/");
  });

  it("refuses to hand data over where others hear the reply (a kiosk, a phone call), in the shopper's language", async () => {
    const e = engine();
    const spoken = await e.handle(turn("export my data", { medium: "speech" }), { delta() {} });
    expect(spoken.text).toMatch(/can't hand over your data here/);
    expect(spoken.text).not.toMatch(/\/api\/me\/export\//);
    const zh = await e.handle(turn("导出我的数据", { medium: "speech" }), { delta() {} });
    expect(zh.text).toMatch(/网站的聊天窗口/);
    expect((await db.store.shoppers.exportUser("anon:privacy")).exportLinks).toHaveLength(1);
  });

  it("deletes only after a plain yes to its question, in either language", async () => {
    const e = engine();
    await e.handle(turn("show me hats", { userId: "anon:del", conversationId: "c-del" }), { delta() {} });
    await e.flush!();
    expect((await e.handle(turn("删除我的数据", { userId: "anon:del", conversationId: "c-del" }), { delta() {} })).suggestions).toEqual(["是，删除我的数据", "不，保留"]);
    const done = await e.handle(turn("是的", { userId: "anon:del", conversationId: "c-del" }), { delta() {} });
    expect(done.intent).toBe("confirm_delete");
    expect(done.text).toMatch(/删除了/);
    expect(await db.store.conversations.messagesForUser("anon:del")).toEqual([]);
    // A yes with no question pending deletes nothing.
    await e.handle(turn("show me hats", { userId: "anon:keep", conversationId: "c-keep" }), { delta() {} });
    await e.handle(turn("yes", { userId: "anon:keep", conversationId: "c-keep" }), { delta() {} });
    await e.flush!();
    expect((await db.store.conversations.messagesForUser("anon:keep")).length).toBe(4);
  });
});

describe("reading a yes or a no", () => {
  it.each([
    ["yes", "yes"],
    ["Yes, delete my data", "yes"],
    ["yes please", "yes"],
    ["OK!", "yes"],
    ["是，删除我的数据", "yes"],
    ["确认", "yes"],
    ["no", "no"],
    ["No, keep it", "no"],
    ["不，保留", "no"],
    ["取消", "no"],
    ["yes please delete my data", "yes"],
    ["I confirm", "yes"],
    ["yes, delete everything", "yes"],
    ["ok go ahead", "yes"],
    ["delete it", "yes"],
    ["no wait", "no"],
    ["don't delete it", "no"],
    ["no thanks", "no"],
    ["好的", "yes"],
    ["不要删除", "no"],
    ["yes but first show me hats", undefined],
    ["thanks", undefined],
    ["确认一下我的订单状态怎么样了谢谢你", undefined],
    ["show me hats", undefined],
    ["delete everything about my neighbour", undefined],
  ])("%s → %s", (text, expected) => {
    expect(readConfirmation(text, /[\u4e00-\u9fff]/.test(text) ? "zh" : "en")).toBe(expected);
  });
});
