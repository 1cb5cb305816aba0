import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectFiles, DEMO_KB_DIR, importDocuments, KnowledgeBase } from "../../knowledge/index.ts";
import { createDownloadedEmbedder, type DownloadedEmbedder, type Embedder } from "../../recommend/index.ts";
import { createStore, type Store } from "../../store/index.ts";
import { writeTinyBert } from "../fixtures/onnx/tiny-bert.ts";

/** The downloaded tier (transformers.js on a generated ONNX BERT): passage vectors are kept, so a restart embeds only what changed. */
describe("knowledge base on the downloaded embedder", () => {
  let dir: string;
  let docs: string;
  let store: Store;
  let model: DownloadedEmbedder;
  const embedded: number[] = [];
  // The real model, counting the texts it is given.
  const counting = (): Embedder => ({
    id: model.id,
    dimensions: model.dimensions,
    tier: model.tier,
    embed: async (texts) => {
      embedded.push(texts.length);
      return model.embed(texts);
    },
    embedQueries: (texts) => model.embedQueries(texts),
  });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-kb-onnx-"));
    await writeTinyBert(path.join(dir, "models"), "test-org/tiny-bert", { hidden: 16 });
    model = await createDownloadedEmbedder({ modelsDir: path.join(dir, "models"), dataDir: dir, modelHub: "http://127.0.0.1:9", allowDownloads: false, embeddingModel: "test-org/tiny-bert" });
    docs = path.join(dir, "docs");
    await cp(path.join(DEMO_KB_DIR, "en"), docs, { recursive: true });
    store = createStore({ dataDir: dir });
    await store.init();
    await importDocuments({ store: store.knowledge, files: await collectFiles([docs]) });
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await model?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("embeds every passage once, then only the passages of a changed document", async () => {
    const passages = (await store.knowledge.passages()).length;
    const first = new KnowledgeBase({ store: store.knowledge, embedder: counting(), blobs: store.blobs });
    await first.refresh();
    expect(embedded).toEqual([passages]);
    expect((await first.ask("how long do I have to return something?", "en")).hits[0]!.cosine).not.toBe(0);

    const restarted = new KnowledgeBase({ store: store.knowledge, embedder: counting(), blobs: store.blobs });
    await restarted.refresh();
    expect(embedded).toEqual([passages]);

    const file = path.join(docs, "warranty.md");
    await writeFile(file, (await readFile(file, "utf8")).replace("2-year warranty", "3-year warranty"));
    await importDocuments({ store: store.knowledge, files: await collectFiles([docs]) });
    await restarted.refresh();
    // The warranty document's first passage changed; nothing else did.
    expect(embedded).toEqual([passages, 1]);
    expect((await restarted.ask("how long is the warranty?", "en")).text).toContain("3-year warranty");
  }, 120_000);
});
