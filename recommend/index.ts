/** The recommender: catalogue import, embeddings, vector and lexical indexes, profiles, ranking and reasons. */
export type { Embedder, Filters, Ranked, Recommender, SearchRequest, VectorHit, VectorIndex } from "./types.ts";

export { type CatalogRecommender, createRecommender, type IndexProductsResult, type RecommenderOptions, BUILTIN_BLOB } from "./recommender.ts";
export { type ImportCatalogOptions, type ImportProgress, type ImportResult, importCatalog } from "./import.ts";
export { catalogImport } from "./cli.ts";

export { BuiltinEmbedder, type BuiltinEmbedderOptions } from "./embedders/builtin.ts";
export { createDownloadedEmbedder, type DownloadedEmbedder, type DownloadedEmbedderOptions } from "./embedders/downloaded.ts";
export { ExactIndex } from "./vectors/exact.ts";
export { HnswIndex, type HnswOptions } from "./vectors/hnsw.ts";
export { Bm25Index } from "./lexical/bm25.ts";

export { computeProfile, decay, EVENT_WEIGHTS, eventWeight, POPULARITY_WEIGHTS, PREFERENCE_SHARE } from "./profile.ts";
export { productText } from "./product-text.ts";
export { analyzeQuery, type QueryGroup, tokenize } from "./text/tokenize.ts";
export { stripPriceWords } from "./text/query.ts";
export { defaultGlossary, type Glossary, glossaryTerms, parseGlossary } from "./text/glossary.ts";
export { filtersSchema, incomingEventSchema, searchRequestSchema } from "./schemas.ts";

export {
  type CatalogFormat,
  type CatalogReadSummary,
  type CatalogRowError,
  formatRowError,
  loadCatalogFile,
  productHash,
  readCatalogFile,
  readCatalogStream,
  type ReadCatalogOptions,
} from "./catalog-file.ts";
export { DEMO_CATALOG_OPTIONS, DEMO_CATALOG_PATH, generateCatalog, iterateCatalog } from "./demo/index.ts";
