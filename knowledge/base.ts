import type { Logger } from "../core/logger.ts";
import type { Locale } from "../core/turn.ts";
import type { Embedder } from "../recommend/index.ts";
import type { BlobStore, KnowledgeStore } from "../store/types.ts";
import { extractAnswer, type KbSource, sourcesOf } from "./answer.ts";
import { cachedVectors } from "./vector-cache.ts";
import { expandQuestion, type KbHit, type KbSearchOptions, type KbSearchResult, KnowledgeIndex } from "./retriever.ts";

/**
 * Below this confidence the documents are taken not to answer the question, and the shopper is told
 * so rather than given a guess. Calibrated on labelled questions (the demo set's answerable and
 * unanswerable ones, EN and ZH): bench/knowledge.ts prints the sweep; docs/knowledge.md the figures.
 */
export const DEFAULT_MIN_CONFIDENCE = 0.4;

/** What the knowledge base found for a question: an answer with its sources, or nothing it trusts. */
export interface KbLookup {
  /** Whether the best passage clears the confidence threshold. */
  answerable: boolean;
  confidence: number;
  /** Best first; empty when the knowledge base is empty. */
  hits: KbHit[];
  /** The templated answer (the best-matching sentences), when answerable. */
  text?: string;
  /** The passages the answer draws on, when answerable. */
  used?: KbHit[];
  sources?: KbSource[];
}

export interface KnowledgeBaseOptions {
  store: KnowledgeStore;
  /** The downloaded embedding model when one is loaded; without it the built-in vectors are fitted on the passages. */
  embedder?: Embedder;
  minConfidence?: number;
  logger?: Logger;
  /** Where the downloaded model's passage vectors are kept between starts (without it, every refresh embeds them all). */
  blobs?: BlobStore;
}

/** The shop's documents as the service answers from them: loaded from the store, rebuilt on refresh(). */
export class KnowledgeBase {
  private index: KnowledgeIndex | undefined;
  readonly minConfidence: number;

  constructor(private readonly options: KnowledgeBaseOptions) {
    this.minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  }

  /** Reads every passage from the store and indexes them (again). */
  async refresh(): Promise<void> {
    const started = Date.now();
    const [documents, passages] = await Promise.all([this.options.store.documents(), this.options.store.passages()]);
    let embedded: number | undefined;
    const blobs = this.options.blobs;
    this.index = await KnowledgeIndex.build(
      passages,
      documents,
      this.options.embedder,
      blobs ? (ps, e) => cachedVectors(blobs, ps, e, (n) => (embedded = n)) : undefined,
    );
    this.options.logger?.info({ documents: documents.length, passages: this.index.size, vectors: this.index.vectorModel, embedded, ms: Date.now() - started }, "knowledge base ready");
  }

  get size(): number {
    return this.index?.size ?? 0;
  }

  async search(question: string, options: KbSearchOptions = {}): Promise<KbSearchResult> {
    if (!this.index) await this.refresh();
    return this.index!.search(question, options);
  }

  /**
   * The best passages for a question: those in the shopper's language first, all documents when
   * that finds nothing trustworthy and the shop has none in that language (an English-only shop
   * still answers a Chinese question it can; a shop with Chinese documents never answers a Chinese
   * question from an English one).
   */
  async ask(question: string, locale: Locale, options: Pick<KbSearchOptions, "mode" | "hint"> & { minConfidence?: number } = {}): Promise<KbLookup> {
    if (!this.index) await this.refresh();
    const index = this.index!;
    const bar = options.minConfidence ?? this.minConfidence;
    const search = { mode: options.mode, hint: options.hint };
    let result = await index.search(question, { ...search, locale });
    if (result.confidence < bar && !index.hasLocale(locale)) {
      const any = await index.search(question, search);
      if (any.confidence > result.confidence) result = any;
    }
    const lookup: KbLookup = { answerable: result.confidence >= bar, confidence: result.confidence, hits: result.hits };
    if (!lookup.answerable) return lookup;
    const answer = extractAnswer(expandQuestion(question), result.hits, (t) => index.termWeight(t));
    if (!answer.text) return { ...lookup, answerable: false };
    return { ...lookup, text: answer.text, used: answer.used, sources: sourcesOf(answer.used) };
  }
}
