import path from "node:path";
import { z } from "zod";
import { parseInput } from "../core/validation.ts";
import { PgAdapter } from "./pg-adapter.ts";
import { PgliteAdapter } from "./pglite-adapter.ts";
import { CachingShopperStore } from "./shopper-cache.ts";
import { SqlStore } from "./sql-store.ts";
import type { Store } from "./types.ts";

export type { Row, SqlAdapter, SqlRunner } from "./adapter.ts";
export { announceChange, type ChangeKind, type ChangeNotice, changeChannel, isChangeNotice, markChanged, readMarker } from "./changes.ts";
export { MIGRATIONS, SCHEMA_VERSION } from "./migrations.ts";
export { PgAdapter } from "./pg-adapter.ts";
export { PgliteAdapter } from "./pglite-adapter.ts";
export { CachingShopperStore } from "./shopper-cache.ts";
export { SHOPPER_TABLES } from "./sql/shoppers.ts";
export { SqlStore, type SqlStoreOptions } from "./sql-store.ts";
export * from "./types.ts";

const configSchema = z.object({
  dataDir: z.string().min(1, "must not be empty"),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  // Lower-case identifiers only: the name goes into search_path and DDL unquoted-safe.
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case identifier (a-z, 0-9, _)")
    .optional(),
  batchSize: z.number().int().positive().optional(),
});

export interface StoreConfig {
  /** The embedded database lives in `<dataDir>/db` unless `databaseUrl` is set. */
  dataDir: string;
  databaseUrl?: string;
  /** Postgres schema for the tables (default "public"); tests use a fresh one per run. */
  schema?: string;
  /** Rows per INSERT statement in batch writes; only tests need to change it. */
  batchSize?: number;
}

/** The store the service's configuration names: every command opens it this way, so all of them agree on where the data is. */
export function storeFor(config: { dataDir: string; databaseUrl?: string; databaseSchema?: string }): Store {
  return createStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, schema: config.databaseSchema });
}

/** The Store for this configuration: PostgreSQL when databaseUrl is set, embedded PGlite otherwise. Call init() before use. */
export function createStore(config: StoreConfig): Store {
  const c = parseInput(configSchema, config, "store config");
  const schema = c.schema ?? "public";
  if (c.databaseUrl) return new SqlStore(new PgAdapter(c.databaseUrl, schema), { schema, batchSize: c.batchSize });
  // The embedded database belongs to this process alone, so what it last wrote is what is there.
  return new SqlStore(new PgliteAdapter(path.join(path.resolve(c.dataDir), "db"), schema), {
    schema,
    batchSize: c.batchSize,
    wrapShoppers: (shoppers) => new CachingShopperStore(shoppers),
  });
}
