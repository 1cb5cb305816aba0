/** What the classifier was unsure of, kept for the shop to label: the log, the grouping, the understander that fills it. */
export { type ReviewGroup, groupForReview } from "./groups.ts";
export { type ReviewEntry, type ReviewItem, ReviewLog, readReviewLog, reviewLogFiles } from "./log.ts";
export { type ReviewOptions, ReviewingUnderstander } from "./queue.ts";
