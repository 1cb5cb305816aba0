import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DialogHarness, openDialogHarness } from "../../bot/dialog-harness.ts";
import { conversationFiles, loadConversationFile } from "../../dialogs/script/load.ts";
import { runConversation } from "../../dialogs/script/runner.ts";

/**
 * The shipped scripted conversations (test/dialogs/conversations/{en,zh}/*.yaml), run as
 * `concierge dialog test` runs them: one real engine — the shipped intent classifier, the demo
 * catalogue, an embedded store — shared by every conversation, each a new shopper.
 */
const folder = path.join(import.meta.dirname, "conversations");
const files = conversationFiles(folder);

describe("scripted conversations", () => {
  let harness: DialogHarness;
  beforeAll(async () => {
    harness = await openDialogHarness();
  }, 600_000);
  afterAll(async () => harness?.close());

  it("ships at least 100 English and 50 Chinese conversations", () => {
    const count = (lang: string) => files.filter((f) => f.includes(`${path.sep}${lang}${path.sep}`)).flatMap(loadConversationFile).length;
    expect(count("en")).toBeGreaterThanOrEqual(100);
    expect(count("zh")).toBeGreaterThanOrEqual(50);
  });

  for (const file of files) {
    describe(path.relative(folder, file), () => {
      for (const conversation of loadConversationFile(file)) {
        it(conversation.name, async () => {
          const result = await runConversation(harness, conversation);
          const failures = result.turns.flatMap((t, i) => t.failures.map((f) => `turn ${i + 1} "${t.user}" → ${t.intent}: ${f}`));
          expect(failures).toEqual([]);
        });
      }
    });
  }
});
