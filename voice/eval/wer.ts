import { spokenWords } from "../text/spoken.ts";

/** British and variant spellings folded to one form, so "colour" heard as "color" is not an error. */
const SPELLINGS: Record<string, string> = {
  colour: "color",
  colours: "colors",
  favourite: "favorite",
  favourites: "favorites",
  centre: "center",
  jewellery: "jewelry",
  grey: "gray",
  okay: "ok",
  cancelled: "canceled",
  catalogue: "catalog",
  organise: "organize",
  personalise: "personalize",
  personalised: "personalized",
  personalisation: "personalization",
  recognise: "recognize",
  licence: "license",
  cheque: "check",
  aluminium: "aluminum",
  pyjamas: "pajamas",
  tyre: "tire",
  tyres: "tires",
  whats: "what's",
};
const FILLERS = new Set(["uh", "um", "er", "erm", "hmm", "mm"]);

/**
 * Both sides of a word-error comparison in one form: spoken words (numbers as words, "$5" → five
 * dollars, "%" → percent, acronyms as letters), lower case, no punctuation, common spelling
 * variants folded, fillers dropped.
 */
export function normalizeForWer(text: string): string[] {
  const words = spokenWords(text.replace(/\bper cent\b/gi, "percent"));
  return words.map((w) => (Object.hasOwn(SPELLINGS, w) ? SPELLINGS[w] : w)).filter((w) => !FILLERS.has(w));
}

export interface WordErrors {
  substitutions: number;
  deletions: number;
  insertions: number;
  /** Words in the reference. */
  words: number;
}

/** Minimum edit (Levenshtein) alignment of word sequences, counting each kind of error. */
export function wordErrors(reference: string[], hypothesis: string[]): WordErrors {
  const n = reference.length;
  const m = hypothesis.length;
  // cost[j] for the current row, with the error kinds carried alongside for the chosen path.
  type Cell = { cost: number; s: number; d: number; i: number };
  let prev: Cell[] = Array.from({ length: m + 1 }, (_, j) => ({ cost: j, s: 0, d: 0, i: j }));
  for (let r = 1; r <= n; r++) {
    const row: Cell[] = [{ cost: r, s: 0, d: r, i: 0 }];
    for (let j = 1; j <= m; j++) {
      const same = reference[r - 1] === hypothesis[j - 1];
      const diag = prev[j - 1];
      const up = prev[j];
      const left = row[j - 1];
      const viaDiag = diag.cost + (same ? 0 : 1);
      const viaUp = up.cost + 1;
      const viaLeft = left.cost + 1;
      if (viaDiag <= viaUp && viaDiag <= viaLeft) row.push({ cost: viaDiag, s: diag.s + (same ? 0 : 1), d: diag.d, i: diag.i });
      else if (viaUp <= viaLeft) row.push({ cost: viaUp, s: up.s, d: up.d + 1, i: up.i });
      else row.push({ cost: viaLeft, s: left.s, d: left.d, i: left.i + 1 });
    }
    prev = row;
  }
  const last = prev[m];
  return { substitutions: last.s, deletions: last.d, insertions: last.i, words: n };
}

/** Word error rate of one pair of texts after normalisation. */
export function wer(reference: string, hypothesis: string): number {
  const e = wordErrors(normalizeForWer(reference), normalizeForWer(hypothesis));
  return e.words === 0 ? (e.insertions > 0 ? 1 : 0) : (e.substitutions + e.deletions + e.insertions) / e.words;
}

/** Corpus WER: all errors over all reference words (not the mean of per-sentence rates, which overweights short sentences). */
export function corpusWer(pairs: { reference: string; hypothesis: string }[]): number {
  let errors = 0;
  let words = 0;
  for (const p of pairs) {
    const e = wordErrors(normalizeForWer(p.reference), normalizeForWer(p.hypothesis));
    errors += e.substitutions + e.deletions + e.insertions;
    words += e.words;
  }
  return words === 0 ? 0 : errors / words;
}
