import { NotReadyError } from "../../core/errors.ts";
import type { SqlAdapter, SqlRunner } from "../adapter.ts";

export const DEFAULT_BATCH = 5000;

/** What every slice of the SQL store shares: the database once it is open, and how to batch. */
export interface SqlContext {
  readonly db: SqlAdapter;
  readonly schema: string;
  readonly batchSize: number;
  /** False until the store's init() has migrated the schema. */
  isOpen(): boolean;
}

export abstract class SqlSlice {
  constructor(protected readonly ctx: SqlContext) {}

  protected get sql(): SqlAdapter {
    if (!this.ctx.isOpen()) throw new NotReadyError("store is not open: call init() first");
    return this.ctx.db;
  }

  protected get batchSize(): number {
    return this.ctx.batchSize;
  }

  protected get schema(): string {
    return this.ctx.schema;
  }

  protected async count(runner: SqlRunner, sql: string, params: unknown[]): Promise<number> {
    const [row] = await runner.query<{ n: number | string }>(`WITH d AS (${sql} RETURNING 1) SELECT count(*) AS n FROM d`, params);
    return Number(row.n);
  }
}

/** Keeps the last of each key: one INSERT … ON CONFLICT cannot touch the same row twice. */
export function lastByKey<T>(items: T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    byKey.delete(k); // re-insert so the kept order is that of the last occurrence
    byKey.set(k, item);
  }
  return byKey.size === items.length ? items : [...byKey.values()];
}

export function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
