import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KnowledgeIndex, readDocument, sentences, splitDocument } from "../../knowledge/index.ts";

// Text with what documents are made of: markup, CJK, punctuation, blanks, odd code points.
const pieces = fc.constantFrom("# ", "## ", "\n", "\n\n", "- ", "1. ", "|", "---", "```", "<h2>", "</h2>", "<p>", "<script>", "&amp;", "[a](b)", "**", "退货", "。", "？", ".", "30 days", " ", "\u0000", "\uFEFF", "e.g.", "¥");
const doc = fc.array(fc.oneof(pieces, fc.string({ maxLength: 12 }), fc.string({ unit: "grapheme", maxLength: 6 })), { maxLength: 60 }).map((a) => a.join(""));

describe("documents of any text", () => {
  it("read, split and search without throwing, and every passage has text", async () => {
    await fc.assert(
      fc.asyncProperty(doc, fc.constantFrom("markdown", "html", "text") as fc.Arbitrary<"markdown" | "html" | "text">, fc.string({ maxLength: 30 }), async (text, format, question) => {
        let read: Awaited<ReturnType<typeof readDocument>>;
        try {
          read = await readDocument(new TextEncoder().encode(text), format);
        } catch (err) {
          // Binary data is refused by name, never by a crash.
          expect((err as Error).message).toMatch(/binary/);
          return;
        }
        const passages = splitDocument(read, read.title || "Untitled", { maxWeight: 80 });
        for (const p of passages) {
          expect(p.text.trim()).not.toBe("");
          expect(p.headings[0]).toBe(read.title || "Untitled");
        }
        for (const s of sentences(text)) expect(s.trim()).not.toBe("");
        const index = await KnowledgeIndex.build(
          passages.map((p, i) => ({ id: `d:${i}`, documentId: "d", ord: i, headings: p.headings, text: p.text })),
          [{ id: "d", path: "d.md", title: read.title || "Untitled", format: "markdown", hash: "h", importedAt: 0 }],
        );
        const result = await index.search(question);
        expect(result.confidence).toBeGreaterThanOrEqual(0);
        expect(result.confidence).toBeLessThanOrEqual(1);
      }),
      { numRuns: 150, seed: 16 },
    );
  }, 60_000);
});
