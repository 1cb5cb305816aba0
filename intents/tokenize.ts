import { createRequire } from "node:module";
import type { Jieba } from "@node-rs/jieba";

/**
 * Text normalisation and word segmentation shared by the NLU: English (and other space-separated
 * scripts) split on non-letters, Chinese segmented by jieba. The classifier's features and the
 * entity extractor both start here, so they agree on what a "word" is.
 */

/** NFKC folds full-width forms (ＡＢＣ１２３, ，) to their ASCII twins; case carries no intent. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/[’‘`´]/g, "'");
}

/** CJK ideographs (incl. extension A and compatibility ideographs): scripts written without spaces. */
export function isCjkCode(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x3040 && code <= 0x30ff) // kana, so Japanese text at least falls into character n-grams
  );
}

export function hasCjk(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isCjkCode(text.charCodeAt(i))) return true;
  return false;
}

export interface Segment {
  /** "word": a run of letters/digits (apostrophes inside kept); "cjk": a run of CJK characters. */
  kind: "word" | "cjk";
  text: string;
}

// Letters and digits, but not CJK (those form their own runs); an inner apostrophe keeps "don't" whole.
const SEGMENT = /([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|((?:(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[\p{L}\p{N}\p{M}])+(?:'(?:(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[\p{L}\p{N}\p{M}])+)*)/gu;

/** Splits already-normalised text into word runs and CJK runs, dropping punctuation and spaces. */
export function segment(normalized: string): Segment[] {
  const out: Segment[] = [];
  for (const m of normalized.matchAll(SEGMENT)) {
    if (m[1]) out.push({ kind: "cjk", text: m[1] });
    else if (m[2]) out.push({ kind: "word", text: m[2] });
  }
  return out;
}

let jieba: Jieba | undefined;

/** Jieba with its bundled dictionary; loaded on first Chinese text (~1 s), then shared. */
export function getJieba(): Jieba {
  if (!jieba) {
    // createRequire keeps the native addon out of module start-up for English-only use.
    const require = createRequire(import.meta.url);
    const { Jieba: JiebaClass } = require("@node-rs/jieba") as typeof import("@node-rs/jieba");
    const { dict } = require("@node-rs/jieba/dict.js") as { dict: Uint8Array };
    jieba = JiebaClass.withDict(dict);
  }
  return jieba;
}

/** Segments a CJK run into words with jieba (no HMM: dictionary words are steadier features). */
export function cutCjk(run: string): string[] {
  return getJieba()
    .cut(run, false)
    .filter((w) => w.trim() !== "");
}

/** Normalised words of a text: space-separated words as written, Chinese segmented by jieba. */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  for (const seg of segment(normalizeText(text))) {
    if (seg.kind === "word") words.push(seg.text);
    else for (const w of cutCjk(seg.text)) words.push(w);
  }
  return words;
}
