/**
 * Voice-to-voice latency and a bounded soak of one voice session. Figures only, never pass/fail.
 *
 * 1. Latency: the real service (store, catalogue, dialogs, the shop's recogniser, Silero VAD,
 *    flite) and a kiosk client on /voice streaming flite-spoken requests in real time (20 ms
 *    frames every 20 ms, then silence). Measured at the client: the moment the last speech frame
 *    was sent → the first `audio` chunk of the reply (this includes the end-of-turn silence wait,
 *    600 ms after a complete request, CONCIERGE_VOICE_COMPLETE_TURN_MS), and → the final transcript. Templated replies,
 *    and with --llm-model (or CONCIERGE_LLM_MODEL) a second service whose replies the LLM writes.
 * 2. Echo: the echo check's scores for the reply played back into the microphone (delayed,
 *    attenuated, with room reflections and noise) against other speech (same voice, other words)
 *    and double talk; the threshold sits between them.
 * 3. Pauses: requests with a thinking pause — after an open word ("looking for … a red dress"),
 *    and after words that already read as a request ("show me running shoes … under one hundred
 *    dollars") — through a VoiceSession on the shop's recogniser: how many were answered whole,
 *    with the default end of turn (words + silence) and with silence alone (900 ms).
 * 4. Soak: --soak-minutes (default 30) of audio — requests, pauses, noise, silence — through one
 *    VoiceSession on the same models as fast as it goes, with a templated reply per turn; RSS at
 *    the start, end and peak.
 *
 *   npx tsx bench/voice-to-voice.ts [--turns 12] [--llm-model PATH.gguf] [--soak-minutes 30] [--skip latency,echo,pauses,soak]
 *
 * On a CUDA host: put whisper's ggml model in CONCIERGE_MODELS_DIR (or CONCIERGE_STT_MODEL=/path.bin)
 * and pass --llm-model; the service logs `backend: cuda` for both and this bench runs unchanged.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startService } from "../bot/main.ts";
import { type VoiceStack, VoiceStackLoader } from "../bot/voice/stack.ts";
import { loadConfig } from "../core/config.ts";
import { createLogger } from "../core/logger.ts";
import { DEMO_CATALOG_PATH } from "../recommend/index.ts";
import { fliteSpeech, whiteNoise } from "../test/voice/helpers.ts";
import { connectVoice } from "../test/voice/voice-client.ts";
import { concatPcm, echoMatch, int16ToBytes, percentile, type SegmenterOptions, type SpeechToText, silence, transcriptEchoes, VoiceSession } from "../voice/index.ts";
import { readCatalogueText } from "../voice/stt/domain.ts";
import { arg } from "./args.ts";

process.env.CONCIERGE_QUIET ??= "1";
// The models this workplace provides (Silero VAD among them), as the tests use them.
const sharedModels = path.resolve(import.meta.dirname, "../../shared/models");
if (!process.env.CONCIERGE_MODELS_DIR && existsSync(sharedModels)) process.env.CONCIERGE_MODELS_DIR = sharedModels;
const turns = Number(arg("turns", "12"));
const llmModel = arg("llm-model", process.env.CONCIERGE_LLM_MODEL ?? "none");
const soakMinutes = Number(arg("soak-minutes", "30"));
const skip = new Set(arg("skip", "").split(","));
// Kept between runs: the domain language model is cached by content there (an uncached build is ~1 min here).
const dataDir = arg("data-dir", path.join(tmpdir(), "concierge-bench-voice"));

const REQUESTS = [
  "show me running shoes under one hundred dollars",
  "do you have wireless headphones",
  "what is your return policy",
  "recommend something for me",
  "i am looking for a red dress",
  "how long does shipping take",
];

const round = (x: number) => Math.round(x);
const stats = (xs: number[]) => (xs.length ? `p50 ${round(percentile(xs, 0.5))} ms, p95 ${round(percentile(xs, 0.95))} ms (n=${xs.length})` : "no samples");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function latency(llm: string): Promise<void> {
  const tier = llm === "none" ? "templated" : `LLM ${path.basename(llm)}`;
  const dir = path.join(dataDir, llm === "none" ? "templated" : "llm");
  await mkdir(dir, { recursive: true });
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", CONCIERGE_DATA_DIR: dir, CONCIERGE_EMBEDDING_MODEL: "none", CONCIERGE_LLM_MODEL: llm, LOG_LEVEL: "silent", CONCIERGE_MODELS_DIR: process.env.CONCIERGE_MODELS_DIR ?? "" });
  const started = Date.now();
  const service = await startService(config, createLogger("silent"));
  await service.ready;
  const client = await connectVoice(service.port);
  const ack = await client.start({});
  console.log(`${tier}: service ready and voice loaded in ${((Date.now() - started) / 1000).toFixed(1)} s (${JSON.stringify(ack)})`);
  const speech = REQUESTS.map((t) => fliteSpeech(t).samples);
  const toFirstAudio: number[] = [];
  const toTranscript: number[] = [];
  const firstAudioAfterTranscript: number[] = [];
  const frame = 320;
  for (let t = 0; t < turns; t++) {
    const before = client.events.length;
    const samples = concatPcm([silence(300), { samples: speech[t % speech.length], sampleRate: 16000 }]).samples;
    const t0 = Date.now();
    for (let at = 0; at < samples.length; at += frame) {
      client.sendBytes(int16ToBytes(samples.subarray(at, at + frame)));
      const due = t0 + ((at + frame) / 16000) * 1000;
      await sleep(Math.max(0, due - Date.now()));
    }
    const speechEnd = Date.now();
    // Silence until the reply's first audio (or 20 s), as a microphone would keep sending.
    const quiet = new Int16Array(frame);
    const hasAudio = () => client.events.slice(before).some((e) => e.name === "audio");
    for (let i = 0; i < 1000 && !hasAudio(); i++) {
      client.sendBytes(int16ToBytes(quiet));
      await sleep(Math.max(0, speechEnd + (i + 1) * 20 - Date.now()));
    }
    const events = client.events.slice(before);
    const transcript = events.find((e) => e.name === "transcript" && e.payload.final);
    const audio = events.find((e) => e.name === "audio");
    if (transcript) toTranscript.push(transcript.at - speechEnd);
    if (audio) toFirstAudio.push(audio.at - speechEnd);
    if (audio && transcript) firstAudioAfterTranscript.push(audio.at - transcript.at);
    if (!audio) console.log(`  turn ${t}: no audio (transcript: ${JSON.stringify(transcript?.payload.text)})`);
    const id = audio?.payload.id as string | undefined;
    if (id) {
      // The page plays it; nobody talks over it. Keep the microphone running until it is done.
      await client.waitFor("audio:end", (p) => p.id === id, 60_000).catch(() => undefined);
      client.socket.emit("playback", { state: "started", id });
      client.socket.emit("playback", { state: "ended", id });
    }
    for (let i = 0; i < 40; i++) {
      client.sendBytes(int16ToBytes(quiet));
      await sleep(20);
    }
  }
  console.log(`${tier}: end of speech → first reply audio byte ${stats(toFirstAudio)}`);
  console.log(`${tier}: end of speech → final transcript      ${stats(toTranscript)}`);
  console.log(`${tier}: final transcript → first audio       ${stats(firstAudioAfterTranscript)}`);
  client.close();
  await service.close();
}

function echoScores(): void {
  const reply = fliteSpeech("Here are three running shoes under one hundred dollars. The first one is light and cushioned, and the second is waterproof.").samples;
  const others = ["no wait show me the red ones", "stop", "what about hiking boots instead", "how much is the first one", "cheaper please"].map((t) => fliteSpeech(t).samples);
  const noise = whiteNoise(10_000, -45);
  const clip = (v: number) => Math.max(-32768, Math.min(32767, Math.round(v)));
  const room = (delay: number) => {
    const out = new Int16Array(reply.length + delay + 16000);
    for (let i = 0; i < reply.length; i++) out[i + delay] = clip(0.4 * reply[i] + (i >= 80 ? 0.12 * reply[i - 80] : 0) + (i >= 400 ? 0.06 * reply[i - 400] : 0));
    for (let i = 0; i < out.length; i++) out[i] = clip(out[i] + noise[i % noise.length]);
    return out;
  };
  const lagMax = 800 * 16;
  const lead = 300 * 16;
  const echo: number[] = [];
  const other: number[] = [];
  const doubleTalk: number[] = [];
  for (const onsetMs of [900, 1500, 2200, 3000, 4000]) {
    for (const delayMs of [30, 150, 400, 700]) {
      const mic = room(delayMs * 16).slice(onsetMs * 16 - 1600, onsetMs * 16 + 4800);
      const from = onsetMs * 16 - 1600 - lagMax;
      const ref = Int16Array.from({ length: mic.length + lagMax + lead }, (_, i) => reply[from + i] ?? 0);
      echo.push(echoMatch(mic, ref).score);
      for (const o of others) {
        other.push(echoMatch(Int16Array.from(mic, (_, i) => clip(0.8 * (o[i] ?? 0) + noise[i])), ref).score);
        doubleTalk.push(echoMatch(Int16Array.from(mic, (v, i) => clip(0.8 * (o[i] ?? 0) + v)), ref).score);
      }
    }
  }
  const range = (xs: number[]) => `min ${Math.min(...xs).toFixed(2)}, p50 ${percentile(xs, 0.5).toFixed(2)}, max ${Math.max(...xs).toFixed(2)} (n=${xs.length})`;
  console.log(`echo check (threshold 0.75): reply echo ${range(echo)}`);
  console.log(`echo check: other speech, same voice ${range(other)}`);
  console.log(`echo check: shopper over the echo    ${range(doubleTalk)}`);
}

/** The second line of defence: how often the transcript of an echo (and of other speech) reads as the reply. */
async function transcriptCheck(stt: SpeechToText): Promise<void> {
  const replyText = "Here are three running shoes under one hundred dollars. The first one is light and cushioned, and the second is waterproof.";
  const reply = fliteSpeech(replyText).samples;
  const noise = whiteNoise(10_000, -45);
  let echoes = 0;
  let echoTotal = 0;
  for (let start = 0; start + 24_000 <= reply.length; start += 16_000) {
    const part = Int16Array.from(reply.subarray(start, start + 24_000), (v, i) => Math.round(0.4 * v + noise[i]));
    const heard = (await stt.transcribe({ samples: part, sampleRate: 16000 }, { locale: "en" })).text;
    echoTotal++;
    if (transcriptEchoes(heard, replyText)) echoes++;
  }
  let others = 0;
  for (const t of REQUESTS) {
    const heard = (await stt.transcribe(fliteSpeech(t), { locale: "en" })).text;
    if (transcriptEchoes(heard, replyText)) others++;
  }
  console.log(`transcript check: ${echoes}/${echoTotal} 1.5 s echo segments read as the reply; ${others}/${REQUESTS.length} shopper requests did (false rejections)`);
}

/** Spoken in two parts with a pause between; `keys` are words of each part the whole turn must carry. */
const PAUSED: { parts: [string, string]; pauseMs: number; keys: [RegExp, RegExp]; after: "open" | "complete" }[] = [
  { parts: ["i am looking for", "a red dress"], pauseMs: 1200, keys: [/looking/, /dress/], after: "open" },
  { parts: ["show me running shoes under", "one hundred dollars"], pauseMs: 1100, keys: [/shoes/, /hundred|dollar/], after: "open" },
  { parts: ["do you have any", "wireless headphones"], pauseMs: 1300, keys: [/have/, /headphone/], after: "open" },
  { parts: ["i want a red dress and", "some running shoes"], pauseMs: 1000, keys: [/dress/, /shoe/], after: "open" },
  { parts: ["how much is the", "first one"], pauseMs: 1200, keys: [/much/, /first/], after: "open" },
  { parts: ["show me running shoes", "under one hundred dollars"], pauseMs: 750, keys: [/shoes/, /hundred|dollar/], after: "complete" },
  { parts: ["recommend something", "for running"], pauseMs: 700, keys: [/recommend/, /running/], after: "complete" },
  { parts: ["do you have wireless headphones", "in black"], pauseMs: 800, keys: [/headphone/, /black/], after: "complete" },
  { parts: ["i am looking for a red dress", "in size ten"], pauseMs: 700, keys: [/dress/, /size|ten/], after: "complete" },
];

async function pauses(stack: VoiceStack): Promise<void> {
  const run = async (segmenter: SegmenterOptions) => {
    const tally = { open: { whole: 0, n: 0 }, complete: { whole: 0, n: 0 } };
    for (const p of PAUSED) {
      const finals: string[] = [];
      const session = new VoiceSession(
        {
          vad: stack.vad.create(),
          stt: stack.stt,
          tts: stack.tts,
          emit: (e) => {
            if (e.type === "transcript" && e.final) finals.push(e.text);
          },
          respond: async ({ onDelta }) => {
            onDelta("Here are a few. ");
            return { text: "Here are a few. " };
          },
        },
        { segmenter },
      );
      const audio = concatPcm([silence(300), fliteSpeech(p.parts[0]), silence(p.pauseMs), fliteSpeech(p.parts[1]), silence(2000)]).samples;
      for (let at = 0; at < audio.length; at += 1600) await session.push(int16ToBytes(audio.subarray(at, at + 1600)));
      await session.end();
      session.close();
      const last = finals.at(-1) ?? "";
      tally[p.after].n++;
      if (p.keys.every((k) => k.test(last))) tally[p.after].whole++;
    }
    return tally;
  };
  const base = stack.settings.segmenter;
  const words = await run(base);
  const silenceOnly = await run({ ...base, completeTurnSilenceMs: 900, endOfTurnSilenceMs: 900, openTurnSilenceMs: 900 });
  const show = (t: { whole: number; n: number }) => `${t.whole}/${t.n}`;
  console.log(`pauses: answered whole — pause after an open word (1.0–1.3 s): words + silence ${show(words.open)}, silence alone (900 ms) ${show(silenceOnly.open)}`);
  console.log(`pauses: answered whole — pause after a complete phrase (0.7–0.8 s): words + silence ${show(words.complete)}, silence alone (900 ms) ${show(silenceOnly.complete)}`);
}

async function soak(stack: VoiceStack): Promise<void> {
  let turnsRun = 0;
  let audioChunks = 0;
  let errors = 0;
  const session = new VoiceSession(
    {
      vad: stack.vad.create(),
      stt: stack.stt,
      tts: stack.tts,
      emit: (e) => {
        if (e.type === "audio") audioChunks++;
        if (e.type === "error") errors++;
      },
      respond: async ({ onDelta }) => {
        turnsRun++;
        const text = "Here are a few I found. The first one is light and well reviewed.";
        for (const piece of text.split(/(?<= )/)) onDelta(piece);
        return { text };
      },
    },
    { segmenter: stack.settings.segmenter },
  );
  const requests = REQUESTS.map((t) => fliteSpeech(t).samples);
  const noise = whiteNoise(5000, -40);
  const totalSamples = soakMinutes * 60 * 16000;
  const mb = () => process.memoryUsage().rss / 1024 / 1024;
  global.gc?.();
  const rssStart = mb();
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, mb());
  }, 250);
  const started = Date.now();
  let fed = 0;
  let k = 0;
  const feed = async (samples: Int16Array) => {
    for (let at = 0; at < samples.length; at += 1600) await session.push(int16ToBytes(samples.subarray(at, at + 1600)));
    fed += samples.length;
  };
  while (fed < totalSamples && Date.now() - started < 20 * 60_000) {
    await feed(concatPcm([silence(500), { samples: requests[k++ % requests.length], sampleRate: 16000 }, silence(1500)]).samples);
    await session.idle();
    await feed(noise);
    await feed(silence(15_000).samples);
    rssPeak = Math.max(rssPeak, mb());
  }
  await session.end();
  clearInterval(sampler);
  global.gc?.();
  const rssEnd = mb();
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `soak: ${(fed / 16000 / 60).toFixed(1)} min of audio in ${seconds.toFixed(0)} s (${(fed / 16000 / seconds).toFixed(1)}× real time), ${turnsRun} turns, ${audioChunks} audio chunks, ${errors} errors`,
  );
  console.log(`soak: RSS start ${rssStart.toFixed(0)} MB, end ${rssEnd.toFixed(0)} MB, peak ${rssPeak.toFixed(0)} MB`);
}

/** The service's voice models on the demo catalogue, without the service around them. */
async function withStack(use: (stack: VoiceStack) => Promise<void>): Promise<void> {
  const config = loadConfig({ CONCIERGE_DATA_DIR: path.join(dataDir, "templated"), LOG_LEVEL: "silent", CONCIERGE_MODELS_DIR: process.env.CONCIERGE_MODELS_DIR ?? "" });
  const products = await readCatalogueText(DEMO_CATALOG_PATH);
  const loader = new VoiceStackLoader({
    config,
    logger: createLogger("silent"),
    products: async () => products.map((p, i) => ({ id: String(i), ...p })),
  });
  try {
    await use(await loader.get());
  } finally {
    await loader.close();
  }
}

await mkdir(dataDir, { recursive: true });
if (!skip.has("echo")) echoScores();
if (!skip.has("latency")) {
  await latency("none");
  if (llmModel !== "none") await latency(llmModel);
  else console.log("LLM: skipped (no --llm-model / CONCIERGE_LLM_MODEL)");
}
if (!skip.has("pauses") || !skip.has("soak") || !skip.has("echo")) {
  await withStack(async (stack) => {
    if (!skip.has("echo")) await transcriptCheck(stack.stt);
    if (!skip.has("pauses")) await pauses(stack);
    if (!skip.has("soak")) await soak(stack);
  });
}
process.exit(0);
