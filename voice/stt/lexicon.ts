import { readFile } from "node:fs/promises";
import { letterToSound } from "./g2p.ts";

/** A pronouncing dictionary: word → one or more phone strings (Sphinx format, "word(2)" for variants). */
export type Pronunciations = Map<string, string[][]>;

const cache = new Map<string, Promise<Pronunciations>>();

/** Reads a Sphinx dictionary once per process (the CMU one is 134k words, ~3 MB). */
export function loadDictionary(file: string): Promise<Pronunciations> {
  let loading = cache.get(file);
  if (!loading) {
    loading = readFile(file, "utf8").then((text) => {
      const dict: Pronunciations = new Map();
      for (const line of text.split("\n")) {
        const parts = line.trim().split(/\s+/);
        if (parts.length < 2) continue;
        const word = parts[0].replace(/\(\d+\)$/, "").toLowerCase();
        const list = dict.get(word);
        if (list) list.push(parts.slice(1));
        else dict.set(word, [parts.slice(1)]);
      }
      return dict;
    });
    loading.catch(() => cache.delete(file));
    cache.set(file, loading);
  }
  return loading;
}

/**
 * Words the dictionary lacks: "espeak" asks espeak-ng's letter-to-sound rules; "compound" joins the
 * pronunciations of dictionary words the word splits into (peak+form); "compound+espeak" tries the
 * split first; "drop" leaves them out. bench/voice-tune.ts measures them.
 */
export type FallbackMode = "espeak" | "compound" | "compound+espeak" | "drop";

export interface LexiconResult {
  /** Every word that can be recognised, with its pronunciations. */
  entries: Pronunciations;
  /** Words the dictionary lacked and how each was handled. */
  compound: string[];
  letterToSound: string[];
  dropped: string[];
}

/** "peakform" → peak + form, when every part is a dictionary word of 3+ letters (at most 3 parts). */
function splitCompound(word: string, dict: Pronunciations, parts = 3): string[] | undefined {
  if (dict.has(word) && word.length >= 3) return [word];
  if (parts === 1) return undefined;
  for (let cut = word.length - 3; cut >= 3; cut--) {
    const head = word.slice(0, cut);
    if (!dict.has(head)) continue;
    const rest = splitCompound(word.slice(cut), dict, parts - 1);
    if (rest) return [head, ...rest];
  }
  return undefined;
}

/** Pronunciations for a vocabulary: the dictionary's own, then the fallback's; what is left is dropped (the recogniser cannot output it). */
export async function buildLexicon(vocabulary: Iterable<string>, dict: Pronunciations, mode: FallbackMode = "espeak"): Promise<LexiconResult> {
  const entries: Pronunciations = new Map();
  const missing: string[] = [];
  for (const w of vocabulary) {
    const known = dict.get(w);
    if (known) entries.set(w, known);
    else missing.push(w);
  }
  const compound: string[] = [];
  const unresolved: string[] = [];
  for (const w of missing) {
    const parts = mode === "compound" || mode === "compound+espeak" ? splitCompound(w.replace(/'/g, ""), dict) : undefined;
    if (parts && parts.length > 1) {
      entries.set(w, [parts.flatMap((p) => dict.get(p)![0])]);
      compound.push(w);
    } else unresolved.push(w);
  }
  const lts: string[] = [];
  if ((mode === "espeak" || mode === "compound+espeak") && unresolved.length) {
    const found = await letterToSound(unresolved.filter((w) => /^[a-z']+$/.test(w)));
    for (const [w, phones] of found) {
      entries.set(w, [phones]);
      lts.push(w);
    }
  }
  const dropped = unresolved.filter((w) => !entries.has(w));
  return { entries, compound, letterToSound: lts, dropped };
}

/** The dictionary file pocketsphinx reads: one line per pronunciation, variants numbered. */
export function formatDictionary(entries: Pronunciations): string {
  const lines: string[] = [];
  for (const w of [...entries.keys()].sort()) {
    for (const [i, phones] of entries.get(w)!.entries()) lines.push(`${i === 0 ? w : `${w}(${i + 1})`} ${phones.join(" ")}`);
  }
  return lines.join("\n") + "\n";
}
