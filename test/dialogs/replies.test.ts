import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import { createDialogEngine } from "../../dialogs/index.ts";
import { readRepliesFile, useReplies, validateReplies } from "../../dialogs/replies/index.ts";
import { actionReplies } from "../../dialogs/flows/action-replies.ts";
import { say, suggest } from "../../dialogs/templates.ts";
import { onStore, scriptedRecommender, scriptedUnderstander, tempStore } from "./helpers.ts";

const problemsOf = (input: unknown): string => {
  try {
    validateReplies(input);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected the replies to be refused");
};

afterEach(() => useReplies({}));

describe("the replies validator", () => {
  it("accepts any subset of keys per locale, suggestion sets as lists", () => {
    expect(validateReplies({ en: { greetNew: "Hello!", "suggestions.start": ["Shoes", "Hats"] }, zh: { goodbye: "再见！" } })).toEqual({
      en: { greetNew: "Hello!", "suggestions.start": ["Shoes", "Hats"] },
      zh: { goodbye: "再见！" },
    });
    expect(validateReplies(null)).toEqual({});
  });

  it("names an unknown key with its locale and lists the close keys", () => {
    const message = problemsOf({ en: { handof: "Call us" } });
    expect(message).toContain("en.handof: unknown key");
    expect(message).toMatch(/close keys: .*en\.handoff\b/);
  });

  it("names an unknown locale", () => {
    expect(problemsOf({ fr: { greetNew: "Bonjour" } })).toMatch(/fr: unknown locale \(expected en or zh/);
  });

  it("names the key and placeholder when a text drops one its default uses, or adds one", () => {
    const missing = problemsOf({ en: { priceOf: "{title} is on sale." } });
    expect(missing).toContain("en.priceOf: missing placeholder {price}");
    const added = problemsOf({ zh: { greetBack: "欢迎回来，{name}！" } });
    expect(added).toContain("zh.greetBack: unknown placeholder {name}");
  });

  it("answers any content with overrides or a ValidationError, never another failure", () => {
    const content = fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom("en", "zh", "fr"), fc.dictionary(fc.constantFrom("greetNew", "priceOf", "handof", "suggestions.start"), fc.anything())));
    fc.assert(
      fc.property(content, (input) => {
        try {
          validateReplies(input);
        } catch (err) {
          expect(err).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("refuses empty texts and malformed suggestion sets, naming each key", () => {
    const message = problemsOf({ en: { goodbye: "  ", thanks: 3, "suggestions.start": "Shoes", "suggestions.handoff": ["Talk to a human", ""] } });
    expect(message).toContain("en.goodbye: must not be empty");
    expect(message).toContain("en.thanks: must be a text");
    expect(message).toContain("en.suggestions.start: expected a list");
    expect(message).toContain("en.suggestions.handoff[1]: must not be empty");
  });
});

describe("the shipped wording", () => {
  // Written out by hand from the wording before it became data: the defaults must read the same.
  it("composes the optional pieces as the sentences always did", () => {
    expect(say("en", "searchResults", { count: 1, adj: "cheaper", what: "shoes", filters: "under 100" })).toBe("Here is 1 cheaper match for shoes (under 100).");
    expect(say("en", "searchResults", { count: 3 })).toBe("Here are 3 matches.");
    expect(say("en", "refinedNone", {})).toBe("I couldn't find anything else. These are still the closest matches.");
    expect(say("en", "needResults", { count: 2, what: "hiking" })).toBe("Here are 2 ideas for someone who likes hiking.");
    expect(say("en", "needResults", { count: 2, whom: "my parents", what: "hiking" })).toBe("Here are 2 ideas for my parents who like hiking.");
    expect(say("en", "details", { title: "Hat", brand: "Acme" })).toBe("Hat by Acme.");
    expect(say("zh", "searchResults", { count: 2, what: "跑鞋", filters: "100元以下" })).toBe("为你找到 2 件“跑鞋”相关的商品（100元以下）。");
    expect(say("zh", "budgetInstead", {})).toBe("没有找到商品，这些是预算内的其他商品。");
    expect(actionReplies("en").orderUnavailable()).toContain("so I can't check your order.");
    expect(actionReplies("zh").returnUnavailable("A1")).toContain("没法为订单 A1办理退货");
    expect(suggest("en", "start")).toEqual(["Recommend something for me", "Running shoes under 100", "What can you do?"]);
  });
});

describe("a shop's replies in a real engine", () => {
  let db: Awaited<ReturnType<typeof tempStore>>;
  let dir: string;
  beforeAll(async () => {
    db = await tempStore();
    dir = await mkdtemp(path.join(tmpdir(), "concierge-replies-"));
  });
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("greets and hands off in the file's words, per locale, keeping the rest", async () => {
    const file = path.join(dir, "replies.yaml");
    await writeFile(
      file,
      'en:\n  greetNew: "Hello from Northwind! What are you after?"\n  handoff: "Our team answers on 0123 456 789."\n  "suggestions.start": ["New arrivals"]\nzh:\n  handoff: "请拨打 0123 456 789 联系我们。"\n',
    );
    useReplies(await readRepliesFile(file, { mustExist: true }));
    const understander = scriptedUnderstander({ hi: { intent: "greet" }, "a human please": { intent: "human_handoff" }, 转人工: { intent: "human_handoff" }, bye: { intent: "goodbye" } });
    const engine = createDialogEngine({ understander, recommender: scriptedRecommender(), ...onStore(db.store) });
    const sink = { delta() {} };
    const turn = (text: string) => engine.handle({ conversationId: "c-replies", userId: "anon:replies-1", text }, sink);

    const hello = await turn("hi");
    expect(hello.text).toBe("Hello from Northwind! What are you after?");
    expect(hello.suggestions).toEqual(["New arrivals"]);
    expect((await turn("a human please")).text).toBe("Our team answers on 0123 456 789.");
    expect((await turn("转人工")).text).toBe("请拨打 0123 456 789 联系我们。");
    expect((await turn("bye")).text).toBe("Goodbye, and thanks for stopping by!");
  });

  it("reads JSON too, and names the file and key when it is wrong", async () => {
    const file = path.join(dir, "replies.json");
    await writeFile(file, JSON.stringify({ en: { greetBack: "Welcome back, {name}!" } }));
    await expect(readRepliesFile(file, { mustExist: true })).rejects.toThrow(/replies\.json: .*en\.greetBack: unknown placeholder \{name\}/);
    await writeFile(file, "{ not json");
    await expect(readRepliesFile(file, { mustExist: true })).rejects.toThrow(/is not valid JSON/);
    await expect(readRepliesFile(path.join(dir, "absent.yaml"), { mustExist: true })).rejects.toThrow(/CONCIERGE_REPLIES_FILE: .*absent\.yaml does not exist/);
    await expect(readRepliesFile(path.join(dir, "absent.yaml"), { mustExist: false })).resolves.toEqual({});
  });
});
