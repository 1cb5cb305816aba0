import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadKnowledge } from "../../bot/bootstrap/knowledge.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { createStore, type Store } from "../../store/index.ts";

/** First start: the demo policies go into an empty knowledge base, and only into an empty one. */
describe("knowledge base at start-up", () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  const open = async (env: Record<string, string> = {}) => {
    const dir = await mkdtemp(path.join(tmpdir(), "concierge-kb-boot-"));
    dirs.push(dir);
    const config = loadConfig({ CONCIERGE_DATA_DIR: dir, ...env });
    const store = createStore({ dataDir: dir });
    stores.push(store);
    await store.init();
    return { dir, config, store };
  };
  const logger = createLogger("silent");

  it("imports the demo's EN and ZH policies into an empty knowledge base, under paths that are the same on every machine", async () => {
    const { config, store } = await open();
    const kb = await loadKnowledge({ config, store, logger });
    const docs = await store.knowledge.documents();
    expect(docs.map((d) => d.path)).toContain("demo/en/returns.md");
    expect(docs.map((d) => d.path)).toContain("demo/zh/returns.md");
    expect(docs.length).toBe(16);
    expect((await kb.ask("do you offer gift wrapping?", "en")).answerable).toBe(true);
  });

  it("starts with none under CONCIERGE_KB=none: every question is declined", async () => {
    const { config, store } = await open({ CONCIERGE_KB: "none" });
    expect(config.kbPath).toBe("none");
    const kb = await loadKnowledge({ config, store, logger });
    expect(await store.knowledge.countDocuments()).toBe(0);
    expect(kb.size).toBe(0);
    expect(await kb.ask("what is your return policy?", "en")).toMatchObject({ answerable: false, hits: [] });
  });

  it("never mixes the demo into a shop's own documents", async () => {
    const { dir, config, store } = await open();
    const own = path.join(dir, "parking.txt");
    await writeFile(own, "Parking\n\nCustomers park free for two hours behind the shop.\n");
    const shop = await loadKnowledge({ config: { ...config, kbPath: own }, store, logger });
    expect((await store.knowledge.documents()).map((d) => d.path)).toEqual([own.split(path.sep).join("/")]);
    // A restart with the default setting finds the knowledge base not empty and leaves it alone.
    await loadKnowledge({ config, store, logger });
    expect(await store.knowledge.countDocuments()).toBe(1);
    expect((await shop.ask("where can I park?", "en")).text).toContain("two hours");
  });
});
