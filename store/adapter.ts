/**
 * The few things SqlStore needs from a database. PGlite and node-postgres differ in how they hand out
 * connections and transactions, not in SQL, so this seam is all that separates the two backends.
 */
export type Row = Record<string, unknown>;

export interface SqlRunner {
  query<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** One or more statements without parameters (schema migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlAdapter extends SqlRunner {
  /** For start-up logs; never contains credentials. */
  readonly description: string;
  open(): Promise<void>;
  /** Commits when `fn` resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Quotes a Postgres identifier; callers validate names first, this only guards the syntax. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
