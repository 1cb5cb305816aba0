import type { Logger } from "../core/logger.ts";
import type { Shoppers } from "./service.ts";

const DAY_MS = 86_400_000;

/**
 * CONCIERGE_RETENTION_DAYS: events and messages older than this are purged soon after start-up and
 * then every `everyMs` (default hourly). Every replica runs it; a purge is idempotent. Returns what
 * stops it.
 */
export function startRetention(options: { shoppers: Shoppers; days: number; logger: Logger; everyMs?: number; firstAfterMs?: number }): () => void {
  const { shoppers, days, logger } = options;
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const report = await shoppers.purge(Date.now() - days * DAY_MS);
      logger.info({ retentionDays: days, ...report }, "retention purge");
    } catch (err) {
      logger.warn({ err }, "retention purge failed; it runs again at the next interval");
    } finally {
      running = false;
    }
  };
  const first = setTimeout(run, options.firstAfterMs ?? 10_000);
  const every = setInterval(run, options.everyMs ?? 60 * 60_000);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
