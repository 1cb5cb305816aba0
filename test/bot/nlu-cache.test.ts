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

    // The shop's threshold applies to the stored classifier without retraining it: answers it was
    // less sure of than 0.99 become out of scope, sure ones stay.
    const strict = await again.loadNlu({ config: loadConfig({ CONCIERGE_DATA_DIR: "unused", CONCIERGE_NLU_MIN_CONFIDENCE: "0.99" }), store: await freshStore(), logger: second.logger, lexicon });
    const unsure = ["is gift wrapping available", "can my order come gift wrapped", "is it any good", "what about the blue one"].filter((text) => {
      const p = nlu.classify(text);
      return p.intent !== "oos" && p.confidence < 0.99;
    });
    expect(unsure.length).toBeGreaterThan(0);
    for (const text of unsure) expect(strict.classify(text).intent).toBe("oos");
    const sure = nlu.classify("where is my order");
    if (sure.confidence >= 0.99) expect(strict.classify("where is my order").intent).toBe("order_status");
    expect(second.messages.filter((m) => m === "intent classifier trained")).toEqual([]);
  }, 600_000);
});
