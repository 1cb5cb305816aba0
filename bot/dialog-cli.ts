import { ValidationError } from "../core/errors.ts";
import { loadConversations } from "../dialogs/script/load.ts";
import { type ScriptReport, runConversations } from "../dialogs/script/runner.ts";

const USAGE = "usage: concierge dialog test FILE|FOLDER... [--json] [--catalog FILE] [--data-dir DIR] [--only TEXT]";

/**
 * `concierge dialog test FILE... [--json]`: runs scripted conversations (docs/dialog-tests.md)
 * against the real engine — the shipped intent classifier, the built-in recommender over the demo
 * catalogue (or --catalog), an embedded store in a temporary folder — and reports the pass rate per
 * conversation and per turn. Exit 0 when every conversation passed, 1 when any failed, 2 on bad input.
 */
export async function dialogTest(args: string[]): Promise<number> {
  const files: string[] = [];
  let json = false;
  let catalog: string | undefined;
  let only: string | undefined;
  let dataDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--json") json = true;
    else if (a === "--catalog" || a === "--only" || a === "--data-dir") {
      const value = args[++i];
      if (!value) throw new ValidationError(`${a} needs a value\n${USAGE}`);
      if (a === "--catalog") catalog = value;
      else if (a === "--data-dir") dataDir = value;
      else only = value.toLowerCase();
    } else if (a === "-h" || a === "--help") {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    } else if (a.startsWith("--")) throw new ValidationError(`unknown option ${a}\n${USAGE}`);
    else files.push(a);
  }
  if (!files.length) throw new ValidationError(`name at least one conversation file or folder\n${USAGE}`);
  let conversations = loadConversations(files);
  if (only) conversations = conversations.filter((c) => c.name.toLowerCase().includes(only!) || c.file.toLowerCase().includes(only!));
  if (!conversations.length) throw new ValidationError("no conversations to run");

  // The report is the output: the store's and the import's own messages would only bury it.
  process.env.LOG_LEVEL ??= "warn";
  process.env.CONCIERGE_QUIET ??= "1";
  const { openDialogHarness } = await import("./dialog-harness.ts");
  const harness = await openDialogHarness({ ...(catalog && { catalog }), ...(dataDir && { dataDir }) });
  let report: ScriptReport;
  try {
    report = await runConversations(harness, conversations);
  } finally {
    await harness.close();
  }
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.summary.conversationsPassed === report.summary.conversations ? 0 : 1;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** The human report: one line a conversation, the failing turns spelt out, then the totals. */
export function formatReport(report: ScriptReport): string {
  const lines: string[] = [];
  let file: string | undefined;
  for (const c of report.conversations) {
    if (c.file !== file) {
      file = c.file;
      lines.push(`${file}`);
    }
    const passedTurns = c.turns.filter((t) => t.passed).length;
    lines.push(`  ${c.passed ? "PASS" : "FAIL"}  ${c.name}  (${passedTurns}/${c.turns.length} turns)`);
    c.turns.forEach((t, i) => {
      if (t.passed) return;
      lines.push(`        turn ${i + 1} "${t.user}" → ${t.intent}: ${t.reply.replace(/\s+/g, " ").slice(0, 160)}`);
      for (const f of t.failures) lines.push(`          ✗ ${f}`);
    });
  }
  const s = report.summary;
  lines.push("", `conversations: ${s.conversationsPassed}/${s.conversations} passed (${pct(s.conversationRate)})`, `turns: ${s.turnsPassed}/${s.turns} passed (${pct(s.turnRate)})`);
  return `${lines.join("\n")}\n`;
}
