/**
 * Local LLM speed: model load time, time to first token and tokens/s — one stream alone, then N
 * streams at once sharing one model through its context sequences — and a grounded reply
 * (grammar-constrained JSON, catalogue facts filled in) end to end.
 *
 * Every request starts with a different system prompt, so no run reuses another's evaluated prefix:
 * the first-token times are cold (whole prompt evaluated).
 *
 * Run: npx tsx bench/llm.ts [--llm-model PATH.gguf | registry id] [--gpu auto|cuda|cpu]
 *        [--threads N] [--streams 4] [--runs 3] [--max-tokens 128] [--context 2048] [--json]
 * Without --llm-model it uses CONCIERGE_LLM_MODEL (resolved like the service does). On a CUDA host:
 *   npx tsx bench/llm.ts --llm-model /models/qwen2.5-7b-instruct-q4_k_m.gguf --gpu cuda
 */
import os from "node:os";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../core/config.ts";
import { composeGroundedReply, type GenerateResult, type GroundingProduct, LlamaLanguageModel, resolveLanguageModelPath, resolveThreads } from "../llm/index.ts";

interface Options {
  model?: string;
  gpu: "auto" | "cuda" | "cpu";
  threads: number;
  streams: number;
  runs: number;
  maxTokens: number;
  context: number;
  json: boolean;
}

const USAGE = "usage: npx tsx bench/llm.ts [--llm-model PATH|ID] [--gpu auto|cuda|cpu] [--threads N] [--streams N] [--runs N] [--max-tokens N] [--context N] [--json]";

function parseArgs(args: string[]): Options | string {
  const o: Options = { gpu: "auto", threads: 0, streams: 4, runs: 3, maxTokens: 128, context: 2048, json: false };
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} needs an integer ≥ ${min}, got ${v ?? "nothing"}`);
    return n;
  };
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const next = () => args[++i];
      if (a === "--llm-model") o.model = next();
      else if (a === "--gpu") {
        const g = next();
        if (g !== "auto" && g !== "cuda" && g !== "cpu") return `--gpu must be auto, cuda or cpu, got ${g}`;
        o.gpu = g;
      } else if (a === "--threads") o.threads = int(a, next(), 0);
      else if (a === "--streams") o.streams = int(a, next(), 1);
      else if (a === "--runs") o.runs = int(a, next(), 1);
      else if (a === "--max-tokens") o.maxTokens = int(a, next(), 1);
      else if (a === "--context") o.context = int(a, next(), 256);
      else if (a === "--json") o.json = true;
      else if (a === "-h" || a === "--help") return USAGE;
      else return `unknown option ${a}\n${USAGE}`;
    }
  } catch (err) {
    return `${(err as Error).message}\n${USAGE}`;
  }
  return o;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2 : Number.NaN;
};

let nonce = 0;
const request = (maxTokens: number) => ({
  system: `Request ${++nonce}. You are the friendly assistant of an online shop. Answer in a few sentences.`,
  messages: [{ role: "user" as const, text: "Describe a warm red wool hat for winter walks, and who would enjoy it." }],
  maxTokens,
});

/** Decode speed: tokens after the first over the time after the first. */
const decodeRate = (r: GenerateResult) => (r.tokens > 1 && r.totalMs > r.firstTokenMs ? ((r.tokens - 1) * 1000) / (r.totalMs - r.firstTokenMs) : Number.NaN);

const products: GroundingProduct[] = [
  { id: "hat-1", title: "Red wool hat", brand: "Acme", category: "hats", price: 24.9, currency: "EUR", stock: 7, description: "Merino wool beanie, warm and soft, one size." },
  { id: "hat-2", title: "Grey fleece hat", brand: "Fleet", category: "hats", price: 14.5, currency: "EUR", stock: 0, description: "Light fleece hat for running in the cold." },
  { id: "scarf-3", title: "Striped scarf", brand: "Acme", category: "scarves", price: 19, currency: "EUR", stock: 12, description: "Long knitted scarf, red and grey stripes." },
];

export async function main(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    (parsed === USAGE ? console.log : console.error)(parsed);
    return parsed === USAGE ? 0 : 2;
  }
  const o = parsed;
  const config = loadConfig();
  const modelPath = await resolveLanguageModelPath({ ...config, llm: { ...config.llm!, model: o.model ?? config.llm!.model } }).catch((err: Error) => {
    console.error(`${err.message}\nGive a GGUF with --llm-model PATH.`);
    return null;
  });
  if (modelPath === null) return 1;
  if (!modelPath) {
    console.error("CONCIERGE_LLM_MODEL is none: give a GGUF with --llm-model PATH.");
    return 1;
  }

  const loadStart = performance.now();
  const model = await LlamaLanguageModel.load({
    modelPath,
    gpu: o.gpu,
    threads: o.threads,
    sequences: Math.max(o.streams, 1),
    contextSize: o.context,
    maxQueue: o.streams * 2,
    queueTimeoutMs: 600_000,
    progress: !o.json,
  });
  const loadMs = performance.now() - loadStart;
  const figures: Record<string, unknown> = {
    model: model.info.name,
    file: modelPath,
    backend: model.info.backend,
    devices: model.info.devices,
    threads: model.info.threads,
    cores: os.availableParallelism(),
    contextPerSequence: model.info.contextSize,
    loadMs: Math.round(loadMs),
  };
  try {
    // Warm-up: first evaluation allocates buffers.
    await model.generate({ ...request(4) });

    const single: GenerateResult[] = [];
    for (let i = 0; i < o.runs; i++) single.push(await model.generate(request(o.maxTokens)));
    figures.single = {
      runs: o.runs,
      tokensMedian: median(single.map((r) => r.tokens)),
      firstTokenMsMedian: Math.round(median(single.map((r) => r.firstTokenMs))),
      decodeTokensPerSecond: Math.round(median(single.map(decodeRate))),
      tokensPerSecondOverall: Math.round(median(single.map((r) => (r.tokens * 1000) / r.totalMs))),
    };

    const wallStart = performance.now();
    const concurrent: GenerateResult[] = [];
    for (let i = 0; i < o.runs; i++) concurrent.push(...(await Promise.all(Array.from({ length: o.streams }, () => model.generate(request(o.maxTokens))))));
    const wallMs = performance.now() - wallStart;
    const totalTokens = concurrent.reduce((n, r) => n + r.tokens, 0);
    figures.concurrent = {
      streams: o.streams,
      runs: o.runs,
      firstTokenMsMedian: Math.round(median(concurrent.map((r) => r.firstTokenMs))),
      firstTokenMsWorst: Math.round(Math.max(...concurrent.map((r) => r.firstTokenMs))),
      perStreamDecodeTokensPerSecond: Math.round(median(concurrent.map(decodeRate))),
      aggregateTokensPerSecond: Math.round((totalTokens * 1000) / wallMs),
    };

    const grounded: { firstDeltaMs: number; totalMs: number; usedModel: boolean; tokens: number }[] = [];
    for (let i = 0; i < o.runs; i++) {
      const start = performance.now();
      let firstDeltaMs = Number.NaN;
      const reply = await composeGroundedReply(
        model,
        { message: `(${++nonce}) Which hat would keep me warmest, and is it in stock?`, locale: "en", task: "details", products, fallbackText: "Here is what I found.", appendFacts: true },
        {
          onDelta: () => {
            if (Number.isNaN(firstDeltaMs)) firstDeltaMs = performance.now() - start;
          },
        },
      );
      grounded.push({ firstDeltaMs, totalMs: performance.now() - start, usedModel: reply.usedModel, tokens: reply.tokens ?? 0 });
    }
    figures.grounded = {
      runs: o.runs,
      usedModel: grounded.filter((g) => g.usedModel).length,
      firstDeltaMsMedian: Math.round(median(grounded.map((g) => g.firstDeltaMs))),
      totalMsMedian: Math.round(median(grounded.map((g) => g.totalMs))),
      tokensMedian: median(grounded.map((g) => g.tokens)),
    };
  } finally {
    await model.close();
  }

  if (o.json) console.log(JSON.stringify(figures, null, 2));
  else {
    const s = figures.single as Record<string, number>;
    const c = figures.concurrent as Record<string, number>;
    const g = figures.grounded as Record<string, number>;
    console.log(`model        ${figures.model} (${modelPath})`);
    console.log(`backend      ${figures.backend}${model.info.devices.length ? ` [${model.info.devices.join(", ")}]` : ""}, ${figures.threads} thread(s) of ${figures.cores} cores (resolveThreads(${o.threads}) = ${resolveThreads(o.threads)})`);
    console.log(`load         ${figures.loadMs} ms`);
    console.log(`1 stream     first token ${s.firstTokenMsMedian} ms | decode ${s.decodeTokensPerSecond} tok/s | overall ${s.tokensPerSecondOverall} tok/s | ${s.tokensMedian} tokens (median of ${o.runs})`);
    console.log(
      `${o.streams} streams    first token ${c.firstTokenMsMedian} ms (worst ${c.firstTokenMsWorst}) | per stream ${c.perStreamDecodeTokensPerSecond} tok/s | aggregate ${c.aggregateTokensPerSecond} tok/s`,
    );
    console.log(`grounded     first delta ${g.firstDeltaMsMedian} ms | whole reply ${g.totalMsMedian} ms | ${g.tokensMedian} tokens | model used ${g.usedModel}/${o.runs}`);
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.env.CONCIERGE_QUIET ??= "1";
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
