import { createHash } from "node:crypto";
import { unwatchFile, watchFile } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import { type Config, readSetting } from "../../core/config.ts";
import { loadIntentClassifier, MODEL_FORMAT, trainIntentClassifier } from "../../intents/classifier/index.ts";
import { Nlu } from "../../intents/nlu.ts";
import { loadShippedIntents } from "../../intents/shipped.ts";
import { loadTrainingIntents, shopIntentFile } from "../../intents/shop-intents.ts";
import type { LabelledUtterance, Lexicon } from "../../intents/types.ts";
import type { Store } from "../../store/types.ts";

const BLOB_PREFIX = "intents:classifier:";
/** Trained state by data hash, so a second service in the same process (tests, benches) reuses it. */
const trainedInProcess = new Map<string, unknown>();

/**
 * A folder shared by services with different data dirs (the test suite, benchmarks, replicas on one
 * volume) where the trained state is also kept, so only the first of them trains. Optional.
 */
function sharedCacheFile(key: string): string | undefined {
  const dir = readSetting("CONCIERGE_CACHE_DIR")?.trim();
  return dir ? path.join(dir, `${key.replaceAll(":", "-")}.json`) : undefined;
}

async function readShared(key: string): Promise<unknown> {
  const file = sharedCacheFile(key);
  if (!file) return undefined;
  return readFile(file, "utf8").then(
    (text) => JSON.parse(text),
    () => undefined,
  );
}

async function writeShared(key: string, state: unknown, logger: Logger): Promise<void> {
  const file = sharedCacheFile(key);
  if (!file) return;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    // Written aside and renamed, so a service starting alongside never reads half a file.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, JSON.stringify(state));
    await rename(partial, file);
  } catch (err) {
    logger.warn({ err, file }, "could not keep the intent classifier in CONCIERGE_CACHE_DIR");
  }
}

/** The trained state for these examples: from this process, the store, the shared cache, or `train`. */
async function classifierState(
  examples: LabelledUtterance[],
  deps: { store: Store; logger: Logger },
  train: (examples: LabelledUtterance[]) => Promise<unknown>,
): Promise<{ key: string; state: unknown; trained: boolean }> {
  const { store, logger } = deps;
  const key = BLOB_PREFIX + createHash("sha256").update(String(MODEL_FORMAT)).update(JSON.stringify(examples)).digest("hex").slice(0, 16);
  const saved =
    trainedInProcess.get(key) ?? (await store.blobs.getBlob(key).then((b) => (b ? JSON.parse(b.toString("utf8")) : undefined))) ?? (await readShared(key));
  if (saved) {
    try {
      loadIntentClassifier(saved);
      trainedInProcess.set(key, saved);
      return { key, state: saved, trained: false };
    } catch (err) {
      logger.warn({ err }, "stored intent classifier unreadable; retraining");
    }
  }
  const state = await train(examples);
  await store.blobs.putBlob(key, Buffer.from(JSON.stringify(state)));
  trainedInProcess.set(key, state);
  await writeShared(key, state, logger);
  return { key, state, trained: true };
}

/** Trains in a worker thread so the service keeps answering meanwhile; in this thread if no worker can start. */
function trainInWorker(examples: LabelledUtterance[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL("./train-worker.mjs", import.meta.url), { workerData: { examples } });
    } catch {
      trainIntentClassifier(examples).then((c) => resolve(c.toJSON()), reject);
      return;
    }
    worker.once("message", (m: { ok: true; state: unknown } | { ok: false; message: string }) => (m.ok ? resolve(m.state) : reject(new Error(m.message))));
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`intent training worker exited with code ${code}`)));
  });
}

/**
 * The intent classifier trained on the shipped intent data and the shop's own lines
 * (`concierge nlu add`, CONCIERGE_DATA_DIR/intents.jsonl). Training takes seconds, but a restart
 * should not pay it again: the trained state is kept in the store, keyed by a hash of the data, so
 * changed data retrains once.
 */
export async function loadNlu(deps: { config: Config; store: Store; logger: Logger; lexicon: Lexicon }): Promise<Nlu> {
  const { config, logger } = deps;
  let examples = loadShippedIntents();
  try {
    examples = loadTrainingIntents(config.dataDir);
  } catch (err) {
    // A hand-edited line the shop got wrong must not keep the shop closed: shipped data alone, said loudly.
    logger.error({ err, file: shopIntentFile(config.dataDir) }, "the shop's own intent lines could not be read; trained on the shipped data alone");
  }
  const started = Date.now();
  const { state, trained } = await classifierState(examples, deps, async (e) => (await trainIntentClassifier(e)).toJSON());
  const classifier = loadIntentClassifier(state, { minConfidence: config.nluMinConfidence });
  if (trained) logger.info({ model: "intents", tier: "built-in", examples: examples.length, intents: classifier.intents.length, seconds: (Date.now() - started) / 1000 }, "intent classifier trained");
  else logger.info({ model: "intents", tier: "built-in" }, "intent classifier loaded (trained earlier)");
  return new Nlu(classifier, deps.lexicon);
}

/**
 * Watches the shop's own intent lines and, when they change, trains a new classifier in the
 * background and swaps it in between two messages: no turn waits for training. A change made while
 * one is training is picked up when it ends. Returns the function that stops watching.
 */
export function retrainOnShopIntents(deps: { config: Config; store: Store; logger: Logger; nlu: Nlu; intervalMs?: number }): () => void {
  const { config, logger, nlu } = deps;
  const file = shopIntentFile(config.dataDir);
  let running = false;
  let again = false;
  let stopped = false;
  const retrain = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        let examples: LabelledUtterance[];
        try {
          examples = loadTrainingIntents(config.dataDir);
        } catch (err) {
          logger.error({ err, file }, "the shop's own intent lines could not be read; the classifier in use stays");
          continue;
        }
        const started = Date.now();
        const { state, trained } = await classifierState(examples, deps, trainInWorker);
        if (stopped) return;
        nlu.setClassifier(loadIntentClassifier(state, { minConfidence: config.nluMinConfidence }));
        logger.info({ model: "intents", examples: examples.length, shopLines: examples.length - loadShippedIntents().length, trained, seconds: (Date.now() - started) / 1000 }, "intent classifier updated with the shop's own lines");
      } while (again && !stopped);
    } catch (err) {
      logger.error({ err }, "retraining the intent classifier failed; the classifier in use stays");
    } finally {
      running = false;
    }
  };
  const onChange = (now: { mtimeMs: number }, before: { mtimeMs: number }) => {
    if (now.mtimeMs !== before.mtimeMs) void retrain();
  };
  // Polled, not fs.watch: it works on every filesystem a data folder may be on (bind mounts, NFS).
  const watcher = watchFile(file, { interval: deps.intervalMs ?? 2_000, persistent: false }, onChange);
  return () => {
    stopped = true;
    watcher.unref();
    unwatchFile(file, onChange);
  };
}
