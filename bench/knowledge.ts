/**
 * Knowledge-base figures: `kb eval` on the demo documents (EN + ZH) with the shipped question sets,
 * and on a public FAQ set when its files are given, hybrid retrieval beside BM25 alone on the same
 * questions. Also the decline-threshold sweep on the calibration questions, which is where
 * DEFAULT_MIN_CONFIDENCE comes from. Figures only.
 *
 *   nice -n 10 npx tsx bench/knowledge.ts [--stackfaq stackExchange-FAQ.json] [--json]
 *
 * --stackfaq: the StackFAQ file (bench/knowledge/stackfaq.ts says what it is and how it is used).
 *
 * The built-in vectors only (no downloaded embedding model), so every machine gets the same figures.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  collectFiles,
  DEFAULT_MIN_CONFIDENCE,
  DEMO_KB_DIR,
  evaluateKnowledge,
  importDocuments,
  isAnswerable,
  type KbEvalReport,
  KnowledgeBase,
  type LabelledQuestion,
  readQuestions,
  type RetrievalMode,
} from "../knowledge/index.ts";
import { createStore, type Store } from "../store/index.ts";
import { prepareStackFaq } from "./knowledge/stackfaq.ts";

const argOf = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const here = import.meta.dirname;
const json = process.argv.includes("--json");
const K = 5;

async function openKb(docs: string[], minConfidence?: number): Promise<{ store: Store; dir: string; kb: (t?: number) => KnowledgeBase }> {
  const dir = await mkdtemp(path.join(tmpdir(), "concierge-kb-bench-"));
  const store = createStore({ dataDir: dir });
  await store.init();
  const result = await importDocuments({ store: store.knowledge, files: await collectFiles(docs) });
  if (result.failed) process.stderr.write(`${result.failed} documents failed: ${result.items.filter((i) => i.error).map((i) => `${i.path}: ${i.error}`).join("; ")}\n`);
  const built = new Map<number, KnowledgeBase>();
  return {
    store,
    dir,
    kb: (t = minConfidence ?? DEFAULT_MIN_CONFIDENCE) => {
      let kb = built.get(t);
      if (!kb) {
        kb = new KnowledgeBase({ store: store.knowledge, minConfidence: t });
        built.set(t, kb);
      }
      return kb;
    },
  };
}

/** Balanced accuracy of answer-or-decline at each threshold: the mean of answerable answered and unanswerable declined. */
async function sweep(kb: KnowledgeBase, questions: LabelledQuestion[], mode: RetrievalMode): Promise<{ threshold: number; answered: number; declined: number; balanced: number }[]> {
  const scored = [];
  for (const q of questions) {
    const locale = q.locale ?? (/[\u3400-\u9fff]/.test(q.question) ? "zh" : "en");
    scored.push({ answerable: isAnswerable(q), confidence: (await kb.ask(q.question, locale, { mode })).confidence });
  }
  const pos = scored.filter((s) => s.answerable);
  const neg = scored.filter((s) => !s.answerable);
  const rows = [];
  for (let t = 0.05; t < 0.951; t += 0.05) {
    const threshold = Math.round(t * 100) / 100;
    const answered = pos.filter((s) => s.confidence >= threshold).length / (pos.length || 1);
    const declined = neg.filter((s) => s.confidence < threshold).length / (neg.length || 1);
    rows.push({ threshold, answered, declined, balanced: (answered + declined) / 2 });
  }
  return rows;
}

/** The middle of the widest run of thresholds with the best balanced accuracy. */
function best(rows: { threshold: number; balanced: number }[]): number {
  const top = Math.max(...rows.map((r) => r.balanced));
  const runs: number[][] = [];
  let run: number[] = [];
  for (const r of rows) {
    if (Math.abs(r.balanced - top) < 1e-9) run.push(r.threshold);
    else if (run.length) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length) runs.push(run);
  const widest = runs.sort((a, b) => b.length - a.length)[0]!;
  return widest[Math.floor((widest.length - 1) / 2)]!;
}

const pct = (x: number | null) => (x === null ? "  n/a" : `${(x * 100).toFixed(1).padStart(5)}%`);
function row(name: string, r: KbEvalReport): string {
  return `| ${name} | ${r.mode} | ${r.questions} | ${pct(r.recallAtK)} | ${r.mrr === null ? "n/a" : r.mrr.toFixed(3)} | ${pct(r.answerContainment)} | ${pct(r.declinedCorrectly)} | ${pct(r.declinedWrongly)} |`;
}
const HEADER = `| set | retrieval | questions | recall@${K} | MRR | answer contained | unanswerable declined | answerable declined |\n|---|---|---|---|---|---|---|---|`;

const out: Record<string, unknown> = {};
let bm25Threshold = DEFAULT_MIN_CONFIDENCE;
const lines: string[] = [];

// ── the demo knowledge base ─────────────────────────────────────────────────────────────────
{
  const demo = await openKb([DEMO_KB_DIR]);
  const calibration = (await readQuestions(path.join(here, "knowledge/demo-calibration.jsonl"))).questions;
  const heldOut = (await readQuestions(path.join(here, "knowledge/demo-questions.jsonl"))).questions;
  const thresholds: Record<string, number> = {};
  for (const mode of ["hybrid", "bm25"] as RetrievalMode[]) {
    const rows = await sweep(demo.kb(0), calibration, mode);
    thresholds[mode] = best(rows);
    out[`sweep_${mode}`] = rows;
    const at = rows.find((r) => r.threshold === thresholds[mode])!;
    lines.push(`decline threshold (${mode}), calibration set (${calibration.length} questions): best ${thresholds[mode]} (balanced accuracy ${pct(at.balanced)})`);
    lines.push(rows.map((r) => `  ${r.threshold.toFixed(2)}: answered ${pct(r.answered)} declined ${pct(r.declined)} balanced ${pct(r.balanced)}`).join("\n"));
  }
  bm25Threshold = thresholds.bm25!;
  lines.push(`shipped DEFAULT_MIN_CONFIDENCE: ${DEFAULT_MIN_CONFIDENCE}`, "", HEADER);
  for (const [name, qs] of [["demo held-out", heldOut], ["demo calibration", calibration]] as const) {
    for (const mode of ["hybrid", "bm25"] as RetrievalMode[]) {
      // Each at its own calibrated threshold, so the baseline is not handicapped by the hybrid's.
      const t = thresholds[mode]!;
      const report = await evaluateKnowledge(demo.kb(t), qs, { k: K, mode });
      out[`${name} ${mode}`] = { ...report, outcomes: undefined, threshold: t };
      lines.push(row(name, report));
      if (process.argv.includes("--misses")) for (const o of report.outcomes) if ((o.rank === 0) || o.contained === false || o.declined === o.answerable) process.stderr.write(`  miss [${mode}] ${o.question} rank=${o.rank} contained=${o.contained} declined=${o.declined} conf=${o.confidence}\n    ${o.reply.slice(0, 160)}\n`);
    }
  }
  await demo.store.close();
  await rm(demo.dir, { recursive: true, force: true });
}

// ── a public FAQ set: StackFAQ ──────────────────────────────────────────────────────────────
const stackfaq = argOf("stackfaq");
if (stackfaq) {
  const work = await mkdtemp(path.join(tmpdir(), "concierge-stackfaq-"));
  const set = await prepareStackFaq(stackfaq, work);
  const pub = await openKb([set.docs]);
  const questions = (await readQuestions(set.questions)).questions;
  lines.push("", `StackFAQ: ${set.threads} threads, ${set.answerable} answerable and ${set.unanswerable} unanswerable rephrasings (threads left out)`);
  for (const mode of ["hybrid", "bm25"] as RetrievalMode[]) {
    // The demo's calibrated thresholds, not tuned on this set.
    const t = mode === "hybrid" ? DEFAULT_MIN_CONFIDENCE : bm25Threshold;
    const report = await evaluateKnowledge(pub.kb(t), questions, { k: K, mode });
    out[`stackfaq ${mode}`] = { ...report, outcomes: undefined, threshold: t };
    lines.push(row("StackFAQ", report));
  }
  await pub.store.close();
  await rm(pub.dir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
}

process.stdout.write(json ? `${JSON.stringify(out)}\n` : `${lines.join("\n")}\n`);
