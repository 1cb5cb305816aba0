/**
 * Intent accuracy from speech against from text, and what the recogniser's N-best list read with
 * the classifier's confidence (voice/stt/choose.ts) recovers. Decodes every utterance once with
 * N-best on, then scores the choices offline: 1-best, "confident" and "marginal" at several
 * temperatures, and the oracle (some alternative gives the right intent). No pass/fail.
 *
 * The shop's spoken set (default): bench/voice-data.ts's held-out sentences, spoken by each of
 * --voices (flite voices; default slt,awb,rms), with the language model and the classifier built
 * without them. A public set: --manifest m.jsonl --train train.jsonl (as `concierge voice eval
 * --train`: the classifier and the domain language model learn from the train file's texts).
 *
 *   npx tsx bench/voice-nbest.ts [--voices slt,awb,rms] [--nbest 10]
 *   npx tsx bench/voice-nbest.ts --manifest /work/data-voice/snips/manifest.jsonl --train /work/data-voice/snips/train.jsonl
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { trainIntentClassifier } from "../intents/classifier/index.ts";
import type { IntentClassifier, LabelledUtterance } from "../intents/types.ts";
import { readAudioFile, toPipelineRate } from "../voice/audio.ts";
import { readLabelledFile } from "../voice/eval/labelled.ts";
import { readManifest } from "../voice/eval/manifest.ts";
import { corpusWer } from "../voice/eval/wer.ts";
import { chooseByIntent } from "../voice/stt/choose.ts";
import { domainCorpus } from "../voice/stt/domain.ts";
import { buildDomainModel } from "../voice/stt/model-files.ts";
import { PocketsphinxSpeechToText } from "../voice/stt/pocketsphinx.ts";
import type { TranscriptAlternative } from "../voice/types.ts";
import { evalSet } from "./voice-data.ts";

process.env.CONCIERGE_QUIET ??= "1";
const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const nbest = Number(arg("nbest", "10"));
const cacheDir = path.join(process.env.CONCIERGE_DATA_DIR ?? "./data", "voice");
mkdirSync(cacheDir, { recursive: true });

interface Item {
  wav: string;
  text: string;
  intent: string;
  group: string;
}

let items: Item[] = [];
let train: LabelledUtterance[];
let sentences: string[][];
const manifest = arg("manifest");
if (manifest) {
  const trainFile = arg("train");
  if (!trainFile) throw new Error("--train is required with --manifest");
  train = readLabelledFile(trainFile, "--train").items;
  items = (await readManifest(manifest)).filter((i) => i.intent).map((i) => ({ wav: i.wav, text: i.text, intent: i.intent!, group: path.basename(i.wav).replace(/^\d+-|\.\w+$/g, "") }));
  sentences = domainCorpus({ utterances: train.map((u) => u.text) });
  console.log(`public set ${manifest}: ${items.length} utterances; classifier and language model from ${trainFile} (${train.length} lines)`);
} else {
  const voices = arg("voices", "slt,awb,rms")!.split(",");
  let products: Parameters<typeof domainCorpus>[0]["products"] = [];
  train = [];
  for (const voice of voices) {
    const set = await evalSet({ voice });
    train = set.trainIntents;
    products = set.products;
    items.push(...set.items.map((it) => ({ wav: it.wav, text: it.text, intent: it.intent, group: voice })));
  }
  sentences = domainCorpus({ utterances: train.map((u) => u.text), products });
  console.log(`shop set: ${items.length} utterances (bench/voice-data.ts held-out sentences × flite ${voices.join(", ")})`);
}

const classifier: IntentClassifier = await trainIntentClassifier(train);
let lists: TranscriptAlternative[][] = [];
let audioMs = 0;
let ms = 0;
const load = arg("load");
if (load && existsSync(load)) {
  // Decoded before (--save): score new reading rules without decoding again.
  ({ lists, audioMs, ms } = JSON.parse(readFileSync(load, "utf8")) as { lists: TranscriptAlternative[][]; audioMs: number; ms: number });
} else {
  const model = await buildDomainModel(sentences, { cacheDir });
  const stt = new PocketsphinxSpeechToText({ lmPath: model.lmPath, dictPath: model.dictPath, nbest, timeoutMs: 120_000 });
  await stt.warmUp();
  for (const it of items) {
    const pcm = toPipelineRate(await readAudioFile(it.wav));
    audioMs += pcm.samples.length / 16;
    const t0 = performance.now();
    // Once more after a failure: on a shared machine a paused process can outlast any timeout.
    const r = await stt.transcribe(pcm, { locale: "en" }).catch(() => stt.transcribe(pcm, { locale: "en" }));
    ms += performance.now() - t0;
    lists.push(r.alternatives?.length ? r.alternatives : [{ text: r.text, score: 0 }]);
  }
  await stt.close();
  if (arg("save")) writeFileSync(arg("save")!, JSON.stringify({ items, lists, audioMs, ms }));
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const acc = (pred: (i: number) => string) => items.filter((it, i) => pred(i) === it.intent).length / items.length;
const fromText = acc((i) => classifier.predict(items[i].text).intent);
const oneBest = acc((i) => classifier.predict(lists[i][0].text).intent);
const oracle = items.filter((it, i) => lists[i].some((a) => classifier.predict(a.text).intent === it.intent)).length / items.length;
const wer1 = corpusWer(items.map((it, i) => ({ reference: it.text, hypothesis: lists[i][0].text })));
console.log(`decoded with ${nbest}-best: RTF ${(ms / audioMs).toFixed(3)} (wall, shared machine), mean ${(lists.reduce((s, l) => s + l.length, 0) / lists.length).toFixed(1)} distinct alternatives`);
console.log(`intent accuracy from the reference text        ${pct(fromText)}`);
console.log(`intent accuracy from speech, 1-best            ${pct(oneBest)}   (WER ${pct(wer1)})`);
const rules: [string, Parameters<typeof chooseByIntent>[2]][] = [];
for (const temperature of [10, 30, 100, 300, 1000]) {
  rules.push([`confident T=${temperature}`, { mode: "confident", temperature }], [`marginal  T=${temperature}`, { mode: "marginal", temperature }], [`vote      T=${temperature}`, { mode: "vote", temperature }]);
  for (const keepAbove of [0.5, 0.7, 0.9]) rules.push([`rescue    T=${temperature} keep>=${keepAbove}`, { mode: "rescue", temperature, keepAbove }]);
}
for (const top of [3, 5]) for (const keepAbove of [0.5, 0.7]) rules.push([`rescue    T=100 keep>=${keepAbove} top ${top}`, { mode: "rescue", temperature: 100, keepAbove, top }]);
for (const [label, options] of rules) {
  const choices = lists.map((l) => chooseByIntent(l, classifier, options));
  const a = acc((i) => choices[i].intent);
  const wer = corpusWer(items.map((it, i) => ({ reference: it.text, hypothesis: choices[i].text })));
  console.log(`  N-best ${label.padEnd(36)} ${pct(a)}   (WER of chosen ${pct(wer)}, ${choices.filter((c) => c.index > 0).length} changed)`);
}
console.log(`oracle (some alternative gives the right intent) ${pct(oracle)}`);
const groups = [...new Set(items.map((i) => i.group))];
if (groups.length > 1 && groups.length <= 8) {
  for (const g of groups) {
    const idx = items.map((it, i) => (it.group === g ? i : -1)).filter((i) => i >= 0);
    const a = (pred: (i: number) => string) => idx.filter((i) => pred(i) === items[i].intent).length / idx.length;
    const choice = (i: number) => chooseByIntent(lists[i], classifier).intent;
    console.log(`  ${g.padEnd(10)} n=${idx.length}: text ${pct(a((i) => classifier.predict(items[i].text).intent))}, 1-best ${pct(a((i) => classifier.predict(lists[i][0].text).intent))}, N-best (default) ${pct(a(choice))}, WER ${pct(corpusWer(idx.map((i) => ({ reference: items[i].text, hypothesis: lists[i][0].text }))))}`);
  }
}
