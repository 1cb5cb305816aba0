import { randomBytes } from "node:crypto";
import pg from "pg";
/**
 * The real PostgreSQL and Redis used by the scale-out tests. `.ci/run` sets the URLs; on a machine
 * without them those tests are skipped and say so — but under CI a missing URL is a failure.
 */
export const testDatabaseUrl = process.env.CONCIERGE_TEST_DATABASE_URL;
export const testRedisUrl = process.env.CONCIERGE_TEST_REDIS_URL;

export function requireServiceUrl(name: "CONCIERGE_TEST_DATABASE_URL" | "CONCIERGE_TEST_REDIS_URL"): string | undefined {
  const url = process.env[name];
  if (!url && process.env.CI) throw new Error(`${name} must be set in CI: the scale-out tests never skip there`);
  if (!url) console.warn(`[skipped] ${name} is not set: tests against the real service were skipped`);
  return url;
}

/** A schema of its own per run, so parallel runs and other suites sharing the database never collide. */
export function testSchemaName(prefix: string): string {
  return `concierge_${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}

/** Drops a test's schema and everything in it. */
export async function dropTestSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * A service on loopback with a free port, its data in `dataDir`, the built-in tier (no downloaded
 * embedder, no LLM unless `env` names one) and no logs: how the tests and benches start it.
 */
export function localServiceEnv(dataDir: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: "0",
    HOST: "127.0.0.1",
    CONCIERGE_DATA_DIR: dataDir,
    CONCIERGE_EMBEDDING_MODEL: "none",
    CONCIERGE_LLM_MODEL: "none",
    LOG_LEVEL: "silent",
    // Every test client comes from 127.0.0.1: the per-address limits are tested on their own (test/bot/limits.test.ts).
    RATE_LIMIT_PER_IP_PER_MINUTE: "0",
    MAX_CONNECTIONS_PER_IP: "0",
    ...env,
  };
}
