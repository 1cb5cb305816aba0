/**
 * Text-turn latency as shoppers see it: the real service on embedded defaults, N socket.io clients
 * sending turns concurrently, time from emit to acknowledgement. Prints p50/p95/p99 (no pass/fail).
 *
 *   npx tsx bench/turns.ts [--turns 1000] [--clients 50]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { startService } from "../bot/main.ts";
import { loadConfig } from "../core/config.ts";
import { createLogger } from "../core/logger.ts";
import { connectChat } from "../test/e2e/client.ts";

process.env.CONCIERGE_QUIET ??= "1";
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const turns = arg("turns", 1000);
const clientCount = arg("clients", 50);

// A realistic mix: searches with filters, recommendations, questions about shown products, service questions.
const script = [
  "show me running shoes under 100",
  "recommend something for me",
  "tell me more about the first one",
  "do you have wireless headphones between 50 and 150",
  "what is your return policy",
  "compare the first two",
  "有没有300元以下的跑鞋",
  "red dresses in size m",
  "how long does shipping take",
  "给我推荐点东西",
];

const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-bench-turns-"));
const config = loadConfig({
  PORT: "0",
  HOST: "127.0.0.1",
  CONCIERGE_DATA_DIR: dataDir,
  CONCIERGE_EMBEDDING_MODEL: "none",
  CONCIERGE_LLM_MODEL: "none",
  LOG_LEVEL: "silent",
  // The bench measures latency, not the per-connection rate limit.
  RATE_LIMIT_BURST: "100000",
  RATE_LIMIT_PER_SECOND: "100000",
});
const startedAt = performance.now();
const service = await startService(config, createLogger("silent"));
await service.ready;
console.log(`text turns: ${turns} turns from ${clientCount} concurrent socket.io clients, templated replies, embedded store, ${cpus().length} cores, node ${process.version}`);
console.log(`${"cold start to ready (first run: import + fit + train)".padEnd(52)} ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);

const clients = await Promise.all(Array.from({ length: clientCount }, (_, i) => connectChat(service.port, `bench-user-${i}`)));
const latencies: number[] = [];
let next = 0;
let errors = 0;
const wall = performance.now();
await Promise.all(
  clients.map(async (client, c) => {
    for (let turn = 0; ; turn++) {
      if (next >= turns) return;
      next++;
      const text = script[(c + turn) % script.length]!;
      const t = performance.now();
      const { reply } = await client.send(text);
      latencies.push(performance.now() - t);
      if (reply.error) errors++;
    }
  }),
);
const seconds = (performance.now() - wall) / 1000;
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
console.log(`${"turn latency (emit → ack)".padEnd(52)} p50 ${at(0.5)} ms  p95 ${at(0.95)} ms  p99 ${at(0.99)} ms  (n=${latencies.length}, errors ${errors})`);
console.log(`${"throughput".padEnd(52)} ${(latencies.length / seconds).toFixed(0)} turns/s`);
console.log(`${"RSS after the run".padEnd(52)} ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

for (const c of clients) c.close();
await service.close();
await rm(dataDir, { recursive: true, force: true });
