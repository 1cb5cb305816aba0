/**
 * `npm run bench`: every benchmark in turn, each in its own process so one's memory does not skew
 * the next. Figures only, never pass/fail. Options go to the benchmarks that know them, e.g.
 * `npm run bench -- --llm-model PATH --gpu cuda` (LLM on a GPU host), `--only turns,recommend`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const onlyAt = args.indexOf("--only");
const only = onlyAt >= 0 ? new Set(args[onlyAt + 1]!.split(",")) : undefined;
const passThrough = onlyAt >= 0 ? [...args.slice(0, onlyAt), ...args.slice(onlyAt + 2)] : args;
const here = import.meta.dirname;

const toyModel = path.resolve(here, "../../shared/models/stories260k-tinyllamas/stories260K.gguf");
const llmArgs = passThrough.includes("--llm-model") ? passThrough : existsSync(toyModel) ? ["--llm-model", toyModel, ...passThrough] : undefined;

const benches: { name: string; file: string; args?: string[]; skip?: string }[] = [
  { name: "turns", file: "turns.ts" },
  // Minutes of 2,000 clients, and an hour of soak: each on its own with --only load / --only soak.
  { name: "load", file: "load.ts", skip: only?.has("load") ? undefined : "2,000 clients for ~5 minutes: run it with --only load" },
  { name: "soak", file: "soak.ts", skip: only?.has("soak") ? undefined : "an hour of traffic: run it with --only soak" },
  { name: "recommend", file: "recommend.ts", args: ["--count", "100000"] },
  { name: "recommend-eval", file: "recommend-eval.ts" },
  { name: "retrieval", file: "retrieval.ts", args: ["--count", "100000"] },
  // 1M × 384-d takes long on a small machine: run on its own with `--only ann`.
  { name: "ann", file: "ann.ts", args: ["--count", "1000000"], skip: only?.has("ann") ? undefined : "1M-vector build (long on a small machine): run it with --only ann" },
  { name: "nlu", file: "nlu.ts" },
  { name: "redact", file: "redact.ts" },
  { name: "widget-size", file: "widget-size.ts" },
  // The demo knowledge base's figures; StackFAQ too when given `--stackfaq FILE` (docs/knowledge.md).
  { name: "knowledge", file: "knowledge.ts", args: passThrough.includes("--stackfaq") ? passThrough.slice(passThrough.indexOf("--stackfaq"), passThrough.indexOf("--stackfaq") + 2) : [] },
  { name: "store", file: "store.ts" },
  { name: "llm", file: "llm.ts", args: llmArgs, skip: llmArgs ? undefined : "no --llm-model given and no toy model found" },
  { name: "llm-turns", file: "llm-turns.ts", args: llmArgs, skip: llmArgs ? undefined : "no --llm-model given and no toy model found" },
  // 1,000 grounded replies under attack, each judged by the independent checker.
  { name: "grounding", file: "grounding.ts", args: llmArgs, skip: llmArgs ? undefined : "no --llm-model given and no toy model found" },
  // Templated, and with the LLM when one is given or the toy model is here.
  { name: "voice-to-voice", file: "voice-to-voice.ts", args: llmArgs },
];

let failed = 0;
for (const bench of benches) {
  if (only && !only.has(bench.name)) continue;
  if (!existsSync(path.join(here, bench.file))) continue;
  console.log(`\n=== ${bench.name} ===`);
  if (bench.skip) {
    console.log(`skipped: ${bench.skip}`);
    continue;
  }
  const extra = bench.name.startsWith("llm") || bench.name === "grounding" ? [] : passThrough.filter((a, i, all) => !a.startsWith("--llm") && !all[i - 1]?.startsWith("--llm") && a !== "--gpu" && all[i - 1] !== "--gpu");
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join(here, bench.file), ...(bench.args ?? []), ...extra], { stdio: "inherit", env: { ...process.env, CONCIERGE_QUIET: "1" } });
  if (result.status !== 0) {
    failed++;
    console.log(`(${bench.name} exited with ${result.status ?? result.signal})`);
  }
}
process.exitCode = failed ? 1 : 0;
