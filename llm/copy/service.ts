import { z } from "zod";
import { NotFoundError, ValidationError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { safeText } from "../../core/text.ts";
import { parseInput } from "../../core/validation.ts";
import type { EventType, Experiment, Product, Store } from "../../store/types.ts";
import type { LanguageModel } from "../types.ts";
import { generateCopy } from "./generate.ts";
import { type Audience, CHANNELS, type CopyResult, LENGTHS, TONES } from "./types.ts";

/** POST /api/admin/copy and `concierge copy`: the request, validated at the edge. */
export const copyInputSchema = z
  .object({
    productId: safeText().trim().min(1, "must not be empty").max(200, "at most 200 characters"),
    shopperId: z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters").optional(),
    segmentId: z.coerce.number().int("must be a segment number (0, 1, …)").min(0, "must be a segment number (0, 1, …)").max(9999).optional(),
    tone: z.enum(TONES, { error: () => `expected one of ${TONES.join(", ")}` }).default("friendly"),
    channel: z.enum(CHANNELS, { error: () => `expected one of ${CHANNELS.join(", ")}` }).default("chat"),
    length: z.enum(LENGTHS, { error: () => `expected one of ${LENGTHS.join(", ")}` }).default("medium"),
    variants: z.number().int("must be a whole number").min(1, "at least 1").max(10, "at most 10").default(3),
    locale: z.enum(["en", "zh"], { error: () => "expected en or zh" }).default("en"),
    seed: z.number().int("must be a whole number").min(0, "must not be negative").max(2 ** 31).default(1),
    experiment: z
      .object({
        name: z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters"),
        id: z.string().optional(),
        description: z.string().optional(),
        primaryMetric: z.enum(["click", "cart", "purchase"]).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.shopperId !== undefined && v.segmentId !== undefined) ctx.addIssue({ code: "custom", message: "give shopperId or segmentId, not both", path: ["segmentId"] });
    if (v.experiment && v.variants < 2) ctx.addIssue({ code: "custom", message: "an experiment needs at least 2 variants", path: ["variants"] });
  });

export type CopyInput = z.input<typeof copyInputSchema>;

export interface CopyResponse extends CopyResult {
  productId: string;
  audience: Audience;
  /** False when the shopper turned personalisation off: the copy is then written for everyone. */
  personalised: boolean;
  tone: string;
  channel: string;
  length: string;
  locale: string;
  seed: number;
  /** The A/B experiment created with these variants, when one was asked for. */
  experiment?: Experiment;
}

export interface CopyServiceDeps {
  store: Store;
  /** The process's model (shared with the dialogs); undefined → templated copy. */
  languageModel?: () => LanguageModel | undefined;
  /** Creates an A/B experiment (recommend/experiments' Experiments.create). */
  createExperiment?: (input: unknown) => Promise<Experiment>;
  logger?: Logger;
}

// What each kind of event says about a shopper's interest in an item's category and brand.
const INTEREST: Record<EventType, number> = { view: 1, cart: 3, favourite: 4, purchase: 5, rating: 0 };
const EVENTS_READ = 500;

const segmentSummarySchema = z.object({
  segments: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      topCategories: z.array(z.object({ name: z.string() })).default([]),
      topBrands: z.array(z.object({ name: z.string() })).default([]),
    }),
  ),
});

function top(weights: Map<string, number>, n: number): string[] {
  return [...weights]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([k]) => k);
}

/** Marketing copy for the admin API and the CLI: looks up product, shopper or segment, writes, and optionally starts an experiment. */
export class CopyService {
  constructor(private readonly deps: CopyServiceDeps) {}

  /** The shopper's top categories and brands from their recent events, and their stated likes. */
  async shopperAudience(userId: string): Promise<{ audience: Audience; personalised: boolean }> {
    const shopper = await this.deps.store.shoppers.getShopper(userId);
    const events = await this.deps.store.shoppers.eventsForUser(userId, EVENTS_READ);
    if (!shopper && !events.length) throw new NotFoundError(`no shopper "${userId}"`);
    if (shopper && !shopper.personalise) return { audience: { kind: "everyone", categories: [], brands: [], preferences: [] }, personalised: false };
    const products = new Map((await this.deps.store.catalogue.getProducts([...new Set(events.map((e) => e.itemId))])).map((p) => [p.id, p]));
    const categories = new Map<string, number>();
    const brands = new Map<string, number>();
    for (const e of events) {
      const w = e.type === "rating" ? ((e.value ?? 0) >= 4 ? 4 : 0) : INTEREST[e.type];
      const p = products.get(e.itemId);
      if (!p || !w) continue;
      if (p.category) categories.set(p.category, (categories.get(p.category) ?? 0) + w);
      if (p.brand) brands.set(p.brand, (brands.get(p.brand) ?? 0) + w);
    }
    return { audience: { kind: "shopper", categories: top(categories, 5), brands: top(brands, 5), preferences: shopper?.preferences.slice(0, 10) ?? [] }, personalised: true };
  }

  /** A segment of the latest segmentation: its name, top categories and brands. */
  async segmentAudience(id: number): Promise<Audience> {
    const run = await this.deps.store.segments.latestSegmentation();
    if (!run) throw new NotFoundError("no segmentation yet: run `concierge segments` or POST /api/admin/segments/run first");
    const parsed = segmentSummarySchema.safeParse(run.summary);
    const segment = parsed.success ? parsed.data.segments.find((s) => s.id === id) : undefined;
    if (!segment) throw new NotFoundError(`no segment ${id} in the latest segmentation`);
    return { kind: "segment", name: segment.name, categories: segment.topCategories.map((c) => c.name).slice(0, 5), brands: segment.topBrands.map((b) => b.name).slice(0, 5), preferences: [] };
  }

  async write(input: unknown, options: { signal?: AbortSignal } = {}): Promise<CopyResponse> {
    const q = parseInput(copyInputSchema, input ?? {}, "copy request");
    const [product]: (Product | undefined)[] = await this.deps.store.catalogue.getProducts([q.productId]);
    if (!product) throw new NotFoundError(`no product "${q.productId}" in the catalogue`);
    let audience: Audience = { kind: "everyone", categories: [], brands: [], preferences: [] };
    let personalised = true;
    if (q.shopperId !== undefined) ({ audience, personalised } = await this.shopperAudience(q.shopperId));
    else if (q.segmentId !== undefined) audience = await this.segmentAudience(q.segmentId);
    if (q.experiment && !this.deps.createExperiment) throw new ValidationError("invalid copy request: experiment: experiments are not available here");

    const result = await generateCopy(
      this.deps.languageModel?.(),
      { product, audience, tone: q.tone, channel: q.channel, length: q.length, variants: q.variants, locale: q.locale, seed: q.seed },
      { signal: options.signal, logger: this.deps.logger },
    );
    let experiment: Experiment | undefined;
    if (q.experiment) {
      if (result.variants.length < 2) throw new ValidationError("invalid copy request: experiment: fewer than 2 distinct variants could be written for this product and channel");
      experiment = await this.deps.createExperiment!({
        ...(q.experiment.id ? { id: q.experiment.id } : {}),
        name: q.experiment.name,
        description: q.experiment.description ?? `${q.channel} copy (${q.tone}, ${q.length}, ${q.locale}) for product ${product.id}${audience.kind === "segment" ? ` to segment ${audience.name}` : ""}`,
        ...(q.experiment.primaryMetric ? { primaryMetric: q.experiment.primaryMetric } : {}),
        // The first variant is the control; each variant's copy is its fields as JSON for the shop's pages.
        variants: result.variants.map((v) => ({ name: v.name, config: { copy: JSON.stringify(v.fields) } })),
      });
    }
    this.deps.logger?.info({ product: product.id, audience: audience.kind, channel: q.channel, variants: result.variants.length, usedModel: result.usedModel }, "copy written");
    return {
      productId: product.id,
      audience,
      personalised,
      tone: q.tone,
      channel: q.channel,
      length: q.length,
      locale: q.locale,
      seed: q.seed,
      ...result,
      ...(experiment ? { experiment } : {}),
    };
  }
}
