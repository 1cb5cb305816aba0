import { ConciergeError } from "../core/errors.ts";

/** Audio that cannot be read: not a WAV, an encoding we do not decode, a wrong rate or frame size. The message says which. */
export class InvalidAudioError extends ConciergeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("invalid_audio", message, 400, options);
  }
}

/** A speech engine that cannot serve this request (no model for the language, the program is missing, it crashed or timed out). */
export class SpeechEngineError extends ConciergeError {
  constructor(message: string, options?: { cause?: unknown; code?: string; status?: number }) {
    super(options?.code ?? "speech_unavailable", message, options?.status ?? 503, options);
  }
}

/** The caller gave up (barge-in, a closed socket): not a failure, so callers can tell it apart. */
export class SpeechAbortedError extends ConciergeError {
  constructor(message = "speech request was aborted") {
    super("aborted", message, 499);
  }
}

export function abortedError(signal?: AbortSignal): SpeechAbortedError {
  const reason = signal?.reason;
  return reason instanceof SpeechAbortedError ? reason : new SpeechAbortedError();
}
