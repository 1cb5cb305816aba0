/**
 * Which settings make the built-in recogniser accurate and fast enough: language model sources
 * (generic, domain without / with the held-out sentences), the fallback for words missing from
 * the dictionary, and pocketsphinx's decoding settings. Prints WER and real-time factor per
 * configuration on the held-out set (bench/voice-data.ts). No pass/fail.
 *
 *   npx tsx bench/voice-tune.ts [--only <regex over the labels>]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readWavFile, toPipelineRate } from "../voice/audio.ts";
import { corpusWer } from "../voice/eval/wer.ts";
import { domainCorpus } from "../voice/stt/domain.ts";
import type { FallbackMode } from "../voice/stt/lexicon.ts";
import { buildDomainModel, DEFAULT_DICT, type DomainModelOptions, GENERIC_LM } from "../voice/stt/model-files.ts";
import { type DecoderSettings, PocketsphinxSpeechToText } from "../voice/stt/pocketsphinx.ts";
import type { Pcm } from "../voice/types.ts";
import { evalSet } from "./voice-data.ts";

process.env.CONCIERGE_QUIET ??= "1";
const onlyAt = process.argv.indexOf("--only");
const only = onlyAt > 0 ? new RegExp(process.argv[onlyAt + 1], "i") : undefined;

const set = await evalSet();
const audio: Pcm[] = [];
for (const it of set.items) audio.push(toPipelineRate(await readWavFile(it.wav)));
const audioMs = audio.reduce((s, a) => s + (a.samples.length / 16000) * 1000, 0);
const cacheDir = mkdtempSync(path.join(tmpdir(), "voice-tune-"));

async function measure(label: string, model: { lmPath: string; dictPath: string }, decoder: Partial<DecoderSettings> = {}, mode: "persistent" | "per-utterance" = "persistent") {
  if (only && !only.test(label)) return;
  const stt = new PocketsphinxSpeechToText({ ...model, decoder, mode, timeoutMs: 60_000 });
  if (mode === "persistent") await stt.warmUp();
  const pairs: { reference: string; hypothesis: string }[] = [];
  const lat: number[] = [];
  let ms = 0;
  for (const [i, a] of audio.entries()) {
    const t0 = performance.now();
    const r = await stt.transcribe(a, { locale: "en" });
    const took = performance.now() - t0;
    ms += took;
    lat.push(took);
    pairs.push({ reference: set.items[i].text, hypothesis: r.text });
  }
  await stt.close();
  const byCat = (src: string) => corpusWer(pairs.filter((_, i) => set.items[i].source === src));
  lat.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(58)} WER ${(corpusWer(pairs) * 100).toFixed(1).padStart(5)}%  (intents ${(byCat("intents") * 100).toFixed(1)}%, catalogue ${(byCat("catalogue") * 100).toFixed(1)}%)  RTF ${(ms / audioMs).toFixed(3)}  p50 ${lat[Math.floor(lat.length / 2)].toFixed(0)} ms`,
  );
  return pairs;
}

console.log(`held-out set: ${set.items.length} utterances, ${(audioMs / 1000).toFixed(1)} s of flite slt speech\n`);
const heldOut = set.items.map((i) => i.text);
const excluded = domainCorpus({ utterances: set.trainIntents.map((u) => u.text), products: set.products });
const included = domainCorpus({ utterances: [...set.trainIntents.map((u) => u.text), ...heldOut], products: set.products });

const lm = (label: string, sentences: string[][], options: Omit<DomainModelOptions, "cacheDir"> = {}) =>
  only && !only.test(label) ? undefined : buildDomainModel(sentences, { cacheDir, ...options });
const run = async (label: string, sentences: string[][], options: Omit<DomainModelOptions, "cacheDir"> = {}, decoder: Partial<DecoderSettings> = {}) => {
  const m = await lm(label, sentences, options);
  if (m) await measure(`${label} (${m.words} words)`, m, decoder);
};

await measure("generic en-us LM (pocketsphinx default settings)", { lmPath: GENERIC_LM, dictPath: DEFAULT_DICT });
for (const fallback of ["drop", "compound", "compound+espeak", "espeak"] as FallbackMode[]) await run(`domain only, held-out excluded, OOV ${fallback}`, excluded, { fallback, background: false });
for (const fallback of ["compound+espeak", "espeak"] as FallbackMode[]) await run(`domain + generic (default), excluded, OOV ${fallback}`, excluded, { fallback });
await run("domain only, held-out INCLUDED", included, { background: false });
await run("intents + shop phrases only (no catalogue), excluded", domainCorpus({ utterances: set.trainIntents.map((u) => u.text) }), { background: false });
for (const weight of [0.15, 0.25, 0.3, 0.4, 0.6]) await run(`domain + generic at ${weight}, excluded`, excluded, { background: { weight } });
for (const topN of [5000, 20000]) await run(`domain + generic top ${topN} at 0.3, excluded`, excluded, { background: { topN, weight: 0.3 } });
for (const minLog10 of [
  [-2, -1],
  [-3, -2],
]) await run(`domain + generic at 0.3 pruned at ${minLog10.join("/")}, excluded`, excluded, { background: { weight: 0.3, minLog10 } });
await run("domain + generic (default), held-out INCLUDED", included);

const grid: [string, Partial<DecoderSettings>][] = [
  ["lw 5", { lw: 5 }],
  ["lw 8", { lw: 8 }],
  ["lw 10", { lw: 10 }],
  ["cmn batch", { cmn: "batch" }],
  ["no fwdflat", { fwdflat: false }],
  ["no fwdflat, no bestpath", { fwdflat: false, bestpath: false }],
  ["narrow beams (1e-40/1e-20)", { beam: 1e-40, wbeam: 1e-20, pbeam: 1e-40 }],
  ["wide beams (1e-60/1e-40)", { beam: 1e-60, wbeam: 1e-40, pbeam: 1e-60 }],
  ["wip 0.2", { wip: 0.2 }],
  ["wip 2", { wip: 2 }],
  ["ds 2 (every other frame)", { ds: 2 }],
  ["topn 2", { topn: 2 }],
  ["maxhmmpf 3000", { maxhmmpf: 3000 }],
];
for (const [label, d] of grid) await run(`decoder: ${label}`, excluded, {}, d);
const best = only && !only.test("per-utterance") ? undefined : await buildDomainModel(excluded, { cacheDir });
if (best) await measure("per-utterance process (default settings)", best, {}, "per-utterance");
rmSync(cacheDir, { recursive: true, force: true });
