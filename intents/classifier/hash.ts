/**
 * 32-bit FNV-1a, computed incrementally so n-grams are hashed while scanning the text, with no
 * substring allocated per n-gram. Each feature family starts from its own seed, so "ab" as a word
 * and "ab" as a character n-gram are different features.
 */
export const FNV_OFFSET = 0x811c9dc5 | 0;

export function fnvStep(h: number, code: number): number {
  return Math.imul(h ^ code, 16777619);
}

export function hashString(seed: number, s: string): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = fnvStep(h, s.charCodeAt(i));
  return h;
}

/** Murmur3's finaliser: spreads the bits of a combined hash (FNV alone mixes its last bytes poorly). */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export function combine(seed: number, a: number, b: number): number {
  return mix(Math.imul(seed ^ a, 0x9e3779b1) + b);
}

/** Distinct starting points per feature family. */
export function familySeed(name: string): number {
  return mix(hashString(FNV_OFFSET, name));
}
