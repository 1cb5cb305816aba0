// Trains the intent classifier in a worker thread, so a running service keeps answering while the
// shop's new lines are learnt. Plain JavaScript that registers tsx itself: workers do not inherit
// the parent's TypeScript loader.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { trainIntentClassifier } = await import("../../intents/classifier/index.ts");
try {
  const classifier = await trainIntentClassifier(workerData.examples);
  parentPort.postMessage({ ok: true, state: classifier.toJSON() });
} catch (err) {
  parentPort.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
