/**
 * Where the optional downloaded models come from: the shop's CONCIERGE_MODELS_DIR, the ./data/models
 * cache, the public model hub (when allowed), or a clear error so the built-in tier keeps serving.
 */
export { DEFAULT_DOWNLOAD_TIMEOUT_MS, type DownloadOptions, type DownloadProgress, downloadFile, HttpStatusError } from "./models/download.ts";
export { configuredModels, embeddingModelSpec, findModelSpec, MODEL_REGISTRY, type ModelSettings, modelSpecFor } from "./models/registry.ts";
export {
  downloadModel,
  findLocalModel,
  type ModelLocations,
  type ModelSource,
  modelCacheDir,
  modelUnavailableMessage,
  type ResolvedModel,
  type ResolveOptions,
  resolveModel,
  type SearchedPlace,
} from "./models/resolve.ts";
export { folderNames, MODEL_KINDS, MODEL_ROLES, type ModelFile, type ModelKind, type ModelRole, type ModelSpec, modelIdSchema, modelSpecSchema } from "./models/spec.ts";

import type { Config } from "./config.ts";
import type { ResolveOptions } from "./models/resolve.ts";

/** The resolve options the service's configuration implies. */
export function resolveOptionsFrom(config: Pick<Config, "modelsDir" | "dataDir" | "modelHub" | "allowDownloads">): ResolveOptions {
  return { modelsDir: config.modelsDir, dataDir: config.dataDir, hub: config.modelHub, allowDownload: config.allowDownloads };
}
