import { exactSearch, type Matches, MetricKind } from "usearch";
import type { ExactIndex, SlotHit } from "./exact.ts";

interface Subset {
  slots: Int32Array;
  matrix: Float32Array;
}

/** Two 32-bit FNV-1a hashes of a slot list, with its length: a collision would need all three to agree. */
function keyOf(slots: ArrayLike<number>): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < slots.length; i++) {
    a = Math.imul(a ^ slots[i], 0x01000193) >>> 0;
    b = Math.imul(b ^ (slots[i] + i), 0x811c9dc5) >>> 0;
  }
  return `${slots.length}:${a.toString(36)}:${b.toString(36)}`;
}

/**
 * Exact search over a filter's accepted products, natively. Scanning them in JavaScript reads each
 * vector from wherever it lies in the catalogue's matrix (about 4 ms for 7,600 products of 128-d at
 * 100k); copied once into a contiguous matrix, usearch's SIMD exact search does it in about 0.6 ms.
 * Shoppers repeat filters (a category, a price band), so the copies are kept, least recently used
 * first out, within a byte budget, and dropped whenever the vectors change.
 */
export class SubsetMatrices {
  private readonly cache = new Map<string, Subset>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  search(exact: ExactIndex, query: Float32Array, k: number, candidates: ArrayLike<number>): SlotHit[] {
    const key = keyOf(candidates);
    let subset = this.cache.get(key);
    if (subset) {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, subset);
    } else {
      subset = exact.gather(candidates);
      this.remember(key, subset);
    }
    const n = subset.slots.length;
    if (n === 0 || k <= 0) return [];
    const found = exactSearch(subset.matrix, query, exact.dimensions, Math.min(k, n), MetricKind.IP, 1) as Matches;
    const hits: SlotHit[] = [];
    for (let i = 0; i < found.keys.length; i++) hits.push({ slot: subset.slots[Number(found.keys[i])], score: 1 - found.distances[i] });
    return hits;
  }

  clear(): void {
    this.cache.clear();
    this.bytes = 0;
  }

  private remember(key: string, subset: Subset): void {
    const size = subset.matrix.byteLength + subset.slots.byteLength;
    if (size > this.maxBytes) return;
    this.cache.set(key, subset);
    this.bytes += size;
    for (const [oldest, old] of this.cache) {
      if (this.bytes <= this.maxBytes) break;
      this.cache.delete(oldest);
      this.bytes -= old.matrix.byteLength + old.slots.byteLength;
    }
  }
}
