import { z } from "zod";

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
  // Built by shoppers/, not read from the wire: passed through as it is.
  profile: z.unknown().optional(),
  limit,
  locale,
});

export const listOptionsSchema = z.object({ limit, filters: filtersSchema.optional(), locale }).optional();

export const recommendOptionsSchema = z.object({ limit, filters: filtersSchema.optional(), locale, query: z.string().max(2000, "at most 2000 characters").optional() }).optional();
