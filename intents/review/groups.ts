import type { ReviewItem } from "./log.ts";

export interface ReviewGroup {
  /** Distinct texts in the group. */
  size: number;
  /** How many times its texts were met in all. */
  seen: number;
  /** The most often met texts first (at most `examplesPerGroup`). */
  examples: string[];
  /** What the classifier answered for them, by intent. */
  answered: Record<string, number>;
  locale: string;
}

/** Words and character trigrams (Latin), character bigrams (CJK): similar phrasing shares many. */
function features(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (f: string) => counts.set(f, (counts.get(f) ?? 0) + 1);
  const lower = text.toLowerCase();
  for (const word of lower.match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (/\p{Script=Han}/u.test(word)) {
      const chars = [...word];
      for (const c of chars) add(`c:${c}`);
      for (let i = 0; i + 1 < chars.length; i++) add(`b:${chars[i]}${chars[i + 1]}`);
      continue;
    }
    add(`w:${word}`);
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`);
  }
  return counts;
}

function normalised(weights: Map<string, number>): Map<string, number> {
  let norm = 0;
  for (const w of weights.values()) norm += w * w;
  norm = Math.sqrt(norm) || 1;
  for (const [k, w] of weights) weights.set(k, w / norm);
  return weights;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  const [small, large] = a.size < b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [k, w] of small) dot += w * (large.get(k) ?? 0);
  return dot;
}

/**
 * Groups unsure messages by how alike they read (TF-IDF over words and character n-grams, cosine),
 * so the shop labels a group of "do you gift wrap?"-like messages at once. Greedy and single-pass:
 * each message joins the group whose first member it is closest to, if close enough, else starts
 * one. Groups come back most met first.
 */
export function groupForReview(items: ReviewItem[], options: { similarity?: number; examplesPerGroup?: number } = {}): ReviewGroup[] {
  const threshold = options.similarity ?? 0.35;
  const perGroup = options.examplesPerGroup ?? 5;
  const ordered = [...items].sort((a, b) => b.seen - a.seen || b.at - a.at);
  const raw = ordered.map((item) => features(item.text));
  const documentFrequency = new Map<string, number>();
  for (const f of raw) for (const k of f.keys()) documentFrequency.set(k, (documentFrequency.get(k) ?? 0) + 1);
  const vectors = raw.map((f) => {
    const weighted = new Map<string, number>();
    for (const [k, n] of f) weighted.set(k, (1 + Math.log(n)) * (Math.log((1 + ordered.length) / (1 + documentFrequency.get(k)!)) + 1));
    return normalised(weighted);
  });
  const groups: { leader: Map<string, number>; members: ReviewItem[] }[] = [];
  ordered.forEach((item, i) => {
    let best = -1;
    let bestScore = threshold;
    groups.forEach((g, j) => {
      if (g.members[0]!.locale !== item.locale) return;
      const score = cosine(vectors[i]!, g.leader);
      if (score >= bestScore) {
        best = j;
        bestScore = score;
      }
    });
    if (best >= 0) groups[best]!.members.push(item);
    else groups.push({ leader: vectors[i]!, members: [item] });
  });
  return groups
    .map(({ members }) => {
      const answered: Record<string, number> = {};
      for (const m of members) answered[m.intent] = (answered[m.intent] ?? 0) + m.seen;
      return { size: members.length, seen: members.reduce((s, m) => s + m.seen, 0), examples: members.slice(0, perGroup).map((m) => m.text), answered, locale: members[0]!.locale };
    })
    .sort((a, b) => b.seen - a.seen || b.size - a.size);
}
