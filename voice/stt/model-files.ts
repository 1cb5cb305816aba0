import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { CONFIG_DEFAULTS } from "../../core/config.ts";
import { BOS, buildNgramModel, EOS, formatArpa, type NgramModel } from "./arpa.ts";
import { readGenericModel } from "./generic-lm.ts";
import { mixModels } from "./mix.ts";
import { buildLexicon, type FallbackMode, formatDictionary, loadDictionary } from "./lexicon.ts";

export const POCKETSPHINX_MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";
export const DEFAULT_HMM = path.join(POCKETSPHINX_MODEL_DIR, "en-us");
export const DEFAULT_DICT = path.join(POCKETSPHINX_MODEL_DIR, "cmudict-en-us.dict");
export const GENERIC_LM = path.join(POCKETSPHINX_MODEL_DIR, "en-us.lm.bin");

export interface DomainModelOptions {
  /** Where the generated files go; a folder per content hash, reused when the text has not changed. */
  cacheDir: string;
  /** Source pronouncing dictionary. Default: the CMU one pocketsphinx ships. */
  dictionary?: string;
  /** Words the dictionary lacks: espeak-ng letter-to-sound (default), compound splitting only, or drop. */
  fallback?: FallbackMode;
  order?: number;
  /**
   * General English mixed in: pocketsphinx's generic model restricted to its `topN` most frequent
   * words (plus the shop's), pruned below `minLog10` per order, interpolated with `weight`.
   * `false` for a model of the shop's sentences only. Defaults: bench/voice-tune.ts.
   */
  background?: Partial<BackgroundOptions> | false;
}

export interface BackgroundOptions {
  file: string;
  topN: number;
  weight: number;
  minLog10: number[];
}

export const DEFAULT_BACKGROUND: Omit<BackgroundOptions, "file"> = { topN: 10_000, weight: CONFIG_DEFAULTS.voice.stt.genericWeight, minLog10: [-2.5, -1.5] };

export interface DomainModel {
  lmPath: string;
  dictPath: string;
  /** Distinct words the recogniser can output. */
  words: number;
  sentences: number;
  /** How the words the dictionary lacked were handled (only filled when the files were built now). */
  stats?: { compound: number; letterToSound: number; dropped: string[] };
  /** True when the files came from the cache. */
  cached: boolean;
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).size > 0;
  } catch {
    return false;
  }
}

/**
 * Writes the domain language model (ARPA, Kneser-Ney trigrams) and the dictionary for its
 * vocabulary. Words with no pronunciation are cut out of the sentences (each side of them stays
 * as its own fragment), so the model never predicts a word the decoder cannot say.
 */
interface Resolved {
  dictionary: string;
  fallback: FallbackMode;
  order: number;
  background?: BackgroundOptions;
  dir: string;
  lmPath: string;
  dictPath: string;
}

/** Where a model for these sentences and options lives (a folder named by their hash). */
async function locate(sentences: string[][], options: DomainModelOptions): Promise<Resolved> {
  const dictionary = options.dictionary ?? DEFAULT_DICT;
  const fallback = options.fallback ?? "espeak";
  const order = options.order ?? 3;
  const background: BackgroundOptions | undefined = options.background === false ? undefined : { file: GENERIC_LM, ...DEFAULT_BACKGROUND, ...options.background };
  const dictStat = await stat(dictionary);
  const hash = createHash("sha256")
    .update(JSON.stringify({ v: 3, order, fallback, dictionary, size: dictStat.size, mtime: dictStat.mtimeMs, background }))
    .update(sentences.map((s) => s.join(" ")).join("\n"))
    .digest("hex")
    .slice(0, 16);
  const dir = path.join(options.cacheDir, `lm-${hash}`);
  return { dictionary, fallback, order, background, dir, lmPath: path.join(dir, "domain.lm"), dictPath: path.join(dir, "domain.dict") };
}

async function fromCache(r: Resolved, sentences: number): Promise<DomainModel | undefined> {
  if (!(await exists(r.lmPath)) || !(await exists(r.dictPath))) return undefined;
  const words = (await readFile(r.dictPath, "utf8")).split("\n").filter((l) => l && !/^\S+\(\d+\)\s/.test(l)).length;
  return { lmPath: r.lmPath, dictPath: r.dictPath, words, sentences, cached: true };
}

/**
 * The same as buildDomainModel, but an uncached build runs in a worker thread: reading the generic
 * model and mixing peak at several hundred MB, which a long-running service should not keep.
 * Falls back to building in this thread if the worker cannot start.
 */
export async function buildDomainModelInWorker(sentences: string[][], options: DomainModelOptions): Promise<DomainModel> {
  const cached = await fromCache(await locate(sentences, options), sentences.length);
  if (cached) return cached;
  const { Worker } = await import("node:worker_threads");
  let worker: InstanceType<typeof Worker>;
  try {
    worker = new Worker(new URL("./build-worker.mjs", import.meta.url), { workerData: { sentences, options } });
  } catch {
    return buildDomainModel(sentences, options);
  }
  return new Promise<DomainModel>((resolve, reject) => {
    let settled = false;
    worker.once("message", (m: { ok: true; model: DomainModel } | { ok: false; message: string }) => {
      settled = true;
      if (m.ok) resolve(m.model);
      else reject(new Error(m.message));
    });
    worker.once("error", (err) => {
      if (!settled) {
        settled = true;
        // The worker could not run (no tsx loader, say): build here rather than not at all.
        buildDomainModel(sentences, options).then(resolve, reject);
        void err;
      }
    });
    worker.once("exit", (code) => {
      if (!settled) {
        settled = true;
        reject(new Error(`language model worker exited with code ${code}`));
      }
    });
  });
}

export async function buildDomainModel(sentences: string[][], options: DomainModelOptions): Promise<DomainModel> {
  const r = await locate(sentences, options);
  const { dictionary, fallback, order, background, dir, lmPath, dictPath } = r;
  const cached = await fromCache(r, sentences.length);
  if (cached) return cached;
  // A token the ARPA file cannot hold (not a string, empty, spaced, a sentence marker) is cut out
  // like an unpronounceable word: it costs the model that word, never the build.
  const isWord = (w: unknown): w is string => typeof w === "string" && w.length > 0 && !/\s/.test(w) && w !== BOS && w !== EOS;
  const invalid = new Set<string>();
  const vocabulary = new Set<string>();
  for (const s of sentences) for (const w of s) (isWord(w) ? vocabulary : invalid).add(String(w));
  const dict = await loadDictionary(dictionary);
  const lexicon = await buildLexicon(vocabulary, dict, fallback);
  let generic: NgramModel | undefined;
  if (background) {
    try {
      generic = await readGenericModel(background.file, { topN: background.topN, include: vocabulary, minLog10: background.minLog10 });
    } catch {
      // No generic model (or another format): the domain sentences alone still make a working model.
      generic = undefined;
    }
  }
  const fragments: string[][] = [];
  for (const s of sentences) {
    let run: string[] = [];
    for (const w of s) {
      if (isWord(w) && lexicon.entries.has(w)) run.push(w);
      else {
        if (run.length) fragments.push(run);
        run = [];
      }
    }
    if (run.length) fragments.push(run);
  }
  if (fragments.length === 0) throw new RangeError("the domain language model has no sentence with a pronounceable word");
  let model = buildNgramModel(fragments, { order });
  if (generic && background) {
    // The shared vocabulary: the shop's words and the generic ones the dictionary can pronounce.
    const words = new Set(model.vocabulary);
    for (const w of generic.vocabulary) {
      if (w === EOS || words.has(w)) continue;
      const prons = dict.get(w);
      if (!prons) continue;
      words.add(w);
      lexicon.entries.set(w, prons);
    }
    model = mixModels(
      [
        { model, weight: 1 - background.weight },
        { model: generic, weight: background.weight },
      ],
      words,
    );
  }
  await mkdir(dir, { recursive: true });
  // Write then rename, so a process reading the cache never sees half a file.
  const suffix = `.${process.pid}.${Date.now()}.tmp`;
  await writeFile(lmPath + suffix, formatArpa(model));
  const inModel = new Set(model.vocabulary);
  const used = new Map([...lexicon.entries].filter(([w]) => inModel.has(w)));
  await writeFile(dictPath + suffix, formatDictionary(used));
  await rename(lmPath + suffix, lmPath);
  await rename(dictPath + suffix, dictPath);
  return {
    lmPath,
    dictPath,
    words: used.size,
    sentences: fragments.length,
    stats: { compound: lexicon.compound.length, letterToSound: lexicon.letterToSound.length, dropped: [...lexicon.dropped, ...invalid] },
    cached: false,
  };
}
