import { ValidationError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { redactPii } from "../../core/redact.ts";
import { parseInput } from "../../core/validation.ts";
import type { FeedbackRecord, Store } from "../../store/types.ts";
import { analyzeSentiment, type SentimentAnalyzer } from "../sentiment.ts";
import { aggregateSentiment, type SentimentReport } from "./aggregate.ts";
import { BUCKETS, MAX_BUCKETS, parseFeedback, sentimentQuerySchema } from "./schemas.ts";

export interface SentimentReportsDeps {
  store: Store;
  /** Default: the built-in lexicon (chosen by measurement: llm/README.md, "Sentiment"). */
  analyzer?: SentimentAnalyzer;
  logger?: Logger;
  now?: () => number;
}

const DAY = BUCKETS.day;
// Weeks start on Monday (UTC): 1970-01-05 was one.
const MONDAY = 4 * DAY;
/** Without `from`, a report covers this many buckets up to `to`. */
const DEFAULT_SPAN = { day: 30, week: 12 } as const;

/**
 * Reviews and feedback the shop posts (scored for sentiment on the way in, stored with personal data
 * redacted) and the sentiment report over them and the shoppers' messages: per product, over time,
 * and the most negative products.
 */
export class SentimentReports {
  constructor(private readonly deps: SentimentReportsDeps) {}

  private analyze(text: string) {
    return this.deps.analyzer ? this.deps.analyzer.analyze(text) : analyzeSentiment(text);
  }

  /** One entry or an array of up to 1000; all are validated before any is stored. */
  async record(input: unknown): Promise<{ accepted: number; feedback: { itemId?: string; userId?: string; label: string; score: number; ts: number }[] }> {
    const entries = parseFeedback(input);
    const now = this.deps.now?.() ?? Date.now();
    const rows: FeedbackRecord[] = entries.map((e) => {
      // Scored on what was written; a phone number carries no sentiment, but "[phone]" should not be
      // read as a word either. Only the redacted text is kept.
      const { label, score } = this.analyze(e.text);
      return {
        text: redactPii(e.text),
        ...(e.itemId ? { itemId: e.itemId } : {}),
        ...(e.userId ? { userId: e.userId } : {}),
        ...(e.rating !== undefined ? { rating: e.rating } : {}),
        sentiment: { label, score },
        ts: e.ts ?? now,
      };
    });
    await this.deps.store.conversations.addFeedback(rows);
    this.deps.logger?.info({ feedback: rows.length }, "feedback recorded");
    return {
      accepted: rows.length,
      feedback: rows.map((r) => ({ ...(r.itemId ? { itemId: r.itemId } : {}), ...(r.userId ? { userId: r.userId } : {}), label: r.sentiment.label, score: r.sentiment.score, ts: r.ts })),
    };
  }

  /** GET /api/admin/sentiment: `{itemId?, from?, to?, bucket?: day|week, top?}`, times as epoch ms or ISO dates. */
  async report(query: unknown): Promise<SentimentReport> {
    const q = parseInput(sentimentQuerySchema, query ?? {}, "query");
    const bucketMs = BUCKETS[q.bucket];
    const originMs = q.bucket === "week" ? MONDAY : 0;
    const to = q.to ?? this.deps.now?.() ?? Date.now();
    const from = q.from ?? to - DEFAULT_SPAN[q.bucket] * bucketMs;
    if (from >= to) throw new ValidationError("invalid query: from: must be before to");
    const buckets = Math.ceil((to - (Math.floor((from - originMs) / bucketMs) * bucketMs + originMs)) / bucketMs);
    if (buckets > MAX_BUCKETS) throw new ValidationError(`invalid query: from: the range spans ${buckets} ${q.bucket}s; at most ${MAX_BUCKETS} buckets (use bucket=week or a shorter range)`);
    const tallies = await this.deps.store.conversations.sentimentTallies({ itemId: q.itemId, from, to, bucketMs, originMs });
    const ids = [...new Set(tallies.byItem.map((t) => t.itemId!))];
    const titles = new Map((await this.deps.store.catalogue.getProducts(ids)).map((p) => [p.id, p.title]));
    const report = aggregateSentiment(tallies, { from, to, bucket: q.bucket, bucketMs, originMs, itemId: q.itemId, top: q.top, titles });
    if (q.examples === 0 || report.topNegative.length === 0) return report;
    // Stored redacted: what the shop reads here carries no shopper's e-mail, phone or card number.
    const examples = await this.deps.store.conversations.negativeExamples({ itemIds: report.topNegative.map((p) => p.itemId), perItem: q.examples, from, to });
    return {
      ...report,
      topNegative: report.topNegative.map((p) => ({
        ...p,
        examples: examples.filter((e) => e.itemId === p.itemId).map((e) => ({ source: e.source, text: e.text, score: e.score, ts: e.ts })),
      })),
    };
  }
}
