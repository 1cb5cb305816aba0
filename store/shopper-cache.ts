import type { DeletionReport, EventType, ExportLink, PurgeReport, Shopper, ShopperEvent, ShopperStore, UserExport } from "./types.ts";

const DEFAULT_CAPACITY = 10_000;

/**
 * The shoppers slice remembering shopper rows, for a database only this process writes (the
 * embedded one). Every turn reads its shopper two or three times and each read is a statement
 * costing ~2 ms on PGlite; the row changes only through upsertShopper, deleteUser and purge, which
 * keep the cache true. Not for a shared PostgreSQL: another replica's writes would not be seen.
 */
export class CachingShopperStore implements ShopperStore {
  // Insertion order doubles as recency: a hit is re-inserted, the oldest key is evicted first.
  private readonly shoppers = new Map<string, Shopper | null>();

  constructor(
    private readonly inner: ShopperStore,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  async getShopper(userId: string): Promise<Shopper | null> {
    if (this.shoppers.has(userId)) {
      const cached = this.shoppers.get(userId)!;
      this.remember(userId, cached);
      return cached && structuredClone(cached);
    }
    const shopper = await this.inner.getShopper(userId);
    this.remember(userId, shopper);
    return shopper && structuredClone(shopper);
  }

  async upsertShopper(shopper: Shopper): Promise<void> {
    // Dropped first: if the write fails, the next read goes to the database.
    this.shoppers.delete(shopper.userId);
    await this.inner.upsertShopper(shopper);
  }

  async deleteUser(userId: string): Promise<DeletionReport> {
    this.shoppers.delete(userId);
    try {
      return await this.inner.deleteUser(userId);
    } finally {
      this.shoppers.delete(userId);
    }
  }

  async purge(before: number): Promise<PurgeReport> {
    try {
      return await this.inner.purge(before);
    } finally {
      this.shoppers.clear();
    }
  }

  private remember(userId: string, shopper: Shopper | null): void {
    this.shoppers.delete(userId);
    this.shoppers.set(userId, shopper);
    if (this.shoppers.size > this.capacity) this.shoppers.delete(this.shoppers.keys().next().value!);
  }

  // ── the rest reads and writes other rows: straight through ──
  addEvents(events: ShopperEvent[]): Promise<void> {
    return this.inner.addEvents(events);
  }
  eventsForUser(userId: string, limit?: number): Promise<ShopperEvent[]> {
    return this.inner.eventsForUser(userId, limit);
  }
  itemPopularity(weights: Record<EventType, number>, sinceTs?: number): Promise<Map<string, number>> {
    return this.inner.itemPopularity(weights, sinceTs);
  }
  scanEvents(batchSize?: number): AsyncIterable<ShopperEvent[]> {
    return this.inner.scanEvents(batchSize);
  }
  eventUserIds(): Promise<string[]> {
    return this.inner.eventUserIds();
  }
  eventsForUsers(userIds: string[]): Promise<Map<string, ShopperEvent[]>> {
    return this.inner.eventsForUsers(userIds);
  }
  optedOutUserIds(): Promise<string[]> {
    return this.inner.optedOutUserIds();
  }
  saveProfile(userId: string, vector: Float32Array): Promise<void> {
    return this.inner.saveProfile(userId, vector);
  }
  getProfile(userId: string): Promise<Float32Array | null> {
    return this.inner.getProfile(userId);
  }
  exportUser(userId: string): Promise<UserExport> {
    return this.inner.exportUser(userId);
  }
  saveExportLink(link: ExportLink): Promise<void> {
    return this.inner.saveExportLink(link);
  }
  takeExportLink(tokenHash: string): Promise<ExportLink | null> {
    return this.inner.takeExportLink(tokenHash);
  }
}
