import { stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { ModelUnavailableError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { DEFAULT_DOWNLOAD_TIMEOUT_MS, type DownloadProgress, downloadFile, HttpStatusError } from "./download.ts";
import { folderNames, type ModelFile, type ModelSpec, modelSpecSchema } from "./spec.ts";

export type ModelSource = "models-dir" | "cache" | "npm" | "download";

export interface ResolvedModel {
  /** The folder holding the model's files. */
  dir: string;
  source: ModelSource;
  /** Each spec file present (by its spec path) → the absolute path that serves it (the alternative, when that is what is there). */
  files: Record<string, string>;
}

export interface ModelLocations {
  /** CONCIERGE_MODELS_DIR: models a shop provides itself (air-gapped). */
  modelsDir?: string;
  /** CONCIERGE_DATA_DIR: downloads are cached in `<dataDir>/models/<id>`. */
  dataDir: string;
}

export interface ResolveOptions extends ModelLocations {
  /** Public model hub base URL (CONCIERGE_MODEL_HUB). */
  hub: string;
  allowDownload: boolean;
  onProgress?: (p: DownloadProgress & { modelId: string }) => void;
  timeoutMs?: number;
}

/** Where downloads of a model are kept. */
export function modelCacheDir(dataDir: string, id: string): string {
  return path.join(dataDir, "models", ...id.split("/"));
}

async function isFile(p: string): Promise<boolean> {
  try {
    const s = await stat(p);
    return s.isFile() && s.size > 0;
  } catch {
    return false;
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

const local = (dir: string, file: string) => path.join(dir, ...file.split("/"));

/** Which of the spec's files `dir` holds, and which required ones it lacks. */
async function inspect(dir: string, spec: ModelSpec): Promise<{ files: Record<string, string>; missing: ModelFile[] }> {
  const files: Record<string, string> = {};
  const missing: ModelFile[] = [];
  for (const f of spec.files) {
    let found: string | undefined;
    for (const candidate of [f.path, ...(f.alternatives ?? [])]) {
      if (await isFile(local(dir, candidate))) {
        found = local(dir, candidate);
        break;
      }
    }
    if (found) files[f.path] = found;
    else if (f.required) missing.push(f);
  }
  return { files, missing };
}

export interface SearchedPlace {
  dir: string;
  source: Exclude<ModelSource, "download">;
  /** "absent", or the required files the folder lacks. */
  problem: string;
}

/** The model from the shop's models folder, else the cache; null (with where it looked) when neither has all its required files. */
export async function findLocalModel(spec: ModelSpec, where: ModelLocations): Promise<{ found: ResolvedModel | null; searched: SearchedPlace[] }> {
  const places: { dir: string; source: SearchedPlace["source"] }[] = [];
  if (where.modelsDir) for (const name of folderNames(spec)) places.push({ dir: local(where.modelsDir, name), source: "models-dir" });
  places.push({ dir: modelCacheDir(where.dataDir, spec.id), source: "cache" });
  const bundled = spec.npm && npmPackageDir(spec.npm.package);
  if (spec.npm && bundled) places.push({ dir: path.join(bundled, spec.npm.dir), source: "npm" });
  const searched: SearchedPlace[] = [];
  for (const place of places) {
    if (!(await isDir(place.dir))) {
      searched.push({ ...place, problem: "absent" });
      continue;
    }
    const { files, missing } = await inspect(place.dir, spec);
    if (missing.length === 0) return { found: { dir: place.dir, source: place.source, files }, searched };
    searched.push({ ...place, problem: `lacks ${missing.map(describeFile).join(", ")}` });
  }
  return { found: null, searched };
}

/** Where an installed npm package lives, or undefined when it is not installed. */
function npmPackageDir(name: string): string | undefined {
  try {
    return path.dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    try {
      // Packages whose "exports" hide package.json: their main file's folder.
      return path.dirname(createRequire(import.meta.url).resolve(name));
    } catch {
      return undefined;
    }
  }
}

function describeFile(f: ModelFile): string {
  return f.alternatives?.length ? `${f.path} (or ${f.alternatives.join(" or ")})` : f.path;
}

/** The message a shop reads when a model is missing: what, where it looked, and every way to provide it. */
export function modelUnavailableMessage(
  spec: ModelSpec,
  searched: SearchedPlace[],
  reason: string,
  context: { hub?: string; downloadsAllowed?: boolean } = {},
): string {
  const required = spec.files.filter((f) => f.required).map(describeFile);
  const looked = searched.map((s) => `${s.dir} (${s.problem})`).join("; ");
  return [
    `model "${spec.id}" (${spec.kind}) is not available: ${reason}.`,
    `Expected files: ${required.join(", ")}.`,
    `Looked in: ${looked || "nowhere (no folders configured)"}.`,
    `To provide it: set CONCIERGE_MODELS_DIR to a folder containing ${spec.id}/… (those files);` +
      ` or run \`concierge models pull ${spec.id}\` on a machine with a network and copy its data/models folder here` +
      (context.downloadsAllowed ? "." : `; or set CONCIERGE_ALLOW_DOWNLOADS=1 to download it${context.hub ? ` from ${context.hub}` : ""} at start-up.`),
  ].join(" ");
}

const inFlight = new Map<string, Promise<ResolvedModel>>();

/**
 * Downloads the spec's files that `dir` lacks from `<hub>/<id>/resolve/main/<file>` (a file's
 * alternatives when the hub has not the preferred one). Optional files the hub does not have are
 * skipped; a missing required file is an error naming its URL.
 */
export async function downloadModel(
  spec: ModelSpec,
  dir: string,
  options: { hub: string; onProgress?: ResolveOptions["onProgress"]; timeoutMs?: number },
): Promise<ResolvedModel> {
  const key = path.resolve(dir);
  const running = inFlight.get(key);
  if (running) return running;
  const work = (async () => {
    const base = `${options.hub.replace(/\/+$/, "")}/${spec.id}/resolve/main/`;
    const have = await inspect(dir, spec);
    for (const f of spec.files) {
      if (have.files[f.path]) continue;
      // The preferred file first; when the hub has no such file (404), its alternatives in order.
      const candidates = [f.path, ...(f.alternatives ?? [])];
      for (const [i, candidate] of candidates.entries()) {
        const url = base + candidate.split("/").map(encodeURIComponent).join("/");
        try {
          await downloadFile(url, local(dir, candidate), {
            timeoutMs: options.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS,
            label: `${spec.id}/${candidate}`,
            file: candidate,
            sha256: f.sha256,
            onProgress: options.onProgress && ((p) => options.onProgress!({ ...p, modelId: spec.id })),
          });
          break;
        } catch (err) {
          const notThere = err instanceof HttpStatusError && err.httpStatus === 404;
          if (notThere && i < candidates.length - 1) continue;
          if (notThere && !f.required) break;
          const why = err instanceof Error ? err.message : String(err);
          throw new ModelUnavailableError(`could not download model "${spec.id}" file ${candidate}: ${why}`, { cause: err });
        }
      }
    }
    const { files, missing } = await inspect(dir, spec);
    if (missing.length) throw new ModelUnavailableError(`model "${spec.id}" download into ${dir} lacks ${missing.map(describeFile).join(", ")}`);
    return { dir, source: "download" as const, files };
  })();
  inFlight.set(key, work);
  try {
    return await work;
  } finally {
    inFlight.delete(key);
  }
}

/**
 * Finds a model: the shop's CONCIERGE_MODELS_DIR first (as `<id>`, its last path part, or an alias),
 * then the `<dataDir>/models` cache, then — only when downloads are allowed — the public hub into
 * that cache. Otherwise a ModelUnavailableError saying what is missing, where it looked and how to
 * provide it; callers keep the built-in tier answering.
 */
export async function resolveModel(spec: ModelSpec, options: ResolveOptions): Promise<ResolvedModel> {
  parseInput(modelSpecSchema, spec, "model spec");
  const { found, searched } = await findLocalModel(spec, options);
  if (found) return found;
  if (!options.allowDownload) {
    throw new ModelUnavailableError(modelUnavailableMessage(spec, searched, "it is not on this machine and downloads are off", { hub: options.hub }));
  }
  try {
    return await downloadModel(spec, modelCacheDir(options.dataDir, spec.id), options);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ModelUnavailableError(modelUnavailableMessage(spec, searched, why.replace(/\.$/, ""), { hub: options.hub, downloadsAllowed: true }), { cause: err });
  }
}
