import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type { Jieba } from "@node-rs/jieba";
import { defaultGlossary, type Glossary } from "./glossary.ts";
import { stemEnglish } from "./stem.ts";
import { STOPWORDS } from "./stopwords.ts";

/**
 * The one tokeniser behind BM25 and the built-in embedder, so lexical and vector retrieval agree on
 * what a term is. English: lower-case words, light stemming, hyphenated words also joined
 * ("t-shirt" → t, shirt, tshirt). Chinese: jieba words, character bigrams of longer runs (recall
 * when jieba cuts the catalogue and the query differently), and English concept words from the
 * glossary (跑鞋 → run, shoe), which is what lets "跑鞋" and "running shoes" meet.
 */

const CJK_CLASS = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
// A CJK run, or a run of letters/digits with inner apostrophes or hyphens ("men's", "t-shirt").
const SEGMENT = new RegExp(
  `([${CJK_CLASS}]+)|((?:(?![${CJK_CLASS}])[\\p{L}\\p{N}\\p{M}])+(?:['\\-](?:(?![${CJK_CLASS}])[\\p{L}\\p{N}\\p{M}])+)*)`,
  "gu",
);
const CJK_CHAR = new RegExp(`[${CJK_CLASS}]`);

export function hasCjk(text: string): boolean {
  return CJK_CHAR.test(text);
}

/** NFKC folds full-width forms (ＡＢＣ１２３) to ASCII; curly apostrophes become straight. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/[’‘`´]/g, "'");
}

let jieba: Jieba | undefined;

/** Jieba with its bundled dictionary, loaded on the first Chinese text (~0.5 s), then shared. */
function getJieba(): Jieba {
  if (!jieba) {
    // createRequire keeps the native addon and its dictionary out of start-up for English-only shops.
    const require = createRequire(import.meta.url);
    const { Jieba: JiebaClass } = require("@node-rs/jieba") as typeof import("@node-rs/jieba");
    const { dict } = require("@node-rs/jieba/dict.js") as { dict: Uint8Array };
    jieba = JiebaClass.withDict(dict);
  }
  return jieba;
}

// Brand names, category words and stock phrases recur across a catalogue: remember recent cuts.
const cutCache = new Map<string, string[]>();
const CUT_CACHE_MAX = 50_000;

/** Jieba's words of a Chinese run (HMM on, so unknown names stay together), blanks dropped. */
export function cutChinese(run: string): string[] {
  const hit = cutCache.get(run);
  if (hit) return hit;
  const words = getJieba()
    .cut(run, true)
    .filter((w) => w.trim() !== "");
  if (cutCache.size >= CUT_CACHE_MAX) cutCache.clear();
  cutCache.set(run, words);
  return words;
}

export interface TokenizeOptions {
  /** Character bigrams of Chinese runs of 3+ characters (default true). */
  bigrams?: boolean;
  /** English concept words from the glossary for Chinese terms (default true). */
  concepts?: boolean;
  glossary?: Glossary;
}

function pushWord(word: string, out: string[]): void {
  // "men's" → "men"; other inner apostrophes are dropped ("don't" → "dont").
  const w = word.replace(/'s$/, "").replace(/'/g, "");
  if (!w || STOPWORDS.has(w)) return;
  out.push(stemEnglish(w));
}

function pushLatin(run: string, out: string[]): void {
  if (run.includes("-")) {
    const parts = run.split("-").filter(Boolean);
    for (const p of parts) pushWord(p, out);
    const joined = parts.join("");
    if (parts.length > 1 && joined.length <= 24) pushWord(joined, out);
    return;
  }
  pushWord(run, out);
}

const conceptCache = new WeakMap<Glossary, Map<string, string[]>>();

/** The English words of a glossary entry, through the same English path as any other text. */
function conceptTokens(glossary: Glossary, english: string): string[] {
  let cache = conceptCache.get(glossary);
  if (!cache) {
    cache = new Map();
    conceptCache.set(glossary, cache);
  }
  let tokens = cache.get(english);
  if (!tokens) {
    tokens = [];
    for (const m of english.toLowerCase().matchAll(SEGMENT)) if (m[2]) pushLatin(m[2], tokens);
    cache.set(english, tokens);
  }
  return tokens;
}

function pushCjk(run: string, out: string[], o: Required<TokenizeOptions>): void {
  const words = cutChinese(run);
  for (const w of words) {
    if (STOPWORDS.has(w)) continue;
    out.push(w);
    if (o.concepts && w.length === 1) {
      const english = o.glossary.lookup(w);
      if (english) out.push(...conceptTokens(o.glossary, english));
    }
  }
  if (o.concepts) {
    // Longest match of multi-character terms, whatever jieba made of the run.
    for (let i = 0; i < run.length; ) {
      let matched = 0;
      for (let len = Math.min(o.glossary.maxLength, run.length - i); len >= 2; len--) {
        const english = o.glossary.lookup(run.slice(i, i + len));
        if (english) {
          out.push(...conceptTokens(o.glossary, english));
          matched = len;
          break;
        }
      }
      i += matched || 1;
    }
  }
  if (o.bigrams && run.length >= 3) {
    // Bigrams inside the stretches between stopwords, so "我想买" yields no "我想"/"想买".
    const seen = new Set(words);
    let stretch = "";
    for (const w of [...words, ""]) {
      if (w && !STOPWORDS.has(w)) {
        stretch += w;
        continue;
      }
      if (stretch.length >= 3) {
        for (let i = 0; i + 2 <= stretch.length; i++) {
          const bigram = stretch.slice(i, i + 2);
          if (!seen.has(bigram)) out.push(bigram);
        }
      }
      stretch = "";
    }
  }
}

/** Terms of a text, duplicates kept (term frequency matters to BM25 and TF-IDF). */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const o: Required<TokenizeOptions> = {
    bigrams: options.bigrams ?? true,
    concepts: options.concepts ?? true,
    glossary: options.glossary ?? defaultGlossary(),
  };
  const out: string[] = [];
  let normalized = normalizeText(text);
  // "T恤" straddles two scripts, so the segmenter would split it before the glossary sees it.
  if (o.concepts && normalized.includes("t恤")) normalized = normalized.replace(/t恤/g, " tshirt 恤 ");
  for (const m of normalized.matchAll(SEGMENT)) {
    if (m[1]) pushCjk(m[1], out, o);
    else if (m[2]) pushLatin(m[2], out);
  }
  return out;
}

/**
 * One word of a query (or a glossary phrase spanning several jieba words) and the ways a product
 * can match it. Alternatives are scored as max, terms within one as sum: 红色 matches a Chinese
 * product by its literal word or an English one by "red" — never both, so a Chinese query does not
 * favour Chinese products just because they match it twice (literally and through the glossary).
 */
export interface QueryGroup {
  /** The words as the shopper wrote them (case kept), for quoting in reasons. */
  text: string;
  cjk: boolean;
  /** Each alternative is a list of terms that together express the word. */
  alternatives: string[][];
}

function bigramsOf(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 2 <= word.length; i++) out.push(word.slice(i, i + 2));
  return out;
}

function cjkGroups(run: string, glossary: Glossary, out: QueryGroup[]): void {
  const words: { w: string; start: number }[] = [];
  let at = 0;
  for (const w of getJieba().cut(run, true)) {
    const start = run.indexOf(w, at);
    at = start >= 0 ? start + w.length : at;
    if (w.trim()) words.push({ w, start: Math.max(start, 0) });
  }
  const spans: { start: number; end: number; english: string }[] = [];
  for (let i = 0; i < run.length; ) {
    let matched = 0;
    for (let len = Math.min(glossary.maxLength, run.length - i); len >= 2; len--) {
      const english = glossary.lookup(run.slice(i, i + len));
      if (english) {
        spans.push({ start: i, end: i + len, english });
        matched = len;
        break;
      }
    }
    i += matched || 1;
  }
  const used = new Set<number>();
  const pending: { start: number; group: QueryGroup }[] = [];
  for (const span of spans) {
    const inside: { w: string; start: number }[] = [];
    words.forEach((x, i) => {
      if (x.start < span.start || x.start >= span.end || used.has(i)) return;
      used.add(i);
      inside.push(x);
    });
    const literal = inside.map((x) => x.w).filter((w) => !STOPWORDS.has(w));
    const end = Math.max(span.end, ...inside.map((x) => x.start + x.w.length));
    const alternatives = [conceptTokens(glossary, span.english)];
    if (literal.length) alternatives.unshift(literal);
    if (literal.length === 1 && literal[0]!.length >= 3) alternatives.push(bigramsOf(literal[0]!));
    pending.push({ start: span.start, group: { text: run.slice(span.start, end), cjk: true, alternatives } });
  }
  words.forEach((x, i) => {
    if (used.has(i) || STOPWORDS.has(x.w)) return;
    const alternatives = [[x.w]];
    const english = x.w.length === 1 ? glossary.lookup(x.w) : undefined;
    if (english) alternatives.push(conceptTokens(glossary, english));
    if (x.w.length >= 3) alternatives.push(bigramsOf(x.w));
    pending.push({ start: x.start, group: { text: x.w, cjk: true, alternatives } });
  });
  out.push(...pending.sort((a, b) => a.start - b.start).map((p) => p.group));
}

/** The query as groups of alternatives (see QueryGroup); words that are only stopwords drop out. */
export function analyzeQuery(text: string, glossary: Glossary = defaultGlossary()): QueryGroup[] {
  const out: QueryGroup[] = [];
  let source = text.normalize("NFKC").replace(/[’‘`´]/g, "'");
  if (/t恤/i.test(source)) source = source.replace(/t恤/gi, " T-shirt ");
  for (const m of source.matchAll(SEGMENT)) {
    if (m[1]) {
      cjkGroups(m[1], glossary, out);
      continue;
    }
    const word = m[2]!;
    const lower = word.toLowerCase();
    if (lower.includes("-")) {
      const parts: string[] = [];
      for (const p of lower.split("-").filter(Boolean)) pushWord(p, parts);
      const joined: string[] = [];
      pushWord(lower.replace(/-/g, ""), joined);
      const alternatives = [parts, joined].filter((a) => a.length);
      if (alternatives.length) out.push({ text: word, cjk: false, alternatives });
      continue;
    }
    const terms: string[] = [];
    pushWord(lower, terms);
    if (terms.length) out.push({ text: word, cjk: false, alternatives: [terms] });
  }
  return out;
}

/** Every term of a query's groups, once. */
export function queryTerms(groups: QueryGroup[]): string[] {
  return [...new Set(groups.flatMap((g) => g.alternatives.flat()))];
}

/** Bump when tokenisation (or what product-text.ts indexes of a product) changes in a way that makes saved lexical indexes stale. */
const TOKENIZER_VERSION = 3;
let fingerprint: string | undefined;

/** Identifies the tokeniser's behaviour (version, stopwords, glossary), to key saved lexical indexes. */
export function tokenizerFingerprint(): string {
  fingerprint ??= createHash("sha256")
    .update(`v${TOKENIZER_VERSION}\n${[...STOPWORDS].join(",")}\n${JSON.stringify(defaultGlossary().entries())}`)
    .digest("hex")
    .slice(0, 8);
  return fingerprint;
}
