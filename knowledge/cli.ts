import { loadConfig } from "../core/config.ts";
import { createProgress } from "../core/progress.ts";
import { embedderForTool } from "../recommend/index.ts";
import { announceChange, markChanged, storeFor } from "../store/index.ts";
import type { Store } from "../store/types.ts";
import { KnowledgeBase } from "./base.ts";
import { evaluateKnowledge, formatReport, readQuestions } from "./eval.ts";
import { collectFiles, importDocuments } from "./import.ts";
import type { RetrievalMode } from "./retriever.ts";

const say = (line: string) => process.stderr.write(`${line}\n`);

const USAGE = `usage:
  concierge kb import PATH... [--json]   read documents (.md .html .txt .pdf; folders are walked) into the knowledge base
  concierge kb list [--json]             the documents it holds, with their passages
  concierge kb remove PATH|ID... [--json] drop documents (by the path they were imported under, or their id)
  concierge kb eval --questions q.jsonl [--k 5] [--mode hybrid|bm25] [--strict] [--json]

kb import stores each document under the path as given; importing it again replaces its passages
when the file changed and leaves it alone when it did not. kb eval reads one JSON object a line:
{"question", "answer"?, "source"?, "answerable"?, "locale"?}; a question with neither source nor
answer (or "answerable": false) must be declined. Invalid lines are skipped with a warning;
--strict refuses to evaluate instead. docs/knowledge.md has the details.

Exit status: 0 done, 1 some documents failed (import) / nothing removed / nothing valid to
evaluate, 2 usage error.
`;

function usage(problem?: string): number {
  process.stderr.write(problem ? `${problem}\n${USAGE}` : USAGE);
  return problem ? 2 : 0;
}

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = storeFor(loadConfig());
  try {
    await store.init();
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Running services re-index the knowledge base when the store's marker moves (docs/knowledge.md). */
async function announce(store: Store): Promise<void> {
  const config = loadConfig();
  await announceChange(config.redisUrl, config.databaseSchema, await markChanged(store.blobs, "knowledge"));
}

/** `concierge kb import|list|remove|eval …` */
export async function kbCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === "-h" || sub === "--help" || sub === "help") return usage();
  const json = rest.includes("--json");
  const plain = rest.filter((a) => a !== "--json");
  if (sub === "import") return kbImport(plain, json);
  if (sub === "list") return plain.length ? usage(`kb list takes no arguments (got ${plain.join(" ")})`) : kbList(json);
  if (sub === "remove") return kbRemove(plain, json);
  if (sub === "eval") return kbEval(plain, json);
  return usage(`unknown kb command: ${sub}`);
}

async function kbImport(paths: string[], json: boolean): Promise<number> {
  const unknown = paths.find((p) => p.startsWith("-"));
  if (unknown) return usage(`unknown option: ${unknown}`);
  if (!paths.length) return usage("kb import: missing PATH");
  const files = await collectFiles(paths);
  if (!files.length) {
    say(`no documents found under ${paths.join(", ")} (.md .html .txt .pdf)`);
    return 1;
  }
  return withStore(async (store) => {
    const bar = createProgress("importing documents", files.length);
    const result = await importDocuments({ store: store.knowledge, files, onProgress: () => bar.tick() });
    bar.stop();
    if (result.added + result.updated) await announce(store);
    for (const item of result.items) if (item.status === "failed") say(`failed: ${item.path}: ${item.error}`);
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else
      process.stdout.write(
        `${result.items.map((i) => `${i.status.padEnd(9)} ${i.path}${i.passages !== undefined ? ` (${i.passages} passages)` : ""}`).join("\n")}\n` +
          `added ${result.added}, updated ${result.updated}, unchanged ${result.unchanged}, failed ${result.failed}\n`,
      );
    return result.failed ? 1 : 0;
  });
}

async function kbList(json: boolean): Promise<number> {
  return withStore(async (store) => {
    const docs = await store.knowledge.documents();
    if (json) {
      process.stdout.write(`${JSON.stringify({ documents: docs })}\n`);
      return 0;
    }
    if (!docs.length) process.stdout.write("the knowledge base is empty\n");
    for (const d of docs) process.stdout.write(`${d.id}  ${d.path}  "${d.title}"  ${d.format}${d.locale ? ` ${d.locale}` : ""}  ${d.passages} passages  ${new Date(d.importedAt).toISOString()}\n`);
    return 0;
  });
}

async function kbRemove(keys: string[], json: boolean): Promise<number> {
  const unknown = keys.find((p) => p.startsWith("-"));
  if (unknown) return usage(`unknown option: ${unknown}`);
  if (!keys.length) return usage("kb remove: missing PATH or ID");
  return withStore(async (store) => {
    const removed: { key: string; id: string | null; path: string | null }[] = [];
    for (const key of keys) {
      const doc = await store.knowledge.removeDocument(key.replace(/\/+$/, ""));
      removed.push({ key, id: doc?.id ?? null, path: doc?.path ?? null });
      if (!doc) say(`no document with the path or id ${key} (see concierge kb list)`);
    }
    if (removed.some((r) => r.id)) await announce(store);
    if (json) process.stdout.write(`${JSON.stringify({ removed })}\n`);
    else for (const r of removed) if (r.id) process.stdout.write(`removed ${r.path} (${r.id})\n`);
    return removed.every((r) => r.id) ? 0 : 1;
  });
}

async function kbEval(args: string[], json: boolean): Promise<number> {
  let file: string | undefined;
  let k = 5;
  let mode: RetrievalMode = "hybrid";
  let strict = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--questions") file = args[++i];
    else if (a === "--k") k = Number(args[++i]);
    else if (a === "--mode") mode = args[++i] as RetrievalMode;
    else if (a === "--strict") strict = true;
    else return usage(`unknown argument: ${a}`);
  }
  if (!file) return usage("kb eval: missing --questions FILE");
  if (!Number.isInteger(k) || k < 1) return usage("--k: must be a whole number of at least 1");
  if (mode !== "hybrid" && mode !== "bm25") return usage("--mode: must be hybrid or bm25");
  const read = await readQuestions(file, strict ? 20 : 5);
  if (read.errorCount && (strict || !read.questions.length)) {
    say(`${file}: ${read.errorCount} invalid line${read.errorCount === 1 ? "" : "s"}:`);
    for (const e of read.errors) say(`  ${e}`);
    say(strict ? `refusing to evaluate (--strict): fix the ${read.errorCount} problem${read.errorCount === 1 ? "" : "s"} in ${file} first` : `${file} has no valid questions: nothing to evaluate`);
    return 1;
  }
  if (read.errorCount) {
    say(`warning: skipped ${read.errorCount} invalid line${read.errorCount === 1 ? "" : "s"} in ${file} (${read.questions.length} kept; --strict refuses instead), first ${read.errors.length}:`);
    for (const e of read.errors) say(`  ${e}`);
  }
  if (!read.questions.length) {
    say(`${file} has no questions: nothing to evaluate`);
    return 1;
  }
  const embedder = await embedderForTool(loadConfig(), say);
  try {
    return await withStore(async (store) => {
      const kb = new KnowledgeBase({ store: store.knowledge, embedder, blobs: store.blobs });
      await kb.refresh();
      if (!kb.size) say("warning: the knowledge base is empty (concierge kb import PATH first): every question will be declined");
      const report = await evaluateKnowledge(kb, read.questions, { k, mode });
      if (json) process.stdout.write(`${JSON.stringify({ ...report, skipped: read.errorCount })}\n`);
      else process.stdout.write(`${formatReport(report)}\n`);
      return 0;
    });
  } finally {
    await embedder?.close();
  }
}
