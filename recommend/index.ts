/** The recommender: catalogue import, embeddings, vector and lexical indexes, profiles, ranking and reasons. */
export type { Embedder, Filters, Ranked, RankingSignal, RecommendOptions, Recommender, SearchRequest, VectorHit, VectorIndex } from "./types.ts";

export { type CatalogRecommender, createRecommender, type IndexProductsResult, type RecommenderOptions, BUILTIN_BLOB } from "./recommender.ts";
export { type ImportCatalogOptions, type ImportProgress, type ImportResult, importCatalog } from "./import.ts";
export { catalogImport } from "./cli.ts";

export { BuiltinEmbedder, type BuiltinEmbedderOptions } from "./embedders/builtin.ts";
export { createDownloadedEmbedder, type DownloadedEmbedder, embedderForTool, type DownloadedEmbedderOptions } from "./embedders/downloaded.ts";
export { ExactIndex } from "./vectors/exact.ts";
export { HnswIndex, type HnswOptions } from "./vectors/hnsw.ts";
export { Bm25Index } from "./lexical/bm25.ts";

export { computeProfile, decay, EVENT_WEIGHTS, eventWeight, itemWeights, POPULARITY_WEIGHTS, PREFERENCE_SHARE } from "./profile.ts";

export { COOCCURRENCE_WEIGHTS, type CollaborativeHit, CooccurrenceModel, type CooccurrenceOptions, cooccurrenceWeight } from "./collab/cooccurrence.ts";
export {
  DEFAULT_RANKING,
  DEFAULT_WEIGHTS,
  exclusions,
  fallbackPicks,
  type RankingConfig,
  type RankingSources,
  type RankingWeights,
  type RankRequest,
  rankForShopper,
  type ShopperInput,
} from "./ranking/ranker.ts";
export { isConsumable } from "./ranking/consumable.ts";
export { recEval } from "./eval/cli.ts";
export { type EvaluateOptions, type EvaluationReport, evaluate, SYSTEMS, type SystemName } from "./eval/evaluate.ts";
export { readEventsFile } from "./eval/events-file.ts";
export { gini, intraListDiversity, listMetrics, novelty, type SystemResult } from "./eval/metrics.ts";
export { generateSynthetic, type SyntheticOptions } from "./eval/synthetic.ts";
export { productText } from "./product-text.ts";
export { langOf } from "./reasons.ts";
export { analyzeQuery, cutChinese, type QueryGroup, tokenize } from "./text/tokenize.ts";
export { stripPriceWords } from "./text/query.ts";
export { defaultGlossary, type Glossary, glossaryTerms, parseGlossary } from "./text/glossary.ts";
export { filtersSchema, searchRequestSchema } from "./schemas.ts";

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
