import { BOS, EOS, type NgramModel } from "./arpa.ts";

/**
 * Static linear interpolation of back-off models (as SRILM's -mix-lm): every n-gram either model
 * lists gets P(w|h) = Σ λᵢ Pᵢ(w|h), each Pᵢ with its own back-off; the back-off weights are then
 * recomputed so the mixture sums to one for every context. Words outside `vocabulary` are dropped.
 */
export function mixModels(parts: { model: NgramModel; weight: number }[], vocabulary: Set<string>): NgramModel {
  const total = parts.reduce((s, p) => s + p.weight, 0);
  if (!(total > 0)) throw new RangeError("mixture weights must add up to more than zero");
  const weights = parts.map((p) => p.weight / total);
  const order = Math.max(...parts.map((p) => p.model.order));
  // Most n-grams only use shared words; check word by word only when a part knows words the mixture drops.
  const dropped = parts.some((p) => p.model.vocabulary.some((w) => w !== EOS && !vocabulary.has(w)));
  const inVocab = (key: string) => !dropped || key.split(" ").every((w) => w === BOS || w === EOS || vocabulary.has(w));

  const probs: Map<string, number>[] = Array.from({ length: order }, () => new Map());
  const backoffs: Map<string, number>[] = Array.from({ length: order - 1 }, () => new Map());
  // The mixture being built: its lower orders are complete when a higher one asks.
  const final: NgramModel = { order, vocabulary: [], probs, backoffs };
  const words = [...vocabulary].filter((w) => w !== BOS && w !== EOS);
  words.push(EOS);

  // Unigrams: the mixture over the shared vocabulary, renormalised (a part may not cover all of it).
  let sum = 0;
  const uni = new Map<string, number>();
  for (const w of words) {
    let p = 0;
    parts.forEach((part, i) => {
      const lp = part.model.probs[0].get(w);
      if (lp !== undefined && lp > -99) p += weights[i] * 10 ** lp;
    });
    if (p > 0) {
      uni.set(w, p);
      sum += p;
    }
  }
  for (const [w, p] of uni) probs[0].set(w, Math.log10(p / sum));
  probs[0].set(BOS, -99);

  for (let n = 2; n <= order; n++) {
    const listed = new Set<string>();
    for (const part of parts) for (const key of part.model.probs[n - 1]?.keys() ?? []) if (inVocab(key) && probs[0].has(key.slice(key.lastIndexOf(" ") + 1))) listed.add(key);
    // Contexts must exist one order down (ARPA needs every listed n-gram's prefix).
    const byContext = new Map<string, string[]>();
    for (const key of listed) {
      const h = key.slice(0, key.lastIndexOf(" "));
      if (n > 2 && !probs[n - 2].has(h)) continue;
      if (n === 2 && !probs[0].has(h) && h !== BOS) continue;
      const list = byContext.get(h);
      if (list) list.push(key);
      else byContext.set(h, [key]);
    }
    for (const [h, keys] of byContext) {
      let mixed = 0;
      let lower = 0;
      for (const key of keys) {
        let p = 0;
        for (let i = 0; i < parts.length; i++) p += weights[i] * 10 ** logProbOf(parts[i].model, key, n);
        if (!(p > 0)) continue;
        probs[n - 1].set(key, Math.log10(p));
        mixed += p;
        lower += 10 ** logProbOf(final, key.slice(key.indexOf(" ") + 1), n - 1);
      }
      const num = Math.max(1e-10, 1 - mixed);
      const den = Math.max(1e-10, 1 - lower);
      backoffs[n - 2].set(h, Math.log10(num / den));
    }
  }
  // Unigrams and bigrams that are contexts but got no back-off entry back off with weight one.
  return { order, vocabulary: [...probs[0].keys()].filter((w) => w !== BOS), probs, backoffs };
}

/**
 * log10 P(last word | the words before it) for an n-gram key ("u v w", n words) in a back-off
 * model; -Infinity for a word it does not know. Walks the key's suffixes without splitting it.
 */
function logProbOf(model: NgramModel, key: string, n: number): number {
  let k = key;
  let len = n;
  while (len > model.order) {
    k = k.slice(k.indexOf(" ") + 1);
    len--;
  }
  let bow = 0;
  for (;;) {
    const p = model.probs[len - 1]?.get(k);
    if (p !== undefined) return p <= -99 ? Number.NEGATIVE_INFINITY : p + bow;
    if (len === 1) return Number.NEGATIVE_INFINITY;
    bow += model.backoffs[len - 2]?.get(k.slice(0, k.lastIndexOf(" "))) ?? 0;
    k = k.slice(k.indexOf(" ") + 1);
    len--;
  }
}
