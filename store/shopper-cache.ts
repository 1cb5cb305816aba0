import type { SqlAdapter } from "./adapter.ts";
import { SqlStore, type SqlStoreOptions } from "./sql-store.ts";
import type { DeletionReport, Shopper } from "./types.ts";

const DEFAULT_CAPACITY = 10_000;

/**
 * A SqlStore that remembers shopper rows, for a database only this process writes (the embedded
 * one). Every turn reads its shopper two or three times and each read is a statement costing ~2 ms
 * on PGlite; the row changes only through upsertShopper and deleteUser, which keep the cache true.
 * Not for a shared PostgreSQL: another replica's writes would not be seen.
 */
export class ShopperCachingSqlStore extends SqlStore {
  // Insertion order doubles as recency: a hit is re-inserted, the oldest key is evicted first.
  private readonly shoppers = new Map<string, Shopper | null>();

  constructor(
    db: SqlAdapter,
    options: SqlStoreOptions & { shopperCacheSize?: number } = {},
    private readonly capacity = options.shopperCacheSize ?? DEFAULT_CAPACITY,
  ) {
    super(db, options);
  }

  override async getShopper(userId: string): Promise<Shopper | null> {
    if (this.shoppers.has(userId)) {
      const cached = this.shoppers.get(userId)!;
      this.remember(userId, cached);
      return cached && structuredClone(cached);
    }
    const shopper = await super.getShopper(userId);
    this.remember(userId, shopper);
    return shopper && structuredClone(shopper);
  }

  override async upsertShopper(shopper: Shopper): Promise<void> {
    // Dropped first: if the write fails, the next read goes to the database.
    this.shoppers.delete(shopper.userId);
    await super.upsertShopper(shopper);
  }

  override async deleteUser(userId: string): Promise<DeletionReport> {
    this.shoppers.delete(userId);
    try {
      return await super.deleteUser(userId);
    } finally {
      this.shoppers.delete(userId);
    }
  }

  override async close(): Promise<void> {
    this.shoppers.clear();
    await super.close();
  }

  private remember(userId: string, shopper: Shopper | null): void {
    this.shoppers.delete(userId);
    this.shoppers.set(userId, shopper);
    if (this.shoppers.size > this.capacity) this.shoppers.delete(this.shoppers.keys().next().value!);
  }
}
