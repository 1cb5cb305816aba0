/**
 * Approximate nearest neighbours at scale (issue 5 target at 1M × 384: top-10 p99 ≤ 5 ms and
 * recall@10 ≥ 0.95): builds a usearch HNSW index over generated vectors, then measures top-10 query
 * latency (p50/p95/p99, one query at a time on one thread, as a shopper's request runs) and
 * recall@10 against exact search (usearch's exact SIMD scan) for several search expansions, plus
 * build time and memory. Figures only, no pass/fail.
 *
 *   nice -n 10 npx tsx bench/ann.ts [--count 1000000] [--dims 384] [--queries 300] [--clusters 2000]
 *     [--latent 32] [--connectivity 16] [--expansion-add 64] [--expansion-search 16,32,64,128]
 *     [--quantization f16|f32|i8|bf16] [--threads 0] [--seed 7] [--json]
 *
 * The vectors are "random but clustered" like sentence embeddings: a cluster centre and a spread in
 * a `latent`-dimensional space, lifted to `dims` by one fixed random projection, plus a little
 * isotropic noise, then normalised. Real embeddings have a low intrinsic dimension; isotropic
 * Gaussian noise in all 384 dimensions would not (every distance alike), and no index does well on
 * it. Queries are fresh draws from the same distribution (not indexed points). Generation is
 * deterministic in --seed.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import path from "node:path";
import { exactSearch, Index, MetricKind, ScalarKind } from "usearch";
import { createProgress } from "../core/progress.ts";

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const num = (name: string, fallback: number): number => {
  const v = opt(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a non-negative number, got "${v}"`);
  return n;
};
const count = num("count", 1_000_000);
const dims = num("dims", 384);
const queryCount = num("queries", 300);
const clusters = num("clusters", 2000);
const latent = num("latent", 32);
const connectivity = num("connectivity", 16);
const expansionAdd = num("expansion-add", 64);
const expansions = (opt("expansion-search") ?? "16,32,64,128").split(",").map(Number);
const threads = num("threads", 0);
const seed = num("seed", 7);
const json = argv.includes("--json");
const quantName = (opt("quantization") ?? "f16").toLowerCase();
const QUANT: Record<string, ScalarKind> = { f32: ScalarKind.F32, f16: ScalarKind.F16, bf16: ScalarKind.BF16, i8: ScalarKind.I8 };
const quantization = QUANT[quantName];
if (quantization === undefined) throw new Error(`--quantization: expected one of ${Object.keys(QUANT).join(", ")}, got "${quantName}"`);
if (expansions.some((e) => !Number.isInteger(e) || e < 10)) throw new Error("--expansion-search: expected integers of at least 10 (k), comma-separated");

const log = (s: string) => (json ? process.stderr : process.stdout).write(`${s}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");
const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** xorshift128 (Marsaglia) seeded by splitmix32 → uniform doubles, and Box–Muller normals. */
class Rng {
  private x: number;
  private y: number;
  private z: number;
  private w: number;
  private spare: number | null = null;
  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let t = s ^ (s >>> 16);
      t = Math.imul(t, 0x21f0aaad);
      t ^= t >>> 15;
      t = Math.imul(t, 0x735a2d97);
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.x = next() | 1;
    this.y = next();
    this.z = next();
    this.w = next();
  }
  uniform(): number {
    const t = this.x ^ (this.x << 11);
    this.x = this.y;
    this.y = this.z;
    this.z = this.w;
    this.w = this.w ^ (this.w >>> 19) ^ (t ^ (t >>> 8));
    return ((this.w >>> 0) + 0.5) / 4294967296;
  }
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniform()));
    const a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }
}

/** The distribution: fixed projection and cluster centres; draw() writes one unit vector. */
function makeDistribution(rng: Rng) {
  const projection = new Float32Array(dims * latent);
  for (let i = 0; i < projection.length; i++) projection[i] = rng.normal() / Math.sqrt(latent);
  const centres = new Float32Array(clusters * latent);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.normal();
  const z = new Float32Array(latent);
  return (out: Float32Array, at: number, r: Rng) => {
    const c = Math.floor(r.uniform() * clusters) * latent;
    for (let j = 0; j < latent; j++) z[j] = centres[c + j]! + 0.5 * r.normal();
    let norm = 0;
    for (let i = 0; i < dims; i++) {
      let x = 0.05 * r.normal();
      const row = i * latent;
      for (let j = 0; j < latent; j++) x += projection[row + j]! * z[j]!;
      out[at + i] = x;
      norm += x * x;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < dims; i++) out[at + i]! *= inv;
  };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const started = performance.now();
const loadAtStart = load();
log(
  `ANN benchmark: ${count.toLocaleString("en")} × ${dims}-d (latent ${latent}, ${clusters} clusters), ${quantName}, M=${connectivity}, ef_add=${expansionAdd}; ${cpus().length} cores, ${gb(totalmem())} RAM, node ${process.version}; load average ${loadAtStart}`,
);

// ── data ──
const rng = new Rng(seed);
const draw = makeDistribution(rng);
const data = new Float32Array(count * dims);
const genBar = createProgress("generating vectors", count, true);
const t0 = performance.now();
for (let i = 0; i < count; i++) {
  draw(data, i * dims, rng);
  if ((i + 1) % 10_000 === 0 || i + 1 === count) genBar.tick((i % 10_000) + 1);
}
genBar.stop();
const queries = new Float32Array(queryCount * dims);
const qrng = new Rng(seed + 1);
for (let i = 0; i < queryCount; i++) draw(queries, i * dims, qrng);
const generateSeconds = (performance.now() - t0) / 1000;
log(`generated in ${generateSeconds.toFixed(1)} s (${gb(data.byteLength)} of float32)`);

// ── build ──
const rssBefore = process.memoryUsage().rss;
const index = new Index({ dimensions: dims, metric: MetricKind.Cos, quantization, connectivity, expansion_add: expansionAdd, expansion_search: 64, multi: false });
const buildBar = createProgress("building HNSW", count, true);
const chunk = 10_000;
const t1 = performance.now();
for (let start = 0; start < count; start += chunk) {
  const end = Math.min(count, start + chunk);
  const keys = new BigUint64Array(end - start);
  for (let i = 0; i < keys.length; i++) keys[i] = BigInt(start + i);
  index.add(keys, data.subarray(start * dims, end * dims), threads);
  buildBar.tick(end - start);
}
buildBar.stop();
const buildSeconds = (performance.now() - t1) / 1000;
const indexRss = process.memoryUsage().rss - rssBefore;
const dir = mkdtempSync(path.join(tmpdir(), "concierge-ann-"));
const file = path.join(dir, "index.usearch");
index.save(file);
const fileBytes = statSync(file).size;
log(`built in ${buildSeconds.toFixed(1)} s (${Math.round(count / buildSeconds)} vectors/s); index ${gb(fileBytes)} on disk, RSS +${gb(indexRss)} while building; load average ${load()}`);

// ── ground truth ──
const t2 = performance.now();
const truth = exactSearch(data, queries, dims, 10, MetricKind.Cos, threads) as unknown as { keys: BigUint64Array };
const exactSeconds = (performance.now() - t2) / 1000;
log(`exact top-10 for ${queryCount} queries in ${exactSeconds.toFixed(1)} s (${((exactSeconds * 1000) / queryCount).toFixed(1)} ms a query, all cores)`);

// ── queries at each expansion ──
interface Row {
  expansionSearch: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  recallAt10: number;
}
const rows: Row[] = [];
for (const ef of expansions) {
  // A view of the saved graph with this expansion (usearch fixes it at construction).
  const viewer = new Index({ dimensions: dims, metric: MetricKind.Cos, quantization, connectivity, expansion_add: expansionAdd, expansion_search: ef, multi: false });
  viewer.view(file);
  for (let i = 0; i < Math.min(50, queryCount); i++) viewer.search(queries.subarray(i * dims, (i + 1) * dims), 10, 1);
  const times = new Float64Array(queryCount);
  let hits = 0;
  for (let i = 0; i < queryCount; i++) {
    const q = queries.subarray(i * dims, (i + 1) * dims);
    const t = performance.now();
    const m = viewer.search(q, 10, 1);
    times[i] = performance.now() - t;
    const expected = new Set(truth.keys.subarray(i * 10, (i + 1) * 10));
    for (const k of m.keys) if (expected.has(k)) hits++;
  }
  const mean = times.reduce((a, b) => a + b, 0) / queryCount;
  times.sort();
  rows.push({ expansionSearch: ef, p50: percentile(times, 0.5), p95: percentile(times, 0.95), p99: percentile(times, 0.99), mean, recallAt10: hits / (queryCount * 10) });
}
rmSync(dir, { recursive: true, force: true });

const loadAtEnd = load();
if (json) {
  console.log(
    JSON.stringify({
      count,
      dims,
      latent,
      clusters,
      quantization: quantName,
      connectivity,
      expansionAdd,
      queries: queryCount,
      cores: cpus().length,
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      generateSeconds,
      buildSeconds,
      indexBytes: fileBytes,
      buildRssBytes: indexRss,
      exactMsPerQuery: (exactSeconds * 1000) / queryCount,
      results: rows,
      seconds: (performance.now() - started) / 1000,
    }),
  );
} else {
  console.log("\n| ef_search | p50 ms | p95 ms | p99 ms | mean ms | recall@10 |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  for (const r of rows) console.log(`| ${r.expansionSearch} | ${r.p50.toFixed(3)} | ${r.p95.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.mean.toFixed(3)} | ${r.recallAt10.toFixed(4)} |`);
  console.log(`\nload average at the end ${loadAtEnd}; total ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
