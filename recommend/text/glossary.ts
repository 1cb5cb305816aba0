import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * The Chinese→English shop glossary (glossary-zh.tsv, a data file so a shop can extend it).
 * Entries of two or more characters are found by longest match inside a run of Chinese; single
 * characters (红, 包, 男) only when jieba cut them as a word of their own, so 白兰地 (brandy) is not "white".
 */
export interface Glossary {
  /** English words for a Chinese term, or undefined. */
  lookup(term: string): string | undefined;
  /** Longest term length, bounding the match window. */
  readonly maxLength: number;
  readonly size: number;
  /** Every (Chinese term, English words) pair. */
  entries(): [zh: string, en: string][];
}

export function parseGlossary(text: string, source = "glossary"): Glossary {
  const map = new Map<string, string>();
  let maxLength = 1;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith("#")) continue;
    const tab = line.indexOf("\t");
    if (tab <= 0) throw new Error(`${source}:${i + 1}: expected "term<TAB>english words"`);
    const term = line.slice(0, tab).trim().normalize("NFKC").toLowerCase();
    const english = line.slice(tab + 1).trim();
    if (!term || !english) throw new Error(`${source}:${i + 1}: empty term or translation`);
    // A term listed twice means both translations.
    const before = map.get(term);
    map.set(term, before ? `${before} ${english}` : english);
    maxLength = Math.max(maxLength, term.length);
  }
  return { lookup: (t) => map.get(t), maxLength, size: map.size, entries: () => [...map.entries()] };
}

let shared: Glossary | undefined;

/** The glossary shipped beside this file, read once. */
export function defaultGlossary(): Glossary {
  if (!shared) {
    const file = path.join(import.meta.dirname, "glossary-zh.tsv");
    shared = parseGlossary(readFileSync(file, "utf8"), file);
  }
  return shared;
}

/** The shipped glossary's (Chinese term, English words) pairs, e.g. for the NLU's lexicon. */
export function glossaryTerms(glossary: Glossary = defaultGlossary()): [zh: string, en: string][] {
  return glossary.entries();
}
