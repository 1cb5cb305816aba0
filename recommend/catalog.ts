import type { Product } from "../store/types.ts";
import { tokenize } from "./text/tokenize.ts";
import type { Filters } from "./types.ts";
import type { SlotFilter } from "./vectors/exact.ts";
import { IdSpace } from "./vectors/ids.ts";

/**
 * The catalogue in memory, by slot: products plus typed columns for the filter facets, and a
 * posting list per category/brand/colour/size value. A filter compiles to a predicate over those
 * columns (no object lookups in the hot loop) and, when a facet is named, to the candidate slots
 * it allows, so a selective filter never scans the whole catalogue.
 *
 * Facet values compare by their normalised words: "Running Shoes", "running shoe" and "RUNNING
 * SHOES" are one category. Grey and gray are one colour.
 */

const facetKeys = new Map<string, string>();

/** The normalised key of a facet value. */
export function facetKey(value: string): string {
  let key = facetKeys.get(value);
  if (key === undefined) {
    const words = tokenize(value, { bigrams: false, concepts: false });
    key = words.length ? words.join(" ") : value.trim().toLowerCase();
    if (key === "gray") key = "grey";
    // Facet values are few (categories, brands, colours, sizes); the bound is only a safeguard.
    if (facetKeys.size >= 100_000) facetKeys.clear();
    facetKeys.set(value, key);
  }
  return key;
}

class Facet {
  private readonly keys = new Map<string, number>();
  private readonly postings: Set<number>[] = [];
  /** Each value's slots as a sorted array, built on first use after a change (filters read it per query). */
  private readonly arrays: (Int32Array | undefined)[] = [];
  /** Unions of several values ("shoes or books"), by their ids; cleared on any change. */
  private readonly unions = new Map<string, Int32Array>();
  /** Display form per value id (the first spelling seen). */
  readonly labels: string[] = [];

  id(value: string | undefined, create: boolean): number {
    if (value === undefined || value.trim() === "") return -1;
    const key = facetKey(value);
    let id = this.keys.get(key);
    if (id === undefined) {
      if (!create) return -1;
      id = this.postings.length;
      this.keys.set(key, id);
      this.postings.push(new Set());
      this.labels.push(value.trim());
    }
    return id;
  }

  add(id: number, slot: number): void {
    if (id < 0) return;
    this.postings[id]!.add(slot);
    this.arrays[id] = undefined;
    this.unions.clear();
  }

  delete(id: number, slot: number): void {
    if (id < 0) return;
    this.postings[id]!.delete(slot);
    this.arrays[id] = undefined;
    this.unions.clear();
  }

  private array(id: number): Int32Array {
    let a = this.arrays[id];
    if (!a) {
      a = Int32Array.from(this.postings[id]!).sort();
      this.arrays[id] = a;
    }
    return a;
  }

  count(id: number): number {
    return id >= 0 ? this.postings[id]!.size : 0;
  }

  /** The values' slots in slot order; one value's array is shared and must not be modified. */
  slots(ids: number[]): Int32Array {
    const valid = ids.filter((id) => id >= 0);
    if (valid.length === 1) return this.array(valid[0]!);
    const key = valid.join(",");
    const cached = this.unions.get(key);
    if (cached) return cached;
    const parts = valid.map((id) => this.array(id));
    const out = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    out.sort();
    // Bounded: facet values are few, but a client could ask for many combinations.
    if (this.unions.size >= 256) this.unions.clear();
    this.unions.set(key, out);
    return out;
  }
}

export interface CompiledFilter extends SlotFilter {
  accept: (slot: number) => boolean;
  /** Nothing can pass (the filter names facet values no product has, or no product meets it all). */
  empty: boolean;
  /** No constraint at all. */
  none: boolean;
}

export class Catalog {
  readonly ids: IdSpace;
  private products: (Product | undefined)[] = [];
  private price = new Float64Array(1024);
  private stock = new Float64Array(1024);
  private category = new Int32Array(1024);
  private brand = new Int32Array(1024);
  private color = new Int32Array(1024);
  private currency = new Int32Array(1024);
  private sizes: Int32Array[] = [];
  private readonly categories = new Facet();
  private readonly brands = new Facet();
  private readonly colors = new Facet();
  private readonly sizeFacet = new Facet();
  private readonly currencies = new Facet();
  private live = 0;

  constructor(ids: IdSpace = new IdSpace()) {
    this.ids = ids;
  }

  get size(): number {
    return this.live;
  }

  private ensure(n: number): void {
    if (n <= this.price.length) return;
    let cap = this.price.length;
    while (cap < n) cap *= 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.price = grow(this.price, (c) => new Float64Array(c));
    this.stock = grow(this.stock, (c) => new Float64Array(c));
    this.category = grow(this.category, (c) => new Int32Array(c));
    this.brand = grow(this.brand, (c) => new Int32Array(c));
    this.color = grow(this.color, (c) => new Int32Array(c));
    this.currency = grow(this.currency, (c) => new Int32Array(c));
  }

  /** Adds or replaces products; returns their slots. */
  upsert(products: Product[]): number[] {
    return products.map((p) => {
      const slot = this.ids.intern(p.id);
      this.ensure(slot + 1);
      if (this.products[slot]) this.unlink(slot);
      else this.live++;
      this.products[slot] = p;
      this.price[slot] = typeof p.price === "number" && Number.isFinite(p.price) ? p.price : Number.NaN;
      this.stock[slot] = typeof p.stock === "number" && Number.isFinite(p.stock) ? p.stock : Number.NaN;
      this.category[slot] = this.categories.id(p.category, true);
      this.brand[slot] = this.brands.id(p.brand, true);
      this.color[slot] = this.colors.id(p.color, true);
      this.currency[slot] = this.currencies.id(p.currency, true);
      this.sizes[slot] = Int32Array.from((p.sizes ?? []).map((s) => this.sizeFacet.id(s, true)).filter((id) => id >= 0));
      this.categories.add(this.category[slot], slot);
      this.brands.add(this.brand[slot], slot);
      this.colors.add(this.color[slot], slot);
      for (const s of this.sizes[slot]) this.sizeFacet.add(s, slot);
      return slot;
    });
  }

  private unlink(slot: number): void {
    this.categories.delete(this.category[slot], slot);
    this.brands.delete(this.brand[slot], slot);
    this.colors.delete(this.color[slot], slot);
    for (const s of this.sizes[slot] ?? []) this.sizeFacet.delete(s, slot);
  }

  remove(ids: string[]): number[] {
    const removed: number[] = [];
    for (const id of ids) {
      const slot = this.ids.slotOf(id);
      if (slot === undefined || !this.products[slot]) continue;
      this.unlink(slot);
      this.products[slot] = undefined;
      this.live--;
      removed.push(slot);
    }
    return removed;
  }

  product(slot: number): Product | undefined {
    return this.products[slot];
  }

  get(id: string): Product | undefined {
    const slot = this.ids.slotOf(id);
    return slot === undefined ? undefined : this.products[slot];
  }

  *slots(): Generator<number> {
    for (let s = 0; s < this.products.length; s++) if (this.products[s]) yield s;
  }

  categoryOf(slot: number): number {
    return this.category[slot];
  }

  categoryLabel(slot: number): string | undefined {
    const id = this.category[slot];
    return id >= 0 ? this.categories.labels[id] : undefined;
  }

  /** The brand's facet id (same brand, same id, however it is spelled), or -1 when the product has none. */
  brandOf(slot: number): number {
    return this.brand[slot];
  }

  brandLabel(id: number): string | undefined {
    return id >= 0 ? this.brands.labels[id] : undefined;
  }

  /** Distinct categories seen (their facet ids run from 0 to this − 1). */
  get categoryCount(): number {
    return this.categories.labels.length;
  }

  /** Unknown stock counts as available: many catalogues do not track it. */
  inStock(slot: number): boolean {
    const s = this.stock[slot];
    return Number.isNaN(s) || s > 0;
  }

  /**
   * The filter as a slot predicate and, when it names facet values, the candidate slots (the
   * smallest of the named facets' postings). A product without a price fails any price bound.
   */
  compile(filters: Filters | undefined): CompiledFilter {
    const f = filters ?? {};
    const tests: ((slot: number) => boolean)[] = [];
    const lists: { size: number; slots: () => Int32Array }[] = [];
    let empty = false;
    const facet = (values: string[] | undefined, dict: Facet, set: (ids: Set<number>) => void) => {
      if (!values?.length) return;
      const ids = values.map((v) => dict.id(v, false)).filter((id) => id >= 0);
      if (ids.length === 0) {
        empty = true;
        return;
      }
      set(new Set(ids));
      lists.push({ size: ids.reduce((n, id) => n + dict.count(id), 0), slots: () => dict.slots(ids) });
    };
    let catIds: Set<number> | undefined;
    let brandIds: Set<number> | undefined;
    let colorIds: Set<number> | undefined;
    let sizeIds: Set<number> | undefined;
    facet(f.categories, this.categories, (s) => (catIds = s));
    facet(f.brands, this.brands, (s) => (brandIds = s));
    facet(f.colors, this.colors, (s) => (colorIds = s));
    facet(f.sizes, this.sizeFacet, (s) => (sizeIds = s));
    if (catIds) {
      const c = catIds;
      tests.push((s) => c.has(this.category[s]));
    }
    if (brandIds) {
      const b = brandIds;
      tests.push((s) => b.has(this.brand[s]));
    }
    if (colorIds) {
      const c = colorIds;
      tests.push((s) => c.has(this.color[s]));
    }
    if (sizeIds) {
      const z = sizeIds;
      tests.push((s) => {
        const own = this.sizes[s];
        if (!own) return false;
        for (let i = 0; i < own.length; i++) if (z.has(own[i])) return true;
        return false;
      });
    }
    const min = f.priceMin;
    const max = f.priceMax;
    if (min !== undefined || max !== undefined) {
      const lo = min ?? Number.NEGATIVE_INFINITY;
      const hi = max ?? Number.POSITIVE_INFINITY;
      if (lo > hi) empty = true;
      // NaN (no price) fails both comparisons.
      tests.push((s) => this.price[s] >= lo && this.price[s] <= hi);
      const currency = f.currency ? this.currencies.id(f.currency, false) : -1;
      if (currency >= 0) tests.push((s) => this.currency[s] === currency || this.currency[s] < 0);
    }
    if (f.inStock) tests.push((s) => this.inStock(s));
    const live = (s: number) => this.products[s] !== undefined;
    if (empty) return { empty: true, none: false, accept: () => false, candidates: [] };
    if (tests.length === 0) return { empty: false, none: true, accept: live };
    const accept = (s: number) => {
      if (!live(s)) return false;
      for (const t of tests) if (!t(s)) return false;
      return true;
    };
    const smallest = lists.sort((a, b) => a.size - b.size)[0];
    if (!smallest) return { empty: false, none: false, accept };
    // The facet postings bound the answer: test each of the smallest one's slots once now, and
    // every search after reads the result (a bit per slot, the accepted slots in order) instead of
    // re-running the predicate per document and graph neighbour.
    const from = smallest.slots();
    const bits = new Uint8Array(this.products.length);
    const accepted = new Int32Array(from.length);
    let n = 0;
    for (let i = 0; i < from.length; i++) {
      const s = from[i]!;
      // A product with several of the named sizes is in several postings: take it once.
      if (bits[s] === 0 && accept(s)) {
        bits[s] = 1;
        accepted[n++] = s;
      }
    }
    if (n === 0) return { empty: true, none: false, accept: () => false, candidates: [] };
    return { empty: false, none: false, accept: (s) => bits[s] === 1, candidates: accepted.subarray(0, n), exact: true, bits };
  }
}
