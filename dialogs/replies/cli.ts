import { loadConfig } from "../../core/config.ts";
import { ValidationError } from "../../core/errors.ts";
import { readRepliesFile, repliesPath } from "./file.ts";
import { repliesInEffect, useReplies } from "./index.ts";

const USAGE = `usage:
  concierge replies list [--json]   every reply key with the wording in effect (en, zh), marking the shop's overrides

Reads CONCIERGE_REPLIES_FILE (or replies.yaml in CONCIERGE_DATA_DIR) and checks it as start-up does.
Exit status: 0 listed, 1 the replies file is invalid, 2 usage error.
`;

/** `concierge replies list`: what a shop can set in its replies file, and what it says now. */
export async function repliesList(args: string[]): Promise<number> {
  if (args.some((a) => ["-h", "--help", "help"].includes(a))) {
    process.stderr.write(USAGE);
    return 0;
  }
  const unknown = args.filter((a) => a !== "--json");
  if (unknown.length) {
    process.stderr.write(`unknown argument: ${unknown[0]}\n${USAGE}`);
    return 2;
  }
  const json = args.includes("--json");
  const config = loadConfig();
  const where = repliesPath(config.repliesFile, config.dataDir);
  try {
    useReplies(await readRepliesFile(where.path, { mustExist: where.configured }));
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    process.stderr.write(`concierge: ${err.message}\n`);
    return 1;
  }
  const replies = repliesInEffect();
  if (json) {
    process.stdout.write(`${JSON.stringify({ file: where.path, replies }, null, 2)}\n`);
    return 0;
  }
  for (const [locale, list] of Object.entries(replies)) {
    for (const r of list) process.stdout.write(`${locale}.${r.key}${r.overridden ? " (shop)" : ""}\t${Array.isArray(r.text) ? r.text.join(" | ") : r.text.replace(/\n/g, "\\n")}\n`);
  }
  return 0;
}
