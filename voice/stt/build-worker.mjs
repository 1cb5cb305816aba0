// Builds a domain language model in a worker thread, so the few hundred MB the generic model
// and the mixture take while building are freed when the worker ends, not kept by the service.
// Plain JavaScript that registers tsx itself: workers do not inherit the parent's TypeScript loader.
import { parentPort, workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { buildDomainModel } = await import("./model-files.ts");
try {
  const model = await buildDomainModel(workerData.sentences, workerData.options);
  parentPort.postMessage({ ok: true, model });
} catch (err) {
  parentPort.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
}
