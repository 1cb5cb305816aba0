import { parseArgs } from "node:util";
import { loadConfig } from "../../core/config.ts";
import { loadIntentFile } from "../shipped.ts";
import { appendShopIntents, loadShopIntents, shopIntentFile } from "../shop-intents.ts";
import { groupForReview } from "./groups.ts";
import { readReviewLog, reviewLogFiles } from "./log.ts";

const REVIEW_USAGE = `usage: concierge nlu review [--limit N] [--json]

Lists the messages the running service's classifier was unsure of or called out of scope (kept
redacted in CONCIERGE_DATA_DIR/nlu-review.jsonl), grouped by how alike they read, most met first.
Messages already labelled with \`concierge nlu add\` are left out.

  --limit N   show at most N groups (default 20)
  --json      print {"messages", "groups": [{size, seen, locale, examples, answered}]}
`;

const ADD_USAGE = `usage: concierge nlu add FILE [--json]

Appends labelled lines — JSON Lines {"text": "...", "intent": "..."}, intent one of the shop intents
or "oos" — to the shop's own intent data (CONCIERGE_DATA_DIR/intents.jsonl), which extends the
shipped data. Lines already there are skipped. A running service notices the change, retrains in
the background and switches to the new classifier when it is ready; until then it answers with the
old one.

  --json   print {"added", "alreadyThere", "file", "shopLines"}
`;

const normal = (text: string) => text.trim().toLowerCase();

/** `concierge nlu review` */
export async function nluReview(args: string[]): Promise<number> {
  let values: { limit?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { limit: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${REVIEW_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(REVIEW_USAGE);
    return 0;
  }
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) {
    process.stderr.write(`--limit: must be a whole number ≥ 1, got ${JSON.stringify(values.limit)}\n${REVIEW_USAGE}`);
    return 2;
  }
  const { dataDir } = loadConfig();
  const labelled = new Set(loadShopIntents(dataDir).map((u) => normal(u.text)));
  const items = readReviewLog(dataDir).filter((item) => !labelled.has(normal(item.text)));
  const groups = groupForReview(items).slice(0, limit);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ messages: items.length, groups })}\n`);
    return 0;
  }
  if (items.length === 0) {
    process.stdout.write(`Nothing to review: no unsure messages in ${reviewLogFiles(dataDir).current} that are not labelled yet.\n`);
    return 0;
  }
  const lines = [`${items.length} message${items.length === 1 ? "" : "s"} the classifier was unsure of, in ${groups.length} group${groups.length === 1 ? "" : "s"} (most met first):`];
  groups.forEach((g, i) => {
    const answered = Object.entries(g.answered)
      .sort((a, b) => b[1] - a[1])
      .map(([intent, n]) => `${intent} ×${n}`)
      .join(", ");
    lines.push(`${String(i + 1).padStart(3)}. met ${g.seen} time${g.seen === 1 ? "" : "s"}, ${g.size} text${g.size === 1 ? "" : "s"} (${g.locale}); answered ${answered}`);
    for (const text of g.examples) lines.push(`       ${JSON.stringify(text)}`);
  });
  lines.push("", `To teach the classifier, write lines {"text": "...", "intent": "..."} to a file and run: concierge nlu add FILE`);
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}

/** `concierge nlu add FILE` */
export async function nluAdd(args: string[]): Promise<number> {
  let parsed: { values: { json?: boolean; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${ADD_USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(ADD_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    process.stderr.write(`give exactly one FILE\n${ADD_USAGE}`);
    return 2;
  }
  // Every line must be right: a line skipped here would quietly weaken what the shop meant to teach.
  const lines = loadIntentFile(parsed.positionals[0]!);
  if (lines.length === 0) {
    process.stderr.write(`${parsed.positionals[0]}: no labelled lines\n`);
    return 1;
  }
  const { dataDir } = loadConfig();
  const added = await appendShopIntents(dataDir, lines);
  const file = shopIntentFile(dataDir);
  const shopLines = loadShopIntents(dataDir).length;
  if (parsed.values.json) process.stdout.write(`${JSON.stringify({ added, alreadyThere: lines.length - added, file, shopLines })}\n`);
  else
    process.stdout.write(
      `added ${added} line${added === 1 ? "" : "s"} to ${file} (${lines.length - added} already there; ${shopLines} of the shop's own in all).\n` +
        "A running service retrains in the background and switches to the new classifier when it is ready.\n",
    );
  return 0;
}
