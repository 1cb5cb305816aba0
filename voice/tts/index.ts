import { z } from "zod";
import { CONFIG_DEFAULTS, TTS_ENGINES } from "../../core/config.ts";
import { parseInput } from "../../core/validation.ts";
import { abortedError } from "../errors.ts";
import type { Pcm, TextToSpeech } from "../types.ts";
import { type EngineOptions, EspeakTts, FliteTts } from "./engines.ts";
import { type SplitOptions, splitSentences } from "./sentences.ts";

export { EspeakTts, FliteTts, MAX_TTS_CHARS } from "./engines.ts";
export { type SplitOptions, splitSentences } from "./sentences.ts";

export { TTS_ENGINES };

const voiceSchema = z.object({
  engine: z.enum(TTS_ENGINES),
  voice: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.+/-]{0,100}$/, "must be a voice name"),
  rate: z.number().min(0.5).max(2),
});
export const ttsSettingsSchema = z.object({ en: voiceSchema, zh: voiceSchema });
export type VoiceChoice = z.infer<typeof voiceSchema>;
export type TtsSettings = z.infer<typeof ttsSettingsSchema>;

/** flite's slt for English (closest to a person of what installs here), espeak-ng's Mandarin for Chinese. */
export const DEFAULT_TTS: TtsSettings = CONFIG_DEFAULTS.voice.tts;

/**
 * Speech out, by locale: each locale has its engine, voice and rate (configurable); a call may
 * override the voice and rate. Output is 16 kHz mono PCM16 without long silences at the ends.
 */
export class LocaleTextToSpeech implements TextToSpeech {
  readonly name = "locale-tts";
  readonly settings: TtsSettings;
  private readonly engines: Record<(typeof TTS_ENGINES)[number], TextToSpeech>;

  constructor(settings: Partial<TtsSettings> = {}, options: EngineOptions = {}) {
    this.settings = parseInput(ttsSettingsSchema, { ...DEFAULT_TTS, ...settings }, "TTS settings");
    this.engines = { flite: new FliteTts({}, options), "espeak-ng": new EspeakTts({}, options) };
  }

  /** Which engine and voice a locale speaks with. */
  voiceFor(locale: "en" | "zh"): VoiceChoice {
    return this.settings[locale];
  }

  synthesize(text: string, options: { locale: "en" | "zh"; voice?: string; rate?: number; signal?: AbortSignal }): Promise<Pcm> {
    const choice = this.voiceFor(options.locale);
    // A voice the call names must belong to the engine: flite cannot speak "cmn".
    return this.engines[choice.engine].synthesize(text, { ...options, voice: options.voice ?? choice.voice, rate: options.rate ?? choice.rate });
  }
}

let defaultTts: LocaleTextToSpeech | undefined;

export interface StreamOptions extends SplitOptions {
  locale: "en" | "zh";
  /** The engine; default one LocaleTextToSpeech with the default voices, shared by the process. */
  tts?: TextToSpeech;
  voice?: string;
  rate?: number;
  signal?: AbortSignal;
  /** Sentences synthesised ahead of the one being played. Default 1. */
  lookahead?: number;
}

/**
 * A reply as audio, sentence by sentence: the first sentence's audio comes as soon as it is
 * synthesised while the next ones are prepared behind it. Aborting (barge-in) stops at once and
 * kills the synthesis in progress.
 */
export async function* synthesizeStream(text: string, options: StreamOptions): AsyncIterable<Pcm> {
  defaultTts ??= new LocaleTextToSpeech();
  const tts = options.tts ?? defaultTts;
  const sentences = splitSentences(text, options.locale, options);
  const lookahead = Math.max(0, options.lookahead ?? 1);
  const inner = new AbortController();
  const onAbort = () => inner.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const started: Promise<Pcm>[] = [];
  const start = (i: number) => {
    const p = tts.synthesize(sentences[i], { locale: options.locale, voice: options.voice, rate: options.rate, signal: inner.signal });
    // Failures surface when the sentence is reached; until then they must not be unhandled.
    p.catch(() => undefined);
    started[i] = p;
  };
  try {
    for (let i = 0; i < sentences.length; i++) {
      if (!started[i]) start(i);
      if (options.signal?.aborted) throw abortedError(options.signal);
      const pcm = await started[i];
      if (options.signal?.aborted) throw abortedError(options.signal);
      // Prepare the next sentences while this one plays — not before the first is out, so the
      // first sentence has the CPU to itself (two cores here).
      for (let j = i + 1; j <= Math.min(sentences.length - 1, i + lookahead); j++) if (!started[j]) start(j);
      if (pcm.samples.length) yield pcm;
    }
  } finally {
    // The consumer stopped early (or was aborted): stop what is still being synthesised.
    inner.abort();
    options.signal?.removeEventListener("abort", onAbort);
  }
}
