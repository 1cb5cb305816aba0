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
