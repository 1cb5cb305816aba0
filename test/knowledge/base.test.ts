import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFiles, DEMO_KB_DIR, evaluateKnowledge, importDocuments, KnowledgeBase } from "../../knowledge/index.ts";
import { createStore, type Store } from "../../store/index.ts";

/** The real knowledge base over the demo documents, on an embedded store of its own. */
describe("knowledge base", () => {
  let dir: string;
  let docs: string;
  let store: Store;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-kb-test-"));
    docs = path.join(dir, "docs");
    await cp(DEMO_KB_DIR, docs, { recursive: true, filter: (src) => !src.endsWith(".ts") });
    store = createStore({ dataDir: dir });
    await store.init();
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("imports every document under a folder, and a second import of the same files changes nothing", async () => {
    const files = await collectFiles([docs]);
    expect(files.length).toBe(16);
    expect(files.map((f) => f.path)).toContain(`${docs.split(path.sep).join("/")}/en/returns.md`);
    const first = await importDocuments({ store: store.knowledge, files });
    expect({ added: first.added, failed: first.failed }).toEqual({ added: 16, failed: 0 });
    const listed = await store.knowledge.documents();
    expect(listed.find((d) => d.path.endsWith("zh/returns.md"))).toMatchObject({ title: "退货与退款", locale: "zh", format: "markdown" });
    expect(listed.find((d) => d.path.endsWith("en/returns.md"))).toMatchObject({ title: "Returns and refunds", locale: "en", passages: 4 });
    const again = await importDocuments({ store: store.knowledge, files });
    expect({ added: again.added, updated: again.updated, unchanged: again.unchanged }).toEqual({ added: 0, updated: 0, unchanged: 16 });
  });

  it("answers a policy question with the passage's own sentences and its source", async () => {
    const kb = new KnowledgeBase({ store: store.knowledge });
    const lookup = await kb.ask("how long do I have to return an item?", "en");
    expect(lookup.answerable).toBe(true);
    expect(lookup.text).toContain("30 days");
    const source = await readFile(path.join(docs, "en/returns.md"), "utf8");
    // Templated answers are the document's sentences, verbatim.
    for (const sentence of lookup.text!.split(/(?<=\.)\s+/)) expect(source.replace(/\s+/g, " ")).toContain(sentence);
    expect(lookup.sources?.[0]).toMatchObject({ title: expect.stringMatching(/^Returns and refunds › /), snippet: expect.any(String) });
  });

  it("answers in Chinese from the Chinese documents, and across languages when only the other has it", async () => {
    const kb = new KnowledgeBase({ store: store.knowledge });
    const zh = await kb.ask("有礼品包装吗？", "zh");
    expect(zh.answerable).toBe(true);
    expect(zh.text).toContain("3.50");
    expect(zh.sources?.[0]?.title).toMatch(/^礼品包装与礼品卡/);
  });

  it("declines what the documents do not say rather than guess", async () => {
    const kb = new KnowledgeBase({ store: store.knowledge });
    for (const [q, locale] of [
      ["do you sell spaceships?", "en"],
      ["what is the capital of France?", "en"],
      ["do you have a loyalty programme?", "en"],
      ["明天天气怎么样？", "zh"],
    ] as const) {
      const lookup = await kb.ask(q, locale);
      expect(lookup.answerable, q).toBe(false);
      expect(lookup.text, q).toBeUndefined();
      expect(lookup.confidence, q).toBeLessThan(kb.minConfidence);
    }
  });

  it("replaces a changed document's passages on re-import, and forgets a removed one", async () => {
    const file = path.join(docs, "en/warranty.md");
    await writeFile(file, (await readFile(file, "utf8")).replace("2-year warranty", "3-year warranty"));
    const files = await collectFiles([docs]);
    const result = await importDocuments({ store: store.knowledge, files });
    expect(result.items.filter((i) => i.status === "updated").map((i) => path.basename(i.path))).toEqual(["warranty.md"]);
    const kb = new KnowledgeBase({ store: store.knowledge });
    const lookup = await kb.ask("how long is the warranty?", "en");
    expect(lookup.text).toContain("3-year warranty");
    expect((await store.knowledge.passages()).some((p) => p.text.includes("2-year warranty") && p.documentId === result.items.find((i) => i.path.endsWith("en/warranty.md"))!.id)).toBe(false);

    const gift = files.find((f) => f.path.endsWith("en/gift-wrapping.md"))!;
    const zhGift = files.find((f) => f.path.endsWith("zh/gift-wrapping.md"))!;
    expect(await store.knowledge.removeDocument(gift.path)).not.toBeNull();
    expect(await store.knowledge.removeDocument(zhGift.path)).not.toBeNull();
    await kb.refresh();
    const after = await kb.ask("do you offer gift wrapping?", "en");
    expect(after.hits.length).toBeGreaterThan(0);
    expect(after.hits.some((h) => h.document.path.endsWith("gift-wrapping.md"))).toBe(false);
  });

  it("reports a file it cannot read and imports the rest", async () => {
    const bad = path.join(dir, "broken.pdf");
    await writeFile(bad, "this is not a pdf");
    const good = path.join(dir, "faq.txt");
    await writeFile(good, "Parking\n\nCustomers park free for two hours in the car park behind the shop.\n");
    const result = await importDocuments({ store: store.knowledge, files: await collectFiles([bad, good]) });
    expect(result.items.map((i) => [path.basename(i.path), i.status])).toEqual([
      ["broken.pdf", "failed"],
      ["faq.txt", "added"],
    ]);
    expect(result.items[0]!.error).toMatch(/not a PDF/);
    const kb = new KnowledgeBase({ store: store.knowledge });
    expect((await kb.ask("where can I park?", "en")).text).toContain("car park");
  });

  it("scores recall@k, MRR, answer containment and declines", async () => {
    const kb = new KnowledgeBase({ store: store.knowledge });
    const report = await evaluateKnowledge(kb, [
      { question: "what is your return policy?", source: "Returns and refunds", answer: "30 days" },
      { question: "how much is express delivery?", source: "en/shipping.md", answer: "a free pony" },
      { question: "what is your return policy?", source: "A document that does not exist" },
      { question: "what is the capital of France?" },
      { question: "do you sell spaceships?", answerable: false },
    ]);
    expect(report.questions).toBe(5);
    expect(report.withSource).toBe(3);
    const ranks = report.outcomes.map((o) => o.rank);
    expect(ranks[2]).toBe(0);
    expect(ranks[0]).toBeGreaterThan(0);
    expect(ranks[1]).toBeGreaterThan(0);
    expect(report.recallAtK).toBeCloseTo(2 / 3);
    expect(report.mrr).toBeCloseTo((1 / ranks[0]! + 1 / ranks[1]!) / 3);
    expect(report.answerContainment).toBe(0.5);
    expect(report.unanswerable).toBe(2);
    expect(report.declinedCorrectly).toBe(1);
  });
});
