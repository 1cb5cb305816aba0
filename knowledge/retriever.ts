import { analyzeQuery, Bm25Index, BuiltinEmbedder, type Embedder, tokenize } from "../recommend/index.ts";
import type { KbDocument, KbPassage } from "../store/types.ts";

/** A passage found for a question, and how well it matched. */
export interface KbHit {
  passage: KbPassage;
  document: KbDocument;
  /** The fused score the hits are ranked by. */
  score: number;
  /** Share of the question's weight (IDF) the passage contains, 0–1. */
  coverage: number;
  /** Cosine similarity of the question's and the passage's vectors (0 without vectors). */
  cosine: number;
}

export interface KbSearchResult {
  hits: KbHit[];
  /** How sure retrieval is that the best passage answers the question, 0–1 (see confidenceOf). */
  confidence: number;
}

export type RetrievalMode = "hybrid" | "bm25";

export interface KbSearchOptions {
  k?: number;
  /** "bm25": lexical ranking alone (the baseline kb eval compares with). Default "hybrid". */
  mode?: RetrievalMode;
  /** Only passages of documents in this language (or of no stated language). */
  locale?: string;
  /** Words the asker knows the question is about (an intent's topic), used only when a passage has them. */
  hint?: string;
}

// Words that ask rather than say what is asked about: they carry no evidence either way.
const FILLER = new Set(
  tokenize(
    "tell know want like can could would please question ask wonder help need info information about policy policies your you we do does is are there any how what when where which who why much many long get " +
      "sell offer have got carry provide possible buy bought purchase purchased here something anything thing things will would shall should might may until till " +
      "请问 请 想 知道 问 问题 一下 可以 能 能否 你们 我们 您 吗 呢 什么 怎么 怎样 如何 多少 多久 哪些 哪里 有没有 是否 关于 政策 几点 什么时候 卖 提供 用 给 把 让 被 就 还 都 也 很 吧 啊 呀 买 后 之后 以后",
    { bigrams: false, concepts: false },
  ),
);

const UNKNOWN_WORD_WEIGHT = 0.6;
// Heading words weigh more than body words, as a product title's words do in the catalogue's BM25.
const HEADING_WEIGHT = 2;
// Fusion of the two rankings; vectors alone match loosely on a small corpus, words are the evidence.
const LEXICAL_SHARE = 0.6;

/** Text the vectors and the words of a passage are made from: its headings, then its text. */
export function passageText(p: KbPassage): string {
  return `${p.headings.join(" › ")}\n${p.text}`;
}

function termCounts(p: KbPassage): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tokenize(p.headings.join(" "))) counts.set(t, (counts.get(t) ?? 0) + HEADING_WEIGHT);
  for (const t of tokenize(p.text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/**
 * Hybrid lexical + vector retrieval over the shop's passages, with the catalogue's own parts: its
 * tokeniser (English stems, jieba words, glossary concepts that let 退货 meet "return"), its BM25,
 * and its embedders — the downloaded model when one is loaded, else the built-in LSI fitted on the
 * passages themselves (a catalogue's basis knows nothing of refunds).
 */
export class KnowledgeIndex {
  private readonly bm25 = new Bm25Index();
  private constructor(
    private readonly passages: KbPassage[],
    private readonly documents: Map<string, KbDocument>,
    private readonly vectors: Float32Array[] | undefined,
    private readonly embedder: Embedder | undefined,
  ) {
    this.bm25.upsert(passages.map((p, slot) => ({ slot, terms: termCounts(p) })));
  }

  /**
   * `embed`: how the passages' vectors are had from the embedder (default: embed them all); the knowledge
   * base passes one that reuses the vectors it stored, so a restart embeds only what changed.
   */
  static async build(
    passages: KbPassage[],
    documents: KbDocument[],
    embedder?: Embedder,
    embed: (passages: KbPassage[], embedder: Embedder) => Promise<Float32Array[]> = (ps, e) => e.embed(ps.map(passageText)),
  ): Promise<KnowledgeIndex> {
    const byId = new Map(documents.map((d) => [d.id, d]));
    const kept = passages.filter((p) => byId.has(p.documentId));
    if (!kept.length) return new KnowledgeIndex([], byId, undefined, undefined);
    const texts = kept.map(passageText);
    if (embedder) return new KnowledgeIndex(kept, byId, await embed(kept, embedder), embedder);
    try {
      const fitted = BuiltinEmbedder.fitAndEmbed(texts, { dimensions: Math.min(64, Math.max(2, kept.length - 1)), minDf: 1 });
      return new KnowledgeIndex(kept, byId, fitted.vectors, fitted.embedder);
    } catch {
      // Too little text to fit a basis (one passage of stopwords): words alone serve.
      return new KnowledgeIndex(kept, byId, undefined, undefined);
    }
  }

  get size(): number {
    return this.passages.length;
  }

  /** How much a term tells passages apart (BM25's IDF; the rarest weight for a term no passage has). */
  termWeight(term: string): number {
    if (FILLER.has(term)) return 0;
    return this.bm25.df(term) ? this.bm25.idf(term) : 0;
  }

  /** Which embedder the vectors come from ("none" when words alone serve). */
  get vectorModel(): string {
    return this.embedder ? `${this.embedder.tier}:${this.embedder.id}` : "none";
  }

  async search(question: string, options: KbSearchOptions = {}): Promise<KbSearchResult> {
    const k = options.k ?? 5;
    // Figures ("5", "2024") are what an answer states, not what a question is about: "PlayStation 5" must not meet "5 working days".
    const groupsOf = (text: string) =>
      analyzeQuery(text)
        .map((g) => ({ ...g, alternatives: g.alternatives.map((a) => a.filter((t) => !FILLER.has(t) && !/^\d+$/.test(t))).filter((a) => a.length) }))
        .filter((g) => g.alternatives.length);
    const own = groupsOf(wordsToMatch(question));
    const ownTerms = new Set(own.flatMap((g) => g.alternatives.flat()));
    // Words the phrasing or the caller's hint imply (the intent's topic): they help when a passage has them, never count against one that does not.
    const implied = groupsOf([impliedWords(question), options.hint ?? ""].join(" ")).filter((g) => !g.alternatives.flat().some((t) => ownTerms.has(t)));
    const groups = [...own, ...implied];
    if (!this.passages.length) return { hits: [], confidence: 0 };
    const accept = options.locale ? (slot: number) => this.localeOf(slot) === undefined || this.localeOf(slot) === options.locale : undefined;
    // A word no passage has weighs nearly as much as the rarest one: a question about what no document
    // names is not covered. Not quite as much: a stray word ("headphones" in a warranty question) must
    // not outweigh the policy word the passages do hold.
    const rarest = UNKNOWN_WORD_WEIGHT * Math.log(1 + (this.bm25.size + 0.5) / 0.5);
    const weights = groups.map((g) => Math.max(...g.alternatives.map((a) => a.reduce((s, t) => s + (this.bm25.df(t) ? this.bm25.idf(t) : rarest), 0) / a.length)));
    const total = weights.slice(0, own.length).reduce((s, w) => s + w, 0);
    const lexical = groups.length ? this.bm25.search(groups.map((g) => g.alternatives), Math.max(50, k), { accept }) : [];
    const bestLexical = lexical[0]?.score ?? 0;
    const candidates = new Map<number, { lexical: number; coverage: number; cosine: number }>();
    for (const h of lexical) {
      const covered = h.matched.reduce((s, g) => s + weights[g]!, 0);
      const bonus = h.matched.filter((g) => g >= own.length).reduce((s, g) => s + weights[g]!, 0);
      candidates.set(h.slot, { lexical: h.score / bestLexical, coverage: total + bonus ? covered / (total + bonus) : 0, cosine: 0 });
    }
    if (this.vectors && this.embedder && options.mode !== "bm25") {
      const [q] = this.embedder.embedQueries ? await this.embedder.embedQueries([question]) : await this.embedder.embed([question]);
      if (q?.some((x) => x !== 0)) {
        const scored = this.vectors.map((v, slot) => ({ slot, cosine: dot(q, v) })).filter((s) => !accept || accept(s.slot));
        scored.sort((a, b) => b.cosine - a.cosine);
        for (const s of scored.slice(0, Math.max(50, k))) {
          const c = candidates.get(s.slot) ?? { lexical: 0, coverage: 0, cosine: 0 };
          c.cosine = s.cosine;
          candidates.set(s.slot, c);
        }
        for (const [slot, c] of candidates) if (c.cosine === 0) c.cosine = dot(q, this.vectors[slot]!);
      }
    }
    const hybrid = options.mode !== "bm25";
    const hits = [...candidates]
      .map(([slot, c]) => ({
        passage: this.passages[slot]!,
        document: this.documents.get(this.passages[slot]!.documentId)!,
        score: hybrid ? LEXICAL_SHARE * c.lexical + (1 - LEXICAL_SHARE) * Math.max(0, c.cosine) : c.lexical,
        coverage: c.coverage,
        cosine: c.cosine,
      }))
      .filter((h) => h.score > 0)
      .sort((a, b) => b.score - a.score || a.passage.id.localeCompare(b.passage.id))
      .slice(0, k);
    return { hits, confidence: hits[0] ? confidenceOf(hits[0], hybrid) : 0 };
  }

  /** Whether any document is written in this language. */
  hasLocale(locale: string): boolean {
    for (const d of this.documents.values()) if (d.locale === locale) return true;
    return false;
  }

  private localeOf(slot: number): string | undefined {
    return this.documents.get(this.passages[slot]!.documentId)?.locale;
  }
}

// Question phrasings that name a concept without its word: "how much" asks for a cost.
const ASKS_COST = /\bhow much\b|多少钱|费用|收费|价格/i;
const ASKS_TIME = /\bhow long\b|多久|多长时间|几天/i;
// "what time do you close?", 几点关门: a question about opening hours that names neither word.
const ASKS_HOURS = /\bwhat time\b[^?.!]*\b(?:open|opens|close|closes|closing)\b|\bwhen (?:do|does|are|is)\b[^?.!]*\b(?:open|close|closed)\b|\b(?:closing|opening) times?\b|几点(?:关门|开门)|什么时候(?:关门|开门)/i;

// "will it arrive by Friday?", 下单后几天能到: when a parcel comes is a question about delivery that may name neither word.
const ASKS_ARRIVAL = /\b(?:arrive|arrives|arriving|arrival|gets? (?:here|there|to me)|reach me|be delivered|turn up|come in the post)\b|(?:几天|多久|多长时间|什么时候|哪天|何时)(?:能|才能|可以|会)?(?:送|寄|收)?到(?![账店])|(?:之前|以前)(?:能|可以|会)?(?:送|寄|收)?到|到货/i;
// The day it must come by is when, not what the question is about: "Friday" would find the passage that names the days customer service answers.
const DEADLINE = /\b(?:by|before|until|till|on)\s+(?:next\s+|this\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|the weekend|christmas)\b|(?:下?(?:周|星期|礼拜)[一二三四五六日天]|明天|后天|周末)(?:之前|以前|前)?/gi;

/** The words a question's phrasing implies without saying them ("how much" → cost). */
function impliedWords(question: string): string {
  const out: string[] = [];
  const han = /\p{Script=Han}/u.test(question);
  if (ASKS_COST.test(question)) out.push("cost 费");
  if (ASKS_TIME.test(question)) out.push("days 天 工作日");
  // In the question's own language: English words would lift English passages over a Chinese answer.
  if (ASKS_HOURS.test(question)) out.push(han ? "营业" : "opening hours open");
  if (ASKS_ARRIVAL.test(question)) out.push(han ? "配送 送达 工作日" : "shipping delivery days");
  return out.join(" ");
}

const ARRIVAL_WORDS = new RegExp(ASKS_ARRIVAL.source, "gi");

/**
 * A question about when a parcel comes, as its words are matched: the arrival phrase gives way to the
 * delivery words it implies (几天能到's 到 would meet 到达 in a refund passage), and the day it is
 * wanted by goes ("will it arrive by Friday?" asks about delivery, not Fridays).
 */
function wordsToMatch(question: string): string {
  return ASKS_ARRIVAL.test(question) ? question.replace(DEADLINE, " ").replace(ARRIVAL_WORDS, " ") : question;
}

/** The question with the words its phrasing implies, as answer extraction reads it. */
export function expandQuestion(question: string): string {
  const implied = impliedWords(question);
  const asked = wordsToMatch(question).replace(/\s+/g, " ").trim();
  return implied ? `${asked} ${implied}` : asked;
}

/**
 * How sure retrieval is that a hit answers: mostly the share of the question's words it holds (a
 * question about "spaceships" matched only on "delivery" is half covered), and for the hybrid the
 * vectors' agreement. The decline threshold is calibrated on this number (bench/knowledge.ts).
 */
export function confidenceOf(hit: Pick<KbHit, "coverage" | "cosine">, hybrid = true): number {
  // Vectors only modulate: a question none of whose words a passage holds is not answered by it,
  // however close its few known words put it (the built-in vectors of "sell" alone point anywhere).
  return hybrid ? hit.coverage * (0.7 + 0.3 * Math.max(0, hit.cosine)) : hit.coverage;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
