import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { createStore, type Store } from "../../store/index.ts";

/** A logger that keeps the messages, to tell "trained" from "loaded". */
function recordingLogger() {
  const messages: string[] = [];
  const log = (_obj: unknown, msg?: string) => {
    messages.push(typeof _obj === "string" ? _obj : (msg ?? ""));
  };
  return { messages, logger: { info: log, warn: log, debug: log, error: log } as never };
}

describe("the trained intent classifier in CONCIERGE_CACHE_DIR", () => {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function freshStore(): Promise<Store> {
    const dir = await mkdtemp(path.join(tmpdir(), "concierge-nlu-cache-"));
    dirs.push(dir);
    const store = createStore({ dataDir: dir });
    await store.init();
    stores.push(store);
    return store;
  }

  it("is written by the first service and read by the next one, whatever its data dir", async () => {
    const cacheDir = process.env.CONCIERGE_CACHE_DIR!;
    const config = loadConfig({ CONCIERGE_DATA_DIR: "unused" });
    const lexicon = { categories: {}, brands: [] };

    const first = recordingLogger();
    const { loadNlu } = await import("../../bot/bootstrap/nlu.ts");
    await loadNlu({ config, store: await freshStore(), logger: first.logger, lexicon });
    expect(readdirSync(cacheDir).some((f) => f.startsWith("intents-classifier-") && f.endsWith(".json"))).toBe(true);

    // A new module instance forgets what this process trained; only the shared folder remains.
    vi.resetModules();
    const again = await import("../../bot/bootstrap/nlu.ts");
    const second = recordingLogger();
    const nlu = await again.loadNlu({ config, store: await freshStore(), logger: second.logger, lexicon });
    expect(second.messages).toContain("intent classifier loaded (trained earlier)");
    expect(second.messages).not.toContain("intent classifier trained");
    expect(nlu.understand("where is my order", "en").intent).toBe("order_status");
    expect(existsSync(cacheDir)).toBe(true);
  }, 600_000);
});
