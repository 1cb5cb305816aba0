// Fits EASE's weights in a worker thread so the service's event loop keeps answering meanwhile.
// Plain JavaScript that registers tsx itself: workers do not inherit the parent's TypeScript loader.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { easeWeights } = await import("./implicit.ts");
try {
  const { weights, peakBytes } = easeWeights(workerData.gram, workerData.n, workerData.lambda, workerData.minSupport);
  parentPort.postMessage({ ok: true, weights, peakBytes }, [weights.buffer]);
} catch (err) {
  parentPort.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
