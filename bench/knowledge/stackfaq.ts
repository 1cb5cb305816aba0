/**
 * StackFAQ (Karan & Šnajder, "Paraphrase-focused learning to rank for domain-specific frequently
 * asked questions retrieval", Expert Systems with Applications 91, 2018): 125 Stack Exchange threads,
 * each with the question, its top answers, and about ten people's rephrasings of the need. Stack
 * Exchange content is CC BY-SA; the file is not shipped, see docs/knowledge.md for where to get it.
 *
 * As a knowledge base: each thread becomes one Markdown document (the question its title, the
 * answers its text); each rephrasing a question whose source is that document. Every tenth thread
 * is left out of the knowledge base, and its rephrasings become unanswerable questions that must be
 * declined: what a shop's documents do not cover, asked in the same words as what they do.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

interface Thread {
  question: string;
  answer: string | string[] | null;
  rephr: (string | null)[] | string | null;
}

export async function prepareStackFaq(file: string, outDir: string): Promise<{ docs: string; questions: string; threads: number; answerable: number; unanswerable: number }> {
  const raw = JSON.parse(await readFile(file, "utf8")) as { root: { qapair: Thread[] } };
  const docs = path.join(outDir, "docs");
  await mkdir(docs, { recursive: true });
  const lines: string[] = [];
  let answerable = 0;
  let unanswerable = 0;
  for (const [i, t] of raw.root.qapair.entries()) {
    const title = t.question.replace(/\s+/g, " ").trim();
    const answers = (Array.isArray(t.answer) ? t.answer : [t.answer ?? ""]).map((a) => (a ?? "").replace(/\s+/g, " ").trim()).filter(Boolean);
    const rephrasings = (Array.isArray(t.rephr) ? t.rephr : [t.rephr]).map((r) => (r ?? "").trim()).filter((r) => r && r !== "*");
    const heldOut = i % 10 === 9;
    if (!heldOut) await writeFile(path.join(docs, `thread-${String(i).padStart(3, "0")}.md`), `# ${title}\n\n${answers.map((a, n) => `## Answer ${n + 1}\n\n${a}`).join("\n\n")}\n`);
    for (const q of rephrasings) {
      lines.push(JSON.stringify(heldOut ? { question: q } : { question: q, source: title }));
      if (heldOut) unanswerable++;
      else answerable++;
    }
  }
  const questions = path.join(outDir, "questions.jsonl");
  await writeFile(questions, `${lines.join("\n")}\n`);
  return { docs, questions, threads: raw.root.qapair.length, answerable, unanswerable };
}
