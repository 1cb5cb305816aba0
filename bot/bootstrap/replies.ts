import type { Config } from "../../core/config.ts";
import type { Logger } from "../../core/logger.ts";
import { readRepliesFile, repliesPath, useReplies } from "../../dialogs/index.ts";

/**
 * Puts the shop's wording in effect before anything answers. A bad file stops start-up (the
 * caller exits 1 with this error's one line naming the key), rather than speaking half of it.
 */
export async function loadReplies(config: Pick<Config, "repliesFile" | "dataDir">, logger: Logger): Promise<void> {
  const where = repliesPath(config.repliesFile, config.dataDir);
  const overrides = await readRepliesFile(where.path, { mustExist: where.configured });
  useReplies(overrides);
  const counts = Object.fromEntries(Object.entries(overrides).map(([locale, keys]) => [locale, Object.keys(keys ?? {}).length]));
  if (Object.values(counts).some((n) => n > 0)) logger.info({ file: where.path, overridden: counts }, "replies: the shop's wording is in effect");
  else logger.info({ file: where.path }, "replies: the shipped wording (no overrides)");
}
