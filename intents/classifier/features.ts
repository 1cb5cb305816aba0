import { cutCjk, normalizeText, segment } from "../tokenize.ts";
import { combine, familySeed, fnvStep, hashString, mix } from "./hash.ts";

/**
 * Sparse text features that work for English and Chinese alike: word n-grams (Chinese words from
 * jieba) and character n-grams (inside Latin words with boundary marks; across whole CJK runs, where
 * single characters carry meaning). Each family is TF-IDF weighted (sublinear TF) and L2-normalised
 * on its own, then the families are joined with fixed weights, so a long word list cannot drown the
 * character view or the reverse.
 */
export interface FeatureOptions {
  /** Longest word n-gram (1 = unigrams only). */
  wordNgrams: number;
  /** Character n-gram lengths inside Latin words (the word is padded with a space each side). */
  charMin: number;
  charMax: number;
  /** Character n-gram lengths inside CJK runs (from 1: a Chinese character is often a word). */
  cjkCharMax: number;
  /** Latin character n-grams run across word boundaries ("of t", "e ca") instead of inside each word. */
  charAcrossWords: boolean;
  /** A feature must occur in at least this many training texts to be kept. */
  minDf: number;
  /**
   * Character n-grams of lengths 1..textChars over the whole normalised text, spaces and
   * punctuation included (0: none): a third family that sees across word and script boundaries
   * ("开q" in 打开qq, "?" at the end of a question) where the others see inside words.
   */
  textChars?: number;
  /** Weight of each family after its own L2 normalisation: [words, characters, whole-text characters]. */
  familyWeights: [number, number] | [number, number, number];
}

export const DEFAULT_FEATURES: FeatureOptions = {
  wordNgrams: 2,
  charMin: 2,
  charMax: 5,
  cjkCharMax: 3,
  charAcrossWords: false,
  minDf: 1,
  familyWeights: [1, 1],
};

export const FAMILY_WORD = 0;
export const FAMILY_CHAR = 1;
export const FAMILY_TEXT = 2;

const SEED_WORD = familySeed("word");
const SEED_NGRAM = familySeed("word-ngram");
const SEED_CHAR = familySeed("char");
const SEED_CJK = familySeed("cjk-char");
const SEED_TEXT = familySeed("text-char");
const SPACE = 32;

/** A growable list of (hash, family) pairs, reused across texts so extraction allocates little. */
export class HashBuffer {
  hashes = new Int32Array(256);
  families = new Uint8Array(256);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  push(hash: number, family: number): void {
    if (this.length === this.hashes.length) {
      const h = new Int32Array(this.length * 2);
      h.set(this.hashes);
      this.hashes = h;
      const f = new Uint8Array(this.length * 2);
      f.set(this.families);
      this.families = f;
    }
    this.hashes[this.length] = hash;
    this.families[this.length] = family;
    this.length++;
  }
}

function pushCharNgrams(out: HashBuffer, seed: number, s: string, minN: number, maxN: number): void {
  // Positions 0 and len+1 are the virtual boundary spaces.
  const last = s.length + 1;
  for (let start = 0; start <= last; start++) {
    let h = seed;
    for (let n = 1; n <= maxN && start + n - 1 <= last; n++) {
      const pos = start + n - 1;
      const code = pos === 0 || pos === last ? SPACE : s.charCodeAt(pos - 1);
      h = fnvStep(h, code);
      // A lone boundary mark says nothing.
      if (n >= minN && !(n === 1 && code === SPACE)) out.push(mix(h + n), FAMILY_CHAR);
    }
  }
}

/** Hashes every feature of a text into `out` (cleared first). */
export function extractFeatures(text: string, opts: FeatureOptions, out: HashBuffer): void {
  out.clear();
  const words: number[] = [];
  const latin: string[] = [];
  const normalized = normalizeText(text);
  if (opts.textChars) {
    const whole = normalized.replace(/\s+/g, " ").trim();
    if (whole) {
      const start = out.length;
      pushCharNgrams(out, SEED_TEXT, whole, 1, opts.textChars);
      for (let i = start; i < out.length; i++) out.families[i] = FAMILY_TEXT;
    }
  }
  for (const seg of segment(normalized)) {
    if (seg.kind === "word") {
      words.push(hashString(SEED_WORD, seg.text));
      if (opts.charAcrossWords) latin.push(seg.text);
      else pushCharNgrams(out, SEED_CHAR, seg.text, opts.charMin, opts.charMax);
    } else {
      for (const w of cutCjk(seg.text)) words.push(hashString(SEED_WORD, w));
      pushCharNgrams(out, SEED_CJK, seg.text, 1, opts.cjkCharMax);
    }
  }
  if (latin.length) pushCharNgrams(out, SEED_CHAR, latin.join(" "), opts.charMin, opts.charMax);
  for (let i = 0; i < words.length; i++) {
    out.push(words[i], FAMILY_WORD);
    let h = words[i];
    for (let n = 2; n <= opts.wordNgrams && i + n - 1 < words.length; n++) {
      h = combine(SEED_NGRAM + n, h, words[i + n - 1]);
      out.push(h, FAMILY_WORD);
    }
  }
}

/** Open-addressing map from a 32-bit feature hash to its column; typed arrays, no per-key objects. */
export class HashIndex {
  private readonly keys: Int32Array;
  private readonly cols: Int32Array;
  private readonly mask: number;

  constructor(hashes: Int32Array) {
    let cap = 16;
    while (cap < hashes.length * 2) cap *= 2;
    this.mask = cap - 1;
    this.keys = new Int32Array(cap);
    this.cols = new Int32Array(cap).fill(-1);
    for (let c = 0; c < hashes.length; c++) {
      let slot = mix(hashes[c]) & this.mask;
      while (this.cols[slot] !== -1) slot = (slot + 1) & this.mask;
      this.keys[slot] = hashes[c];
      this.cols[slot] = c;
    }
  }

  get(hash: number): number {
    let slot = mix(hash) & this.mask;
    for (;;) {
      const c = this.cols[slot];
      if (c === -1) return -1;
      if (this.keys[slot] === hash) return c;
      slot = (slot + 1) & this.mask;
    }
  }
}

/** Rows of sparse vectors in compressed-row form, ready for fast dot products. */
export interface SparseRows {
  indptr: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  rows: number;
}

/** One sparse vector; the arrays may be longer than `length` (reused buffers). */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
  length: number;
}

/** The fitted vocabulary: which hashes became columns, their IDF and family. */
export interface FeaturiserState {
  options: FeatureOptions;
  hashes: Int32Array;
  idf: Float32Array;
  families: Uint8Array;
}

export class Featuriser {
  readonly options: FeatureOptions;
  readonly hashes: Int32Array;
  readonly idf: Float32Array;
  readonly families: Uint8Array;
  private readonly index: HashIndex;
  private readonly buffer = new HashBuffer();
  // Scratch for one text: term counts by column, and which columns were touched.
  private readonly counts: Float32Array;
  private touched = new Int32Array(256);

  constructor(state: FeaturiserState) {
    this.options = state.options;
    this.hashes = state.hashes;
    this.idf = state.idf;
    this.families = state.families;
    this.index = new HashIndex(state.hashes);
    this.counts = new Float32Array(state.hashes.length);
  }

  get size(): number {
    return this.hashes.length;
  }

  /** Learns the vocabulary and IDF from training texts. */
  static fit(texts: string[], options: FeatureOptions = DEFAULT_FEATURES): Featuriser {
    const df = new Map<number, number>();
    const family = new Map<number, number>();
    const buffer = new HashBuffer();
    const seen = new Set<number>();
    for (const text of texts) {
      extractFeatures(text, options, buffer);
      seen.clear();
      for (let i = 0; i < buffer.length; i++) {
        const h = buffer.hashes[i];
        if (seen.has(h)) continue;
        seen.add(h);
        df.set(h, (df.get(h) ?? 0) + 1);
        family.set(h, buffer.families[i]);
      }
    }
    const kept = [...df.entries()].filter(([, n]) => n >= options.minDf).sort((a, b) => a[0] - b[0]);
    const hashes = new Int32Array(kept.length);
    const idf = new Float32Array(kept.length);
    const families = new Uint8Array(kept.length);
    const n = texts.length;
    kept.forEach(([h, d], c) => {
      hashes[c] = h;
      // Smoothed IDF, as if one extra text held every feature: never zero, never infinite.
      idf[c] = Math.log((1 + n) / (1 + d)) + 1;
      families[c] = family.get(h)!;
    });
    return new Featuriser({ options, hashes, idf, families });
  }

  state(): FeaturiserState {
    return { options: this.options, hashes: this.hashes, idf: this.idf, families: this.families };
  }

  /** Writes the TF-IDF vector of `text` into `out` (grown when needed); returns its length. */
  transform(text: string, out: SparseVector): SparseVector {
    extractFeatures(text, this.options, this.buffer);
    const buf = this.buffer;
    if (this.touched.length < buf.length) this.touched = new Int32Array(buf.length * 2);
    let nTouched = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = this.index.get(buf.hashes[i]);
      if (c < 0) continue;
      if (this.counts[c] === 0) this.touched[nTouched++] = c;
      this.counts[c] += 1;
    }
    if (out.indices.length < nTouched) {
      out.indices = new Int32Array(nTouched * 2);
      out.values = new Float32Array(nTouched * 2);
    }
    const norms = [0, 0, 0];
    for (let k = 0; k < nTouched; k++) {
      const c = this.touched[k];
      const v = (1 + Math.log(this.counts[c])) * this.idf[c];
      this.counts[c] = 0;
      out.indices[k] = c;
      out.values[k] = v;
      norms[this.families[c]] += v * v;
    }
    const w = this.options.familyWeights;
    const scale = norms.map((n, f) => (n > 0 ? (w[f] ?? 1) / Math.sqrt(n) : 0));
    for (let k = 0; k < nTouched; k++) out.values[k] *= scale[this.families[out.indices[k]]];
    out.length = nTouched;
    return out;
  }

  transformAll(texts: string[]): SparseRows {
    const indptr = new Int32Array(texts.length + 1);
    let indices = new Int32Array(texts.length * 64);
    let values = new Float32Array(texts.length * 64);
    const vec: SparseVector = { indices: new Int32Array(256), values: new Float32Array(256), length: 0 };
    let nnz = 0;
    texts.forEach((text, r) => {
      this.transform(text, vec);
      if (nnz + vec.length > indices.length) {
        const cap = Math.max(indices.length * 2, nnz + vec.length);
        const i2 = new Int32Array(cap);
        i2.set(indices.subarray(0, nnz));
        indices = i2;
        const v2 = new Float32Array(cap);
        v2.set(values.subarray(0, nnz));
        values = v2;
      }
      indices.set(vec.indices.subarray(0, vec.length), nnz);
      values.set(vec.values.subarray(0, vec.length), nnz);
      nnz += vec.length;
      indptr[r + 1] = nnz;
    });
    return { indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz), rows: texts.length };
  }
}
