import { z } from "zod";
import { parseInput } from "../../core/validation.ts";
import type { Pcm, VoiceActivityDetector } from "../types.ts";

export const segmenterOptionsSchema = z.object({
  /** Speech needed before an utterance counts (and before "speech-start" fires, e.g. for barge-in), so clicks and coughs do not. */
  minSpeechMs: z.number().int().min(0).max(10_000).default(250),
  /** Silence that ends a turn. Long enough for a thinking pause mid-sentence; short enough to answer promptly. */
  endOfTurnSilenceMs: z.number().int().min(100).max(10_000).default(900),
  /**
   * With a judge: silence that ends a turn whose words already read as a complete request (at most
   * endOfTurnSilenceMs; equal to it turns the shortcut off). A shopper who goes on speaking within
   * endOfTurnSilenceMs is heard as continuing that turn (the voice session retracts the reply).
   */
  completeTurnSilenceMs: z.number().int().min(100).max(10_000).default(600),
  /** With a judge: silence allowed after words that leave the sentence open ("under", "and", "um"); at least endOfTurnSilenceMs. */
  openTurnSilenceMs: z.number().int().min(100).max(10_000).default(1600),
  /** Audio kept from before speech was detected, so the first consonant is not clipped. */
  preRollMs: z.number().int().min(0).max(2_000).default(300),
  /** Audio kept after the last speech frame. */
  postRollMs: z.number().int().min(0).max(2_000).default(200),
  /**
   * Silence after which a "pause" event offers the utterance so far, so recognition (and the
   * reply) can start before the end of the turn is certain; "resume" withdraws it. 0 disables.
   */
  tentativeSilenceMs: z.number().int().min(0).max(10_000).default(300),
  /** An utterance this long is cut and sent on, however it continues. */
  maxUtteranceMs: z.number().int().min(1_000).max(120_000).default(15_000),
  /** Probability at which a frame starts or continues speech... */
  threshold: z.number().min(0).max(1).default(0.5),
  /** ...and below which it is silence (in between keeps the current state: hysteresis). */
  negativeThreshold: z.number().min(0).max(1).default(0.35),
});
export type SegmenterOptions = z.input<typeof segmenterOptionsSchema>;
type Settings = z.output<typeof segmenterOptionsSchema>;

export interface Utterance {
  pcm: Pcm;
  /** Position in the stream, ms from its start. */
  startMs: number;
  endMs: number;
  /** Speech the detector heard inside it. */
  speechMs: number;
  /** Why it ended: silence after it, the length cap, or the end of the stream. */
  reason: "silence" | "max-length" | "end-of-stream";
}

export type SegmenterEvent =
  | { type: "speech-start"; atMs: number }
  /** The speaker paused: the utterance so far (reason "silence"), offered early. The final utterance, if no "resume" follows, has the same startMs and endMs. */
  | { type: "pause"; utterance: Utterance }
  /** Speech again after a "pause": the early utterance is not the turn. */
  | { type: "resume"; atMs: number }
  | { type: "utterance"; utterance: Utterance };

/** How an utterance so far reads: a complete request, a sentence left open, or no telling. */
export type TurnJudgement = "complete" | "open" | "unknown";
/** Reads the utterance so far (usually its transcript); consulted once per pause, at completeTurnSilenceMs. */
export type TurnJudge = (utterance: Utterance) => Promise<TurnJudgement>;

/**
 * End-of-turn detection over a 16 kHz PCM16 stream: feed chunks of any size, get "speech-start"
 * once enough speech is heard (stop the reply: barge-in) and an utterance once the speaker has
 * been silent for the end-of-turn time. Memory is bounded by the pre-roll and the longest utterance.
 */
export class TurnSegmenter {
  readonly settings: Settings;
  private readonly frame: number;
  private pending = new Int16Array(0);
  /** Frames before speech, for the pre-roll (a ring of the last few frames). */
  private history: Int16Array[] = [];
  private readonly historyFrames: number;
  private utterance: Int16Array[] = [];
  private utteranceStartFrame = 0;
  private inUtterance = false;
  private inSpeech = false;
  private announced = false;
  private paused = false;
  private speechFrames = 0;
  private silentFrames = 0;
  /** Frames of the utterance up to and including the last speech frame. */
  private framesToLastSpeech = 0;
  private frameIndex = 0;
  /** The silence that ends the current utterance: endOfTurnSilenceMs until a judge says otherwise. */
  private endSilenceMs: number;
  /** The utterance so far, waiting for the judge (set at completeTurnSilenceMs of a pause). */
  private judgeDue?: Utterance;
  private judged = false;

  /**
   * Without a judge, silence alone ends a turn (endOfTurnSilenceMs). With one, a pause is also
   * read: complete requests end sooner and open sentences get longer.
   */
  constructor(
    private readonly vad: VoiceActivityDetector,
    options: SegmenterOptions = {},
    private readonly judge?: TurnJudge,
  ) {
    this.settings = parseInput(segmenterOptionsSchema, options, "segmenter options");
    const s = this.settings;
    s.negativeThreshold = Math.min(s.negativeThreshold, s.threshold);
    s.completeTurnSilenceMs = Math.min(s.completeTurnSilenceMs, s.endOfTurnSilenceMs);
    s.openTurnSilenceMs = Math.max(s.openTurnSilenceMs, s.endOfTurnSilenceMs);
    this.endSilenceMs = s.endOfTurnSilenceMs;
    this.frame = vad.frameSamples;
    this.historyFrames = Math.ceil(this.msToFrames(this.settings.preRollMs));
  }

  private msToFrames(ms: number): number {
    return (ms / 1000) * 16000 / this.frame;
  }

  private framesToMs(frames: number): number {
    return (frames * this.frame * 1000) / 16000;
  }

  /**
   * Feeds 16 kHz mono PCM16; returns what happened in it, in order. `deliver`, when given, gets each
   * event as it happens, before the judge is consulted about the audio after it.
   */
  async push(samples: Int16Array, deliver?: (event: SegmenterEvent) => Promise<void>): Promise<SegmenterEvent[]> {
    const joined = new Int16Array(this.pending.length + samples.length);
    joined.set(this.pending);
    joined.set(samples, this.pending.length);
    const events: SegmenterEvent[] = [];
    let delivered = 0;
    let at = 0;
    for (; at + this.frame <= joined.length; at += this.frame) {
      const frame = joined.slice(at, at + this.frame);
      const decision = await this.vad.process(frame);
      this.step(frame, decision.probability, events);
      const due = this.judgeDue;
      if (due && this.judge) {
        // The session sees the pause (and starts its transcript) before it is asked about it.
        if (deliver) while (delivered < events.length) await deliver(events[delivered++]);
        this.judgeDue = undefined;
        const judgement = await this.judge(due).catch((): TurnJudgement => "unknown");
        if (judgement === "complete") this.close("silence", events);
        else if (judgement === "open") this.endSilenceMs = this.settings.openTurnSilenceMs;
      }
      if (deliver) while (delivered < events.length) await deliver(events[delivered++]);
    }
    this.pending = joined.slice(at);
    return events;
  }

  /** The stream ended: the utterance in progress (if it had enough speech) comes out. */
  flush(): SegmenterEvent[] {
    const events: SegmenterEvent[] = [];
    if (this.inUtterance) this.close("end-of-stream", events);
    this.pending = new Int16Array(0);
    return events;
  }

  /** Forget everything (a new turn, or after the reply played): detector state too. */
  reset(): void {
    this.vad.reset();
    this.pending = new Int16Array(0);
    this.history = [];
    this.clearUtterance();
  }

  private clearUtterance(): void {
    this.utterance = [];
    this.inUtterance = false;
    this.inSpeech = false;
    this.announced = false;
    this.paused = false;
    this.speechFrames = 0;
    this.silentFrames = 0;
    this.framesToLastSpeech = 0;
    this.rearmJudge();
  }

  /** A new pause will be read afresh, and until then silence alone ends the turn. */
  private rearmJudge(): void {
    this.endSilenceMs = this.settings.endOfTurnSilenceMs;
    this.judgeDue = undefined;
    this.judged = false;
  }

  private step(frame: Int16Array, probability: number, events: SegmenterEvent[]): void {
    const s = this.settings;
    const index = this.frameIndex++;
    this.inSpeech = this.inSpeech ? probability >= s.negativeThreshold : probability >= s.threshold;
    if (!this.inUtterance) {
      if (!this.inSpeech) {
        this.history.push(frame);
        if (this.history.length > this.historyFrames) this.history.shift();
        return;
      }
      this.inUtterance = true;
      this.utterance = [...this.history];
      this.utteranceStartFrame = index - this.history.length;
      this.history = [];
    }
    this.utterance.push(frame);
    if (this.inSpeech) {
      if (this.paused) {
        this.paused = false;
        events.push({ type: "resume", atMs: this.framesToMs(index) });
      }
      this.rearmJudge();
      this.speechFrames++;
      this.silentFrames = 0;
      this.framesToLastSpeech = this.utterance.length;
      if (!this.announced && this.framesToMs(this.speechFrames) >= s.minSpeechMs) {
        this.announced = true;
        events.push({ type: "speech-start", atMs: this.framesToMs(index - this.speechFrames + 1) });
      }
    } else {
      this.silentFrames++;
    }
    const silentMs = this.framesToMs(this.silentFrames);
    if (!this.inSpeech && !this.paused && s.tentativeSilenceMs > 0 && silentMs >= s.tentativeSilenceMs && silentMs < this.endSilenceMs) {
      const early = this.snapshot("silence");
      if (early) {
        this.paused = true;
        events.push({ type: "pause", utterance: early });
      }
    }
    if (this.judge && !this.judged && !this.inSpeech && silentMs >= s.completeTurnSilenceMs && silentMs < this.endSilenceMs) {
      this.judged = true;
      this.judgeDue = this.snapshot("silence");
    }
    if (silentMs >= this.endSilenceMs) this.close("silence", events);
    else if (this.framesToMs(this.utterance.length) >= s.maxUtteranceMs) this.close("max-length", events);
  }

  /** The utterance as it stands (undefined when it has too little speech to count). */
  private snapshot(reason: Utterance["reason"]): Utterance | undefined {
    const s = this.settings;
    const speechMs = this.framesToMs(this.speechFrames);
    if (speechMs < s.minSpeechMs || this.speechFrames === 0) return undefined;
    const keep = Math.min(this.utterance.length, this.framesToLastSpeech + Math.ceil(this.msToFrames(s.postRollMs)));
    const frames = reason === "silence" ? this.utterance.slice(0, keep) : this.utterance;
    const samples = new Int16Array(frames.length * this.frame);
    for (const [i, f] of frames.entries()) samples.set(f, i * this.frame);
    return {
      pcm: { samples, sampleRate: 16000 },
      startMs: this.framesToMs(this.utteranceStartFrame),
      endMs: this.framesToMs(this.utteranceStartFrame + frames.length),
      speechMs,
      reason,
    };
  }

  private close(reason: Utterance["reason"], events: SegmenterEvent[]): void {
    const utterance = this.snapshot(reason);
    if (utterance) events.push({ type: "utterance", utterance });
    // The silence that ended the turn becomes the next one's pre-roll.
    const tail = reason === "silence" ? this.utterance.slice(-this.historyFrames) : [];
    const continuing = reason === "max-length" && this.inSpeech;
    this.clearUtterance();
    this.history = this.historyFrames > 0 ? tail : [];
    if (continuing) {
      // The speaker is still talking: the next piece starts now, already announced.
      this.inUtterance = true;
      this.inSpeech = true;
      this.announced = true;
      this.utteranceStartFrame = this.frameIndex;
    }
  }
}

/** All utterances in a finished recording (16 kHz mono). */
export async function findUtterances(pcm: Pcm, vad: VoiceActivityDetector, options: SegmenterOptions = {}): Promise<Utterance[]> {
  if (pcm.sampleRate !== 16000) throw new RangeError(`findUtterances needs 16 kHz audio, got ${pcm.sampleRate} Hz`);
  vad.reset();
  const seg = new TurnSegmenter(vad, options);
  const events = [...(await seg.push(pcm.samples)), ...seg.flush()];
  return events.flatMap((e) => (e.type === "utterance" ? [e.utterance] : []));
}
