/**
 * Voice figures on this machine (no pass/fail): speech-to-text real-time factor and word error
 * rate of the built-in recogniser on a held-out set of shop sentences spoken by flite's slt voice
 * (bench/voice-data.ts; the language model and the intent classifier never saw those sentences),
 * against the generic model and against a model that did see them; intent accuracy from speech;
 * text-to-speech time to first audio (EN, ZH); VAD cost per frame; and the pieces of voice-to-voice
 * latency. Run on a CUDA host with CONCIERGE_STT_MODEL=<ggml .bin> to measure whisper instead.
 *
 *   npx tsx bench/voice.ts [--intents 60] [--catalogue 30] [--voice slt]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { trainIntentClassifier } from "../intents/classifier/index.ts";
import { readWavFile, toPipelineRate } from "../voice/audio.ts";
import { percentile } from "../voice/eval/manifest.ts";
import { corpusWer } from "../voice/eval/wer.ts";
import { domainCorpus } from "../voice/stt/domain.ts";
import { buildDomainModel, DEFAULT_BACKGROUND, DEFAULT_DICT, GENERIC_LM } from "../voice/stt/model-files.ts";
import { PocketsphinxSpeechToText } from "../voice/stt/pocketsphinx.ts";
import { WhisperSpeechToText } from "../voice/stt/whisper.ts";
import { LocaleTextToSpeech, synthesizeStream } from "../voice/tts/index.ts";
import type { Pcm, SpeechToText } from "../voice/types.ts";
import { EnergyVad, loadVad } from "../voice/vad/index.ts";
import { arg } from "./args.ts";
import { evalSet } from "./voice-data.ts";

process.env.CONCIERGE_QUIET ??= "1";
const line = (label: string, value: string) => console.log(`${label.padEnd(52)} ${value}`);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(0));
const ms = (xs: number[]) => `p50 ${fmt(percentile(xs, 0.5))} ms  p95 ${fmt(percentile(xs, 0.95))} ms`;

const set = await evalSet({ intents: Number(arg("intents", "60")), catalogue: Number(arg("catalogue", "30")), voice: arg("voice", "slt") });
const audio: Pcm[] = [];
for (const it of set.items) audio.push(toPipelineRate(await readWavFile(it.wav)));
const audioMs = audio.reduce((s, a) => s + a.samples.length / 16, 0);
console.log(`held-out set: ${set.items.length} utterances (${set.items.filter((i) => i.source === "intents").length} intent examples, ${set.items.filter((i) => i.source === "catalogue").length} catalogue sentences), ${(audioMs / 1000).toFixed(1)} s of flite ${arg("voice", "slt")} speech in ${set.dir}\n`);

async function run(label: string, stt: SpeechToText & { close?: () => Promise<void> }) {
  const hyps: string[] = [];
  const lat: number[] = [];
  let total = 0;
  for (const a of audio) {
    const t0 = performance.now();
    const r = await stt.transcribe(a, { locale: "en" });
    const took = performance.now() - t0;
    lat.push(took);
    total += took;
    hyps.push(r.text);
  }
  await stt.close?.();
  const pairs = set.items.map((it, i) => ({ reference: it.text, hypothesis: hyps[i], source: it.source }));
  const by = (src: string) => pct(corpusWer(pairs.filter((p) => p.source === src)));
  line(label, `WER ${pct(corpusWer(pairs))} (intents ${by("intents")}, catalogue ${by("catalogue")})  RTF ${(total / audioMs).toFixed(3)}  ${ms(lat)}`);
  return { hyps, lat };
}

const cacheDir = mkdtempSync(path.join(tmpdir(), "voice-bench-"));
const trainTexts = set.trainIntents.map((u) => u.text);
const excluded = domainCorpus({ utterances: trainTexts, products: set.products });
const included = domainCorpus({ utterances: [...trainTexts, ...set.items.map((i) => i.text)], products: set.products });

console.log("speech-to-text");
let t0 = performance.now();
const model = await buildDomainModel(excluded, { cacheDir });
const buildMs = performance.now() - t0;
line("domain model build (generic mixed in, uncached)", `${(buildMs / 1000).toFixed(1)} s, ${model.words} words, ${(readFileSync(model.lmPath).length / 1e6).toFixed(1)} MB ARPA`);
const stt = new PocketsphinxSpeechToText({ lmPath: model.lmPath, dictPath: model.dictPath });
t0 = performance.now();
await stt.warmUp();
line("decoder start (models loaded, first request)", `${(performance.now() - t0).toFixed(0)} ms`);
const main = await run(`domain + generic (weight ${DEFAULT_BACKGROUND.weight}), held out`, stt);
await run("generic pocketsphinx model only", new PocketsphinxSpeechToText({ lmPath: GENERIC_LM, dictPath: DEFAULT_DICT }));
const domainOnly = await buildDomainModel(excluded, { cacheDir, background: false });
await run("shop sentences only (no generic), held out", new PocketsphinxSpeechToText(domainOnly));
const withHeld = await buildDomainModel(included, { cacheDir });
await run("domain + generic, held-out sentences INCLUDED", new PocketsphinxSpeechToText(withHeld));
if (process.env.CONCIERGE_STT_MODEL && /\.bin$/.test(process.env.CONCIERGE_STT_MODEL)) {
  const whisper = await WhisperSpeechToText.load({ modelPath: process.env.CONCIERGE_STT_MODEL, gpu: (process.env.CONCIERGE_STT_GPU as "auto") ?? "auto" });
  await run(`whisper ${path.basename(process.env.CONCIERGE_STT_MODEL)} (${whisper.backend.variant})`, whisper);
}

console.log("\nintent from speech (classifier trained without the held-out sentences)");
t0 = performance.now();
const classifier = await trainIntentClassifier(set.trainIntents);
line("classifier training", `${((performance.now() - t0) / 1000).toFixed(1)} s`);
const nluMs: number[] = [];
let fromSpeech = 0;
let fromText = 0;
for (const [i, it] of set.items.entries()) {
  const t = performance.now();
  if (classifier.predict(main.hyps[i]).intent === it.intent) fromSpeech++;
  nluMs.push(performance.now() - t);
  if (classifier.predict(it.text).intent === it.intent) fromText++;
}
line("intent accuracy from speech / from the text", `${pct(fromSpeech / set.items.length)} / ${pct(fromText / set.items.length)}`);
line("NLU latency", ms(nluMs));

console.log("\ntext-to-speech (time to the first sentence's audio)");
const tts = new LocaleTextToSpeech();
const firstAudio: Record<string, number[]> = {};
const replies = {
  en: [
    "I found three hoodies for you. The first is the Muyun Meadow in green.",
    "Your order shipped yesterday and should arrive on Thursday.",
    "Sure! I have added it to your cart. Anything else?",
    "We are open from nine to six on weekdays.",
    "Here are some running shoes under fifty dollars.",
  ],
  zh: ["您好！我为您找到了三件卫衣。", "您的订单昨天已发货，预计周四送达。", "好的，已加入购物车。还需要别的吗？", "我们工作日早九点到晚六点营业。", "这里有几双五十美元以下的跑鞋。"],
};
for (const locale of ["en", "zh"] as const) {
  const first: number[] = [];
  let synthMs = 0;
  let spokenMs = 0;
  for (let round = 0; round < 4; round++) {
    for (const text of replies[locale]) {
      const t = performance.now();
      let got = false;
      for await (const pcm of synthesizeStream(text, { tts, locale })) {
        if (!got) first.push(performance.now() - t);
        got = true;
        spokenMs += pcm.samples.length / 16;
      }
      synthMs += performance.now() - t;
    }
  }
  firstAudio[locale] = first;
  const v = tts.voiceFor(locale);
  line(`${locale} (${v.engine} ${v.voice})`, `${ms(first)}  real-time factor ${(synthMs / spokenMs).toFixed(3)}`);
}

console.log("\nvoice activity detection (per 32 ms frame)");
const vad = await loadVad({ modelPath: path.resolve(import.meta.dirname, "../../shared/models/silero-vad/silero_vad.onnx") });
for (const [name, det] of [
  [vad.name, vad.create()],
  ["energy", new EnergyVad()],
] as const) {
  const frames = audio.slice(0, 20).flatMap((a) => Array.from({ length: Math.floor(a.samples.length / 512) }, (_, i) => a.samples.subarray(i * 512, i * 512 + 512)));
  const t = performance.now();
  for (const f of frames) await det.process(f);
  line(name, `${((performance.now() - t) / frames.length).toFixed(3)} ms/frame`);
}
await vad.release();

console.log("\nvoice-to-voice, built-in tier, templated reply (the pieces; the channel measures the whole)");
const sttLat = main.lat;
line("end-of-turn silence", "600 ms after words that read as a complete request, 900 ms when they cannot be read, 1600 ms after an open word; a 'pause' event at 300 ms starts STT early");
line("STT of an utterance", ms(sttLat));
const ready = 300 + percentile(sttLat, 0.5) + percentile(nluMs, 0.5) + percentile(firstAudio.en, 0.5);
line("speculative: 300 ms pause + STT + NLU + EN first audio", `p50 ${ready.toFixed(0)} ms after the end of speech (a complete request's turn ends at ${Math.max(600, ready).toFixed(0)} ms)`);
rmSync(cacheDir, { recursive: true, force: true });
