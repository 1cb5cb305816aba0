import { createHash } from "node:crypto";
import type { Experiment, ExperimentVariant } from "../../store/types.ts";

/**
 * Where a shopper falls in [0, 1) for an experiment: the first 52 bits of
 * SHA-256(experimentId NUL userId). It depends on nothing but the two ids, so every replica and
 * every restart agrees, and the same shopper lands independently in different experiments.
 * (The NUL keeps "ab"+"c" and "a"+"bc" apart.)
 */
export function bucketOf(experimentId: string, userId: string): number {
  const digest = createHash("sha256").update(experimentId).update("\u0000").update(userId).digest();
  // 52 bits: 6.5 bytes, exactly representable as a double.
  const high = digest.readUInt32BE(0);
  const low = digest.readUInt32BE(4) >>> 12;
  return (high * 2 ** 20 + low) / 2 ** 52;
}

/**
 * The shopper's variant: their bucket placed on the variants' cumulative weights, in the order the
 * variants were defined. Deterministic, so no assignment table is needed; changing weights or order
 * would move shoppers, which is why an experiment's variants cannot be edited once created.
 */
export function assignVariant(experiment: Pick<Experiment, "id" | "variants">, userId: string): ExperimentVariant {
  const { variants } = experiment;
  if (!variants.length) throw new Error(`experiment ${experiment.id} has no variants`);
  const total = variants.reduce((s, v) => s + v.weight, 0);
  let point = bucketOf(experiment.id, userId) * total;
  for (const v of variants) {
    if (point < v.weight) return v;
    point -= v.weight;
  }
  return variants[variants.length - 1]!; // rounding at the very top of the range
}
