import { SpeechEngineError } from "../errors.ts";

/** Utterances that may wait for one recogniser at once; beyond them a request is refused, not queued for ever. */
export const DEFAULT_STT_QUEUE = 32;

/**
 * One recognition at a time per recogniser process, the rest waiting in order — at most `max` of
 * them (running one included), so a flood of speech makes a clear error instead of a queue that
 * only grows.
 */
export class RecognitionQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  constructor(private readonly max = DEFAULT_STT_QUEUE) {}

  run<T>(job: () => Promise<T>): Promise<T> {
    if (this.waiting >= this.max) {
      return Promise.reject(
        new SpeechEngineError(`the speech recogniser is busy (${this.max} utterances waiting); say it again in a moment`, { code: "stt_busy", status: 503 }),
      );
    }
    this.waiting++;
    const run = this.tail.then(job).finally(() => {
      this.waiting--;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves once everything queued has run. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
