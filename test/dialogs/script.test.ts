import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dialogTest } from "../../bot/dialog-cli.ts";
import { createDialogEngine } from "../../dialogs/index.ts";
import { loadConversationFile } from "../../dialogs/script/load.ts";
import { runConversation, runConversations } from "../../dialogs/script/runner.ts";
import { runCommand } from "../helpers/cli.ts";
import { onStore, PRODUCTS, scriptedRecommender, scriptedUnderstander, tempStore } from "./helpers.ts";

/** The conversation script format and its runner: expectations hold when they should and fail when they should not. */
describe("scripted conversations: format and runner", () => {
  let dir: string;
  let db: Awaited<ReturnType<typeof tempStore>>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-script-"));
    db = await tempStore();
  }, 300_000);
  afterAll(async () => {
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };

  it("reads one conversation, a list, or {conversations} with a shared locale", async () => {
    const one = await write("one.yaml", "name: a\nturns:\n  - user: hi\n");
    const list = await write("list.yaml", "- name: a\n  turns: [{ user: hi }]\n- name: b\n  turns: [{ user: bye }]\n");
    const shared = await write("shared.yaml", "locale: zh\ntags: [x]\nconversations:\n  - name: a\n    turns: [{ user: 你好 }]\n");
    expect(loadConversationFile(one).map((c) => c.name)).toEqual(["a"]);
    expect(loadConversationFile(list).map((c) => c.name)).toEqual(["a", "b"]);
    expect(loadConversationFile(shared)[0]).toMatchObject({ locale: "zh", tags: ["x"] });
  });

  it("refuses a misspelt key, naming the file and the field", async () => {
    const bad = await write("bad.yaml", "name: a\nturns:\n  - user: hi\n    expect: { intnet: greet }\n");
    expect(() => loadConversationFile(bad)).toThrow(/bad\.yaml.*intnet/);
    const later = await write("later.yaml", "name: a\nturns:\n  - user: hi\n    expect: { products: { same_as: { turn: 2, position: 1 } } }\n");
    expect(() => loadConversationFile(later)).toThrow(/not an earlier turn/);
  });

  it("passes what holds and fails what does not, saying why", async () => {
    const understander = scriptedUnderstander({
      "show me everything": { intent: "search_products" },
      "tell me about the second one": { intent: "product_details" },
    });
    const recommender = scriptedRecommender();
    const engine = createDialogEngine({ understander, recommender, ...onStore(db.store) });
    const target = { engine, getProduct: recommender.getProduct };
    const good = await runConversation(target, {
      name: "good",
      turns: [
        { user: "show me everything", expect: { intent: "search_products", products: { count: 3, first: { id: "sku-hat", max_price: 2000 }, price_order: "descending", none_match: { category: "garden" } } } },
        { user: "tell me about the second one", expect: { products: { same_as: { turn: 1, position: 2 } }, reply: { contains: "Blue trail shoe" } } },
      ],
    });
    expect(good.passed).toBe(true);
    expect(good.turns.map((t) => t.checks)).toEqual([7, 2]);
    const bad = await runConversation(target, {
      name: "bad",
      turns: [
        { user: "show me everything", expect: { intent: "recommend", products: { all: { category: "tea" }, price_order: "ascending", none_match: { id: "sku-hat" } }, reply: { not_contains: "match" } } },
        { user: "tell me about the second one", expect: { products: { same_as: { turn: 1, position: 3 } } } },
      ],
    });
    expect(bad.passed).toBe(false);
    expect(bad.turns[0]!.failures.join("\n")).toMatch(/intent: expected recommend, got search_products/);
    expect(bad.turns[0]!.failures.join("\n")).toMatch(/sku-hat .* is not in tea/);
    expect(bad.turns[0]!.failures.join("\n")).toMatch(/price_order: expected prices ascending, got sku-hat .*1234\.56; sku-shoe/);
    expect(bad.turns[0]!.failures.join("\n")).toMatch(/none_match: sku-hat .* matches \{"id":"sku-hat"\}/);
    expect(bad.turns[1]!.failures.join("\n")).toMatch(/same_as: expected sku-tea/);
    const report = await runConversations(target, [{ name: "x", turns: [{ user: "show me everything" }] }]);
    expect(report.summary).toMatchObject({ conversations: 1, conversationsPassed: 1, turns: 1, turnsPassed: 1 });
    expect(PRODUCTS).toHaveLength(3);
  });

  it("`concierge dialog test` reports pass rates, exits 1 on a failure, and --json is machine-readable", async () => {
    const catalog = await write(
      "catalog.jsonl",
      [
        { id: "p1", title: "Trail Running Shoes, Red", category: "shoes", brand: "Fleet", price: 80, currency: "USD", color: "red", stock: 5 },
        { id: "p2", title: "Road Running Shoes, Blue", category: "shoes", brand: "Fleet", price: 60, currency: "USD", color: "blue", stock: 5 },
        { id: "p3", title: "Running Shoes Lite, Black", category: "shoes", brand: "Pace", price: 40, currency: "USD", color: "black", stock: 5 },
        { id: "p4", title: "Wool Hat, Grey", category: "hats", brand: "Acme", price: 20, currency: "USD", color: "grey", stock: 5 },
      ]
        .map((p) => JSON.stringify(p))
        .join("\n"),
    );
    const conversations = await write(
      "run.yaml",
      [
        "- name: passes",
        "  turns:",
        "    - user: running shoes under 100",
        "      expect: { products: { at_least: 2, all: { category: shoes, max_price: 100 } } }",
        "    - user: cheaper ones",
        "      expect: { products: { at_least: 1, cheaper_than_turn: 1 } }",
        "- name: fails",
        "  turns:",
        "    - user: running shoes",
        "      expect: { products: { all: { category: hats } } }",
      ].join("\n"),
    );
    const human = await runCommand(dialogTest, [conversations, "--catalog", catalog]);
    expect(human.code).toBe(1);
    expect(human.out).toMatch(/PASS {2}passes/);
    expect(human.out).toMatch(/FAIL {2}fails/);
    expect(human.out).toMatch(/conversations: 1\/2 passed \(50\.0%\)/);
    const json = await runCommand(dialogTest, [conversations, "--catalog", catalog, "--json", "--only", "passes"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out);
    expect(report.summary).toMatchObject({ conversations: 1, conversationsPassed: 1, turns: 2, turnsPassed: 2 });
    expect(report.conversations[0].turns[1]).toMatchObject({ user: "cheaper ones", intent: "search_products", passed: true });
    await expect(runCommand(dialogTest, [])).rejects.toThrow(/name at least one conversation file/);
  }, 600_000);
});
