import { logger } from "../core/logger.ts";
import type { SqlAdapter } from "./adapter.ts";
import { migrate } from "./migrations.ts";
import { SqlActivityStore } from "./sql/activity.ts";
import { SqlBlobStore } from "./sql/blobs.ts";
import { SqlCatalogueStore } from "./sql/catalogue.ts";
import { SqlConversationStore } from "./sql/conversations.ts";
import { SqlExperimentStore } from "./sql/experiments.ts";
import { SqlKnowledgeStore } from "./sql/knowledge.ts";
import { SqlSegmentStore } from "./sql/segments.ts";
import { SqlShopperStore } from "./sql/shoppers.ts";
import { DEFAULT_BATCH, type SqlContext } from "./sql/slice.ts";
import type { ShopperStore, Store } from "./types.ts";

export interface SqlStoreOptions {
  /** Postgres schema holding the tables; created on init. Default "public". */
  schema?: string;
  /**
   * Rows per INSERT statement in batch writes (a whole batch is still one transaction). Large enough
   * to amortise round trips, small enough to keep one statement's parameters to a few MB.
   */
  batchSize?: number;
  /** Wraps the shoppers slice (e.g. with a cache, for a database only this process writes). */
  wrapShoppers?: (shoppers: ShopperStore) => ShopperStore;
}

/**
 * The Store over any Postgres: the same SQL runs on embedded PGlite and on a server, one class per
 * slice (store/sql/). Batch writes bind whole columns as arrays (`unnest`), so a 100k-row import is
 * a few dozen statements, not 100k.
 */
export class SqlStore implements Store {
  private ready: Promise<void> | null = null;
  private opened = false;
  private readonly schema: string;
  readonly catalogue: SqlCatalogueStore;
  readonly shoppers: ShopperStore;
  readonly conversations: SqlConversationStore;
  readonly experiments: SqlExperimentStore;
  readonly segments: SqlSegmentStore;
  readonly blobs: SqlBlobStore;
  readonly activity: SqlActivityStore;
  readonly knowledge: SqlKnowledgeStore;

  constructor(
    private readonly db: SqlAdapter,
    options: SqlStoreOptions = {},
  ) {
    this.schema = options.schema ?? "public";
    const ctx: SqlContext = { db, schema: this.schema, batchSize: options.batchSize ?? DEFAULT_BATCH, isOpen: () => this.opened };
    this.catalogue = new SqlCatalogueStore(ctx);
    const shoppers = new SqlShopperStore(ctx);
    this.shoppers = options.wrapShoppers ? options.wrapShoppers(shoppers) : shoppers;
    this.conversations = new SqlConversationStore(ctx);
    this.experiments = new SqlExperimentStore(ctx);
    this.segments = new SqlSegmentStore(ctx);
    this.blobs = new SqlBlobStore(ctx);
    this.activity = new SqlActivityStore(ctx);
    this.knowledge = new SqlKnowledgeStore(ctx);
  }

  get description(): string {
    return this.db.description;
  }

  init(): Promise<void> {
    this.ready ??= (async () => {
      try {
        await this.db.open();
        const { from, to } = await migrate(this.db, this.schema);
        if (from !== to) logger.info({ store: this.db.description, from, to }, "store schema migrated");
        this.opened = true;
      } catch (err) {
        this.ready = null; // let a later init() retry, e.g. once the database is reachable
        await this.db.close().catch(() => undefined);
        throw err;
      }
    })();
    return this.ready;
  }

  async close(): Promise<void> {
    if (this.ready) await this.ready.catch(() => undefined);
    this.opened = false;
    this.ready = null;
    await this.db.close();
  }
}
