import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../core/logger.ts";
import { type ProfileModel, connectShopperBus, type ShopperEvent, type ShopperMemory, Shoppers, startRetention } from "../../shoppers/index.ts";
import { createStore, type Store } from "../../store/index.ts";
import { requireServiceUrl } from "../services.ts";

/** Remembers what it was told, as the recommender's memory would act on it. */
class RecordingMemory implements ShopperMemory {
  observed: string[] = [];
  forgotten: string[] = [];
  rebuilt = 0;
  observe(events: ShopperEvent[]) {
    this.observed.push(...events.map((e) => `${e.userId}:${e.itemId}`));
  }
  forget(id: string) {
    this.forgotten.push(id);
  }
  rebuild() {
    this.rebuilt++;
  }
}

/** Profile vectors that say how many events and likes went in, so a stale profile shows. */
const countingModel = (): ProfileModel & { calls: number } => {
  const model = {
    calls: 0,
    profileVersion: "v1",
    async profileVectors(events: ShopperEvent[], likes: string[]) {
      model.calls++;
      return { vector: Float32Array.from([events.length, likes.length]), likesVector: null, exclude: new Set(events.filter((e) => e.type === "purchase").map((e) => e.itemId)) };
    },
  };
  return model;
};

describe("Shoppers", () => {
  let dir: string;
  let store: Store;
  let shoppers: Shoppers;
  let memory: RecordingMemory;
  let model: ReturnType<typeof countingModel>;
  const ev = (userId: string, itemId: string, type: ShopperEvent["type"] = "view"): ShopperEvent => ({ userId, itemId, type, ts: Date.now() });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-shoppers-"));
    store = createStore({ dataDir: dir });
    await store.init();
    shoppers = new Shoppers({ store: store.shoppers, exportLinkMinutes: 5 });
    memory = new RecordingMemory();
    model = countingModel();
    shoppers.useMemory(memory);
    shoppers.useProfileModel(model);
  });
  afterAll(async () => {
    await shoppers?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("records events, tells the memory, and makes the profile from them, cached until the next event", async () => {
    expect(await shoppers.record([ev("customer:a", "p1"), ev("customer:a", "p2", "purchase")])).toBe(2);
    expect(memory.observed).toEqual(["customer:a:p1", "customer:a:p2"]);
    const calls = model.calls;
    const profile = await shoppers.profile("customer:a");
    expect(Array.from(profile!.vector!)).toEqual([2, 0]);
    expect([...profile!.exclude]).toEqual(["p2"]);
    await shoppers.profile("customer:a");
    expect(model.calls).toBe(calls);
    await shoppers.record([ev("customer:a", "p3")]);
    expect(Array.from((await shoppers.profile("customer:a"))!.vector!)).toEqual([3, 0]);
    expect(Array.from((await store.shoppers.getProfile("customer:a"))!)).toEqual([3, 0]);
  });

  it("refuses a malformed event naming the field", async () => {
    await expect(shoppers.record([{ ...ev("customer:a", "p1", "rating"), value: 9 }])).rejects.toThrow(/0\.value: a rating's value must be between 1 and 5/);
  });

  it("stores likes redacted of personal data, and drops everything of a shopper who opted out", async () => {
    await shoppers.addPreferences("anon:b", "trail running, mail me at runner@example.com");
    expect((await shoppers.get("anon:b"))!.preferences).toEqual(["trail running, mail me at [email]"]);
    expect(await shoppers.isKnown("anon:b")).toBe(true);
    expect(await shoppers.isKnown("anon:nobody")).toBe(false);
    await shoppers.stopPersonalising("anon:b", "en");
    expect(memory.forgotten).toContain("anon:b");
    expect(await shoppers.record([ev("anon:b", "p1")])).toBe(0);
    expect(await store.shoppers.eventsForUser("anon:b")).toEqual([]);
    expect(await shoppers.profile("anon:b")).toBeNull();
    await shoppers.addPreferences("anon:b", "hats");
    expect((await shoppers.get("anon:b"))!.preferences).toEqual(["trail running, mail me at [email]"]);
  });

  it("hands out an export link that works once and holds everything, and deletes everything, forgetting them here", async () => {
    await shoppers.record([ev("customer:c", "p9", "purchase")]);
    await shoppers.rememberQuery("customer:c", "red shoes");
    expect((await shoppers.profile("customer:c"))!.lastQuery?.text).toBe("red shoes");
    const link = await shoppers.exportLink("customer:c");
    expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.expiresAt - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(link.expiresAt - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    const data = await shoppers.redeemExport(link.token);
    expect(data).toMatchObject({ shopperId: "customer:c", origin: "customer", events: [expect.objectContaining({ itemId: "p9" })] });
    await expect(shoppers.redeemExport(link.token)).rejects.toMatchObject({ code: "export_link_unknown", status: 404 });
    await expect(shoppers.redeemExport("../../etc/passwd")).rejects.toMatchObject({ code: "export_link_unknown" });

    const report = await shoppers.delete("customer:c");
    expect(report).toMatchObject({ events: 1, profile: 1, exportLinks: 0 });
    expect(memory.forgotten).toContain("customer:c");
    const fresh = await shoppers.profile("customer:c");
    expect(fresh!.events).toEqual([]);
    expect(fresh!.lastQuery).toBeUndefined();
  });

  it("the retention purge removes old rows and has every memory rebuild", async () => {
    const old = Date.now() - 40 * 86_400_000;
    await store.shoppers.addEvents([{ userId: "anon:old", itemId: "p1", type: "view", ts: old }]);
    const rebuilt = memory.rebuilt;
    const stop = startRetention({ shoppers, days: 30, logger: createLogger("silent"), firstAfterMs: 0, everyMs: 3_600_000 });
    try {
      for (let i = 0; i < 100 && memory.rebuilt === rebuilt; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      stop();
    }
    expect(memory.rebuilt).toBe(rebuilt + 1);
    expect(await store.shoppers.eventsForUser("anon:old")).toEqual([]);
    expect((await store.shoppers.eventsForUser("customer:a")).length).toBe(3);
  });
});

const redisUrl = requireServiceUrl("CONCIERGE_TEST_REDIS_URL");

describe.skipIf(!redisUrl)("Shoppers on two replicas, told through the real Redis", () => {
  let dir: string;
  let store: Store;
  const replicas: { shoppers: Shoppers; memory: RecordingMemory }[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-shoppers-bus-"));
    store = createStore({ dataDir: dir });
    await store.init();
    const namespace = `test-${process.pid}-${Date.now()}`;
    for (let i = 0; i < 2; i++) {
      const shoppers = new Shoppers({ store: store.shoppers, bus: connectShopperBus(redisUrl!, createLogger("silent"), namespace) });
      const memory = new RecordingMemory();
      shoppers.useMemory(memory);
      shoppers.useProfileModel(countingModel());
      replicas.push({ shoppers, memory });
    }
  });
  afterAll(async () => {
    for (const r of replicas) await r.shoppers.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a deletion on one replica empties the other's memory of that shopper, not of anyone else", async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    await a.shoppers.record([{ userId: "customer:gone", itemId: "p1", type: "purchase", ts: Date.now() }]);
    a.shoppers.rememberQuery("customer:gone", "tents");
    expect((await a.shoppers.profile("customer:gone"))!.events).toHaveLength(1);
    await b.shoppers.delete("customer:gone");
    for (let i = 0; i < 100 && !a.memory.forgotten.includes("customer:gone"); i++) await new Promise((r) => setTimeout(r, 20));
    expect(a.memory.forgotten).toEqual(["customer:gone"]);
    // The cached profile went too: the next one is made from what the store has now (nothing).
    const after = await a.shoppers.profile("customer:gone");
    expect(after!.events).toEqual([]);
    expect(after!.lastQuery).toBeUndefined();
  });
});
