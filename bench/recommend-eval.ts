/**
 * Offline recommendation quality (`concierge rec eval`): the default ranking, each ablation and the
 * popularity and random baselines, leave-last-out and cross-domain, with the time taken.
 *
 * Without files it runs on synthetic shoppers over the demo catalogue (recommend/eval/synthetic.ts:
 * tastes, hidden cross-category complements, bestsellers, brand loyalty, sessions) — a sanity
 * check that each signal does what it is for. With files it runs on them, e.g. MovieLens 100K
 * converted by recommend/eval/datasets/movielens.ts.
 *
 *   npx tsx bench/recommend-eval.ts [--shoppers 2000] [--products 3000] [--k 10]
 *   npx tsx bench/recommend-eval.ts --items /tmp/ml/items.jsonl --events /tmp/ml/events.jsonl
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { recEval } from "../recommend/eval/cli.ts";
import { generateSynthetic } from "../recommend/eval/synthetic.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const k = arg("k") ?? "10";
let items = arg("items");
let events = arg("events");
let dir: string | undefined;

console.log(`offline evaluation, ${cpus().length} cores, node ${process.version}`);
try {
  if (!items || !events) {
    const shoppers = Number(arg("shoppers") ?? 2000);
    const products = Number(arg("products") ?? 3000);
    const started = performance.now();
    const data = generateSynthetic({ shoppers, products });
    dir = await mkdtemp(path.join(tmpdir(), "concierge-rec-eval-"));
    items = path.join(dir, "items.jsonl");
    events = path.join(dir, "events.jsonl");
    await writeFile(items, data.products.map((p) => JSON.stringify(p)).join("\n"));
    await writeFile(events, data.events.map((e) => JSON.stringify(e)).join("\n"));
    console.log(`synthetic shoppers: ${products} products, ${shoppers} shoppers, ${data.events.length} events (generated in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  for (const mode of [[], ["--cross-domain"]]) {
    console.log("");
    const code = await recEval(["--items", items, "--events", events, "--k", k, ...mode]);
    if (code !== 0) process.exitCode = code;
  }
} finally {
  if (dir) await rm(dir, { recursive: true, force: true });
}
