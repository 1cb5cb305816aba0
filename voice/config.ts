import { z } from "zod";
import { ValidationError } from "../core/errors.ts";
import { DEFAULT_BACKGROUND } from "./stt/model-files.ts";
import { DEFAULT_TTS, TTS_ENGINES, type TtsSettings } from "./tts/index.ts";
import type { SegmenterOptions } from "./vad/segmenter.ts";

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const voiceSpec = z
  .string()
  .regex(new RegExp(`^(${TTS_ENGINES.join("|")}):[A-Za-z0-9][A-Za-z0-9_.+/-]{0,100}$`), `must be "<engine>:<voice>" with engine ${TTS_ENGINES.join(" or ")}, e.g. flite:slt`);

/**
 * The voice settings, from the environment (README "Configuration" lists them). Kept here until
 * core/config.ts takes them in; the names are the contract either way.
 */
const envSchema = z.object({
  /** "builtin" (pocketsphinx), "none", a whisper registry id, or a path to a ggml .bin file. Default: whisper when present, else built-in. */
  CONCIERGE_STT_MODEL: z.preprocess(emptyToUndefined, z.string().trim().default("ggerganov/whisper.cpp")),
  CONCIERGE_STT_GPU: z.preprocess(emptyToUndefined, z.enum(["auto", "cuda", "cpu"]).default("auto")),
  /** Threads per whisper transcription; 0 = one fewer than the cores. */
  CONCIERGE_STT_THREADS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(256).default(0)),
  /** Share of pocketsphinx's generic English model mixed into the shop's language model; 0 = the shop's sentences only. */
  CONCIERGE_STT_GENERIC_WEIGHT: z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(0.9).default(DEFAULT_BACKGROUND.weight)),
  CONCIERGE_STT_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1000).max(600_000).default(20_000)),
  /** "silero-vad" (resolved like every model) or "none" for the energy detector. */
  CONCIERGE_VAD_MODEL: z.preprocess(emptyToUndefined, z.string().trim().default("silero-vad")),
  CONCIERGE_VOICE_END_OF_TURN_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(10_000).default(900)),
  /** Silence that ends a turn whose words already read as a complete request; = END_OF_TURN_MS turns the shortcut off. */
  CONCIERGE_VOICE_COMPLETE_TURN_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(10_000).default(600)),
  /** Silence allowed after words that leave the sentence open ("under", "and", "um"). */
  CONCIERGE_VOICE_OPEN_TURN_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(10_000).default(1600)),
  CONCIERGE_VOICE_MIN_SPEECH_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(10_000).default(250)),
  CONCIERGE_VOICE_MAX_UTTERANCE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1000).max(120_000).default(15_000)),
  /** When the service loads its voice models: on the first /voice or telephone connection ("lazy"), at start-up ("preload"), or never ("off"). */
  CONCIERGE_VOICE: z.preprocess(emptyToUndefined, z.enum(["lazy", "preload", "off"]).default("lazy")),
  CONCIERGE_TTS_EN: z.preprocess(emptyToUndefined, voiceSpec.default(`${DEFAULT_TTS.en.engine}:${DEFAULT_TTS.en.voice}`)),
  CONCIERGE_TTS_ZH: z.preprocess(emptyToUndefined, voiceSpec.default(`${DEFAULT_TTS.zh.engine}:${DEFAULT_TTS.zh.voice}`)),
  CONCIERGE_TTS_RATE_EN: z.preprocess(emptyToUndefined, z.coerce.number().min(0.5).max(2).default(1)),
  CONCIERGE_TTS_RATE_ZH: z.preprocess(emptyToUndefined, z.coerce.number().min(0.5).max(2).default(1)),
});

export interface VoiceSettings {
  /** When the service loads the voice models (CONCIERGE_VOICE). */
  service: "lazy" | "preload" | "off";
  stt: { model: string; gpu: "auto" | "cuda" | "cpu"; threads: number; timeoutMs: number; genericWeight: number };
  vadModel: string;
  segmenter: SegmenterOptions;
  tts: TtsSettings;
}

export function voiceSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): VoiceSettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ValidationError(`invalid voice configuration: ${problems}`);
  }
  const e = parsed.data;
  const voice = (spec: string, rate: number) => {
    const [engine, name] = spec.split(/:(.*)/s) as [TtsSettings["en"]["engine"], string];
    return { engine, voice: name, rate };
  };
  return {
    service: e.CONCIERGE_VOICE,
    stt: { model: e.CONCIERGE_STT_MODEL, gpu: e.CONCIERGE_STT_GPU, threads: e.CONCIERGE_STT_THREADS, timeoutMs: e.CONCIERGE_STT_TIMEOUT_MS, genericWeight: e.CONCIERGE_STT_GENERIC_WEIGHT },
    vadModel: e.CONCIERGE_VAD_MODEL,
    segmenter: {
      endOfTurnSilenceMs: e.CONCIERGE_VOICE_END_OF_TURN_MS,
      completeTurnSilenceMs: e.CONCIERGE_VOICE_COMPLETE_TURN_MS,
      openTurnSilenceMs: e.CONCIERGE_VOICE_OPEN_TURN_MS,
      minSpeechMs: e.CONCIERGE_VOICE_MIN_SPEECH_MS,
      maxUtteranceMs: e.CONCIERGE_VOICE_MAX_UTTERANCE_MS,
    },
    tts: { en: voice(e.CONCIERGE_TTS_EN, e.CONCIERGE_TTS_RATE_EN), zh: voice(e.CONCIERGE_TTS_ZH, e.CONCIERGE_TTS_RATE_ZH) },
  };
}
