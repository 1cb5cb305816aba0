import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";
import type { Config } from "../../core/config.ts";
import { loadIntentClassifier, MODEL_FORMAT, trainIntentClassifier } from "../../intents/classifier/index.ts";
import { Nlu } from "../../intents/nlu.ts";
import { loadShippedIntents } from "../../intents/shipped.ts";
import type { IntentClassifier, Lexicon } from "../../intents/types.ts";
import type { Store } from "../../store/types.ts";

const BLOB_PREFIX = "intents:classifier:";
/** Trained state by data hash, so a second service in the same process (tests, benches) reuses it. */
const trainedInProcess = new Map<string, unknown>();

/**
 * A folder shared by services with different data dirs (the test suite, benchmarks, replicas on one
 * volume) where the trained state is also kept, so only the first of them trains. Optional.
 */
function sharedCacheFile(key: string): string | undefined {
  const dir = process.env.CONCIERGE_CACHE_DIR?.trim();
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

/**
 * The intent classifier trained on the shipped intent data. Training takes seconds, but a restart
 * should not pay it again: the trained state is kept in the store, keyed by a hash of the data, so
 * editing intents/data retrains on the next start.
 */
export async function loadNlu(deps: { config: Config; store: Store; logger: Logger; lexicon: Lexicon }): Promise<Nlu> {
  const { store, logger } = deps;
  const examples = loadShippedIntents();
  const key = BLOB_PREFIX + createHash("sha256").update(String(MODEL_FORMAT)).update(JSON.stringify(examples)).digest("hex").slice(0, 16);
  let classifier: IntentClassifier | undefined;
  const saved =
    trainedInProcess.get(key) ?? (await store.blobs.getBlob(key).then((b) => (b ? JSON.parse(b.toString("utf8")) : undefined))) ?? (await readShared(key));
  if (saved) {
    try {
      classifier = loadIntentClassifier(saved);
      logger.info({ model: "intents", tier: "built-in" }, "intent classifier loaded (trained earlier)");
      if (!trainedInProcess.has(key)) trainedInProcess.set(key, saved);
    } catch (err) {
      logger.warn({ err }, "stored intent classifier unreadable; retraining");
    }
  }
  if (!classifier) {
    const started = Date.now();
    classifier = await trainIntentClassifier(examples);
    await store.blobs.putBlob(key, Buffer.from(JSON.stringify(classifier.toJSON())));
    trainedInProcess.set(key, classifier.toJSON());
    await writeShared(key, classifier.toJSON(), logger);
    logger.info({ model: "intents", tier: "built-in", examples: examples.length, intents: classifier.intents.length, seconds: (Date.now() - started) / 1000 }, "intent classifier trained");
  }
  return new Nlu(classifier, deps.lexicon);
}
