import pg from "pg";
import { logger } from "../core/logger.ts";
import type { Row, SqlAdapter, SqlRunner } from "./adapter.ts";

/** Host, port and database of a URL, without the user or password, for logs. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres:${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "postgres";
  }
}

/** A PostgreSQL server through a node-postgres pool; every connection starts in `schema`. */
export class PgAdapter implements SqlAdapter {
  readonly description: string;
  private pool: pg.Pool | null = null;

  constructor(
    private readonly url: string,
    private readonly schema = "public",
  ) {
    this.description = `${describeUrl(url)}${schema === "public" ? "" : ` (schema ${schema})`}`;
  }

  async open(): Promise<void> {
    if (this.pool) return;
    // search_path as a startup option (not a SET after connect) so no query can ever run before it;
    // callers validate `schema` to a plain identifier, which needs no quoting here.
    // Only for a non-default schema: some poolers (PgBouncer) refuse unknown startup options.
    const options = this.schema === "public" ? undefined : `-c search_path=${this.schema}`;
    const pool = new pg.Pool({
      connectionString: this.url,
      options,
      application_name: "concierge",
      // A server that does not answer is an error within seconds, not a request that hangs.
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // A statement or a transaction left open (a client gone mid-way) is cut by the server.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
      max: 10,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on("error", (err) => logger.warn({ err: err.message }, "postgres idle client error"));
    try {
      (await pool.connect()).release(); // fail at start-up, not on the first shopper's turn
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    this.pool = pool;
  }

  private get handle(): pg.Pool {
    if (!this.pool) throw new Error("PostgreSQL pool is not open");
    return this.pool;
  }

  async query<T extends Row = Row>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.handle.query<T>(sql, params)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.handle.query(sql);
  }

  async transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.handle.connect();
    // The server going away mid-transaction is reported on the client: without a listener it would end the process.
    const onError = (err: Error) => logger.warn({ err: err.message }, "postgres connection lost during a transaction");
    client.on("error", onError);
    try {
      await client.query("BEGIN");
      const result = await fn({
        query: async <R extends Row = Row>(sql: string, params: unknown[] = []) => (await client.query<R>(sql, params)).rows,
        exec: async (sql: string) => {
          await client.query(sql);
        },
      });
      await client.query("COMMIT");
      client.off("error", onError);
      client.release();
      return result;
    } catch (err) {
      // A connection whose ROLLBACK failed is in an unknown state: destroy it rather than reuse it.
      const broken = await client.query("ROLLBACK").then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
      );
      client.off("error", onError);
      client.release(broken);
      throw err;
    }
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.end();
  }
}
