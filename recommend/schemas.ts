import { z } from "zod";
import { EVENT_TYPES } from "../store/types.ts";

/** Input shapes at the recommender's edge; errors name the field (see core/validation.ts). */

const facetList = z.array(z.string().trim().min(1, "must not be empty")).max(50, "at most 50 values");

export const filtersSchema = z
  .object({
    priceMin: z.number().finite().nonnegative().optional(),
    priceMax: z.number().finite().nonnegative().optional(),
    categories: facetList.optional(),
    brands: facetList.optional(),
    colors: facetList.optional(),
    sizes: facetList.optional(),
    inStock: z.boolean().optional(),
    currency: z.string().trim().min(1).max(10).optional(),
  })
  .strict();

const limit = z.number().int().min(1).max(200).optional();
const locale = z.string().max(35).optional();

export const searchRequestSchema = z.object({
  text: z.string().max(2000, "at most 2000 characters"),
  filters: filtersSchema.optional(),
  userId: z.string().min(1).max(200).optional(),
  limit,
  locale,
});

export const listOptionsSchema = z.object({ limit, filters: filtersSchema.optional(), locale }).optional();

export const recommendOptionsSchema = z.object({ limit, filters: filtersSchema.optional(), locale, query: z.string().max(2000, "at most 2000 characters").optional() }).optional();

export const userIdSchema = z.string().min(1, "must not be empty").max(200);

/** A shopper event as it arrives (HTTP, socket.io): ts is optional and defaults to the time it arrived. */
export const incomingEventSchema = z
  .object({
    userId: userIdSchema,
    itemId: z.string().min(1, "must not be empty").max(200),
    type: z.enum(EVENT_TYPES),
    value: z.number().finite().optional(),
    ts: z.number().int("must be whole epoch milliseconds").nonnegative().optional(),
  })
  .refine((e) => e.type !== "rating" || e.value === undefined || (e.value >= 1 && e.value <= 5), {
    message: "a rating's value must be between 1 and 5",
    path: ["value"],
  });

export const eventsSchema = z.array(incomingEventSchema).max(10_000, "at most 10,000 events a call");
