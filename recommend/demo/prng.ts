/**
 * Seeded randomness for the demo catalogue. Each product gets its own stream derived from
 * (seed, index), so product #i is the same whatever count is asked for: a 1,200-product catalogue
 * is a prefix of a 1,000,000-product one, and any product can be regenerated on its own.
 */
import { mulberry32 } from "../../core/random.ts";

export { mulberry32 };

/** Mixes seed and index (murmur3 finaliser) so neighbouring indexes get unrelated streams. */
export function streamSeed(seed: number, index: number): number {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index >>> 0, 0x85ebca6b) ^ Math.floor(index / 4294967296)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Two different items (the same one twice when there is only one). */
  pickTwo<T>(items: readonly T[]): [T, T] {
    const i = Math.floor(this.next() * items.length);
    if (items.length < 2) return [items[i]!, items[i]!];
    let j = Math.floor(this.next() * (items.length - 1));
    if (j >= i) j++;
    return [items[i]!, items[j]!];
  }
  /** Index into `cumulative` (ascending running totals of weights). */
  weighted(cumulative: readonly number[]): number {
    const x = this.next() * cumulative[cumulative.length - 1]!;
    let i = 0;
    while (cumulative[i]! <= x) i++;
    return i;
  }
}
