/**
 * A long run at moderate load, to see what grows: one service process as deployed
 * (`concierge start`, embedded store, built-in voice), text shoppers chatting with think time (in
 * a client process of their own) and voice kiosks speaking flite-recorded requests in real time,
 * listening to the reply and pausing as a person would. Every 30 s it reads /metrics: RSS, JS
 * heap, event-loop delay (p99 over the window), CPU. Prints the series every 5 minutes and the
 * trend (least-squares slope over the second half, per hour). Figures only, never pass/fail.
 *
 *   npx tsx bench/soak.ts [--minutes 60] [--text-clients 50] [--think-ms 5000] [--voice-clients 2]
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { type ServiceProcess, startService } from "../test/e2e/process.ts";
import { localServiceEnv } from "../test/services.ts";
import { fliteSpeech } from "../test/voice/helpers.ts";
import { connectVoice } from "../test/voice/voice-client.ts";
import { int16ToBytes } from "../voice/audio.ts";
import { arg } from "./args.ts";
import { runClientProcess } from "./load/fork.ts";
import { mib, type ServiceSample, sampleService } from "./load/probe.ts";

const minutes = Number(arg("minutes", "60"));
const textClients = Number(arg("text-clients", "50"));
const thinkMs = Number(arg("think-ms", "5000"));
const voiceClients = Number(arg("voice-clients", "2"));
const sharedModels = path.resolve(import.meta.dirname, "../../shared/models");
const modelsDir = process.env.CONCIERGE_MODELS_DIR ?? (existsSync(sharedModels) ? sharedModels : "");

const textScript = [
  "show me running shoes under 100",
  "tell me more about the first one",
  "recommend something for me",
  "what is your return policy",
  "有没有300元以下的跑鞋",
  "red dresses in size m",
  "how long does shipping take",
  "给我推荐点东西",
];
const spoken = ["show me running shoes under one hundred dollars", "do you have wireless headphones", "what is your return policy", "recommend something for me", "i am looking for a red dress"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FRAME = 320; // 20 ms at 16 kHz, as a kiosk's microphone sends it

interface VoiceTally {
  turns: number;
  answered: number;
  unanswered: number;
  errors: number;
}

/** A kiosk: speaks, keeps the microphone open until the reply has played, pauses, speaks again. */
async function kiosk(port: number, speech: Int16Array[], stopAt: number, tally: VoiceTally, seed: number): Promise<void> {
  const client = await connectVoice(port);
  await client.start({});
  const quiet = new Int16Array(FRAME);
  /** Sends `samples` in real time, then silence until `until()` says the reply is done (20 s at most). */
  const stream = async (samples: Int16Array, until?: () => boolean) => {
    const frames = Math.ceil(samples.length / FRAME) + (until ? 1000 : 0);
    const t0 = Date.now();
    for (let i = 0; i < frames; i++) {
      const at = i * FRAME;
      if (at >= samples.length && until?.()) break;
      client.sendBytes(int16ToBytes(at < samples.length ? samples.subarray(at, at + FRAME) : quiet));
      await sleep(Math.max(0, t0 + (i + 1) * 20 - Date.now()));
    }
  };
  for (let turn = seed; Date.now() < stopAt; turn++) {
    client.events.length = 0;
    tally.turns++;
    const replied = () => client.events.some((e) => e.name === "audio:end" || e.name === "error");
    await stream(speech[turn % speech.length]!, replied);
    const end = client.events.find((e) => e.name === "audio:end");
    if (client.events.some((e) => e.name === "error")) tally.errors++;
    if (end) {
      tally.answered++;
      client.socket.emit("playback", { state: "started", id: end.payload.id });
      client.socket.emit("playback", { state: "ended", id: end.payload.id });
    } else tally.unanswered++;
    // The shopper looks at the screen for a few seconds, microphone still open.
    await stream(new Int16Array(FRAME * 150));
  }
  client.close();
}

/** Least-squares slope of y over time, per hour. */
function slopePerHour(samples: ServiceSample[], pick: (s: ServiceSample) => number): number {
  const xs = samples.map((s) => s.at / 3_600_000);
  const ys = samples.map(pick);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const num = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0);
  const den = xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return den ? num / den : 0;
}

const dir = await mkdtemp(path.join(tmpdir(), "concierge-bench-soak-"));
let service: ServiceProcess | undefined;
try {
  service = await startService({ ...localServiceEnv(dir, { CONCIERGE_MODELS_DIR: modelsDir }), LOG_LEVEL: "info", CONCIERGE_QUIET: "1" });
  const port = service.port;
  const speech = spoken.map((t) => fliteSpeech(t).samples);
  console.log(
    `soak: ${minutes} min, 1 service process (embedded store, built-in voice), ${textClients} text shoppers (think time mean ${thinkMs / 1000} s) + ${voiceClients} voice kiosks (real time); ${cpus().length} cores, node ${process.version}, load ${loadavg()[0]!.toFixed(1)}`,
  );
  const samples: ServiceSample[] = [await sampleService(port)];
  const loads: number[] = [loadavg()[0]!];
  const startedAt = Date.now();
  const stopAt = startedAt + minutes * 60_000;
  const sampler = setInterval(() => {
    void sampleService(port).then((s) => {
      samples.push(s);
      loads.push(loadavg()[0]!);
    }, () => undefined);
  }, 30_000);
  const tally: VoiceTally = { turns: 0, answered: 0, unanswered: 0, errors: 0 };
  const [text] = await Promise.all([
    runClientProcess({ ports: [port], clients: textClients, firstClient: 0, turnsPerClient: Number.MAX_SAFE_INTEGER, thinkMs, rampMs: 5_000, script: textScript, seed: 7, stopAt }),
    ...Array.from({ length: voiceClients }, (_, k) => kiosk(port, speech, stopAt, tally, k)),
  ]);
  clearInterval(sampler);
  samples.push(await sampleService(port));
  loads.push(loadavg()[0]!);

  console.log("minute  RSS       heap     loop p99  CPU (share of one core)  load");
  for (const [i, s] of samples.entries()) {
    const minute = (s.at - startedAt) / 60_000;
    if (i > 0 && i < samples.length - 1 && Math.round(minute * 2) % 10 !== 0) continue;
    const prev = samples[Math.max(0, i - 1)]!;
    const cpu = i ? (s.cpuSeconds - prev.cpuSeconds) / ((s.at - prev.at) / 1000) : 0;
    console.log(`${minute.toFixed(1).padStart(6)}  ${mib(s.rssBytes).padEnd(8)}  ${mib(s.heapUsedBytes).padEnd(7)}  ${s.loopDelayP99Ms.toFixed(1).padStart(6)} ms  ${(cpu * 100).toFixed(0).padStart(3)} %                    ${loads[i]!.toFixed(1)}`);
  }
  const half = samples.slice(Math.floor(samples.length / 2));
  const loopP99s = samples.slice(1).map((s) => s.loopDelayP99Ms);
  console.log(`text: ${text.replied} replies of ${text.sent} (lost ${text.lost}, late ${text.late}, duplicated ${text.duplicated}, errors ${JSON.stringify(text.errors)}), connections dropped ${text.dropped}`);
  console.log(`voice: ${tally.answered} of ${tally.turns} spoken turns answered with audio (unanswered ${tally.unanswered}, error events ${tally.errors})`);
  console.log(
    `trend over the second half: RSS ${(slopePerHour(half, (s) => s.rssBytes) / 2 ** 20).toFixed(1)} MiB/h, heap ${(slopePerHour(half, (s) => s.heapUsedBytes) / 2 ** 20).toFixed(1)} MiB/h, ` +
      `event-loop p99 ${slopePerHour(half, (s) => s.loopDelayP99Ms).toFixed(1)} ms/h (median window ${[...loopP99s].sort((a, b) => a - b)[Math.floor(loopP99s.length / 2)]!.toFixed(1)} ms, worst ${Math.max(...loopP99s).toFixed(1)} ms)`,
  );
} finally {
  await service?.stop();
  await rm(dir, { recursive: true, force: true });
}
