import { readFile } from "node:fs/promises";
import type { NgramModel } from "./arpa.ts";

/**
 * Reads pocketsphinx's generic English model (en-us.lm.bin, sphinxbase's "Trie Language Model"
 * format) into the same shape as the domain model, restricted to a vocabulary and pruned, so the
 * two can be mixed: the shop's sentences make the domain words likely, the generic model keeps
 * ordinary English ("can I choose a delivery date") recognisable.
 *
 * The layout (sphinxbase lm_trie.c, lm_trie_quant.c): magic, order, n-gram counts; an int32; the
 * 16-bit quantisation tables (per middle order a probability and a back-off table, then one for
 * the longest order); the unigrams as {float prob, float backoff, uint32 next}; then bit-packed
 * arrays per order, each entry {word, back-off code, probability code, next} (the longest has no
 * back-off or next), reversed: a unigram's children are the words *before* it. Values are
 * log-probabilities in base 1.0001; the vocabulary is NUL-separated at the end.
 */

const MAGIC = "Trie Language Model";
const QUANT_BITS = 16;
const BINS = 1 << QUANT_BITS;
const TO_LOG10 = Math.log10(1.0001);

export interface GenericModelOptions {
  /** The most frequent words kept (plus `include`). Default 10,000. */
  topN?: number;
  /** Words kept whatever their frequency (the domain vocabulary), when the generic model has them. */
  include?: Iterable<string>;
  /** Prune n-grams less likely than this (log10), per order from 2. Default bigrams -2.5, trigrams -1.5. */
  minLog10?: number[];
}

function requiredBits(max: number): number {
  let bits = 0;
  while (max > 0) {
    max = Math.floor(max / 2);
    bits++;
  }
  return bits;
}

export async function readGenericModel(file: string, options: GenericModelOptions = {}): Promise<NgramModel> {
  const buf = await readFile(file);
  if (buf.toString("latin1", 0, MAGIC.length) !== MAGIC) throw new Error(`${file} is not a sphinxbase trie language model`);
  let at = MAGIC.length;
  const order = buf.readUInt8(at++);
  if (order !== 3) throw new Error(`${file}: only trigram models are read, this one is order ${order}`);
  const counts = [0, 1, 2].map((i) => buf.readUInt32LE(at + 4 * i));
  at += 12 + 4;
  const table = (k: number) => {
    const t = new Float32Array(BINS);
    for (let i = 0; i < BINS; i++) t[i] = buf.readFloatLE(at + 4 * (k * BINS + i)) * TO_LOG10;
    return t;
  };
  const [prob2, bo2, prob3] = [table(0), table(1), table(2)];
  at += 3 * BINS * 4;
  const n1 = counts[0];
  const uniAt = at;
  at += (n1 + 1) * 12;
  const wordBits = requiredBits(n1);
  const nextBits = requiredBits(counts[2]);
  const midBits = wordBits + 2 * QUANT_BITS + nextBits;
  const midAt = at;
  at += Math.floor(((1 + counts[1]) * midBits + 7) / 8) + 8;
  const longBits = wordBits + QUANT_BITS;
  const longAt = at;
  at += Math.floor(((1 + counts[2]) * longBits + 7) / 8) + 8;
  const vocabSize = buf.readInt32LE(at);
  if (at + 4 + vocabSize !== buf.length) throw new Error(`${file}: layout not as expected (sizes do not add up)`);
  const words = buf.toString("latin1", at + 4, at + 4 + vocabSize).split("\0");

  const bits = (base: number, offset: number, n: number) => (buf.readUInt32LE(base + Math.floor(offset / 8)) >>> (offset % 8)) & ((1 << n) - 1);
  const uniProb = (i: number) => buf.readFloatLE(uniAt + 12 * i) * TO_LOG10;
  const uniBo = (i: number) => buf.readFloatLE(uniAt + 12 * i + 4) * TO_LOG10;
  const uniNext = (i: number) => buf.readUInt32LE(uniAt + 12 * i + 8);

  // Which words to keep: the most frequent, plus the ones asked for.
  const wordOk = (w: string) => w === "<s>" || w === "</s>" || /^[a-z][a-z']*$/.test(w);
  const ranked = [...Array(n1).keys()].filter((i) => wordOk(words[i])).sort((a, b) => uniProb(b) - uniProb(a));
  const keep = new Set<number>(ranked.slice(0, options.topN ?? 10_000));
  const index = new Map<string, number>();
  for (let i = 0; i < n1; i++) index.set(words[i], i);
  for (const w of options.include ?? []) {
    const i = index.get(w);
    if (i !== undefined) keep.add(i);
  }
  for (const w of ["<s>", "</s>"]) if (index.has(w)) keep.add(index.get(w)!);
  const [min2, min3] = options.minLog10 ?? [-2.5, -1.5];

  const probs: Map<string, number>[] = [new Map(), new Map(), new Map()];
  const backoffs: Map<string, number>[] = [new Map(), new Map()];
  for (const w of keep) {
    const word = words[w];
    probs[0].set(word, word === "<s>" ? -99 : uniProb(w));
    backoffs[0].set(word, uniBo(w));
    for (let e = uniNext(w); e < uniNext(w + 1); e++) {
      const off = e * midBits;
      const v = bits(midAt, off, wordBits);
      if (!keep.has(v)) continue;
      const bo = bo2[bits(midAt, off + wordBits, QUANT_BITS)];
      const p = prob2[bits(midAt, off + wordBits + QUANT_BITS, QUANT_BITS)];
      const from = bits(midAt, off + wordBits + 2 * QUANT_BITS, nextBits);
      const to = bits(midAt, off + midBits + wordBits + 2 * QUANT_BITS, nextBits);
      const bigram = `${words[v]} ${word}`;
      let children = 0;
      for (let t = from; t < to; t++) {
        const toff = t * longBits;
        const u = bits(longAt, toff, wordBits);
        if (!keep.has(u)) continue;
        const p3 = prob3[bits(longAt, toff + wordBits, QUANT_BITS)];
        if (p3 < min3) continue;
        probs[2].set(`${words[u]} ${bigram}`, p3);
        children++;
      }
      // A bigram stays when likely enough, or when trigrams hang from it (ARPA needs their prefix).
      if (p >= min2 || children > 0) {
        probs[1].set(bigram, p);
        backoffs[1].set(bigram, bo);
      }
    }
  }
  // Every trigram needs its context bigram listed, whatever the pruning did.
  for (const key of probs[2].keys()) {
    const ctx = key.slice(0, key.lastIndexOf(" "));
    if (!probs[1].has(ctx)) {
      const [a, b] = ctx.split(" ");
      probs[1].set(ctx, (probs[0].get(b) ?? -99) + (backoffs[0].get(a) ?? 0));
      backoffs[1].set(ctx, 0);
    }
  }
  const vocabulary = [...keep].map((i) => words[i]).filter((w) => w !== "<s>");
  return { order: 3, vocabulary, probs, backoffs };
}
