/** Voice contracts: audio in, speech activity, transcripts, synthesised speech out. */

/** Mono 16-bit PCM at a known rate; the pipeline's internal format is 16 kHz. */
export interface Pcm {
  samples: Int16Array;
  sampleRate: number;
}

export interface VadDecision {
  /** Probability that the frame holds speech, 0–1. */
  probability: number;
  speech: boolean;
}

export interface VoiceActivityDetector {
  readonly name: string;
  /** Samples per frame at 16 kHz the detector expects (e.g. 512 for Silero). */
  readonly frameSamples: number;
  process(frame: Int16Array): Promise<VadDecision>;
  reset(): void;
}

/** One of the recogniser's alternative transcripts, with its path score (log scale; higher is better). */
export interface TranscriptAlternative {
  text: string;
  score: number;
}

export interface Transcript {
  text: string;
  /** The recogniser's N-best list when asked for it, best first (the first is `text`). */
  alternatives?: TranscriptAlternative[];
  /** 0–1 when the recogniser reports it. */
  confidence?: number;
  /** Wall-clock time the recogniser took. */
  ms: number;
}

export interface SpeechToText {
  readonly name: string;
  readonly tier: "built-in" | "downloaded";
  transcribe(audio: Pcm, options: { locale: "en" | "zh"; signal?: AbortSignal }): Promise<Transcript>;
}

export interface TextToSpeech {
  readonly name: string;
  synthesize(text: string, options: { locale: "en" | "zh"; voice?: string; rate?: number; signal?: AbortSignal }): Promise<Pcm>;
}
