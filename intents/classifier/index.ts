/** The built-in intent classifier: trained in-process from labelled utterances, no download. */
export { ANSWER_PROBABILITY, type Calibration } from "./calibrate.ts";
export { type EvaluateOptions, evaluate, type NluMetrics, scorePredictions } from "./evaluate.ts";
export { type BuiltInIntentClassifier, type DenseFeatures, loadIntentClassifier, MODEL_FORMAT, type SerializedClassifier } from "./model.ts";
export { DEFAULT_TRAINER, type TrainerSettings, trainIntentClassifier } from "./train.ts";
