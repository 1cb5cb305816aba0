import { z } from "zod";
import { ValidationError } from "../../core/errors.ts";
import { safeText } from "../../core/text.ts";
import { parseInput } from "../../core/validation.ts";

/** Input shapes at the feedback and sentiment edge (admin API); errors name the field. */

const id = safeText().trim().min(1, "must not be empty").max(200, "at most 200 characters");

/** Epoch milliseconds, or an ISO 8601 date / date-time string. */
export const instantSchema = z.union([
  z.number().int("must be whole epoch milliseconds").nonnegative("must not be negative"),
  z
    .string()
    .trim()
    .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && Number.isFinite(Date.parse(s)), "must be epoch milliseconds or an ISO 8601 date (2026-01-31 or 2026-01-31T12:00:00Z)")
    .transform((s) => Date.parse(s)),
]);

export const feedbackInputSchema = z
  .object({
    text: safeText().trim().min(1, "must not be empty").max(10_000, "at most 10000 characters"),
    itemId: id.optional(),
    userId: id.optional(),
    rating: z.number().min(1, "must be from 1 to 5").max(5, "must be from 1 to 5").optional(),
    ts: instantSchema.optional(),
  })
  .strict();

export type FeedbackInput = z.infer<typeof feedbackInputSchema>;

export const MAX_FEEDBACK = 1000;

/** One piece of feedback or an array of up to 1000; errors name the entry and field ("feedback[3].text: …"). */
export function parseFeedback(input: unknown): FeedbackInput[] {
  if (!Array.isArray(input)) {
    if (typeof input !== "object" || input === null) throw new ValidationError("invalid feedback: expected an object {text, itemId?, userId?, rating?, ts?} or an array of them");
    return [parseInput(feedbackInputSchema, input, "feedback")];
  }
  if (input.length === 0) throw new ValidationError("invalid feedback: at least one entry");
  if (input.length > MAX_FEEDBACK) throw new ValidationError(`invalid feedback: at most ${MAX_FEEDBACK} entries a call (got ${input.length})`);
  return input.map((f, i) => {
    if (typeof f !== "object" || f === null || Array.isArray(f)) throw new ValidationError(`invalid feedback: feedback[${i}]: expected an object`);
    const result = feedbackInputSchema.safeParse(f);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => `feedback[${i}].${issue.path.join(".")}: ${issue.message}`);
    throw new ValidationError(`invalid feedback: ${problems.join("; ")}`);
  });
}

export const BUCKETS = { day: 86_400_000, week: 7 * 86_400_000 } as const;
export type Bucket = keyof typeof BUCKETS;
/** At most this many buckets in one report (a year of days). */
export const MAX_BUCKETS = 366;

export const sentimentQuerySchema = z
  .object({
    itemId: id.optional(),
    from: z.union([z.string().regex(/^\d+$/).transform(Number), instantSchema]).optional(),
    to: z.union([z.string().regex(/^\d+$/).transform(Number), instantSchema]).optional(),
    bucket: z.enum(["day", "week"], { error: () => "expected day or week" }).default("day"),
    top: z.coerce.number().int("must be a whole number").min(1, "at least 1").max(100, "at most 100").default(10),
    /** Example messages (redacted, most negative first) for each of the most negative products. */
    examples: z.coerce.number().int("must be a whole number").min(0, "at least 0").max(10, "at most 10").default(3),
  })
  .strict();

export type SentimentQueryInput = z.input<typeof sentimentQuerySchema>;
