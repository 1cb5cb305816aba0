import { z } from "zod";
import type { Logger } from "../../core/logger.ts";
import { parseInput } from "../../core/validation.ts";
import type { LanguageModel } from "../types.ts";
import { copyFacts } from "./facts.ts";
import { type CopyFailure, modelCopy } from "./model.ts";
import { templatedCopy } from "./templates.ts";
import { CHANNELS, type CopyFields, type CopyRequest, type CopyResult, type CopyVariant, LENGTHS, TONES } from "./types.ts";
import { catalogueFactsSchema } from "../grounded/catalogue.ts";

const copyProductSchema = catalogueFactsSchema;

export const copyRequestSchema = z.object({
  product: copyProductSchema,
  audience: z.object({
    kind: z.enum(["everyone", "shopper", "segment"]),
    name: z.string().optional(),
    categories: z.array(z.string()).max(50),
    brands: z.array(z.string()).max(50),
    preferences: z.array(z.string()).max(50),
  }),
  tone: z.enum(TONES),
  channel: z.enum(CHANNELS),
  length: z.enum(LENGTHS),
  variants: z.number().int().min(1).max(10),
  locale: z.enum(["en", "zh"]),
  seed: z.number().int().min(0).max(2 ** 31),
});

const NAMES = "ABCDEFGHIJ";
const key = (f: CopyFields) => JSON.stringify(f);

export interface GenerateCopyOptions {
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * `variants` distinct pieces of copy for one product, audience, tone, channel and length. With a
 * model each variant is sampled under the copy grammar (its own seed) and checked against the
 * catalogue; any variant the model cannot give — no model, busy, failed, failed the checks, a
 * duplicate — is written by the templates. The service always answers; `usedModel` says who wrote.
 */
export async function generateCopy(model: LanguageModel | undefined, request: CopyRequest, options: GenerateCopyOptions = {}): Promise<CopyResult> {
  const req = parseInput(copyRequestSchema, request, "copy request") as CopyRequest;
  const facts = copyFacts(req.product, req.locale);
  const fromModel: CopyFields[] = [];
  const failures: CopyFailure[] = [];
  if (model) {
    // One variant at a time: copy takes at most one of the sequences the shoppers' replies share.
    const results: Awaited<ReturnType<typeof modelCopy>>[] = [];
    for (let i = 0; i < req.variants; i++) {
      options.signal?.throwIfAborted();
      results.push(await modelCopy(model, req, facts, i, options));
    }
    const seen = new Set<string>();
    for (const r of results) {
      if ("failure" in r) failures.push(r.failure);
      else if (seen.has(key(r.fields))) failures.push("failed_checks");
      else {
        seen.add(key(r.fields));
        fromModel.push(r.fields);
      }
    }
  }
  const templated = templatedCopy(req, facts, req.variants - fromModel.length, fromModel);
  const variants: CopyVariant[] = [
    ...fromModel.map((fields) => ({ fields, source: "model" as const })),
    ...templated.map((fields) => ({ fields, source: "template" as const })),
  ].map((v, i) => ({ name: NAMES[i]!, channel: req.channel, ...v }));
  const fallbackReason = !model ? "no_model" : failures.length ? [...new Set(failures)].join(",") : undefined;
  if (fallbackReason && fallbackReason !== "no_model") options.logger?.info({ reason: fallbackReason, model: fromModel.length, templated: templated.length }, "copy: some variants written by the templates");
  return { variants, usedModel: fromModel.length > 0, ...(fallbackReason ? { fallbackReason } : {}) };
}
