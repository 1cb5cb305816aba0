import { z } from "zod";

/**
 * Scripted conversations (docs/dialog-tests.md): what the shopper says, turn by turn, and what each
 * reply must be. Keys are snake_case as written in the YAML files; unknown keys are an error, so a
 * misspelt expectation never passes silently.
 */

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const price = z.number().nonnegative();

/** What every (or the first, or some) product card must be, checked against the catalogue record. */
export const productCheckSchema = z
  .object({
    id: z.string().min(1).optional(),
    category: oneOrMany.optional(),
    brand: z.string().min(1).optional(),
    color: z.string().min(1).optional(),
    max_price: price.optional(),
    min_price: price.optional(),
    currency: z.string().min(1).optional(),
    /** men, women or kids: the product's own words name that audience, or none (unisex suits adults). */
    audience: z.enum(["men", "women", "kids"]).optional(),
    /** Any of these appears in the title, tags or description (case-insensitive). */
    text_contains: oneOrMany.optional(),
    title_contains: oneOrMany.optional(),
  })
  .strict();

const positionSchema = z.union([z.number().int().min(1), z.literal("last")]);

export const productsExpectationSchema = z
  .object({
    count: z.number().int().min(0).optional(),
    at_least: z.number().int().min(0).optional(),
    at_most: z.number().int().min(0).optional(),
    /** No product cards at all. */
    none: z.literal(true).optional(),
    all: productCheckSchema.optional(),
    first: productCheckSchema.optional(),
    some: productCheckSchema.optional(),
    /** No card meets it ("not from Qingbu": no card is by Qingbu). */
    none_match: productCheckSchema.optional(),
    /** The first card is the product shown at `position` (1-based, or "last") in the reply to turn `turn`. */
    same_as: z.object({ turn: z.number().int().min(1), position: positionSchema }).strict().optional(),
    /** No card shown in the reply to that turn (a new listing, not the same one again). */
    not_shown_in_turn: z.number().int().min(1).optional(),
    /** Every card costs less than the median price of that turn's cards. */
    cheaper_than_turn: z.number().int().min(1).optional(),
    /** Every card costs more than the median price of that turn's cards. */
    pricier_than_turn: z.number().int().min(1).optional(),
    /** The cards' prices never fall (ascending) or never rise (descending) from one card to the next. */
    price_order: z.enum(["ascending", "descending"]).optional(),
  })
  .strict();

export const replyExpectationSchema = z
  .object({
    /** Each of these appears in the reply text (case-insensitive). */
    contains: oneOrMany.optional(),
    /** At least one of these appears. */
    contains_any: oneOrMany.optional(),
    /** None of these appears. */
    not_contains: oneOrMany.optional(),
    /** The text matches this regular expression (JavaScript syntax, case-insensitive). */
    matches: z.string().min(1).optional(),
    /** The text does not match it. */
    not_matches: z.string().min(1).optional(),
  })
  .strict();

export const entitiesExpectationSchema = z
  .object({
    categories: oneOrMany.optional(),
    brands: oneOrMany.optional(),
    colors: oneOrMany.optional(),
    sizes: oneOrMany.optional(),
    price: z.object({ min: price.optional(), max: price.optional() }).strict().optional(),
  })
  .strict();

export const turnSchema = z
  .object({
    user: z.string().trim().min(1, "must not be empty"),
    /** The locale the client sends with this message (default: the conversation's). */
    locale: z.string().min(2).optional(),
    expect: z
      .object({
        /** The intent the engine answered as (one of several when a list). */
        intent: oneOrMany.optional(),
        /** Entities the NLU found: each listed value must be among them (more may be). */
        entities: entitiesExpectationSchema.optional(),
        products: productsExpectationSchema.optional(),
        reply: replyExpectationSchema.optional(),
        /** The reply's suggestions include each of these (case-insensitive substring). */
        suggestions: oneOrMany.optional(),
        /** The answer came from the shop's documents: a source's title includes each of these; `none: true`: it did not. */
        sources: z
          .object({ titles: oneOrMany.optional(), none: z.literal(true).optional() })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const conversationSchema = z
  .object({
    name: z.string().trim().min(1),
    locale: z.string().min(2).optional(),
    tags: z.array(z.string()).optional(),
    turns: z.array(turnSchema).min(1, "needs at least one turn"),
  })
  .strict();

/** A file holds one conversation, a list of them, or {conversations: [...]} (optionally with a shared locale and tags). */
export const conversationFileSchema = z.union([
  conversationSchema.transform((c) => [c]),
  z.array(conversationSchema).min(1),
  z
    .object({ locale: z.string().min(2).optional(), tags: z.array(z.string()).optional(), conversations: z.array(conversationSchema).min(1) })
    .strict()
    .transform((f) => f.conversations.map((c) => ({ ...c, locale: c.locale ?? f.locale, tags: [...(f.tags ?? []), ...(c.tags ?? [])] }))),
]);

export type ProductCheck = z.infer<typeof productCheckSchema>;
export type ProductsExpectation = z.infer<typeof productsExpectationSchema>;
export type ReplyExpectation = z.infer<typeof replyExpectationSchema>;
export type ScriptTurn = z.infer<typeof turnSchema>;
export type Conversation = z.infer<typeof conversationSchema>;
