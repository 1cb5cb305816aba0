import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Index, MetricKind, ScalarKind } from "usearch";
import type { VectorHit, VectorIndex } from "../types.ts";
import { ExactIndex, normalized, type SlotFilter, type SlotHit } from "./exact.ts";
import { IdSpace } from "./ids.ts";
import { SubsetMatrices } from "./subset-cache.ts";

export interface HnswOptions {
  /** Graph degree M; 16 is usearch's default and plenty for ≤ 1M products. */
  connectivity?: number;
  expansionAdd?: number;
  expansionSearch?: number;
  /** Below this many vectors every search is exact: faster than a graph walk and never misses. */
  exactBelow?: number;
  /** A filter expected to leave at most this many products is answered exactly over them. */
  exactCandidates?: number;
  /** When a filtered walk comes back short, facet candidates up to this many are scanned exactly. */
  exactScan?: number;
  /** usearch threads for adds (0 = all cores). */
  threads?: number;
  /** Bytes of filtered products' vectors kept contiguous for native exact search (SubsetMatrices). */
  subsetCacheBytes?: number;
}

const DEFAULTS: Required<HnswOptions> = {
  connectivity: 16,
  expansionAdd: 128,
  // 128: at 1M × 384-d it kept recall@10 at 0.971 for p99 2.45 ms (64 gave 0.935 for 1.66 ms; bench/ann.ts).
  expansionSearch: 128,
  exactBelow: 2_000,
  exactCandidates: 3_000,
  exactScan: 30_000,
  threads: 0,
  subsetCacheBytes: 64 * 1024 * 1024,
};

const SAMPLE = 256;

/**
 * Approximate cosine search with usearch's HNSW graph, filters applied inside the search. usearch's
 * JavaScript binding has no predicate search, so filtering is a strategy over two indexes:
 *   - a selective filter (estimated by sampling, or known from facet postings) is answered exactly
 *     over the few products that pass, so it never returns fewer than exist;
 *   - a broad one walks the graph for k / selectivity × 1.5 neighbours; when too few of those pass
 *     (the query lies far from what the filter allows), facet candidates are scanned exactly if they
 *     are not too many, else the walk widens ×4 until k pass.
 * The vectors also live in an ExactIndex (usearch cannot hand them back), which profiles use.
 */
export class HnswIndex implements VectorIndex {
  readonly exact: ExactIndex;
  private graph: Index;
  private readonly o: Required<HnswOptions>;
  private readonly subsets: SubsetMatrices;

  constructor(
    readonly dimensions: number,
    options: HnswOptions & { ids?: IdSpace } = {},
  ) {
    this.o = { ...DEFAULTS, ...options };
    this.exact = new ExactIndex(dimensions, options.ids ?? new IdSpace());
    this.graph = this.newGraph();
    this.subsets = new SubsetMatrices(this.o.subsetCacheBytes);
  }

  private newGraph(): Index {
    return new Index({
      dimensions: this.dimensions,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      connectivity: this.o.connectivity,
      expansion_add: this.o.expansionAdd,
      expansion_search: this.o.expansionSearch,
      multi: false,
    });
  }

  get ids(): IdSpace {
    return this.exact.ids;
  }

  get size(): number {
    return this.exact.size;
  }

  add(entries: { id: string; vector: Float32Array }[], onProgress?: (done: number) => void): void {
    this.subsets.clear();
    const slots = this.exact.addSlots(entries);
    const chunk = 4096;
    for (let start = 0; start < slots.length; start += chunk) {
      const part = slots.slice(start, start + chunk);
      const keys = new BigUint64Array(part.length);
      const matrix = new Float32Array(part.length * this.dimensions);
      part.forEach((slot, i) => {
        keys[i] = BigInt(slot);
        if (this.graph.contains(keys[i]) as boolean) this.graph.remove(keys[i]);
        matrix.set(this.exact.vectorOf(slot)!, i * this.dimensions);
      });
      this.graph.add(keys, matrix, this.o.threads);
      onProgress?.(Math.min(slots.length, start + chunk));
    }
  }

  remove(ids: string[]): void {
    this.subsets.clear();
    for (const id of ids) {
      const slot = this.ids.slotOf(id);
      if (slot !== undefined && this.exact.has(slot)) this.graph.remove(BigInt(slot));
    }
    this.exact.remove(ids);
  }

  /** Estimated share of indexed products a filter accepts, from a fixed pseudo-random sample. */
  private selectivity(accept: (slot: number) => boolean): number {
    const n = this.ids.size;
    let seen = 0;
    let passed = 0;
    let x = 0x9e3779b9;
    for (let tries = 0; seen < SAMPLE && tries < SAMPLE * 4; tries++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      const slot = x % n;
      if (!this.exact.has(slot)) continue;
      seen++;
      if (accept(slot)) passed++;
    }
    return seen ? passed / seen : 1;
  }

  searchSlots(query: Float32Array, k: number, filter: SlotFilter = {}): SlotHit[] {
    if (k <= 0 || this.size === 0) return [];
    if (this.size <= this.o.exactBelow) return this.exact.searchSlots(query, k, filter);
    if (filter.candidates && filter.candidates.length <= this.o.exactCandidates) return this.scan(query, k, filter);
    const accept = filter.accept;
    if (!accept) return this.walk(query, k, k, () => true) ?? [];
    // Exact candidates (facet filters) give the share without sampling.
    const share = filter.exact && filter.candidates ? filter.candidates.length / this.size : this.selectivity(accept);
    const expected = share * this.size;
    if (expected <= this.o.exactCandidates) return this.scan(query, k, filter);
    const firstK = Math.ceil((k / Math.max(share, 1e-3)) * 1.5) + 8;
    // A walk for firstK neighbours computes roughly 8 × firstK distances (natively, several times
    // faster than a JavaScript dot product): when the accepted products are fewer than that, scanning
    // them is cheaper than the walk, and exact.
    if (filter.exact && filter.candidates && filter.candidates.length <= Math.min(this.o.exactScan, 8 * firstK)) return this.scan(query, k, filter);
    const first = this.walk(query, k, firstK, accept);
    if (first) return first;
    // The query lies far from every product the filter allows ("air fryer" among shoes): the walk
    // found too few of them nearby. Scanning the allowed products exactly beats widening the walk
    // towards the whole catalogue when the facet postings say they are not too many.
    if (filter.candidates && filter.candidates.length <= this.o.exactScan) return this.scan(query, k, filter);
    for (let want = firstK * 4; ; want *= 4) {
      const hits = this.walk(query, k, want, accept);
      if (hits) return hits;
    }
  }

  /** Exact search over what the filter allows: natively when its products are known exactly, else in JavaScript with the predicate. */
  private scan(query: Float32Array, k: number, filter: SlotFilter): SlotHit[] {
    if (filter.exact && filter.candidates) return this.subsets.search(this.exact, normalized(query), k, filter.candidates);
    return this.exact.searchSlots(query, k, filter);
  }

  /** One graph walk for `want` neighbours: the accepted ones if there are k (or the walk covered everything), else null. */
  private walk(query: Float32Array, k: number, want: number, accept: (slot: number) => boolean): SlotHit[] | null {
    const n = Math.min(want, this.size);
    const m = this.graph.search(normalized(query), n, 1);
    const hits: SlotHit[] = [];
    for (let i = 0; i < m.keys.length && hits.length < k; i++) {
      const slot = Number(m.keys[i]);
      if (this.exact.has(slot) && accept(slot)) hits.push({ slot, score: 1 - m.distances[i] });
    }
    return hits.length >= k || n >= this.size ? hits : null;
  }

  search(query: Float32Array, k: number, accept?: (id: string) => boolean): VectorHit[] {
    const filter: SlotFilter = accept ? { accept: (s) => accept(this.ids.idOf(s)) } : {};
    return this.searchSlots(query, k, filter).map((h) => ({ id: this.ids.idOf(h.slot), score: h.score }));
  }

  /**
   * Writes the graph and its slot → id table to `<file>` and `<file>.ids.json` (each through a
   * temporary file and a rename, so a crash never leaves a half-written index to load).
   */
  save(file: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    this.graph.save(`${file}.tmp`);
    writeFileSync(`${file}.ids.json.tmp`, JSON.stringify(this.ids.toJSON()));
    renameSync(`${file}.ids.json.tmp`, `${file}.ids.json`);
    renameSync(`${file}.tmp`, file);
  }

  /** The slot → id table saved beside a graph, or null when there is none (or it is unreadable). */
  static readIds(file: string): IdSpace | null {
    try {
      if (!existsSync(file) || !existsSync(`${file}.ids.json`)) return null;
      return IdSpace.fromJSON(JSON.parse(readFileSync(`${file}.ids.json`, "utf8")) as string[]);
    } catch {
      return null;
    }
  }

  /**
   * Loads a saved graph. `ids` must come from readIds(file) (the catalogue may have interned more
   * since); `vectors` supplies every product's vector (from the store), refilling the exact side in
   * slot order. Returns null (the caller rebuilds) when the files disagree with the vectors given.
   */
  static load(file: string, dimensions: number, vectors: Map<string, Float32Array>, ids: IdSpace, options: HnswOptions = {}): HnswIndex | null {
    const index = new HnswIndex(dimensions, { ...options, ids });
    const entries: { id: string; vector: Float32Array }[] = [];
    for (let slot = 0; slot < ids.size; slot++) {
      const id = ids.idOf(slot);
      const v = vectors.get(id);
      if (v) entries.push({ id, vector: v });
    }
    if (entries.length !== vectors.size) return null;
    index.exact.addSlots(entries);
    try {
      index.graph.load(file);
    } catch {
      return null;
    }
    if (index.graph.size() !== index.exact.size || index.graph.dimensions() !== dimensions) return null;
    return index;
  }
}
