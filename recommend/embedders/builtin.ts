import { createHash } from "node:crypto";
import { tokenize, tokenizerFingerprint } from "../text/tokenize.ts";
import type { Embedder } from "../types.ts";
import { type Csr, randomizedSvd } from "./linalg.ts";

/**
 * The built-in embedder: vectors learned from the catalogue's own text, no download. TF-IDF over
 * the shared tokeniser's terms (English stems, jieba words, CJK bigrams, glossary concepts) plus
 * character trigrams of English words (so "sneaker"/"sneakers"/"sneakerz" stay close), with
 * sublinear tf, reduced by a randomized truncated SVD (latent semantic indexing) and L2-normalised.
 *
 * Folding-in: a fitted basis projects any text — a new product, a changed one, a query — without
 * refitting, so re-importing touches only changed products. A text with no known term gets the
 * zero vector, and hybrid search then leans on BM25 alone.
 */

export interface BuiltinEmbedderOptions {
  /**
   * Target dimensions (fewer when the catalogue's text has lower rank). 128 by default: on the demo
   * catalogue 128 and 256 dimensions retrieve equally well (bench/recommend-quality.ts), and 128
   * fits ~3× and embeds and searches ~2× faster, with half the memory.
   */
  dimensions?: number;
  /** Vocabulary cap for words and for trigrams, most frequent first (memory is features × dimensions × 4 bytes). */
  maxWords?: number;
  maxNgrams?: number;
  /** Terms seen in fewer documents are dropped; default 2, or 1 for catalogues under 500 products. */
  minDf?: number;
  /** Weight of the trigram block next to the word block (each L2-normalised first). */
  ngramWeight?: number;
  /** The SVD is fitted on at most this many products, evenly spread; IDF uses them all. */
  maxFitDocs?: number;
  powerIterations?: number;
  /**
   * Scaling of each SVD component by σ^-exponent: 0 is classic LSI (U·Σ), 1 whitens every
   * component to equal weight. Between, the dominant "every product" direction stops swamping cosine.
   */
  singularExponent?: number;
  seed?: number;
}

const DEFAULTS = {
  dimensions: 128,
  maxWords: 40_000,
  maxNgrams: 20_000,
  ngramWeight: 0.5,
  maxFitDocs: 10_000,
  powerIterations: 1,
  singularExponent: 0.5,
  seed: 42,
};

interface TextFeatures {
  words: string[];
  ngrams: string[];
}

const LATIN_WORD = /^[a-z]{4,}$/;
/**
 * Trigrams come from the first distinct English words only: a product's text starts with its title,
 * brand and category (productText), which is what spelling variants must still find; trigrams of a
 * whole description would triple the features (and the embedding cost) for little gain.
 */
const NGRAM_WORDS = 16;

/** The embedder's view of a text: the shared tokeniser's terms, and trigrams of its leading English words. */
function extract(text: string): TextFeatures {
  const words = tokenize(text);
  const ngrams: string[] = [];
  const seen = new Set<string>();
  for (const w of words) {
    if (seen.size >= NGRAM_WORDS) break;
    if (seen.has(w) || !LATIN_WORD.test(w)) continue;
    seen.add(w);
    const padded = `<${w}>`;
    for (let i = 0; i + 3 <= padded.length; i++) ngrams.push(padded.slice(i, i + 3));
  }
  return { words, ngrams };
}

function counts(items: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of items) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}

const MAGIC = "CBE1";

interface Header {
  version: 1;
  dimensions: number;
  nWords: number;
  vocab: string[];
  ngramWeight: number;
  singularExponent: number;
  fittedOn: number;
  fittedAt: number;
  singular: number[];
  /** The tokeniser the vocabulary was made with: another one reads texts into other terms. */
  tokenizer?: string;
}

export class BuiltinEmbedder implements Embedder {
  readonly tier = "built-in" as const;
  readonly id: string;
  readonly dimensions: number;
  /** How many products the basis was fitted on (the refit policy compares growth against it). */
  readonly fittedOn: number;
  readonly fittedAt: number;
  readonly vocabularySize: number;
  /** Whether the vocabulary came from the tokeniser running now (a stored basis from an older one is refitted). */
  readonly currentTokenizer: boolean;
  private readonly index: Map<string, number>;

  private constructor(
    private readonly header: Header,
    private readonly idf: Float32Array,
    /** features × dimensions, row-major: a text's vector is the tf-idf-weighted sum of its features' rows. */
    private readonly projection: Float32Array,
  ) {
    this.dimensions = header.dimensions;
    this.fittedOn = header.fittedOn;
    this.fittedAt = header.fittedAt;
    this.vocabularySize = header.vocab.length;
    this.currentTokenizer = header.tokenizer === tokenizerFingerprint();
    this.index = new Map(header.vocab.map((t, i) => [t, i]));
    const h = createHash("sha256");
    h.update(header.vocab.join("\u0000"));
    h.update(new Uint8Array(idf.buffer, idf.byteOffset, idf.byteLength));
    h.update(new Uint8Array(projection.buffer, projection.byteOffset, projection.byteLength));
    this.id = `builtin-tfidf-svd-${this.dimensions}-${h.digest("hex").slice(0, 12)}`;
  }

  /** Fits on the catalogue's texts and returns the embedder with every text's vector (tokenised once). */
  static fitAndEmbed(texts: string[], options: BuiltinEmbedderOptions = {}): { embedder: BuiltinEmbedder; vectors: Float32Array[] } {
    const o = { ...DEFAULTS, ...options };
    const docs = texts.map(extract);
    const n = docs.length;
    if (n === 0) throw new Error("cannot fit the built-in embedder on an empty catalogue");
    const minDf = options.minDf ?? (n < 500 ? 1 : 2);

    const wordDf = new Map<string, number>();
    const gramDf = new Map<string, number>();
    for (const d of docs) {
      for (const t of new Set(d.words)) wordDf.set(t, (wordDf.get(t) ?? 0) + 1);
      for (const t of new Set(d.ngrams)) gramDf.set(t, (gramDf.get(t) ?? 0) + 1);
    }
    const pick = (df: Map<string, number>, cap: number) =>
      [...df.entries()]
        .filter(([, c]) => c >= minDf)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, cap);
    const words = pick(wordDf, o.maxWords);
    const grams = pick(gramDf, o.maxNgrams);
    const vocab = [...words.map(([t]) => t), ...grams.map(([t]) => `~${t}`)];
    const idf = new Float32Array(vocab.length);
    [...words, ...grams].forEach(([, df], i) => {
      idf[i] = Math.log((1 + n) / (1 + df)) + 1;
    });
    const index = new Map(vocab.map((t, i) => [t, i]));

    // Rows of the fit sample, weighted exactly as embed() weights a text.
    const step = Math.max(1, n / o.maxFitDocs);
    const sample: number[] = [];
    for (let x = 0; Math.floor(x) < n && sample.length < o.maxFitDocs; x += step) sample.push(Math.floor(x));
    const indptr = new Int32Array(sample.length + 1);
    const cols: number[] = [];
    const vals: number[] = [];
    sample.forEach((d, r) => {
      const row = weights(docs[d]!, index, idf, words.length, o.ngramWeight);
      for (const [c, v] of row) {
        cols.push(c);
        vals.push(v);
      }
      indptr[r + 1] = cols.length;
    });
    const a: Csr = { rows: sample.length, cols: vocab.length, indptr, indices: Int32Array.from(cols), values: Float32Array.from(vals) };
    const svd = randomizedSvd(a, o.dimensions, { powerIterations: o.powerIterations, seed: o.seed, exponent: o.singularExponent });
    const k = Math.max(1, svd.k);
    const projection = new Float32Array(vocab.length * k);
    if (svd.k > 0) projection.set(svd.right);
    const header: Header = {
      version: 1,
      dimensions: k,
      nWords: words.length,
      vocab,
      ngramWeight: o.ngramWeight,
      singularExponent: o.singularExponent,
      fittedOn: n,
      fittedAt: Date.now(),
      singular: Array.from(svd.singular),
      tokenizer: tokenizerFingerprint(),
    };
    const embedder = new BuiltinEmbedder(header, idf, projection);
    return { embedder, vectors: docs.map((d) => embedder.project(d)) };
  }

  static fit(texts: string[], options: BuiltinEmbedderOptions = {}): BuiltinEmbedder {
    return BuiltinEmbedder.fitAndEmbed(texts, options).embedder;
  }

  /** The fitted state as bytes (store.blobs.putBlob), so a restart does not refit. */
  serialize(): Buffer {
    const json = Buffer.from(JSON.stringify(this.header), "utf8");
    const pad = (4 - ((MAGIC.length + 4 + json.length) % 4)) % 4;
    const head = Buffer.alloc(MAGIC.length + 4 + json.length + pad, 0x20);
    head.write(MAGIC, 0, "latin1");
    head.writeUInt32LE(json.length + pad, MAGIC.length);
    json.copy(head, MAGIC.length + 4);
    const le = (f: Float32Array) => {
      const b = Buffer.alloc(f.length * 4);
      for (let i = 0; i < f.length; i++) b.writeFloatLE(f[i], i * 4);
      return b;
    };
    return Buffer.concat([head, le(this.idf), le(this.projection)]);
  }

  static deserialize(bytes: Uint8Array): BuiltinEmbedder {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.length < 8 || buf.toString("latin1", 0, 4) !== MAGIC) throw new Error("not a serialised built-in embedder");
    const len = buf.readUInt32LE(4);
    const header = JSON.parse(buf.toString("utf8", 8, 8 + len)) as Header;
    if (header.version !== 1) throw new Error(`unsupported built-in embedder version ${header.version}`);
    const m = header.vocab.length;
    let off = 8 + len;
    const read = (count: number) => {
      const f = new Float32Array(count);
      for (let i = 0; i < count; i++, off += 4) f[i] = buf.readFloatLE(off);
      return f;
    };
    const idf = read(m);
    const projection = read(m * header.dimensions);
    if (off !== buf.length) throw new Error("serialised built-in embedder has the wrong length");
    return new BuiltinEmbedder(header, idf, projection);
  }

  /** Whether the fitted vocabulary has this word (a tokeniser term; trigrams aside). */
  hasTerm(term: string): boolean {
    const i = this.index.get(term);
    return i !== undefined && i < this.header.nWords;
  }

  /** Whether a text has at least one term the fitted vocabulary knows. */
  knows(text: string): boolean {
    const f = extract(text);
    return f.words.some((t) => this.index.has(t)) || f.ngrams.some((t) => this.index.has(`~${t}`));
  }

  embedSync(texts: string[]): Float32Array[] {
    return texts.map((t) => this.project(extract(t)));
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return this.embedSync(texts);
  }

  private project(features: TextFeatures): Float32Array {
    const k = this.dimensions;
    const out = new Float32Array(k);
    const row = weights(features, this.index, this.idf, this.header.nWords, this.header.ngramWeight);
    const acc = new Float64Array(k);
    for (const [c, v] of row) {
      const o = c * k;
      for (let j = 0; j < k; j++) acc[j] += v * this.projection[o + j];
    }
    let norm = 0;
    for (let j = 0; j < k; j++) norm += acc[j] * acc[j];
    if (norm <= 1e-20) return out;
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < k; j++) out[j] = acc[j] * inv;
    return out;
  }
}

/**
 * Sublinear tf × idf for a text's known features; the word block and the trigram block are each
 * L2-normalised, the trigram block scaled by `ngramWeight`, so long descriptions do not drown titles
 * in trigrams.
 */
function weights(f: TextFeatures, index: Map<string, number>, idf: Float32Array, nWords: number, ngramWeight: number): [number, number][] {
  const out: [number, number][] = [];
  const block = (terms: string[], prefix: string, scale: number) => {
    const start = out.length;
    let norm = 0;
    for (const [t, c] of counts(terms)) {
      const i = index.get(prefix + t);
      if (i === undefined || (prefix === "" && i >= nWords)) continue;
      const w = (1 + Math.log(c)) * idf[i];
      out.push([i, w]);
      norm += w * w;
    }
    if (norm === 0) return;
    const s = scale / Math.sqrt(norm);
    for (let j = start; j < out.length; j++) out[j]![1] *= s;
  };
  block(f.words, "", 1);
  block(f.ngrams, "~", ngramWeight);
  return out;
}
