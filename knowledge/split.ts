import type { Block, ReadDocument } from "./read/index.ts";
import { endsInCjk, sentences, textWeight } from "./sentences.ts";

export interface SplitPassage {
  /** The document title first, then the headings above the passage. */
  headings: string[];
  text: string;
}

export interface SplitOptions {
  /** Target size of a passage in Latin characters (a Chinese character weighs three); default 700. */
  maxWeight?: number;
}

/**
 * Passages of a document: the text under each heading, in pieces of at most `maxWeight`, cut between
 * blocks and, for a block longer than that, between sentences. Each passage keeps its heading path,
 * so "30 days" under Returns › Refunds is found by "refund" and read as being about refunds.
 */
export function splitDocument(doc: ReadDocument, title: string, options: SplitOptions = {}): SplitPassage[] {
  const max = options.maxWeight ?? 700;
  const out: SplitPassage[] = [];
  const stack: { level: number; text: string }[] = [];
  let pieces: string[] = [];
  let weight = 0;
  const path = () => [title, ...stack.map((h) => h.text).filter((t, i) => !(i === 0 && t === title))];
  const flush = () => {
    if (pieces.length) out.push({ headings: path(), text: pieces.join("\n") });
    pieces = [];
    weight = 0;
  };
  const add = (text: string) => {
    const w = textWeight(text);
    if (weight && weight + w > max) flush();
    pieces.push(text);
    weight += w;
  };
  for (const block of doc.blocks as Block[]) {
    if (block.kind === "heading") {
      flush();
      while (stack.length && stack[stack.length - 1]!.level >= block.level) stack.pop();
      stack.push({ level: block.level, text: block.text });
      continue;
    }
    if (textWeight(block.text) <= max) {
      add(block.text);
      continue;
    }
    // One long block: cut between its sentences, each cut a passage of its own.
    let run = "";
    for (const s of sentences(block.text)) {
      const joined = run ? `${run}${endsInCjk(run) ? "" : " "}${s}` : s;
      if (run && textWeight(joined) > max) {
        add(run);
        run = s;
      } else run = joined;
    }
    if (run) add(run);
  }
  flush();
  return out;
}
