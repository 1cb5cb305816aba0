import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDialogEngine } from "../../dialogs/index.ts";
import { mendedChinese } from "../../dialogs/flows/matching.ts";
import type { Ranked } from "../../recommend/types.ts";
import { onStore, scriptedRecommender, scriptedUnderstander, tempStore } from "./helpers.ts";

const titles = ["芯联 Echo 5 防水主动降噪真无线蓝牙耳机 黑色", "盐泽 Nordic 保温小巧美式滴滤咖啡机 黑色", "云岭 Ranger Pro 防泼水透气背负登山背包 45升", "轻步 Rover 防护透气男款越野跑鞋 橙色", "睿思 Lite 长续航笔记本电脑 银色", "风行 Trek 速干防滑徒步鞋"];
// Every product is found for any words: what is mended must come from the rules, not from a narrow search.
const recommender = {
  search: async (): Promise<Ranked[]> => titles.map((title, i) => ({ product: { id: `p${i}`, title }, score: 1, reason: "" })),
};

describe("Chinese input-method slips", () => {
  it.each([
    ["无线耳几", "无线耳机"],
    ["我想买咖啡鸡", "我想买咖啡机"],
    ["看看登山被包", "看看登山背包"],
    ["有没有泡鞋", "有没有跑鞋"],
    ["蓝压耳机", "蓝牙耳机"],
  ])("mends a homophone into the catalogue's word: %s", async (text, mended) => {
    expect(await mendedChinese(recommender, text)).toBe(mended);
  });

  it.each(["购物车里有几件", "第二双是不是防水的", "别的地方更便宜吗", "两个的续航比一下", "耳机什么时候能收到", "鞋底防滑吗", "running shoes"])("leaves what is asked, or already right, alone: %s", async (text) => {
    expect(await mendedChinese(recommender, text)).toBe(text);
  });
});

describe("a mended message in a conversation", () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    db = await tempStore();
  }, 60_000);
  afterAll(async () => db?.close());

  it("is understood as mended, and kept in the transcript as typed", async () => {
    const understood: string[] = [];
    const scripted = scriptedUnderstander({ 无线耳机: { intent: "search_products" } });
    const understander = {
      understand(text: string, locale?: string) {
        understood.push(text);
        return scripted.understand(text, locale);
      },
    };
    const products = titles.map((title, i) => ({ id: `p${i}`, title, locale: "zh" }));
    const engine = createDialogEngine({ understander, recommender: scriptedRecommender(products), ...onStore(db.store) });
    await engine.handle({ conversationId: "c-slip", userId: "u-slip", text: "无线耳几" }, { delta() {} });
    await engine.flush!();
    expect(understood).toEqual(["无线耳机"]);
    const stored = await db.store.conversations.messagesForUser("u-slip");
    expect(stored.find((m) => m.role === "user")?.text).toBe("无线耳几");
  });
});
