/**
 * Text-turn latency as shoppers see it: the real service on embedded defaults, 50 socket.io
 * clients in another process, time from emit to acknowledgement. Prints p50/p95/p99 (no pass/fail).
 *
 * Two load shapes, both over the same 1,000 turns:
 *  - paced (the latency target): each client waits a think time between turns (exponential, mean
 *    --think-ms, default 3 s), so 50 clients offer ~16 turns/s — 50 people chatting at once;
 *  - closed (capacity): each client sends again the moment it has its reply, so 50 turns are
 *    always queued; latency there is queueing (≈ clients ÷ throughput), and throughput is the figure.
 *
 *   npx tsx bench/turns.ts [--turns 1000] [--clients 50] [--think-ms 3000] [--mode paced,closed]
 */
import { fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { startService } from "../bot/main.ts";
import { loadConfig } from "../core/config.ts";
import { createLogger } from "../core/logger.ts";
import { localServiceEnv } from "../test/services.ts";
import { arg } from "./args.ts";
import type { ClientPlan, ClientResult } from "./turns/clients.ts";

process.env.CONCIERGE_QUIET ??= "1";
const turns = Number(arg("turns", "1000"));
const clientCount = Number(arg("clients", "50"));
const thinkMs = Number(arg("think-ms", "3000"));
const modes = arg("mode", "paced,closed").split(",") as ClientPlan["mode"][];

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

function runClientProcess(plan: ClientPlan): Promise<ClientResult> {
  const child = fork(path.join(import.meta.dirname, "turns/clients.ts"), { execArgv: ["--import", "tsx"], stdio: "inherit" });
  return new Promise((resolve, reject) => {
    child.once("message", (result) => resolve(result as ClientResult));
    child.once("exit", (code) => reject(new Error(`client process exited with ${code}`)));
    child.send(plan);
  });
}

const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-bench-turns-"));
const config = loadConfig(
  // The bench measures latency, not the per-connection rate limit.
  localServiceEnv(dataDir, { RATE_LIMIT_BURST: "100000", RATE_LIMIT_PER_SECOND: "100000" }),
);
const startedAt = performance.now();
const service = await startService(config, createLogger("silent"));
await service.ready;
console.log(`text turns: ${turns} turns from ${clientCount} socket.io clients (another process), templated replies, embedded store, ${cpus().length} cores, node ${process.version}`);
console.log(`${"cold start to ready (first run: import + fit + train)".padEnd(52)} ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);

const cpuBefore = process.cpuUsage();
for (const [m, mode] of modes.entries()) {
  const { latencies, errors, seconds } = await runClientProcess({ port: service.port, clients: clientCount, turns, mode, thinkMs, script, seed: m + 1 });
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
  const label = mode === "paced" ? `paced (think time mean ${thinkMs / 1000} s)` : "closed (back-to-back)";
  console.log(`${`turn latency, ${label}`.padEnd(52)} p50 ${at(0.5)} ms  p95 ${at(0.95)} ms  p99 ${at(0.99)} ms  (n=${latencies.length}, errors ${errors})`);
  console.log(`${`throughput, ${label}`.padEnd(52)} ${(latencies.length / seconds).toFixed(0)} turns/s`);
}
const cpu = process.cpuUsage(cpuBefore);
console.log(`${"service CPU per turn (all modes)".padEnd(52)} ${((cpu.user + cpu.system) / 1000 / (turns * modes.length)).toFixed(1)} ms`);
console.log(`${"RSS after the run".padEnd(52)} ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

await service.close();
await rm(dataDir, { recursive: true, force: true });
