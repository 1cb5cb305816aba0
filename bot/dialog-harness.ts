import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig, readSetting } from "../core/config.ts";
import { createLogger } from "../core/logger.ts";
import { createDialogEngine, type DialogEngine } from "../dialogs/index.ts";
import type { Understander } from "../intents/types.ts";
import { Shoppers } from "../shoppers/index.ts";
import { createStore } from "../store/index.ts";
import type { Product } from "../store/types.ts";
import { loadNlu } from "./bootstrap/nlu.ts";
import { loadKnowledge } from "./bootstrap/knowledge.ts";
import { loadRecommender } from "./bootstrap/recommender.ts";

/** The real engine as the service wires it, on an embedded store of its own: what `concierge dialog test` talks to. */
export interface DialogHarness {
  engine: DialogEngine;
  understander: Understander;
  getProduct(id: string): Promise<Product | null>;
  close(): Promise<void>;
}

export interface DialogHarnessOptions {
  /** Catalogue to import (JSONL or CSV); default the demo catalogue. */
  catalog?: string;
  /** Keep the store here instead of a temporary folder that is removed on close. */
  dataDir?: string;
}

/**
 * Opens the shipped intent classifier, the built-in recommender over the catalogue and the dialog
 * engine in one process, the built-in tier only (no downloaded embedder, no LLM), so a conversation
 * gives the same reply on every machine.
 */
export async function openDialogHarness(options: DialogHarnessOptions = {}): Promise<DialogHarness> {
  const dir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), "concierge-dialog-test-")));
  const config = loadConfig({
    ...process.env,
    CONCIERGE_DATA_DIR: dir,
    CONCIERGE_EMBEDDING_MODEL: "none",
    CONCIERGE_LLM_MODEL: "none",
    DATABASE_URL: "",
    REDIS_URL: "",
    ...(options.catalog && { CONCIERGE_CATALOG: options.catalog }),
  });
  const logger = createLogger(readSetting("CONCIERGE_DIALOG_LOG"));
  const store = createStore({ dataDir: dir });
  try {
    await store.init();
    const loaded = await loadRecommender({ config, store, logger });
    const nlu = await loadNlu({ config, store, logger, lexicon: loaded.lexicon });
    const shoppers = new Shoppers({ store: store.shoppers, logger });
    shoppers.useProfileModel(loaded.recommender);
    shoppers.useMemory(loaded.recommender);
    const knowledge = await loadKnowledge({ config, store, logger });
    const engine = createDialogEngine({ understander: nlu, recommender: loaded.recommender, shoppers, conversations: store.conversations, logger, knowledge });
    return {
      engine,
      understander: nlu,
      getProduct: (id) => loaded.recommender.getProduct(id),
      async close() {
        await engine.flush?.();
        await loaded.close();
        await store.close();
        if (!options.dataDir) await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await store.close().catch(() => undefined);
    if (!options.dataDir) await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
