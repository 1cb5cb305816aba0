/**
 * The voice core: audio formats, voice-activity and end-of-turn detection, speech-to-text
 * (built-in pocketsphinx with the shop's own language model; whisper when downloaded) and
 * text-to-speech (flite, espeak-ng), sentence by sentence. Channels build on this API.
 */
export * from "./audio.ts";
export type { VoiceSettings } from "../core/config.ts";
export { InvalidAudioError, SpeechAbortedError, SpeechEngineError } from "./errors.ts";
export { type LevelOptions, type LevelReport, normalizeLevel, peakDbfs, robustPeak } from "./audio/level.ts";
export { type LabelledFile, readLabelledFile, type SkippedLine, skippedWarning } from "./eval/labelled.ts";
export { loadManifest, type Manifest, percentile, readManifest, type ManifestItem } from "./eval/manifest.ts";
export { corpusWer, normalizeForWer, type WordErrors, wer, wordErrors } from "./eval/wer.ts";
export * from "./stt/index.ts";
export { spokenForm, spokenWords } from "./text/spoken.ts";
export * from "./tts/index.ts";
export type { Pcm, SpeechToText, TextToSpeech, Transcript, TranscriptAlternative, VadDecision, VoiceActivityDetector } from "./types.ts";
export * from "./vad/index.ts";
export * from "./session/index.ts";
