import { mulberry32 } from "../../core/random.ts";

/** Seeded, so training and fold splits are reproducible. */
export const createRandom = mulberry32;

export function shuffleInPlace<T>(array: { length: number; [i: number]: T }, random: () => number): void {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = array[i];
    array[i] = array[j];
    array[j] = t;
  }
}
