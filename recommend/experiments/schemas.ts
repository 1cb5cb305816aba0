import { z } from "zod";
import { ValidationError } from "../../core/errors.ts";
import { safeText } from "../../core/text.ts";
import { parseInput } from "../../core/validation.ts";
import { EXPERIMENT_EVENT_TYPES } from "../../store/types.ts";

/** Input shapes at the experiments' edge (admin API, public events, CLI); errors name the field. */

export const EXPERIMENT_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const VARIANT_NAME = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}$/;
/** Letters, digits, "_" and "-": room for the evaluation's system names ("contentOnly", "noDiversity"). */
const STRATEGY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const METRICS = ["click", "cart", "purchase"] as const;

export const variantInputSchema = z
  .object({
    name: z.string().trim().regex(VARIANT_NAME, "must be 1-40 letters, digits, spaces, '_', '.' or '-', starting with a letter or digit"),
    weight: z.number().finite().positive("must be greater than 0").max(1000, "at most 1000").default(1),
    config: z
      .object({
        ranking: z.string().regex(STRATEGY, "must be a strategy name: letters, digits, '_' or '-'").optional(),
        copy: safeText().trim().min(1, "must not be empty").max(2000, "at most 2000 characters").optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export const createExperimentSchema = z
  .object({
    id: z.string().regex(EXPERIMENT_ID, "must be 1-64 lower-case letters, digits, '_' or '-', starting with a letter or digit").optional(),
    name: safeText().trim().min(1, "must not be empty").max(200, "at most 200 characters"),
    description: safeText().trim().max(2000, "at most 2000 characters").optional(),
    variants: z
      .array(variantInputSchema)
      .min(2, "an experiment needs at least two variants (the first is the control)")
      .max(10, "at most 10 variants"),
    primaryMetric: z.enum(METRICS).default("click"),
  })
  .strict()
  .superRefine((e, ctx) => {
    const seen = new Map<string, number>();
    e.variants.forEach((v, i) => {
      const key = v.name.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", message: `duplicates the name of variants[${seen.get(key)}]`, path: ["variants", i, "name"] });
      else seen.set(key, i);
    });
  });

export type CreateExperimentInput = z.input<typeof createExperimentSchema>;

export const experimentEventInputSchema = z
  .object({
    // Not an identity: the events are the shopper the request proves, whatever is written here.
    userId: z.unknown().optional(),
    type: z.enum(EXPERIMENT_EVENT_TYPES, { error: () => `expected one of ${EXPERIMENT_EVENT_TYPES.join(", ")}` }),
    variant: safeText().min(1, "must not be empty").max(40).optional(),
  })
  .strict();

export type ExperimentEventInput = z.infer<typeof experimentEventInputSchema>;

const MAX_EVENTS = 1000;

/** One event or an array of up to 1000; errors name the event and field ("events[3].type: …"). */
export function parseExperimentEvents(input: unknown): ExperimentEventInput[] {
  if (!Array.isArray(input)) return [parseInput(experimentEventInputSchema, input, "event")];
  if (input.length === 0) throw new ValidationError("invalid events: at least one event");
  if (input.length > MAX_EVENTS) throw new ValidationError(`invalid events: at most ${MAX_EVENTS} events a call (got ${input.length})`);
  return input.map((e, i) => {
    if (typeof e !== "object" || e === null || Array.isArray(e)) throw new ValidationError(`invalid events: events[${i}]: expected an event object`);
    return parseInput(experimentEventInputSchema, e, `events[${i}]`);
  });
}
