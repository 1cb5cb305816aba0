import type { Locale } from "../../core/turn.ts";
import { type RecordFacts, recordFacts } from "../grounded/facts.ts";
import type { CopyProduct } from "./types.ts";

/** Copy keeps to one product's record, through the fact check chat replies pass too (llm/grounded/facts.ts). */
export type CopyFacts = RecordFacts;

export function copyFacts(product: CopyProduct, locale: Locale): CopyFacts {
  return recordFacts([product], locale);
}

export { type FactProblem, factProblems, keepFactualSentences } from "../grounded/facts.ts";
