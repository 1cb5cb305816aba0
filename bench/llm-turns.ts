/**
 * A turn end to end as the shopper sees it, written by the local LLM vs by the templates: the real
 * service, socket.io clients, product turns (search, details, compare, recommend, a Chinese search)
 * in one conversation per round; time from emit to the first `reply:delta` and to the
 * acknowledgement. One client alone, then N clients at once. Figures only, never pass/fail.
 *
 *   npx tsx bench/llm-turns.ts [--llm-model PATH.gguf | registry id] [--gpu auto|cuda|cpu]
 *     [--threads N] [--context N] [--rounds 3] [--streams 4]
 *
 * Without --llm-model it uses CONCIERGE_LLM_MODEL. Options of bench/llm.ts it does not use
 * (--runs, --max-tokens, --json) are accepted and ignored, so `npm run bench` passes one set to both.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { startService } from "../bot/main.ts";
import { loadConfig } from "../core/config.ts";
import { createLogger } from "../core/logger.ts";
import { connectChat } from "../test/e2e/client.ts";

process.env.CONCIERGE_QUIET ??= "1";

const USAGE = "usage: npx tsx bench/llm-turns.ts [--llm-model PATH|ID] [--gpu auto|cuda|cpu] [--threads N] [--context N] [--rounds N] [--streams N]";
const args = process.argv.slice(2);
const opts = { model: process.env.CONCIERGE_LLM_MODEL ?? "", gpu: "auto", threads: "0", context: "4096", rounds: 3, streams: 4 };
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const value = () => {
    const v = args[++i];
    if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
    return v;
  };
  const count = (name: string) => {
    const n = Number(value());
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs an integer ≥ 1\n${USAGE}`);
    return n;
  };
  if (a === "--llm-model") opts.model = value();
  else if (a === "--gpu") opts.gpu = value();
  else if (a === "--threads") opts.threads = value();
  else if (a === "--context") opts.context = value();
  else if (a === "--rounds") opts.rounds = count(a);
  else if (a === "--streams") opts.streams = count(a);
  else if (a === "--runs" || a === "--max-tokens") value();
  else if (a === "--json") continue;
  else if (a === "-h" || a === "--help") {
    console.log(USAGE);
    process.exit(0);
  } else throw new Error(`unknown option ${a}\n${USAGE}`);
}
if (!opts.model || opts.model === "none") throw new Error(`no language model: give --llm-model PATH.gguf\n${USAGE}`);

const script = ["show me running shoes under 100", "how much is the first one", "compare the first two", "recommend something for me", "有没有300元以下的跑鞋"];

interface Sample {
  firstDeltaMs: number;
  totalMs: number;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : Number.NaN;
};

async function outcomes(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^concierge_llm_replies_total\{outcome="([a-z_]+)"\} (\d+)/gm)) counts[m[1]!] = Number(m[2]);
  return counts;
}

async function measure(port: number, clients: number, rounds: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let r = 0; r < rounds; r++) {
        // A new connection is a new conversation: each round starts from a search, as a shopper would.
        const client = await connectChat(port);
        try {
          for (const text of script) {
            const start = performance.now();
            let firstDeltaMs = Number.NaN;
            const onDelta = () => {
              if (Number.isNaN(firstDeltaMs)) firstDeltaMs = performance.now() - start;
            };
            client.socket.on("reply:delta", onDelta);
            const { reply } = await client.send(text);
            client.socket.off("reply:delta", onDelta);
            if (reply.error) throw new Error(`turn "${text}" failed: ${reply.error.message}`);
            samples.push({ firstDeltaMs, totalMs: performance.now() - start });
          }
        } finally {
          client.close();
        }
      }
    }),
  );
  return samples;
}

const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-bench-llm-turns-"));
const rows: string[] = [];
try {
  for (const tier of ["templates", "llm"] as const) {
    const config = loadConfig({
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      CONCIERGE_DATA_DIR: dataDir,
      CONCIERGE_EMBEDDING_MODEL: "none",
      CONCIERGE_LLM_MODEL: tier === "llm" ? opts.model : "none",
      CONCIERGE_LLM_GPU: opts.gpu,
      CONCIERGE_LLM_THREADS: opts.threads,
      CONCIERGE_LLM_CONTEXT_SIZE: opts.context,
      CONCIERGE_LLM_SEQUENCES: String(opts.streams),
      LOG_LEVEL: "silent",
      RATE_LIMIT_BURST: "100000",
      RATE_LIMIT_PER_SECOND: "100000",
    });
    const service = await startService(config, createLogger("silent"));
    try {
      await service.ready;
      const loadStart = performance.now();
      if (tier === "llm") {
        while (!service.languageModel() && performance.now() - loadStart < 600_000) await new Promise((r) => setTimeout(r, 50));
        const model = service.languageModel();
        if (!model) throw new Error(`the language model ${opts.model} did not load (see CONCIERGE_LLM_MODEL in llm/README.md)`);
        const { name, backend, threads, contextSize } = model.info;
        console.log(`model ${name} (${model.info.path}), ${backend}, ${threads} thread(s), context ${contextSize} per sequence, ${opts.streams} sequences`);
      }
      const base = `http://127.0.0.1:${service.port}`;
      // Warm-up: first prompts allocate buffers and load the NLU's lazy parts.
      await measure(service.port, 1, 1);
      for (const clients of [1, opts.streams]) {
        const before = await outcomes(base);
        const wall = performance.now();
        const samples = await measure(service.port, clients, opts.rounds);
        const seconds = (performance.now() - wall) / 1000;
        const after = await outcomes(base);
        const written = (after.model ?? 0) - (before.model ?? 0);
        const first = samples.map((s) => s.firstDeltaMs).filter((x) => !Number.isNaN(x));
        const total = samples.map((s) => s.totalMs);
        rows.push(
          `${tier.padEnd(10)} ${String(clients).padStart(7)} ${String(samples.length).padStart(6)}   ${pct(first, 0.5).toFixed(0).padStart(6)} / ${pct(first, 0.95).toFixed(0).padStart(6)} ms   ${pct(total, 0.5).toFixed(0).padStart(6)} / ${pct(total, 0.95).toFixed(0).padStart(6)} ms   ${(samples.length / seconds).toFixed(1).padStart(6)}   ${tier === "llm" ? `${written}/${samples.length}` : "-"}`,
        );
      }
    } finally {
      await service.close();
    }
  }
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
console.log(`product turns end to end (${script.length} a round: search, details, compare, recommend, Chinese search), ${cpus().length} cores, node ${process.version}`);
console.log("tier       clients  turns   first delta p50 / p95      whole reply p50 / p95   turns/s  model-written");
for (const r of rows) console.log(r);
