/**
 * Many shoppers at once: 2,000 socket.io clients on loopback (in two client processes), each a new
 * anonymous visitor holding its connection and chatting with think time, against one service
 * process or two replicas on one PostgreSQL and Redis. Each service runs as deployed
 * (`concierge start`, a process of its own) with its default limits, except the per-address ones:
 * every client here comes from 127.0.0.1. Figures only, never pass/fail:
 * connections held, replies lost / late / duplicated, p50/p95/p99 latency, RSS and CPU per turn.
 *
 *   npx tsx bench/load.ts [--clients 2000] [--replicas 1] [--turns 3] [--think-ms 30000]
 *                         [--ramp-ms 20000] [--client-processes 2] [--store embedded|postgres]
 *
 * CONCIERGE_BENCH_SERVICE_NODE_ARGS passes node options to each replica (e.g. --cpu-prof).
 *
 * Two replicas (and --store postgres) need CONCIERGE_TEST_DATABASE_URL and CONCIERGE_TEST_REDIS_URL
 * (PostgreSQL and Redis on this machine); the bench makes a schema of its own and drops it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { type ServiceProcess, startService } from "../test/e2e/process.ts";
import { dropTestSchema, localServiceEnv, testSchemaName } from "../test/services.ts";
import { percentile } from "../voice/eval/manifest.ts";
import { arg } from "./args.ts";
import type { LoadResult } from "./load/clients.ts";
import { runClientProcess } from "./load/fork.ts";
import { mib, type ServiceSample, sampleService } from "./load/probe.ts";

const clientCount = Number(arg("clients", "2000"));
const replicaCount = Number(arg("replicas", "1"));
const turnsPerClient = Number(arg("turns", "3"));
const thinkMs = Number(arg("think-ms", "30000"));
const rampMs = Number(arg("ramp-ms", "20000"));
const clientProcesses = Number(arg("client-processes", "2"));
const store = arg("store", replicaCount > 1 ? "postgres" : "embedded");
// e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where a replica spends its time.
const serviceNodeArgs = process.env.CONCIERGE_BENCH_SERVICE_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
const databaseUrl = process.env.CONCIERGE_TEST_DATABASE_URL;
const redisUrl = process.env.CONCIERGE_TEST_REDIS_URL;
if (store === "postgres" && (!databaseUrl || !redisUrl)) {
  console.error("two replicas (or --store postgres) need CONCIERGE_TEST_DATABASE_URL and CONCIERGE_TEST_REDIS_URL");
  process.exit(2);
}

// The bench's own conversation mix: searches with filters, recommendations, follow-ups, policy questions, EN and ZH.
const script = [
  "show me running shoes under 100",
  "tell me more about the first one",
  "recommend something for me",
  "do you have wireless headphones between 50 and 150",
  "what is your return policy",
  "compare the first two",
  "有没有300元以下的跑鞋",
  "red dresses in size m",
  "how long does shipping take",
  "给我推荐点东西",
];

const schema = testSchemaName("load");
const dirs: string[] = [];
const replicas: ServiceProcess[] = [];
try {
  // One after the other: the first imports the demo catalogue into the shared database.
  for (let r = 0; r < replicaCount; r++) {
    const dir = await mkdtemp(path.join(tmpdir(), "concierge-bench-load-"));
    dirs.push(dir);
    const shared: Record<string, string> = store === "postgres" ? { DATABASE_URL: databaseUrl!, DATABASE_SCHEMA: schema, REDIS_URL: redisUrl! } : {};
    replicas.push(await startService({ ...localServiceEnv(dir, shared), LOG_LEVEL: "info", CONCIERGE_QUIET: "1" }, { nodeArgs: serviceNodeArgs }));
  }
  const ports = replicas.map((r) => r.port);
  console.log(
    `load: ${clientCount} socket.io clients in ${clientProcesses} processes → ${replicaCount} service process${replicaCount > 1 ? "es" : ""} (${store === "postgres" ? "PostgreSQL + Redis" : "embedded store"}), ` +
      `${turnsPerClient} turns each, think time mean ${thinkMs / 1000} s, connections over ${rampMs / 1000} s; ${cpus().length} cores, node ${process.version}, load ${loadavg()[0]!.toFixed(1)}`,
  );

  const samples: ServiceSample[][] = replicas.map(() => []);
  const sampleAll = async () => {
    for (const [i, r] of replicas.entries()) samples[i]!.push(await sampleService(r.port));
  };
  await sampleAll();
  const sampler = setInterval(() => void sampleAll().catch(() => undefined), 5_000);

  const perProcess = Math.ceil(clientCount / clientProcesses);
  const results = await Promise.all(
    Array.from({ length: clientProcesses }, (_, p) =>
      runClientProcess({
        ports,
        clients: Math.min(perProcess, clientCount - p * perProcess),
        firstClient: p * perProcess,
        turnsPerClient,
        thinkMs,
        rampMs,
        script,
        seed: p + 1,
      }),
    ),
  );
  clearInterval(sampler);
  await sampleAll();

  const sum = (pick: (r: LoadResult) => number) => results.reduce((s, r) => s + pick(r), 0);
  const latencies = results.flatMap((r) => r.latencies);
  const errors: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
  const replied = sum((r) => r.replied);
  const seconds = (Math.max(...results.map((r) => r.lastRepliedAt)) - Math.min(...results.map((r) => r.firstSentAt))) / 1000;
  const cpuSeconds = samples.reduce((s, xs) => s + xs.at(-1)!.cpuSeconds - xs[0]!.cpuSeconds, 0);
  const row = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`);

  row("connections held", `${sum((r) => r.connected)} of ${clientCount} (failed ${sum((r) => r.connectFailures.length)}, dropped by the server ${sum((r) => r.dropped)})`);
  for (const failure of new Set(results.flatMap((r) => r.connectFailures))) row("  a failed connection", failure);
  row("messages sent", `${sum((r) => r.sent)} over ${seconds.toFixed(0)} s (${(replied / seconds).toFixed(1)} turns/s)`);
  row("replies", `${replied}; lost ${sum((r) => r.lost)}, late ${sum((r) => r.late)}, duplicated ${sum((r) => r.duplicated)}`);
  row("error replies", Object.keys(errors).length ? JSON.stringify(errors) : "none");
  row("reply latency", `p50 ${percentile(latencies, 0.5).toFixed(1)} ms  p95 ${percentile(latencies, 0.95).toFixed(1)} ms  p99 ${percentile(latencies, 0.99).toFixed(1)} ms  max ${percentile(latencies, 1).toFixed(0)} ms`);
  row("service CPU per turn (all replicas)", `${((cpuSeconds * 1000) / replied).toFixed(1)} ms (includes holding the idle connections)`);
  for (const [i, xs] of samples.entries()) {
    const peak = Math.max(...xs.map((s) => s.rssBytes));
    const loop = Math.max(...xs.slice(1).map((s) => s.loopDelayP99Ms));
    row(`replica ${i + 1}`, `RSS ${mib(xs[0]!.rssBytes)} before → ${mib(xs.at(-1)!.rssBytes)} after (peak ${mib(peak)}), heap ${mib(xs.at(-1)!.heapUsedBytes)}, worst 5-s event-loop p99 ${loop.toFixed(1)} ms`);
  }
} finally {
  await Promise.all(replicas.map((r) => r.stop()));
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  if (store === "postgres") await dropTestSchema(databaseUrl!, schema).catch(() => undefined);
}
