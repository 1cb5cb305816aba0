import { tokenize } from "../recommend/index.ts";
import type { KbHit } from "./retriever.ts";
import { endsInCjk, sentences } from "./sentences.ts";

/** Where an answer came from, as the chat acknowledgement carries it. */
export interface KbSource {
  title: string;
  url?: string;
  snippet: string;
}

const SNIPPET_CHARS = 200;

/** "Returns › Refunds": the document title and the passage's section, the way a shopper finds it. */
export function sourceTitle(hit: KbHit): string {
  const [, ...sections] = hit.passage.headings;
  return [hit.document.title, ...sections.slice(-1)].join(" › ");
}

/** The sources of the passages an answer used, one per passage, in the order given. */
export function sourcesOf(hits: KbHit[]): KbSource[] {
  const seen = new Set<string>();
  const out: KbSource[] = [];
  for (const h of hits) {
    if (seen.has(h.passage.id)) continue;
    seen.add(h.passage.id);
    const flat = h.passage.text.replace(/\s+/g, " ").trim();
    const snippet = flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS - 1).trimEnd()}…` : flat;
    const source: KbSource = { title: sourceTitle(h), snippet };
    if (h.document.url) source.url = h.document.url;
    out.push(source);
  }
  return out;
}

export interface ExtractedAnswer {
  text: string;
  /** The passages its sentences were taken from. */
  used: KbHit[];
}

const MAX_SENTENCES = 3;
const LEANS_BACK = /^(?:below|above|otherwise|this|that|these|those|it|they|then|there|if not|in that case)\b|^(?:否则|不满|这|那|此|如果不)/i;
// A second passage adds to the answer only when it ranked nearly as well as the first.
const CLOSE_SECOND = 0.8;

/**
 * The templated tier: the sentences of the best passages that hold most of the question's weight,
 * verbatim and in their order in the passage — so every figure in the answer is the document's own.
 * `weight` says how much a term tells passages apart (a rare word counts more than "order").
 */
export function extractAnswer(question: string, hits: KbHit[], weight: (term: string) => number): ExtractedAnswer {
  const top = hits[0];
  if (!top) return { text: "", used: [] };
  const pool = hits.filter((h, i) => i === 0 || (i === 1 && h.score >= CLOSE_SECOND * top.score && h.coverage > 0));
  const wanted = new Set(tokenize(question));
  const candidates = pool.flatMap((hit, rank) =>
    sentences(hit.passage.text).map((text, position) => {
      let score = 0;
      for (const t of new Set(tokenize(text))) if (wanted.has(t)) score += weight(t);
      return { text, hit, rank, position, score };
    }),
  );
  let chosen = candidates.filter((c) => c.score > 0).sort((a, b) => b.score - a.score || a.rank - b.rank || a.position - b.position).slice(0, MAX_SENTENCES);
  // A short passage whose words do not echo the question (a heading matched) is answered by its opening.
  if (!chosen.length) chosen = candidates.filter((c) => c.rank === 0).slice(0, 2);
  // A sentence scoring far below the best is a digression.
  const best = chosen[0]?.score ?? 0;
  chosen = chosen.filter((c, i) => i === 0 || c.score >= best * 0.34);
  // A sentence that leans on the one before ("Below that it costs 4.95.") comes with it.
  for (const c of [...chosen]) {
    const next = candidates.find((x) => x.hit === c.hit && x.position === c.position + 1);
    if (next && !chosen.includes(next) && LEANS_BACK.test(next.text) && chosen.length < MAX_SENTENCES + 1) chosen.push(next);
  }
  chosen.sort((a, b) => a.rank - b.rank || a.position - b.position);
  const text = chosen.reduce((all, c) => (all && !endsInCjk(all) ? `${all} ${c.text}` : all + c.text), "");
  const used = pool.filter((h) => chosen.some((c) => c.hit === h));
  return { text, used };
}
