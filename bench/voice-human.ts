/**
 * The built-in recogniser on real human speech: word error rate and real-time factor per
 * configuration (language model mixture, level normalisation, decoder settings) on any manifest
 * of recordings — `{"wav", "text", "speaker"?}` lines, as `concierge voice eval` takes them. No
 * pass/fail. The domain language model is the one the service builds (shipped English intents +
 * the demo catalogue), so the figures are what a shop's kiosk would get.
 *
 * Tune on one half of the speakers and report on the other: `--split dev` takes the speakers at
 * even positions (sorted by id), `--split test` the others, `--split all` (default) every line.
 * `--peak -29` first scales every recording so that its peak is at -29 dBFS (a quiet microphone).
 *
 * `--runs runs.json` replaces the built-in list of configurations with `[{label, weight, decoder?, normalize?}]`
 * (weight 1 = pocketsphinx's generic model alone); `--limit N` takes the first N recordings.
 *
 *   npx tsx bench/voice-human.ts --manifest /work/data-voice/librispeech/manifest.jsonl [--split dev] [--only <regex>] [--peak -29] [--limit 24]
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { loadShippedIntents } from "../intents/shipped.ts";
import { DEMO_CATALOG_PATH } from "../recommend/demo/index.ts";
import { readAudioFile, toPipelineRate } from "../voice/audio.ts";
import { peakDbfs } from "../voice/audio/level.ts";
import { readManifest } from "../voice/eval/manifest.ts";
import { corpusWer } from "../voice/eval/wer.ts";
import { domainCorpus, readCatalogueText } from "../voice/stt/domain.ts";
import { buildDomainModel, DEFAULT_DICT, type DomainModel, GENERIC_LM } from "../voice/stt/model-files.ts";
import { type DecoderSettings, PocketsphinxSpeechToText } from "../voice/stt/pocketsphinx.ts";
import type { Pcm } from "../voice/types.ts";

process.env.CONCIERGE_QUIET ??= "1";
const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const manifest = arg("manifest");
if (!manifest) throw new Error("--manifest m.jsonl is required");
const only = arg("only") ? new RegExp(arg("only")!, "i") : undefined;
const split = arg("split", "all");
const peak = arg("peak") ? Number(arg("peak")) : undefined;

const items = await readManifest(manifest);
const speakerOf = new Map<number, string>();
for (const [i, line] of readFileSync(manifest, "utf8").split(/\r?\n/).entries()) {
  if (!line.trim()) continue;
  const speaker = (JSON.parse(line) as { speaker?: string }).speaker;
  speakerOf.set(i + 1, speaker ?? path.basename(JSON.parse(line).wav));
}
const speakers = [...new Set(items.map((it) => speakerOf.get(it.line)!))].sort();
const chosen = items
  .filter((it) => {
    const at = speakers.indexOf(speakerOf.get(it.line)!);
    return split === "all" || (split === "dev" ? at % 2 === 0 : at % 2 === 1);
  })
  .slice(0, Number(arg("limit", "100000")));
const audio: Pcm[] = [];
const peaks: number[] = [];
for (const it of chosen) {
  let pcm = toPipelineRate(await readAudioFile(it.wav));
  if (peak !== undefined) {
    const g = 10 ** ((peak - peakDbfs(pcm.samples)) / 20);
    pcm = { samples: Int16Array.from(pcm.samples, (v) => Math.max(-32768, Math.min(32767, Math.round(v * g)))), sampleRate: 16000 };
  }
  peaks.push(peakDbfs(pcm.samples));
  audio.push(pcm);
}
const audioMs = audio.reduce((s, a) => s + a.samples.length / 16, 0);
peaks.sort((a, b) => a - b);
console.log(
  `${chosen.length} recordings (split ${split}), ${new Set(chosen.map((it) => speakerOf.get(it.line))).size} speakers, ${(audioMs / 1000).toFixed(0)} s; peak level min ${peaks[0].toFixed(1)} / median ${peaks[Math.floor(peaks.length / 2)].toFixed(1)} dBFS${peak !== undefined ? ` (scaled to ${peak} dBFS)` : ""}\n`,
);

const cacheDir = path.join(process.env.CONCIERGE_DATA_DIR ?? "./data", "voice");
mkdirSync(cacheDir, { recursive: true });
const corpus = domainCorpus({ utterances: loadShippedIntents(["en"]).map((u) => u.text), products: await readCatalogueText(DEMO_CATALOG_PATH) });
const models = new Map<string, Promise<DomainModel>>();
const lm = (weight: number, topN?: number): Promise<{ lmPath: string; dictPath: string }> => {
  if (weight >= 1) return Promise.resolve({ lmPath: GENERIC_LM, dictPath: DEFAULT_DICT });
  const key = `${weight}/${topN ?? ""}`;
  if (!models.has(key)) models.set(key, buildDomainModel(corpus, { cacheDir, background: weight > 0 ? { weight, ...(topN ? { topN } : {}) } : false }));
  return models.get(key)!;
};

export interface HumanRun {
  label: string;
  weight: number;
  /** The generic model's most frequent words kept in the mixture (default DEFAULT_BACKGROUND's). */
  topN?: number;
  decoder?: Partial<DecoderSettings>;
  normalize?: boolean;
}

/** CPU seconds the decoder processes reading from `dir` have used (the machine is shared: wall time alone flatters nobody). */
function decoderCpuSeconds(dir: string): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmd.startsWith("pocketsphinx_batch") || !cmd.includes(dir)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

async function measure(run: HumanRun) {
  if (only && !only.test(run.label)) return;
  const model = await lm(run.weight, run.topN);
  const stt = new PocketsphinxSpeechToText({ ...model, decoder: run.decoder, normalize: run.normalize ?? true, timeoutMs: 120_000 });
  await stt.warmUp();
  const dir = await stt.workDirectory();
  const cpu0 = decoderCpuSeconds(dir);
  const pairs: { reference: string; hypothesis: string }[] = [];
  let ms = 0;
  for (const [i, a] of audio.entries()) {
    const t0 = performance.now();
    // Once more after a failure: on a shared machine a paused process can outlast any timeout.
    const r = await stt.transcribe(a, { locale: "en" }).catch(() => stt.transcribe(a, { locale: "en" }));
    ms += performance.now() - t0;
    pairs.push({ reference: chosen[i].text, hypothesis: r.text });
  }
  const cpu = decoderCpuSeconds(dir) - cpu0;
  await stt.close();
  console.log(`${run.label.padEnd(64)} WER ${(corpusWer(pairs) * 100).toFixed(1).padStart(5)}%  RTF ${(ms / audioMs).toFixed(3)} wall, ${(cpu / (audioMs / 1000)).toFixed(3)} CPU`);
}

const runs: HumanRun[] = [
  { label: "before: shop + generic 0.3, no level normalisation", weight: 0.3, normalize: false },
  { label: "generic pocketsphinx model only, no normalisation", weight: 1, normalize: false },
  { label: "shop + generic 0.3, level normalised", weight: 0.3 },
  { label: "generic only, level normalised", weight: 1 },
  { label: "shop + generic 0.5, level normalised", weight: 0.5 },
  { label: "shop + generic 0.7, level normalised", weight: 0.7 },
  { label: "0.3, normalised, lw 5/6.5/7.5 (all passes lower)", weight: 0.3, decoder: { lw: 5, fwdflatlw: 6.5, bestpathlw: 7.5 } },
  { label: "0.3, normalised, lw 8/10/11 (all passes higher)", weight: 0.3, decoder: { lw: 8, fwdflatlw: 10, bestpathlw: 11 } },
  { label: "0.3, normalised, wip 0.2", weight: 0.3, decoder: { wip: 0.2 } },
  { label: "0.3, normalised, wip 2", weight: 0.3, decoder: { wip: 2 } },
  { label: "0.3, normalised, cmn batch", weight: 0.3, decoder: { cmn: "batch" } },
  { label: "0.3, normalised, no noise removal", weight: 0.3, decoder: { removeNoise: false } },
  { label: "0.3, normalised, no silence removal", weight: 0.3, decoder: { removeSilence: false } },
  { label: "0.3, normalised, dither", weight: 0.3, decoder: { dither: true } },
  { label: "0.3, normalised, wide beams (1e-60/1e-40)", weight: 0.3, decoder: { beam: 1e-60, wbeam: 1e-40, pbeam: 1e-60 } },
  { label: "0.3, normalised, topn 8", weight: 0.3, decoder: { topn: 8 } },
];
const extra = arg("runs");
for (const run of extra ? (JSON.parse(readFileSync(extra, "utf8")) as HumanRun[]) : runs) await measure(run);
