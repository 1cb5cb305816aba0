/**
 * A/B experiments: variants (a ranking strategy or a copy variant), deterministic assignment by
 * hashed shopper id, exposures and conversions, and a report with confidence intervals, significance
 * tests and a verdict in plain words. The CLI (`concierge experiments …`) is ./cli.ts, loaded on its own.
 */
export { assignVariant, bucketOf } from "./assign.ts";
export { ALPHA, buildReport, type Comparison, type ExperimentReport, formatP, METRIC_LABEL, type MetricResult, POWER, SRM_ALPHA, type VariantReport } from "./report.ts";
export { type CreateExperimentInput, createExperimentSchema, EXPERIMENT_ID, type ExperimentEventInput, experimentEventInputSchema, METRICS, parseExperimentEvents } from "./schemas.ts";
export { type Assignment, Experiments, type ExperimentsDeps } from "./service.ts";
export { chiSquarePValue, erfc, normalCdf, normalQuantile, sampleRatioTest, sampleSizePerGroup, twoProportionZTest, wilsonInterval } from "./stats.ts";
export type { ConversionType, Experiment, ExperimentEvent, ExperimentEventType, ExperimentVariant } from "../../store/types.ts";
