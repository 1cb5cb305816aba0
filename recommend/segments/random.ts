import { mulberry32 } from "../../core/random.ts";

/** Seeded, so a segmentation re-run on the same data gives the same segments. */
export const seededRandom = mulberry32;

/** A standard normal draw (Box–Muller) from a uniform source. */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
