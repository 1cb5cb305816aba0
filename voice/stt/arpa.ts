/**
 * N-gram language models in ARPA format, estimated with interpolated modified Kneser-Ney
 * smoothing (Chen & Goodman 1998): three discounts per order from the counts of counts,
 * continuation counts for the lower orders, and the interpolation weight of each context
 * written as its back-off weight, so a decoder reading the file with plain back-off gets
 * exactly the interpolated distribution.
 */

export const BOS = "<s>";
export const EOS = "</s>";
const SEP = " ";

export interface NgramModelOptions {
  /** Default 3 (trigrams). */
  order?: number;
}

export interface NgramModel {
  order: number;
  /** Every word the model can predict, </s> included, <s> not. */
  vocabulary: string[];
  /** For each order (index 0 = unigrams): n-gram key ("w1 w2 w3") → log10 probability. */
  probs: Map<string, number>[];
  /** For each order below the top: context key → log10 back-off weight. */
  backoffs: Map<string, number>[];
}

interface Discounts {
  d1: number;
  d2: number;
  d3: number;
}

function discountsFor(counts: Iterable<number>): Discounts {
  const n = [0, 0, 0, 0, 0];
  for (const c of counts) if (c <= 4) n[c]++;
  const [, n1, n2, n3, n4] = n;
  // Chen & Goodman's estimates; on tiny data a count-of-counts can be zero, so fall back to the usual 0.5/1/1.5 shape.
  if (!n1 || !n2 || !n3 || !n4) return { d1: 0.5, d2: 1, d3: 1.5 };
  const y = n1 / (n1 + 2 * n2);
  const clamp = (d: number, max: number) => Math.min(max, Math.max(0.05, d));
  return { d1: clamp(1 - 2 * y * (n2 / n1), 1), d2: clamp(2 - 3 * y * (n3 / n2), 2), d3: clamp(3 - 4 * y * (n4 / n3), 3) };
}

const discount = (c: number, d: Discounts) => (c === 1 ? d.d1 : c === 2 ? d.d2 : d.d3);

/** Estimates an interpolated modified Kneser-Ney model from tokenised sentences (no <s>/</s>: they are added). */
export function buildNgramModel(sentences: string[][], options: NgramModelOptions = {}): NgramModel {
  const order = options.order ?? 3;
  if (!Number.isInteger(order) || order < 1 || order > 6) throw new RangeError(`n-gram order must be 1 to 6, got ${order}`);
  // Raw counts of every n-gram up to `order`.
  const raw: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  const vocab = new Set<string>([EOS]);
  for (const words of sentences) {
    if (words.length === 0) continue;
    for (const w of words) {
      if (w === BOS || w === EOS || /\s/.test(w) || !w) throw new RangeError(`invalid token "${w}" in language model text`);
      vocab.add(w);
    }
    const seq = [BOS, ...words, EOS];
    for (let n = 1; n <= order; n++) {
      for (let i = 0; i + n <= seq.length; i++) {
        if (n === 1 && seq[i] === BOS) continue;
        const key = seq.slice(i, i + n).join(SEP);
        raw[n - 1].set(key, (raw[n - 1].get(key) ?? 0) + 1);
      }
    }
  }
  if (vocab.size === 1) throw new RangeError("language model text has no words");

  // Kneser-Ney counts: the top order keeps raw counts; lower orders count distinct words seen
  // before the n-gram, except n-grams starting a sentence, which have no word before them.
  const kn: Map<string, number>[] = raw.map((m, i) => (i === order - 1 ? new Map(m) : new Map()));
  for (let n = 1; n < order; n++) {
    for (const key of raw[n].keys()) {
      const suffix = key.slice(key.indexOf(SEP) + 1);
      kn[n - 1].set(suffix, (kn[n - 1].get(suffix) ?? 0) + 1);
    }
    for (const [key, c] of raw[n - 1]) if (key.startsWith(BOS + SEP) || key === BOS) kn[n - 1].set(key, c);
  }

  const probs: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  const backoffs: Map<string, number>[] = Array.from({ length: order - 1 }, () => new Map());
  const words = [...vocab].sort();

  // Unigrams: discounted continuation counts, interpolated with a uniform distribution over the vocabulary.
  const d1 = discountsFor(kn[0].values());
  let total = 0;
  let mass = 0;
  for (const c of kn[0].values()) {
    total += c;
    mass += discount(c, d1);
  }
  const uniform = 1 / words.length;
  const p1 = new Map<string, number>();
  for (const w of words) {
    const c = kn[0].get(w) ?? 0;
    p1.set(w, Math.max(0, c - discount(c, d1)) / total + (mass / total) * uniform);
  }
  const prob: Map<string, number>[] = [p1];
  for (const [w, p] of p1) probs[0].set(w, Math.log10(p));

  for (let n = 2; n <= order; n++) {
    const counts = kn[n - 1];
    const d = discountsFor(counts.values());
    // Per context: total count and the mass the discounts free up.
    const ctx = new Map<string, { total: number; freed: number }>();
    for (const [key, c] of counts) {
      const h = key.slice(0, key.lastIndexOf(SEP));
      const s = ctx.get(h) ?? { total: 0, freed: 0 };
      s.total += c;
      s.freed += discount(c, d);
      ctx.set(h, s);
    }
    const pn = new Map<string, number>();
    for (const [key, c] of counts) {
      const h = key.slice(0, key.lastIndexOf(SEP));
      const s = ctx.get(h)!;
      const lower = key.slice(key.indexOf(SEP) + 1);
      const pl = lookup(prob, lower, ctx, backoffs, n - 1);
      pn.set(key, Math.max(0, c - discount(c, d)) / s.total + (s.freed / s.total) * pl);
    }
    for (const [h, s] of ctx) backoffs[n - 2].set(h, Math.log10(s.freed / s.total));
    prob.push(pn);
    for (const [key, p] of pn) probs[n - 1].set(key, Math.log10(p));
  }
  // <s> is only ever a context: ARPA convention gives it probability 0 (log10 -99).
  probs[0].set(BOS, -99);
  if (order > 1 && !backoffs[0].has(BOS)) backoffs[0].set(BOS, 0);
  return { order, vocabulary: words, probs, backoffs };
}

/** P(w | h) of an order-n model being built, by back-off through lower orders (all are already complete). */
function lookup(prob: Map<string, number>[], key: string, _ctx: unknown, backoffs: Map<string, number>[], n: number): number {
  const direct = prob[n - 1].get(key);
  if (direct !== undefined) return direct;
  const cut = key.indexOf(SEP);
  const h = key.slice(0, key.lastIndexOf(SEP));
  const bow = 10 ** (backoffs[n - 2]?.get(h) ?? 0);
  return bow * lookup(prob, key.slice(cut + 1), _ctx, backoffs, n - 1);
}

const fmt = (x: number) => (x <= -99 ? "-99" : x.toFixed(6));

/** The model as an ARPA file (what pocketsphinx's -lm reads). */
export function formatArpa(model: NgramModel): string {
  const lines = ["\\data\\"];
  for (const [i, m] of model.probs.entries()) lines.push(`ngram ${i + 1}=${m.size}`);
  for (let n = 1; n <= model.order; n++) {
    lines.push("", `\\${n}-grams:`);
    const bows = model.backoffs[n - 1];
    // Insertion order (deterministic); the decoder sorts n-grams itself when it reads the file.
    for (const key of model.probs[n - 1].keys()) {
      const bow = bows?.get(key);
      lines.push(bow !== undefined ? `${fmt(model.probs[n - 1].get(key)!)}\t${key}\t${fmt(bow)}` : `${fmt(model.probs[n - 1].get(key)!)}\t${key}`);
    }
  }
  lines.push("", "\\end\\", "");
  return lines.join("\n");
}

/** An ARPA model read back, for scoring text (perplexity) and for checking a written file. */
export class ArpaModel {
  private constructor(
    readonly order: number,
    private readonly probs: Map<string, number>[],
    private readonly backoffs: Map<string, number>[],
  ) {}

  static parse(text: string): ArpaModel {
    const probs: Map<string, number>[] = [];
    const backoffs: Map<string, number>[] = [];
    let section = 0;
    for (const raw of text.split("\n")) {
      const line = raw.trim();
      const header = /^\\(\d+)-grams:$/.exec(line);
      if (header) {
        section = Number(header[1]);
        probs[section - 1] = new Map();
        backoffs[section - 1] = new Map();
        continue;
      }
      if (!section || !line || line.startsWith("\\")) continue;
      const parts = line.split(/\s+/);
      const p = Number(parts[0]);
      const key = parts.slice(1, 1 + section).join(SEP);
      probs[section - 1].set(key, p);
      if (parts.length > section + 1) backoffs[section - 1].set(key, Number(parts[section + 1]));
    }
    if (probs.length === 0) throw new Error("not an ARPA language model (no n-gram sections)");
    return new ArpaModel(probs.length, probs, backoffs);
  }

  get vocabulary(): string[] {
    return [...this.probs[0].keys()].filter((w) => w !== BOS);
  }

  /** log10 P(word | history) with back-off; history is the preceding words, most recent last. */
  logProb(word: string, history: string[]): number {
    const h = history.slice(Math.max(0, history.length - (this.order - 1)));
    for (let start = 0; start <= h.length; start++) {
      const ctx = h.slice(start);
      const p = this.probs[ctx.length].get([...ctx, word].join(SEP));
      if (p !== undefined) {
        let bow = 0;
        for (let s = 0; s < start; s++) bow += this.backoffs[h.length - s - 1]?.get(h.slice(s).join(SEP)) ?? 0;
        return p + bow;
      }
    }
    return Number.NEGATIVE_INFINITY;
  }

  /** Perplexity over sentences (with </s>, as SRILM counts it); unknown words are skipped and counted. */
  perplexity(sentences: string[][]): { perplexity: number; oov: number; words: number } {
    let sum = 0;
    let n = 0;
    let oov = 0;
    for (const words of sentences) {
      const history = [BOS];
      for (const w of [...words, EOS]) {
        const lp = this.logProb(w, history);
        if (Number.isFinite(lp)) {
          sum += lp;
          n++;
          history.push(w);
        } else {
          oov++;
          history.length = 0;
        }
      }
    }
    return { perplexity: n ? 10 ** (-sum / n) : Number.POSITIVE_INFINITY, oov, words: n };
  }
}
