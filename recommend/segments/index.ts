/**
 * Shopper segments: k-means on profile vectors plus RFM, named segments, and each shopper's segment for targeting. The CLI
 * (`concierge segments`) is ./cli.ts, loaded on its own so importing this stays light.
 */
export { type Clustering, type ClusterOptions, clusterShoppers, MIN_SHOPPERS_TO_SPLIT } from "./choose.ts";
export { buildFeatures, DEFAULT_RFM_WEIGHT, type FeatureOptions, type Features } from "./features.ts";
export { type KMeansOptions, type KMeansResult, kmeans } from "./kmeans.ts";
export { fromRows, type Matrix } from "./matrix.ts";
export { categoryLabel, type Character, characterOf, LAPSED_MIN_DAYS, nameSegments, type PopulationRfm, type SegmentStats } from "./naming.ts";
export { type Projection, project } from "./pca.ts";
export { median, type Rfm, rfmOf, standardiseRfm } from "./rfm.ts";
export { SEGMENTATION_FORMAT, type SegmentOptions, type Segmentation, type SegmentSummary, type SegmenterDeps, segmentShoppers } from "./segmenter.ts";
export { pageSchema, type RunOptions, runOptionsSchema, Segments, type SegmentsDeps, type ShopperSegment } from "./service.ts";
export { silhouette } from "./silhouette.ts";
