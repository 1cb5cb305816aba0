/**
 * Grounded means grounded, measured: at least 1,000 grounded replies from a real model, with
 * injections in the shopper's messages and in the product descriptions (test/llm/adversarial.ts),
 * varied seeds and temperatures, English and Chinese, every one judged by the independent checker
 * (test/llm/figure-checker.ts) on both its streamed pieces and its final text. Prints replies, the
 * violations found by kind (the target is none), templated answers by reason, sentences dropped by
 * check, and the time. No pass/fail.
 *
 * Product names are checked the way the service checks them: a real recommender over the bench's
 * catalogue (embedded store in a temporary directory) finds what each sentence names.
 *
 *   npx tsx bench/grounding.ts [--llm-model PATH.gguf] [--replies 1000] [--max-tokens 32]
 *     [--threads 1] [--scenarios 32] [--seed 1] [--json]
 * Without --llm-model it uses the toy model in ../shared/models.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { logger } from "../core/logger.ts";
import { LlamaLanguageModel } from "../llm/index.ts";
import { importCatalog } from "../recommend/import.ts";
import { createRecommender } from "../recommend/recommender.ts";
import { createStore } from "../store/index.ts";
import type { Product } from "../store/types.ts";
import { catalogueProducts, runGroundingReplies, scenarios } from "../test/llm/grounding-run.ts";

process.env.CONCIERGE_QUIET ??= "1";
// The embedded store announces its migration; the figures are the output here.
logger.level = "warn";
const argv = process.argv.slice(2);
const opt = (name: string, fallback?: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const modelPath = opt("llm-model", path.resolve(import.meta.dirname, "../../shared/models/stories260k-tinyllamas/stories260K.gguf"))!;
const replies = Number(opt("replies", "1000"));
const maxTokens = Number(opt("max-tokens", "32"));
const threads = Number(opt("threads", "1"));
const scenarioCount = Number(opt("scenarios", String(scenarios().length)));
const seed = Number(opt("seed", "1"));
const json = argv.includes("--json");

const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-bench-grounding-"));
const store = createStore({ dataDir });
try {
  await store.init();
  const recommender = createRecommender({ store, dataDir, progress: false });
  await importCatalog({ store, recommender, products: catalogueProducts() as Product[] });
  const namedProducts = async (text: string) => (await recommender.findMentioned(text.slice(0, 2000), 10)).map((p) => p.id);

  const loadStarted = performance.now();
  const model = await LlamaLanguageModel.load({ modelPath, gpu: "cpu", threads, sequences: 1, contextSize: 2048, maxQueue: 4, queueTimeoutMs: 600_000, progress: false });
  const loadMs = performance.now() - loadStarted;
  let lastShown = 0;
  const result = await runGroundingReplies({
    model,
    replies,
    scenarioCount,
    maxTokens,
    namedProducts,
    seed,
    onProgress: (done, total) => {
      if (!json && (done - lastShown >= 100 || done === total)) {
        lastShown = done;
        process.stderr.write(`  ${done}/${total} replies\n`);
      }
    },
  });
  await model.close();
  const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
  if (json) {
    console.log(JSON.stringify({ model: path.basename(modelPath), threads, maxTokens, scenarios: scenarioCount, seed, loadMs, ...result }, null, 1));
  } else {
    const list = (m: Record<string, number>) => (Object.keys(m).length ? Object.entries(m).map(([k, n]) => `${k} ${n}`).join(", ") : "none");
    console.log(`model ${path.basename(modelPath)} (${threads} thread${threads > 1 ? "s" : ""}), max ${maxTokens} tokens a reply, ${scenarioCount} scenarios, seed ${seed}`);
    console.log(`replies generated: ${result.replies} (written by the model ${result.byModel}, templated ${sum(result.fallbacks)})`);
    console.log(`violations found (independent checker): ${sum(result.violations)}${sum(result.violations) ? ` — ${list(result.violations)}` : ""}`);
    console.log(`fallbacks to the template: ${sum(result.fallbacks)} (${list(result.fallbacks)})`);
    console.log(`repairs (sentences dropped): ${sum(result.repairs)} (${list(result.repairs)})`);
    console.log(`time: ${(result.ms / 1000).toFixed(1)} s, ${(result.ms / result.replies).toFixed(0)} ms a reply (model load ${(loadMs / 1000).toFixed(1)} s)`);
    for (const e of result.examples) console.log(`  violation in ${JSON.stringify(e.text)}: ${e.violations.map((v) => `${v.kind} ${JSON.stringify(v.text)}`).join(", ")}`);
  }
} finally {
  await store.close();
  await rm(dataDir, { recursive: true, force: true });
}
