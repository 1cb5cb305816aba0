/** Reviews and feedback with their sentiment, and sentiment reports per product and over time (admin API). */
export { aggregateSentiment, bucketStarts, type ProductSentiment, type SentimentBucket, type SentimentReport, type SentimentSummary, wilsonLowerBound } from "./aggregate.ts";
export { BUCKETS, type Bucket, type FeedbackInput, feedbackInputSchema, MAX_BUCKETS, MAX_FEEDBACK, parseFeedback, type SentimentQueryInput, sentimentQuerySchema } from "./schemas.ts";
export { SentimentReports, type SentimentReportsDeps } from "./service.ts";
