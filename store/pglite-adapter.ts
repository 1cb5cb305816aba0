import { mkdir } from "node:fs/promises";
import { PGlite, types } from "@electric-sql/pglite";
import { quoteIdent, type Row, type SqlAdapter, type SqlRunner } from "./adapter.ts";
import { lockStoreDir } from "./pglite-lock.ts";

/**
 * PGlite's stock bytea codec goes through hex one byte at a time (seconds for a catalogue's vectors).
 * Handing the Uint8Array through untouched makes PGlite bind it in binary format; results still
 * arrive as hex text, which Buffer decodes natively.
 */
const byteaSerializers = { [types.BYTEA]: (value: unknown) => value as string };
const byteaParsers = { [types.BYTEA]: (text: string) => Buffer.from(text.slice(2), "hex") };

/** Embedded Postgres (WASM) with its data in one directory, created on first open. */
export class PgliteAdapter implements SqlAdapter {
  readonly description: string;
  private db: PGlite | null = null;
  private unlock: (() => void) | null = null;

  constructor(
    private readonly dir: string,
    private readonly schema = "public",
  ) {
    this.description = `pglite:${dir}${schema === "public" ? "" : ` (schema ${schema})`}`;
  }

  async open(): Promise<void> {
    if (this.db) return;
    await mkdir(this.dir, { recursive: true });
    this.unlock ??= lockStoreDir(this.dir);
    let db: PGlite;
    try {
      db = await PGlite.create({ dataDir: this.dir, serializers: byteaSerializers, parsers: byteaParsers });
    } catch (err) {
      this.releaseLock();
      throw err;
    }
    // Session-wide, so every later statement (and the migration that creates the schema) resolves there.
    if (this.schema !== "public") await db.exec(`SET search_path TO ${quoteIdent(this.schema)}`);
    this.db = db;
  }

  private get handle(): PGlite {
    if (!this.db) throw new Error("PGlite is not open");
    return this.db;
  }

  async query<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.handle.query<T>(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.handle.exec(sql);
  }

  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    return this.handle.transaction((tx) =>
      fn({
        query: async <R extends Row = Row>(sql: string, params: unknown[] = []) => (await tx.query<R>(sql, params)).rows,
        exec: async (sql: string) => {
          await tx.exec(sql);
        },
      }),
    );
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    try {
      if (db && !db.closed) await db.close();
    } finally {
      this.releaseLock();
    }
  }

  private releaseLock(): void {
    this.unlock?.();
    this.unlock = null;
  }
}
