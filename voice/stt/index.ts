import path from "node:path";
import type { Logger } from "../../core/logger.ts";
import { type ResolveOptions, resolveModel } from "../../core/models.ts";
import { SpeechEngineError } from "../errors.ts";
import type { Pcm, SpeechToText, Transcript } from "../types.ts";
import { type ChooseOptions, chooseByIntent, type IntentScorer } from "./choose.ts";
import { type CatalogueText, type CorpusSkip, domainCorpus } from "./domain.ts";
import type { FallbackMode } from "./lexicon.ts";
import { buildDomainModelInWorker, DEFAULT_BACKGROUND, type DomainModel } from "./model-files.ts";
import { type DecoderSettings, PocketsphinxSpeechToText } from "./pocketsphinx.ts";
import { WHISPER_MODEL_SPEC, WhisperSpeechToText } from "./whisper.ts";

export { ArpaModel, buildNgramModel, formatArpa, type NgramModel } from "./arpa.ts";
export { type CatalogueText, type CorpusSkip, type DomainCorpusInput, domainCorpus, productSlots, readCatalogueText } from "./domain.ts";
export { chooseWhisperBackend, type CudaProbe, type GpuMode, probeCuda, type WhisperBackend } from "./gpu.ts";
export { buildLexicon, type FallbackMode, formatDictionary, loadDictionary } from "./lexicon.ts";
export { type BackgroundOptions, buildDomainModel, buildDomainModelInWorker, DEFAULT_BACKGROUND, DEFAULT_DICT, DEFAULT_HMM, type DomainModel, type DomainModelOptions, GENERIC_LM } from "./model-files.ts";
export { type Choice, type ChooseOptions, chooseByIntent, DEFAULT_CHOOSE, type IntentScorer, alternativeWeights } from "./choose.ts";
export { cleanHypothesis, DEFAULT_DECODER, type DecoderSettings, PocketsphinxSpeechToText, type PocketsphinxOptions, parseNbest } from "./pocketsphinx.ts";
export { cleanWhisperText, WHISPER_MODEL_SPEC, WhisperSpeechToText, type WhisperOptions } from "./whisper.ts";

/** What the shop's own language is made of: the recogniser's domain model is built from it. */
export interface DomainSources {
  /** Sentences shoppers say (the intent examples, or any labelled set's texts). */
  utterances?: string[];
  products?: CatalogueText[];
  phrases?: string[];
}

export interface DomainRecognizerOptions {
  /** Folder for the generated language model files (cached by content). */
  cacheDir: string;
  /** Share of the generic English model mixed in; 0 for the shop's sentences only. Default DEFAULT_BACKGROUND.weight. */
  genericWeight?: number;
  decoder?: Partial<DecoderSettings>;
  fallback?: FallbackMode;
  mode?: "persistent" | "per-utterance";
  timeoutMs?: number;
  /** Ask the decoder for this many alternative transcripts (see PocketsphinxOptions.nbest). */
  nbest?: number;
  /** Told of each product, phrase or utterance left out of the language model; default: stderr. */
  onSkip?: (skipped: CorpusSkip) => void;
}

/** Collects what a model build left out, for one log line instead of one per product. */
function skipLog(logger: Logger | undefined): { onSkip?: (s: CorpusSkip) => void; report(): void } {
  if (!logger) return { report() {} };
  const skipped: CorpusSkip[] = [];
  return {
    onSkip: (s) => skipped.push(s),
    report() {
      if (skipped.length) logger.warn({ skipped: skipped.length, first: skipped.slice(0, 3) }, "STT: some catalogue or shop text could not be read as words and was left out of the domain language model");
    },
  };
}

/** Builds (or reuses) the domain language model for these sources. */
export async function buildDomainLanguageModel(
  sources: DomainSources,
  options: { cacheDir: string; fallback?: FallbackMode; genericWeight?: number; onSkip?: (skipped: CorpusSkip) => void },
): Promise<DomainModel> {
  const sentences = domainCorpus({ utterances: sources.utterances, products: sources.products, phrases: sources.phrases, onSkip: options.onSkip });
  const weight = options.genericWeight ?? DEFAULT_BACKGROUND.weight;
  // In a worker: the build's memory peak is not the service's to keep.
  return buildDomainModelInWorker(sentences, { cacheDir: options.cacheDir, fallback: options.fallback, background: weight > 0 ? { weight } : false });
}

/** The built-in recogniser with a language model from these sources. */
export async function createDomainRecognizer(sources: DomainSources, options: DomainRecognizerOptions): Promise<{ stt: PocketsphinxSpeechToText; model: DomainModel }> {
  const model = await buildDomainLanguageModel(sources, { cacheDir: options.cacheDir, fallback: options.fallback, genericWeight: options.genericWeight, onSkip: options.onSkip });
  const stt = new PocketsphinxSpeechToText({ lmPath: model.lmPath, dictPath: model.dictPath, decoder: options.decoder, mode: options.mode, timeoutMs: options.timeoutMs, nbest: options.nbest });
  return { stt, model };
}

export interface SpeechSettings {
  /** "builtin", "none" (no downloaded model), a registry id, or a path to a ggml .bin. */
  model: string;
  gpu: "auto" | "cuda" | "cpu";
  threads: number;
  timeoutMs: number;
  /** Share of pocketsphinx's generic English model in the domain language model (0 = the shop's sentences only). */
  genericWeight?: number;
}

/**
 * The process's speech recogniser: whisper (downloaded tier) for every locale when its model is
 * there, else the built-in pocketsphinx for English with the shop's domain language model (and a
 * clear error for Chinese). `updateDomain` rebuilds the language model when the catalogue
 * changes, without a restart.
 */
export class SpeechRecognizer implements SpeechToText {
  private constructor(
    readonly builtIn: PocketsphinxSpeechToText,
    readonly whisper: WhisperSpeechToText | undefined,
    private readonly cacheDir: string,
    public domain: DomainModel,
    private readonly genericWeight?: number,
    private readonly logger?: Logger,
  ) {}

  get name(): string {
    return this.whisper ? this.whisper.name : this.builtIn.name;
  }

  get tier(): "built-in" | "downloaded" {
    return this.whisper ? "downloaded" : "built-in";
  }

  static async load(options: { settings: SpeechSettings; sources: DomainSources; cacheDir: string; resolve?: ResolveOptions; logger?: Logger; nbest?: number }): Promise<SpeechRecognizer> {
    const { settings, logger } = options;
    const started = Date.now();
    const skips = skipLog(logger);
    const { stt, model } = await createDomainRecognizer(options.sources, { cacheDir: options.cacheDir, timeoutMs: settings.timeoutMs, genericWeight: settings.genericWeight, nbest: options.nbest, onSkip: skips.onSkip });
    skips.report();
    logger?.info({ model: "pocketsphinx", tier: "built-in", words: model.words, sentences: model.sentences, cached: model.cached, ms: Date.now() - started }, "STT: domain language model ready");
    const whisper = await loadWhisper(settings, options.resolve, logger);
    return new SpeechRecognizer(stt, whisper, options.cacheDir, model, settings.genericWeight, logger);
  }

  private chooser?: { classifier: IntentScorer; options: ChooseOptions };

  /**
   * Reads the built-in recogniser's N-best list with this intent classifier (voice/stt/choose.ts):
   * the transcript becomes the alternative whose intent is most probable over the list, which
   * narrows the gap between understanding from speech and from text (bench/voice-nbest.ts).
   * Whisper's single transcript is used as it is.
   */
  useIntentChooser(classifier: IntentScorer, options: ChooseOptions & { nbest?: number } = {}): void {
    this.chooser = { classifier, options };
    this.builtIn.setNbest(options.nbest ?? 10);
  }

  async transcribe(audio: Pcm, options: { locale: "en" | "zh"; signal?: AbortSignal }): Promise<Transcript> {
    if (this.whisper) return this.whisper.transcribe(audio, options);
    const t = await this.builtIn.transcribe(audio, options);
    if (!this.chooser || !t.alternatives || t.alternatives.length < 2) return t;
    const choice = chooseByIntent(t.alternatives, this.chooser.classifier, this.chooser.options);
    return { ...t, text: choice.text };
  }

  /** Rebuilds the domain language model from new sources (e.g. after a catalogue import). */
  async updateDomain(sources: DomainSources): Promise<DomainModel> {
    const skips = skipLog(this.logger);
    const model = await buildDomainLanguageModel(sources, { cacheDir: this.cacheDir, genericWeight: this.genericWeight, onSkip: skips.onSkip });
    skips.report();
    this.builtIn.setLanguageModel(model);
    this.domain = model;
    return model;
  }

  async close(): Promise<void> {
    await Promise.all([this.builtIn.close(), this.whisper?.close()]);
  }
}

const looksLikeFile = (s: string) => /\.bin$/i.test(s) || path.isAbsolute(s) || s.startsWith(".");

async function loadWhisper(settings: SpeechSettings, resolve: ResolveOptions | undefined, logger?: Logger): Promise<WhisperSpeechToText | undefined> {
  const setting = settings.model.trim();
  if (["none", "builtin", "built-in", "pocketsphinx"].includes(setting.toLowerCase())) {
    logger?.info({ model: "pocketsphinx", tier: "built-in" }, "STT: built-in recogniser (English only) by configuration");
    return undefined;
  }
  try {
    let modelPath: string;
    if (looksLikeFile(setting)) modelPath = path.resolve(setting);
    else {
      if (setting !== WHISPER_MODEL_SPEC.id && !WHISPER_MODEL_SPEC.aliases?.includes(setting)) {
        throw new SpeechEngineError(`CONCIERGE_STT_MODEL "${setting}" is neither a ggml .bin file nor ${WHISPER_MODEL_SPEC.id}`);
      }
      if (!resolve) throw new SpeechEngineError("no model locations configured");
      const resolved = await resolveModel(WHISPER_MODEL_SPEC, resolve);
      modelPath = resolved.files[WHISPER_MODEL_SPEC.files[0].path];
    }
    const whisper = await WhisperSpeechToText.load({ modelPath, gpu: settings.gpu, threads: settings.threads, timeoutMs: settings.timeoutMs });
    logger?.info({ model: "whisper", tier: "downloaded", path: modelPath, backend: whisper.backend.variant, reason: whisper.backend.reason }, "STT: whisper ready");
    return whisper;
  } catch (err) {
    logger?.info({ reason: err instanceof Error ? err.message : String(err) }, "STT: whisper unavailable, using the built-in recogniser (English only)");
    return undefined;
  }
}
