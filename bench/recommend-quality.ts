/**
 * Quality of the built-in embedder on the demo catalogue, whose generator knows each product's true
 * sub-type: for several settings (dimensions, σ exponent) it prints
 *   - neighbour precision@10: share of a product's 10 nearest products with the same sub-type;
 *   - cross-lingual precision@10: the same for Chinese products, counting only English neighbours;
 *   - query precision@10: a sub-type's name as the query ("Running Shoes", "跑步鞋"), share of the
 *     top 10 of that sub-type — English and Chinese queries over the whole (mixed) catalogue;
 *   - fit time and embedding throughput.
 * Then, for the hybrid search (BM25 + vectors fused by reciprocal rank), query precision@10 for
 * several RRF constants k, on the default embedder.
 * Run: npx tsx bench/recommend-quality.ts [--count 5000]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { iterateCatalogEntries } from "../recommend/demo/index.ts";
import { BuiltinEmbedder, type BuiltinEmbedderOptions } from "../recommend/embedders/builtin.ts";
import { importCatalog } from "../recommend/import.ts";
import { productText } from "../recommend/product-text.ts";
import { createRecommender } from "../recommend/recommender.ts";
import { ExactIndex } from "../recommend/vectors/exact.ts";
import { createStore } from "../store/index.ts";

process.env.CONCIERGE_QUIET ??= "1";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const count = arg("count", 5000);
const entries = [...iterateCatalogEntries({ count, seed: 7 })];
const texts = entries.map((e) => productText(e.product));
const subtypeOf = entries.map((e) => e.subtype.id);
const subtypes = new Map<string, { en: string; zh: string }>();
for (const e of entries) subtypes.set(e.subtype.id, { en: e.subtype.en, zh: e.subtype.zh });

const settings: { label: string; options: BuiltinEmbedderOptions }[] = [
  { label: "128d σ^-0.5 (default)", options: { dimensions: 128, singularExponent: 0.5 } },
  { label: "256d σ^0 (LSI)", options: { dimensions: 256, singularExponent: 0 } },
  { label: "256d σ^-0.5", options: { dimensions: 256, singularExponent: 0.5 } },
  { label: "256d σ^-1 (white)", options: { dimensions: 256, singularExponent: 1 } },
  { label: "256d σ^-0.5 no-trigrams", options: { dimensions: 256, singularExponent: 0.5, ngramWeight: 0 } },
];

console.log(`built-in embedder quality on ${count} demo products (${subtypes.size} sub-types, ${entries.filter((e) => e.locale === "zh").length} Chinese)`);
for (const { label, options } of settings) {
  const t0 = performance.now();
  const { embedder, vectors } = BuiltinEmbedder.fitAndEmbed(texts, options);
  const fitSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  embedder.embedSync(texts.slice(0, 2000));
  const perSecond = 2000 / ((performance.now() - t1) / 1000);
  const index = new ExactIndex(embedder.dimensions);
  index.add(vectors.map((vector, i) => ({ id: String(i), vector })));
  const en = (slot: number) => entries[slot]!.locale === "en";
  let same = 0;
  let total = 0;
  let crossSame = 0;
  let crossTotal = 0;
  for (let i = 0; i < Math.min(count, 1500); i++) {
    for (const h of index.searchSlots(vectors[i]!, 11).filter((h) => h.slot !== i).slice(0, 10)) {
      total++;
      if (subtypeOf[h.slot] === subtypeOf[i]) same++;
    }
    if (entries[i]!.locale === "zh") {
      for (const h of index.searchSlots(vectors[i]!, 10, { accept: en })) {
        crossTotal++;
        if (subtypeOf[h.slot] === subtypeOf[i]) crossSame++;
      }
    }
  }
  const queryPrecision = (lang: "en" | "zh") => {
    let hit = 0;
    let n = 0;
    const qs = [...subtypes.entries()];
    const qv = embedder.embedSync(qs.map(([, names]) => names[lang]));
    qs.forEach(([id], q) => {
      for (const h of index.searchSlots(qv[q]!, 10)) {
        n++;
        if (subtypeOf[h.slot] === id) hit++;
      }
    });
    return hit / Math.max(1, n);
  };
  console.log(
    `${label.padEnd(26)} dims ${String(embedder.dimensions).padStart(3)}  vocab ${String(embedder.vocabularySize).padStart(6)}  ` +
      `neighbour P@10 ${(same / total).toFixed(3)}  zh→en P@10 ${(crossSame / Math.max(1, crossTotal)).toFixed(3)}  ` +
      `query P@10 en ${queryPrecision("en").toFixed(3)} zh ${queryPrecision("zh").toFixed(3)}  ` +
      `fit ${fitSeconds.toFixed(1)} s  embed ${Math.round(perSecond)} texts/s`,
  );
}

// Hybrid search precision by RRF constant.
const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-quality-"));
const store = createStore({ dataDir });
await store.init();
try {
  const subtypeById = new Map(entries.map((e) => [e.product.id, e.subtype.id]));
  await importCatalog({ store, recommender: createRecommender({ store, dataDir, progress: false }), products: entries.map((e) => e.product) });
  for (const rrfK of [10, 30, 60, 100]) {
    const rec = createRecommender({ store, dataDir, progress: false, rrfK });
    const precision = async (lang: "en" | "zh") => {
      let hit = 0;
      let n = 0;
      for (const [id, names] of subtypes) {
        for (const r of await rec.search({ text: names[lang], limit: 10 })) {
          n++;
          if (subtypeById.get(r.product.id) === id) hit++;
        }
      }
      return hit / Math.max(1, n);
    };
    console.log(`hybrid search, RRF k=${String(rrfK).padEnd(4)} query P@10 en ${(await precision("en")).toFixed(3)} zh ${(await precision("zh")).toFixed(3)}`);
  }
} finally {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
}
