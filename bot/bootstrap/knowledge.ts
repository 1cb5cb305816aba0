import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "../../core/config.ts";
import { collectFiles, DEMO_KB_DIR, DEMO_KB_PREFIX, importDocuments, KnowledgeBase } from "../../knowledge/index.ts";
import type { Embedder } from "../../recommend/index.ts";
import type { Store } from "../../store/types.ts";

/**
 * The knowledge side of start-up: import the demo policies (or CONCIERGE_KB's documents) into an
 * empty knowledge base on first run — a shop that imported its own never gets the demo's mixed in —
 * and index what the store holds. `embedder` is the downloaded model when one is loaded.
 */
export async function loadKnowledge(deps: { config: Config; store: Store; logger: Logger; embedder?: Embedder }): Promise<KnowledgeBase> {
  const { config, store, logger } = deps;
  const source = config.kbPath ?? DEMO_KB_DIR;
  if (source !== "none" && (await store.knowledge.countDocuments()) === 0) {
    const demo = path.resolve(source) === DEMO_KB_DIR;
    const files = (await collectFiles([source])).map((f) => (demo ? { ...f, path: `${DEMO_KB_PREFIX}/${path.relative(DEMO_KB_DIR, f.file).split(path.sep).join("/")}` } : f));
    logger.info({ source: demo ? "demo" : source, documents: files.length }, "empty knowledge base: importing");
    const result = await importDocuments({ store: store.knowledge, files });
    for (const item of result.items) if (item.status === "failed") logger.warn({ path: item.path, problem: item.error }, "document skipped");
    logger.info({ added: result.added, failed: result.failed }, "knowledge base imported");
  }
  const kb = new KnowledgeBase({ store: store.knowledge, embedder: deps.embedder?.tier === "downloaded" ? deps.embedder : undefined, logger, blobs: store.blobs });
  await kb.refresh();
  return kb;
}
