import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CachingShopperStore, PgliteAdapter, type Row, type Shopper, SqlStore } from "../../store/index.ts";

/** Counts the statements that reach the database, to tell a cache hit from a read. */
class CountingAdapter extends PgliteAdapter {
  reads = 0;
  override async query<T extends Row>(sql: string, params?: unknown[]): Promise<T[]> {
    if (/^\s*SELECT \* FROM shoppers/i.test(sql)) this.reads++;
    return super.query<T>(sql, params);
  }
}

const shopper = (userId: string, preferences: string[] = []): Shopper => ({ userId, locale: "en", preferences, personalise: true, createdAt: 1, updatedAt: 1 });

describe("CachingShopperStore (embedded database)", () => {
  let dir: string;
  let adapter: CountingAdapter;
  let db: SqlStore;
  let store: SqlStore["shoppers"];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-shopper-cache-"));
    adapter = new CountingAdapter(path.join(dir, "db"));
    db = new SqlStore(adapter, { wrapShoppers: (shoppers) => new CachingShopperStore(shoppers, 2) });
    await db.init();
    store = db.shoppers;
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a shopper from the database once, then from memory, including 'no such shopper'", async () => {
    await store.upsertShopper(shopper("a", ["running"]));
    const before = adapter.reads;
    expect((await store.getShopper("a"))?.preferences).toEqual(["running"]);
    expect((await store.getShopper("a"))?.preferences).toEqual(["running"]);
    expect(await store.getShopper("nobody")).toBeNull();
    expect(await store.getShopper("nobody")).toBeNull();
    expect(adapter.reads - before).toBe(2);
  });

  it("sees its own writes and deletions at once", async () => {
    await store.getShopper("b");
    await store.upsertShopper(shopper("b", ["tea"]));
    expect((await store.getShopper("b"))?.preferences).toEqual(["tea"]);
    await store.upsertShopper({ ...shopper("b", ["tea"]), personalise: false });
    expect((await store.getShopper("b"))?.personalise).toBe(false);
    await store.deleteUser("b");
    expect(await store.getShopper("b")).toBeNull();
  });

  it("hands out copies, so a caller editing its shopper does not edit the cache", async () => {
    await store.upsertShopper(shopper("c", ["hiking"]));
    const first = (await store.getShopper("c"))!;
    first.preferences.push("mutated");
    expect((await store.getShopper("c"))?.preferences).toEqual(["hiking"]);
  });

  it("stays within its capacity, evicting the least recently used shopper", async () => {
    await store.upsertShopper(shopper("d"));
    await store.upsertShopper(shopper("e"));
    await store.upsertShopper(shopper("f"));
    await store.getShopper("d");
    await store.getShopper("e");
    await store.getShopper("d"); // e is now the older of the two
    await store.getShopper("f"); // evicts e (capacity 2)
    const before = adapter.reads;
    await store.getShopper("d");
    expect(adapter.reads - before).toBe(0);
    await store.getShopper("e");
    expect(adapter.reads - before).toBe(1);
  });
});
