import path from "node:path";
import type { Config } from "../../core/config.ts";
import { ModelUnavailableError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { type DownloadProgress, embeddingModelSpec, type ModelSpec, type ResolvedModel, resolveModel } from "../../core/models.ts";
import type { Embedder } from "../types.ts";

/**
 * The downloaded tier's embedder: a pretrained multilingual sentence-embedding ONNX model
 * (default Xenova/multilingual-e5-small) run by transformers.js on onnxruntime-node. The model loads
 * once per process; every caller's texts go through one queue, batched, so concurrent
 * conversations share one session instead of competing for the CPU.
 */

export interface DownloadedEmbedder extends Embedder {
  readonly tier: "downloaded";
  /** Products and other catalogue texts are "passages"; shopper messages are "queries". */
  embedQueries(texts: string[]): Promise<Float32Array[]>;
  readonly modelId: string;
  readonly source: ResolvedModel["source"];
  readonly dir: string;
  readonly dtype: "q8" | "fp32";
  /** Frees the process-wide ONNX session (shared by every embedder on this model): call at shutdown. */
  close(): Promise<void>;
}

export interface DownloadedEmbedderOptions {
  /** Overrides config.allowDownloads (e.g. a CLI that may download). */
  allowDownload?: boolean;
  onProgress?: (p: DownloadProgress & { modelId: string }) => void;
  /** Texts per ONNX run; bigger batches pad more, smaller ones pay more overhead per text. */
  batchSize?: number;
  /**
   * onnxruntime-node execution provider. "cpu" everywhere; "cuda" on Linux x64 with CUDA and cuDNN
   * installed (transformers.js maps it to the CUDA provider). Start-up picks "cpu" unless told.
   */
  device?: "cpu" | "cuda";
  /** ONNX intra-op threads; default lets onnxruntime choose (all cores). */
  threads?: number;
  /** Another spec than the one CONCIERGE_EMBEDDING_MODEL names (tests, custom layouts). */
  spec?: ModelSpec;
}

type ModelConfig = Pick<Config, "modelsDir" | "dataDir" | "modelHub" | "allowDownloads" | "embeddingModel">;

interface FeatureExtractor {
  (texts: string[], options: { pooling: "mean"; normalize: boolean }): Promise<{ data: ArrayLike<number>; dims: number[] }>;
  dispose(): Promise<unknown>;
}

interface Session {
  /** Runs texts through the shared queue. */
  embed: (texts: string[]) => Promise<Float32Array[]>;
  dimensions: number;
  dispose: () => Promise<void>;
}

// One ONNX session per model folder, dtype and device for the whole process, whichever spec or caller asks.
const sessions = new Map<string, Promise<Session>>();

/**
 * The embedder a command-line tool should use, as the service would: the downloaded model when it
 * is configured and loads, else undefined (the built-in one), saying which through `say`.
 */
export async function embedderForTool(config: ModelConfig, say: (line: string) => void): Promise<DownloadedEmbedder | undefined> {
  try {
    return await createDownloadedEmbedder(config);
  } catch (err) {
    if (!(err instanceof ModelUnavailableError)) throw err;
    say(`embedder: built-in (${err.message})`);
    return undefined;
  }
}

/**
 * Resolves and loads the configured sentence-embedding model. Throws ModelUnavailableError (with
 * the model, where it looked and how to provide it) when it is absent or does not load; start-up
 * then keeps the built-in embedder.
 */
export async function createDownloadedEmbedder(config: ModelConfig, logger?: Logger, options: DownloadedEmbedderOptions = {}): Promise<DownloadedEmbedder> {
  if (!options.spec && config.embeddingModel.trim().toLowerCase() === "none") {
    throw new ModelUnavailableError("the downloaded embedding model is turned off (CONCIERGE_EMBEDDING_MODEL=none)");
  }
  const spec = options.spec ?? embeddingModelSpec(config.embeddingModel);
  const started = Date.now();
  const resolved = await resolveModel(spec, {
    modelsDir: config.modelsDir,
    dataDir: config.dataDir,
    hub: config.modelHub,
    allowDownload: options.allowDownload ?? config.allowDownloads,
    onProgress: options.onProgress,
  });
  const dtype = chooseDtype(resolved);
  const device = options.device ?? "cpu";
  const key = `${resolved.dir}|${dtype}|${device}|${options.threads ?? ""}`;
  let session = sessions.get(key);
  if (!session) {
    session = openSession(spec, resolved, dtype, device, options);
    sessions.set(key, session);
    // A failed load must not poison the process: the next attempt tries again.
    session.catch(() => sessions.delete(key));
  }
  const ready = await session;
  const prefixes = spec.prefixes ?? { query: "", passage: "" };
  const withPrefix = (prefix: string, texts: string[]) => {
    if (!Array.isArray(texts) || texts.some((t) => typeof t !== "string")) throw new TypeError("embed: texts must be an array of strings");
    return ready.embed(prefix ? texts.map((t) => prefix + t) : texts);
  };
  logger?.info(
    { model: spec.id, tier: "downloaded", source: resolved.source, dir: resolved.dir, dtype, device, dimensions: ready.dimensions, ms: Date.now() - started },
    "sentence-embedding model ready",
  );
  return {
    id: `downloaded:${spec.id}:${dtype}`,
    dimensions: ready.dimensions,
    tier: "downloaded",
    modelId: spec.id,
    source: resolved.source,
    dir: resolved.dir,
    dtype,
    embed: (texts) => withPrefix(prefixes.passage, texts),
    embedQueries: (texts) => withPrefix(prefixes.query, texts),
    async close() {
      if (sessions.get(key) === session) sessions.delete(key);
      await ready.dispose();
    },
  };
}

/** q8 when the quantized export is there (the registry's preferred file), fp32 when only the full one is. */
function chooseDtype(resolved: ResolvedModel): "q8" | "fp32" {
  const onnx = Object.values(resolved.files).find((f) => f.endsWith(".onnx") && path.basename(path.dirname(f)) === "onnx");
  if (!onnx) throw new ModelUnavailableError(`model folder ${resolved.dir} has no onnx/model_quantized.onnx or onnx/model.onnx`);
  return path.basename(onnx) === "model_quantized.onnx" ? "q8" : "fp32";
}

async function openSession(
  spec: ModelSpec,
  resolved: ResolvedModel,
  dtype: "q8" | "fp32",
  device: "cpu" | "cuda",
  options: DownloadedEmbedderOptions,
): Promise<Session> {
  let extractor: FeatureExtractor;
  try {
    const transformers = await import("@huggingface/transformers");
    // Never reach for the hub from here: resolveModel decided where the files are. An absolute
    // folder as the model id makes transformers.js read exactly that folder, with no global path.
    transformers.env.allowRemoteModels = false;
    transformers.env.allowLocalModels = true;
    transformers.env.useFSCache = false;
    const sessionOptions = options.threads ? { intraOpNumThreads: options.threads, interOpNumThreads: 1 } : undefined;
    extractor = (await transformers.pipeline("feature-extraction", resolved.dir, {
      dtype,
      device,
      session_options: sessionOptions,
    })) as unknown as FeatureExtractor;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ModelUnavailableError(`model "${spec.id}" in ${resolved.dir} did not load (${dtype}, ${device}): ${why}`, { cause: err });
  }

  const run = async (texts: string[]): Promise<Float32Array[]> => {
    const out = await extractor(texts, { pooling: "mean", normalize: true });
    const [rows, dims] = [out.dims[0]!, out.dims.at(-1)!];
    if (rows !== texts.length) throw new Error(`model returned ${rows} vectors for ${texts.length} texts`);
    const data = out.data as Float32Array;
    return Array.from({ length: rows }, (_, i) => data.slice(i * dims, (i + 1) * dims));
  };

  let dimensions: number;
  try {
    // One real inference at load proves the session runs and tells the dimension, whatever config.json claims.
    dimensions = (await run(["ok"]))[0]!.length;
  } catch (err) {
    await extractor.dispose().catch(() => {});
    const why = err instanceof Error ? err.message : String(err);
    throw new ModelUnavailableError(`model "${spec.id}" in ${resolved.dir} loaded but failed to embed: ${why}`, { cause: err });
  }
  return {
    embed: createBatcher(run, Math.max(1, options.batchSize ?? 16)),
    dimensions,
    dispose: async () => {
      await extractor.dispose();
    },
  };
}

interface Pending {
  text: string;
  resolve: (v: Float32Array) => void;
  reject: (e: unknown) => void;
}

/**
 * One queue for all callers: texts submitted in the same tick share batches, and only one batch
 * runs at a time (onnxruntime already uses every core for one run; two at once only thrash).
 */
function createBatcher(run: (texts: string[]) => Promise<Float32Array[]>, batchSize: number): (texts: string[]) => Promise<Float32Array[]> {
  const pending: Pending[] = [];
  // Set from the moment a drain is scheduled until it has emptied the queue, so exactly one runs.
  let draining = false;
  const drain = async () => {
    try {
      while (pending.length) {
        const batch = pending.splice(0, batchSize);
        try {
          const vectors = await run(batch.map((p) => p.text));
          for (const [i, p] of batch.entries()) p.resolve(vectors[i]!);
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      draining = false;
    }
  };
  return (texts) => {
    if (!texts.length) return Promise.resolve([]);
    const results = Promise.all(texts.map((text) => new Promise<Float32Array>((resolve, reject) => pending.push({ text, resolve, reject }))));
    if (!draining) {
      draining = true;
      setImmediate(drain);
    }
    return results;
  };
}
