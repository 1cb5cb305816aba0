import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDialogEngine } from "../../dialogs/index.ts";
import { asksForSimilar, asksWhatGoesWith, asksWhatsNew, kindOf, kindsOf } from "../../dialogs/flows/related.ts";
import { runConversation } from "../../dialogs/script/runner.ts";
import type { Ranked } from "../../recommend/types.ts";
import { onStore, PRODUCTS, scriptedRecommender, scriptedUnderstander, tempStore } from "./helpers.ts";

describe("products related to one shown", () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    db = await tempStore();
  });
  afterAll(async () => {
    await db?.close();
  });

  const understander = scriptedUnderstander({
    "show me everything": { intent: "search_products" },
    "what do people buy with the first one?": { intent: "product_details" },
  });

  it("says what shoppers chose beside the product pointed at, from the recommender's evidence", async () => {
    const recommender = scriptedRecommender();
    const asked: string[] = [];
    const withEvidence = Object.assign(recommender, {
      async alsoChosen(id: string): Promise<Ranked[]> {
        asked.push(id);
        return [{ product: PRODUCTS[2]!, score: 0.5, reason: "shoppers who looked at it also looked at this", signal: "collaborative" as const }];
      },
    });
    const engine = createDialogEngine({ understander, recommender: withEvidence, ...onStore(db.store) });
    const result = await runConversation({ engine, getProduct: recommender.getProduct }, {
      name: "goes with",
      turns: [
        { user: "show me everything" },
        { user: "what do people buy with the first one?", expect: { products: { count: 1, first: { id: "sku-tea" } }, reply: { contains: "Shoppers who were interested in Red wool hat" } } },
      ],
    });
    expect(result.turns.flatMap((t) => t.failures)).toEqual([]);
    expect(asked).toEqual(["sku-hat"]);
  });

  it("says it cannot tell when there is no such evidence, offering nothing made up", async () => {
    const recommender = scriptedRecommender();
    const engine = createDialogEngine({ understander, recommender, ...onStore(db.store) });
    const result = await runConversation({ engine, getProduct: recommender.getProduct }, {
      name: "no evidence",
      turns: [{ user: "show me everything" }, { user: "what do people buy with the first one?", expect: { products: { none: true }, reply: { contains: "enough shopping history" } } }],
    });
    expect(result.turns.flatMap((t) => t.failures)).toEqual([]);
  });
});

describe("what's new", () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    db = await tempStore();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("lists the newest products when there are some, and says so when there are none", async () => {
    const understander = scriptedUnderstander({ "what's new?": { intent: "search_products" } });
    const plain = scriptedRecommender();
    const withNew = Object.assign(scriptedRecommender(), {
      async newArrivals(): Promise<Ranked[]> {
        return [{ product: PRODUCTS[1]!, score: 1, reason: "new in the shop", signal: "recency" as const }];
      },
    });
    for (const [recommender, expected] of [
      [withNew, { products: { count: 1, first: { id: "sku-shoe" } }, reply: { contains: "what's new" } }],
      [plain, { products: { at_least: 1 }, reply: { contains: "Nothing new" } }],
    ] as const) {
      const engine = createDialogEngine({ understander, recommender, ...onStore(db.store) });
      const result = await runConversation({ engine, getProduct: recommender.getProduct }, { name: "new", turns: [{ user: "what's new?", expect: expected }] });
      expect(result.turns.flatMap((t) => t.failures)).toEqual([]);
    }
  });

  it.each(["what's new?", "what's new this week?", "any new arrivals?", "show me your new arrivals", "有什么新品吗", "最近上新了吗"])("reads %s", (text) => {
    expect(asksWhatsNew(text)).toBe(true);
  });
  it.each(["new running shoes", "is it new?", "新款跑鞋", "what's new with my order?"])("not %s", (text) => {
    expect(asksWhatsNew(text)).toBe(false);
  });
});

describe("reading a question about related products", () => {
  it.each(["do you have anything similar to the second one?", "show me more like this", "any alternatives?", "others like the first one", "第二个有类似的吗", "有没有差不多的"])("similar: %s", (text) => {
    expect(asksForSimilar(text)).toBe(true);
  });
  it.each(["I like this one", "something like a hoodie", "show me hoodies", "我喜欢这个"])("not similar: %s", (text) => {
    expect(asksForSimilar(text)).toBe(false);
  });
  it.each(["what do people usually buy with the first one?", "what goes well with it?", "frequently bought together?", "这个一般搭配什么", "买这个的人还买了什么"])("goes with: %s", (text) => {
    expect(asksWhatGoesWith(text)).toBe(true);
  });
  it.each(["can I pay with paypal?", "does it come with a case?", "I'm happy with it"])("not goes with: %s", (text) => {
    expect(asksWhatGoesWith(text)).toBe(false);
  });
  it("reads the kind of a product from the tag its title says, else its title without brand and model", () => {
    expect(kindOf({ id: "a", title: "Yunling Trailhead 7 UL Hiking Backpack 65 L, Black", brand: "Yunling", tags: ["backpack", "hiking backpack", "bag"] })).toBe("hiking backpack");
    expect(kindOf({ id: "b", title: "Acme Pro 9 Trail Shoe, Red", brand: "Acme" })).toBe("Pro Trail Shoe");
    // A Chinese title's tag, found in it as written (not the whole title: "露摩 Pulse Lite …" matched watches and power banks).
    expect(kindOf({ id: "c", title: "露摩 Pulse Lite 佩戴舒适无线头戴式耳机 银色", brand: "Lumora", tags: ["头戴式耳机", "耳机", "蓝牙", "佩戴舒适", "无线"] })).toBe("头戴式耳机");
    expect(kindOf({ id: "d", title: "Acme Trail Runner, Red", brand: "Acme", tags: ["trail running shoes", "running"] })).toBe("Trail Runner");
    expect(kindsOf({ id: "c", title: "露摩 Pulse Lite 佩戴舒适无线头戴式耳机 银色", tags: ["头戴式耳机", "耳机", "蓝牙"] })).toEqual(["头戴式耳机", "耳机"]);
    expect(kindsOf({ id: "a", title: "Yunling Trailhead 7 UL Hiking Backpack 65 L, Black", tags: ["backpack", "hiking backpack", "bag"] })).toEqual(["hiking backpack", "backpack"]);
  });
});
