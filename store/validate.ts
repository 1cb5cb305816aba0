import { z } from "zod";
import { ValidationError } from "../core/errors.ts";
import { parseInput } from "../core/validation.ts";
import { EVENT_TYPES, EXPERIMENT_EVENT_TYPES, KB_FORMATS, SENTIMENT_LABELS } from "./types.ts";

const id = z.string().min(1, "must not be empty");
const epochMs = z.number().int("must be whole epoch milliseconds").nonnegative();

export const productSchema = z.looseObject({
  id,
  title: z.string(),
  description: z.string().optional(),
  category: z.string().optional(),
  brand: z.string().optional(),
  price: z.number().finite().optional(),
  currency: z.string().optional(),
  tags: z.array(z.string()).optional(),
  image: z.string().optional(),
  stock: z.number().finite().optional(),
  color: z.string().optional(),
  sizes: z.array(z.string()).optional(),
  locale: z.string().optional(),
});

export const productRowSchema = z.object({ product: productSchema, hash: z.string().min(1, "must not be empty") });

export const eventSchema = z.object({
  userId: id,
  itemId: id,
  type: z.enum(EVENT_TYPES),
  value: z.number().finite().optional(),
  ts: epochMs,
});

export const shopperSchema = z.object({
  userId: id,
  locale: z.string().optional(),
  preferences: z.array(z.string()),
  personalise: z.boolean(),
  createdAt: epochMs,
  updatedAt: epochMs,
});

export const sentimentScoreSchema = z.object({ label: z.enum(SENTIMENT_LABELS), score: z.number().min(-1).max(1) });

export const messageSchema = z.object({
  conversationId: id,
  userId: id,
  role: z.enum(["user", "assistant"]),
  text: z.string(),
  ts: epochMs,
  sentiment: sentimentScoreSchema.optional(),
  itemId: id.optional(),
});

export const feedbackSchema = z.object({
  text: z.string().min(1, "must not be empty"),
  itemId: id.optional(),
  userId: id.optional(),
  rating: z.number().min(1).max(5).optional(),
  sentiment: sentimentScoreSchema,
  ts: epochMs,
});

export const sentimentQuerySchema = z.object({
  itemId: id.optional(),
  from: epochMs.optional(),
  to: epochMs.optional(),
  bucketMs: z.number().int().positive(),
  originMs: z.number().int(),
});

export const activityCountSchema = z.object({
  bucket: epochMs.refine((b) => b % 3_600_000 === 0, "must be the start of an hour (a multiple of 3600000)"),
  metric: z.string().min(1, "must not be empty").max(40),
  label: z.string().max(200),
  count: z.number().finite().nonnegative(),
  sum: z.number().finite(),
});

export const activityQuerySchema = z
  .object({ from: epochMs, to: epochMs, bucketMs: z.number().int().positive().refine((b) => b % 3_600_000 === 0, "must be a whole number of hours") })
  .refine((q) => q.from < q.to, { message: "must be before to", path: ["from"] });

const count = z.number().int().nonnegative();
export const catalogueImportSchema = z.object({
  at: epochMs,
  source: z.string().min(1, "must not be empty").max(500),
  added: count,
  updated: count,
  unchanged: count,
  rejected: count,
  products: count,
  seconds: z.number().finite().nonnegative(),
});

export const negativeExamplesQuerySchema = z.object({
  itemIds: z.array(id).max(1000, "at most 1000 products"),
  perItem: z.number().int().positive().max(20, "at most 20"),
  from: epochMs.optional(),
  to: epochMs.optional(),
});

export const segmentationSchema = z.object({
  id,
  createdAt: epochMs,
  summary: z.record(z.string(), z.unknown()),
});

export const segmentMemberSchema = z.object({ userId: id, segment: z.number().int().nonnegative() });

/** The stored shape only; recommend/experiments checks the meaning (unique names, a control, …). */
export const experimentSchema = z.object({
  id,
  name: z.string().min(1, "must not be empty"),
  description: z.string().optional(),
  variants: z
    .array(
      z.object({
        name: id,
        weight: z.number().finite().positive(),
        config: z.object({ ranking: z.string().optional(), copy: z.string().optional() }),
      }),
    )
    .min(2, "an experiment needs at least two variants"),
  primaryMetric: z.enum(["click", "cart", "purchase"]),
  status: z.enum(["running", "stopped"]),
  createdAt: epochMs,
  startedAt: epochMs,
  stoppedAt: epochMs.optional(),
});

export const experimentEventSchema = z.object({
  experimentId: id,
  userId: id,
  variant: id,
  type: z.enum(EXPERIMENT_EVENT_TYPES),
  ts: epochMs,
});

export const exposedItemsSchema = z.object({
  experimentId: id,
  userId: id,
  variant: id,
  itemIds: z.array(id),
  shownAt: epochMs,
});

export const conversationStateSchema = z.object({ conversationId: id, userId: id, state: z.record(z.string(), z.unknown()), updatedAt: epochMs });

export const exportLinkSchema = z.object({ tokenHash: id, userId: id, createdAt: epochMs, expiresAt: epochMs });

export const exposureBoundSchema = z.object({ keep: z.number().int().positive(), since: epochMs });

export const exposedKeySchema = z.object({ userId: id, itemId: id });

export const pageSchema = z
  .object({ limit: z.number().int().positive().max(10_000).optional(), offset: z.number().int().nonnegative().optional() })
  .optional();

export const weightsSchema = z.partialRecord(z.enum(EVENT_TYPES), z.number().finite());

export const idSchema = id;
export const limitSchema = z.number().int().positive().optional();
export const sinceSchema = epochMs.optional();

export { parseInput };

/**
 * Validates each element of a large batch, reporting the first few bad rows by index
 * ("events[12].type: ...") instead of one message per row of a 100k-row import.
 */
export function parseEach<T extends z.ZodType>(schema: T, items: unknown, what: string): z.infer<T>[] {
  if (!Array.isArray(items)) throw new ValidationError(`invalid ${what}: expected an array`);
  const out: z.infer<T>[] = new Array(items.length);
  const problems: string[] = [];
  let bad = 0;
  for (let i = 0; i < items.length; i++) {
    const result = schema.safeParse(items[i]);
    if (result.success) {
      out[i] = result.data;
      continue;
    }
    bad++;
    if (problems.length < 3) {
      for (const issue of result.error.issues) problems.push(`${what}[${i}]${issue.path.map((p) => `.${String(p)}`).join("")}: ${issue.message}`);
    }
  }
  if (bad) throw new ValidationError(`invalid ${what} (${bad} bad of ${items.length}): ${problems.join("; ")}${bad > 3 ? "; …" : ""}`);
  return out;
}

/** Vectors are checked by hand: zod would walk every float of a catalogue's embeddings as a JS value. */
export function checkVector(vector: unknown, what: string): Float32Array {
  if (!(vector instanceof Float32Array)) throw new ValidationError(`invalid ${what}: expected a Float32Array`);
  if (vector.length === 0) throw new ValidationError(`invalid ${what}: must not be empty`);
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw new ValidationError(`invalid ${what}: element ${i} is ${vector[i]}`);
  }
  return vector;
}

export const kbDocumentSchema = z.object({
  id,
  path: id,
  title: z.string().min(1, "must not be empty"),
  url: z.string().optional(),
  format: z.enum(KB_FORMATS),
  locale: z.string().optional(),
  hash: id,
  importedAt: epochMs,
});

export const kbPassageSchema = z.object({
  id,
  documentId: id,
  ord: z.number().int().nonnegative(),
  headings: z.array(z.string()),
  text: z.string().min(1, "must not be empty"),
});
