import { readFile } from "node:fs/promises";
import { z } from "zod";
import type { Locale } from "../core/turn.ts";
import type { KnowledgeBase } from "./base.ts";
import type { KbHit, RetrievalMode } from "./retriever.ts";

/**
 * A labelled question. It is unanswerable — the documents must decline it — when it has neither
 * `source` nor `answer`, or says `"answerable": false`.
 */
export const questionSchema = z.object({
  question: z.string().trim().min(1, "must not be empty"),
  /** Text the reply must contain (compared case- and width-insensitively, blanks collapsed). */
  answer: z.string().trim().min(1, "must not be empty").optional(),
  /** The document (its title or path) or section ("Title › Section") the answer is in. */
  source: z.string().trim().min(1, "must not be empty").optional(),
  answerable: z.boolean().optional(),
  locale: z.enum(["en", "zh"]).optional(),
});

export type LabelledQuestion = z.infer<typeof questionSchema>;

export interface QuestionFile {
  questions: LabelledQuestion[];
  /** "line N: field: problem", the first few. */
  errors: string[];
  errorCount: number;
}

/** Reads a questions file, one JSON object a line; blank lines are skipped, bad ones reported by line and field. */
export async function readQuestions(file: string, maxErrors = 5): Promise<QuestionFile> {
  const text = await readFile(file, "utf8");
  const questions: LabelledQuestion[] = [];
  const errors: string[] = [];
  let errorCount = 0;
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let problem: string | undefined;
    try {
      const parsed = questionSchema.safeParse(JSON.parse(line));
      if (parsed.success) questions.push(parsed.data);
      else problem = parsed.error.issues.map((issue) => `${issue.path.join(".") || "line"}: ${issue.message}`).join("; ");
    } catch {
      problem = "not valid JSON";
    }
    if (problem) {
      errorCount++;
      if (errors.length < maxErrors) errors.push(`line ${i + 1}: ${problem}`);
    }
  });
  return { questions, errors, errorCount };
}

export function isAnswerable(q: LabelledQuestion): boolean {
  return q.answerable ?? Boolean(q.source || q.answer);
}

function fold(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** Whether a hit is the expected source: its document's title or path, or its section title, names it. */
export function matchesSource(hit: KbHit, source: string): boolean {
  const want = fold(source);
  const section = fold([hit.document.title, ...hit.passage.headings.slice(1)].join(" › "));
  return [fold(hit.document.title), fold(hit.document.path), section].some((have) => have === want || have.endsWith(`/${want}`) || section.startsWith(`${want} › `) || section === want);
}

export interface QuestionOutcome {
  question: string;
  answerable: boolean;
  /** 1-based rank of the first passage from the expected source, 0 when none in the top k. */
  rank?: number;
  /** Whether the reply contains the expected answer. */
  contained?: boolean;
  declined: boolean;
  confidence: number;
  reply: string;
}

export interface KbEvalReport {
  mode: RetrievalMode;
  k: number;
  questions: number;
  /** Of the questions with a source: the share with a passage from it in the top k, and the mean reciprocal rank. */
  withSource: number;
  recallAtK: number | null;
  mrr: number | null;
  /** Of the questions with an expected answer: the share whose reply contains it. */
  withAnswer: number;
  answerContainment: number | null;
  /** Of the unanswerable questions: the share declined. */
  unanswerable: number;
  declinedCorrectly: number | null;
  /** Of the answerable questions: the share declined (an answer the shopper did not get). */
  answerable: number;
  declinedWrongly: number | null;
  outcomes: QuestionOutcome[];
}

const share = (hits: number, of: number) => (of ? hits / of : null);

/**
 * Runs every question through the knowledge base as the chat would (the shopper's language first,
 * the same confidence threshold) and scores retrieval, the templated reply and the declines.
 * `decline` is the reply given when the documents do not answer (none by default).
 */
export async function evaluateKnowledge(
  kb: KnowledgeBase,
  questions: LabelledQuestion[],
  options: { k?: number; mode?: RetrievalMode; decline?: (locale: Locale) => string } = {},
): Promise<KbEvalReport> {
  const k = options.k ?? 5;
  const mode = options.mode ?? "hybrid";
  const outcomes: QuestionOutcome[] = [];
  for (const q of questions) {
    const locale: Locale = q.locale ?? (/[\u3400-\u9fff]/.test(q.question) ? "zh" : "en");
    const lookup = await kb.ask(q.question, locale, { mode });
    // Retrieval is scored on the ranking over every document, as a shop's eval names sources in any language.
    const ranked = (await kb.search(q.question, { k, mode })).hits;
    const reply = lookup.answerable && lookup.text ? lookup.text : (options.decline?.(locale) ?? "");
    const outcome: QuestionOutcome = { question: q.question, answerable: isAnswerable(q), declined: !lookup.answerable, confidence: Number(lookup.confidence.toFixed(4)), reply };
    if (q.source) {
      const at = ranked.findIndex((h) => matchesSource(h, q.source!));
      outcome.rank = at + 1;
    }
    if (q.answer) outcome.contained = fold(reply).includes(fold(q.answer));
    outcomes.push(outcome);
  }
  const sourced = outcomes.filter((o) => o.rank !== undefined);
  const answered = outcomes.filter((o) => o.contained !== undefined);
  const unanswerable = outcomes.filter((o) => !o.answerable);
  const answerable = outcomes.filter((o) => o.answerable);
  return {
    mode,
    k,
    questions: outcomes.length,
    withSource: sourced.length,
    recallAtK: share(sourced.filter((o) => o.rank! > 0).length, sourced.length),
    mrr: sourced.length ? sourced.reduce((s, o) => s + (o.rank! > 0 ? 1 / o.rank! : 0), 0) / sourced.length : null,
    withAnswer: answered.length,
    answerContainment: share(answered.filter((o) => o.contained).length, answered.length),
    unanswerable: unanswerable.length,
    declinedCorrectly: share(unanswerable.filter((o) => o.declined).length, unanswerable.length),
    answerable: answerable.length,
    declinedWrongly: share(answerable.filter((o) => o.declined).length, answerable.length),
    outcomes,
  };
}

const pct = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(1)}%`);

/** The report as lines for a terminal. */
export function formatReport(r: KbEvalReport): string {
  return [
    `questions: ${r.questions} (${r.answerable} answerable, ${r.unanswerable} unanswerable) — retrieval: ${r.mode}`,
    `passage recall@${r.k}: ${pct(r.recallAtK)}   MRR: ${r.mrr === null ? "n/a" : r.mrr.toFixed(3)}   (${r.withSource} questions with a source)`,
    `answer containment: ${pct(r.answerContainment)}   (${r.withAnswer} questions with an answer)`,
    `unanswerable declined: ${pct(r.declinedCorrectly)}   answerable declined: ${pct(r.declinedWrongly)}`,
  ].join("\n");
}
