import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KbDocument, KbPassage, Store } from "../../store/index.ts";
import type { Backend } from "./contract.ts";

const doc = (id: string, path: string, extra: Partial<KbDocument> = {}): KbDocument => ({
  id,
  path,
  title: `Title ${id}`,
  format: "markdown",
  hash: `h-${id}`,
  importedAt: 1_700_000_000_000,
  ...extra,
});
const passage = (documentId: string, ord: number, text: string, headings = ["Title", "Section"]): KbPassage => ({ id: `${documentId}:${ord}`, documentId, ord, headings, text });

/** The knowledge slice every Store backend must have; run once per backend. */
export function knowledgeContract(name: string, makeBackend: () => Promise<Backend>, opts: { skip?: boolean } = {}): void {
  describe.skipIf(opts.skip)(`Knowledge store contract: ${name}`, () => {
    let backend: Backend;
    let store: Store;

    beforeAll(async () => {
      backend = await makeBackend();
      store = await backend.open();
    });
    afterAll(async () => {
      await store?.close();
      await backend?.cleanup();
    });

    async function clear(): Promise<void> {
      for (const d of await store.knowledge.documents()) await store.knowledge.removeDocument(d.id);
    }

    it("stores a document with its passages in order, and lists it with their count", async () => {
      await clear();
      const returns = doc("returns", "docs/returns.md", { url: "https://shop.example/returns", locale: "en" });
      const zh = doc("zh", "docs/退货.md", { title: "退货政策", locale: "zh", format: "html" });
      await store.knowledge.putDocument(returns, [passage("returns", 0, "Return within 30 days."), passage("returns", 1, 'Quotes " and \\ {braces}', ["Returns", "Refunds", "Cards"])]);
      await store.knowledge.putDocument(zh, [passage("zh", 0, "未使用的商品可在三十天内退货。", ["退货政策"])]);
      expect(await store.knowledge.countDocuments()).toBe(2);
      const listed = await store.knowledge.documents();
      expect(listed).toEqual([
        { ...returns, passages: 2 },
        { ...zh, passages: 1 },
      ]);
      const passages = await store.knowledge.passages();
      expect(passages.map((p) => p.id)).toEqual(["returns:0", "returns:1", "zh:0"]);
      expect(passages[1]).toEqual(passage("returns", 1, 'Quotes " and \\ {braces}', ["Returns", "Refunds", "Cards"]));
    });

    it("replaces a changed document's passages entirely, never mixing old and new", async () => {
      await clear();
      await store.knowledge.putDocument(doc("a", "a.md"), [passage("a", 0, "old one"), passage("a", 1, "old two"), passage("a", 2, "old three")]);
      await store.knowledge.putDocument(doc("a", "a.md", { hash: "h2", title: "New title" }), [passage("a", 0, "new one")]);
      expect((await store.knowledge.passages()).map((p) => p.text)).toEqual(["new one"]);
      expect(await store.knowledge.documents()).toEqual([{ ...doc("a", "a.md", { hash: "h2", title: "New title" }), passages: 1 }]);
    });

    it("lets one path name one document, whatever id held it before", async () => {
      await clear();
      await store.knowledge.putDocument(doc("old-id", "same.md"), [passage("old-id", 0, "before")]);
      await store.knowledge.putDocument(doc("new-id", "same.md"), [passage("new-id", 0, "after")]);
      expect((await store.knowledge.documents()).map((d) => d.id)).toEqual(["new-id"]);
      expect((await store.knowledge.passages()).map((p) => p.text)).toEqual(["after"]);
    });

    it("removes a document by id or by path with its passages, and says when there was none", async () => {
      await clear();
      await store.knowledge.putDocument(doc("x", "x.md"), [passage("x", 0, "x text")]);
      await store.knowledge.putDocument(doc("y", "y.md"), [passage("y", 0, "y text")]);
      expect((await store.knowledge.removeDocument("x.md"))?.id).toBe("x");
      expect((await store.knowledge.removeDocument("y"))?.path).toBe("y.md");
      expect(await store.knowledge.removeDocument("y")).toBeNull();
      expect(await store.knowledge.passages()).toEqual([]);
      expect(await store.knowledge.countDocuments()).toBe(0);
    });

    it("writes more passages than one statement holds", async () => {
      await clear();
      const many = Array.from({ length: 250 }, (_, i) => passage("big", i, `passage ${i}`));
      await store.knowledge.putDocument(doc("big", "big.md"), many);
      const back = await store.knowledge.passages();
      expect(back.length).toBe(250);
      expect(back[249]!.text).toBe("passage 249");
    });

    it("refuses bad input naming the field, and keeps what was there", async () => {
      await clear();
      await store.knowledge.putDocument(doc("keep", "keep.md"), [passage("keep", 0, "kept")]);
      await expect(store.knowledge.putDocument(doc("keep", "keep.md"), [passage("other", 0, "wrong owner")])).rejects.toThrow(/passages\[0\]\.documentId/);
      await expect(store.knowledge.putDocument({ ...doc("keep", "keep.md"), title: "" }, [])).rejects.toThrow(/title/);
      await expect(store.knowledge.putDocument(doc("keep", "keep.md"), [passage("keep", 0, "")])).rejects.toThrow(/text/);
      await expect(store.knowledge.putDocument(doc("keep", "keep.md"), [passage("keep", 0, "a"), passage("keep", 0, "b")])).rejects.toThrow(/unique/);
      expect((await store.knowledge.passages()).map((p) => p.text)).toEqual(["kept"]);
    });
  });
}
