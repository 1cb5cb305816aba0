import { z } from "zod";
import { ConciergeError } from "../../core/errors.ts";
import { timeStage } from "../../core/metrics.ts";
import { parseInput } from "../../core/validation.ts";
import { rmsDbfs } from "../audio/pcm.ts";
import { InvalidAudioError, SpeechAbortedError } from "../errors.ts";
import type { Pcm, SpeechToText, TextToSpeech, Transcript, VoiceActivityDetector } from "../types.ts";
import { type SegmenterEvent, type SegmenterOptions, type TurnJudgement, TurnSegmenter, type Utterance } from "../vad/segmenter.ts";
import { echoMatch } from "./echo.ts";
import { type InputFormat, InputDecoder } from "./input.ts";
import { MicHistory, PlaybackTimeline } from "./playback.ts";
import { SentenceStream } from "./sentence-stream.ts";
import { transcriptEchoes } from "./text-echo.ts";
import { judgeTurnEnd } from "./turn-end.ts";

export const voiceSessionOptionsSchema = z.object({
  format: z.enum(["pcm16", "f32", "mulaw"]).default("pcm16"),
  sampleRate: z.number().int().default(16000),
  locale: z.enum(["en", "zh"]).default("en"),
  mode: z.enum(["hands-free", "push-to-talk"]).default("hands-free"),
  /** End-of-turn detection (silence, min speech, max utterance length). */
  segmenter: z.custom<SegmenterOptions>((v) => v === undefined || (typeof v === "object" && v !== null)).optional(),
  /** A speech onset during playback whose spectrum matches the reply audio at least this well is the reply's own echo. */
  echoThreshold: z.number().min(0).max(1).default(0.75),
  /** How far the microphone may trail (or lead) what the server believes is playing. */
  echoMaxLagMs: z.number().int().min(0).max(3000).default(800),
  echoMaxLeadMs: z.number().int().min(0).max(3000).default(300),
  /**
   * Also drop a turn heard during playback whose words are mostly the reply's. Off by default: measured
   * (bench/voice-to-voice.ts) it caught 1 of 5 echo segments and rejected 1 of 6 genuine requests
   * (a shopper repeats the reply's words: "running shoes under one hundred dollars").
   */
  transcriptEchoCheck: z.boolean().default(false),
  /** After playback ends, a room still rings and the audio path still drains for this long. */
  echoTailMs: z.number().int().min(0).max(5000).default(500),
  /** Audio accepted but not yet processed; more is refused (the client sends faster than the session keeps up). */
  maxBacklogMs: z.number().int().min(1000).max(600_000).default(30_000),
  /** Largest single audio chunk. */
  maxChunkMs: z.number().int().min(20).max(60_000).default(5_000),
});
export type VoiceSessionOptions = z.input<typeof voiceSessionOptionsSchema>;
type Settings = z.output<typeof voiceSessionOptionsSchema>;

/** What the turn callback returns: the reply text (to finish speaking) plus whatever the channel renders. */
export interface VoiceReply {
  text: string;
}

export interface RespondRequest {
  text: string;
  locale: "en" | "zh";
  /** Reply text as it is composed (token by token or a few words at a time). */
  onDelta: (text: string) => void;
  /** Aborted on barge-in, `stop`, or when the session closes. */
  signal: AbortSignal;
}

export type VoiceSessionEvent<R extends VoiceReply = VoiceReply> =
  | { type: "vad"; speech: boolean }
  /** `continues`: this final transcript continues the previous turn, whose reply was retracted. */
  | { type: "transcript"; text: string; final: boolean; continues?: true }
  | { type: "reply-delta"; id: string; text: string }
  | { type: "audio"; id: string; seq: number; text: string; samples: Int16Array; sampleRate: 16000 }
  | { type: "audio-end"; id: string }
  | { type: "reply"; id: string; reply: R }
  | { type: "barge-in"; id: string }
  | { type: "error"; code: string; message: string }
  /** For logs and benchmarks: when the turn's speech ended (wall clock, ms) and when its first audio went out. */
  | { type: "timing"; id: string; speechEndedAt: number; transcribedAt: number; firstAudioAt?: number; echoScore?: number };

export interface VoiceSessionDeps<R extends VoiceReply = VoiceReply> {
  vad: VoiceActivityDetector;
  stt: SpeechToText;
  tts: TextToSpeech;
  /** Runs one turn (the channel's normal text turn); nothing in voice/ knows what is behind it. */
  respond: (request: RespondRequest) => Promise<R>;
  emit: (event: VoiceSessionEvent<R>) => void;
  /** For diagnostics (echo scores); optional. */
  debug?: (info: Record<string, unknown>, message: string) => void;
}

interface ActiveReply {
  id: string;
  controller: AbortController;
  seq: number;
  generating: boolean;
  text: string;
}

/** A transcription started at a pause, for the utterance between these stream positions. */
interface EarlyTranscript {
  startMs: number;
  endMs: number;
  result: Promise<Transcript | undefined>;
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** Two pieces of one spoken turn: Chinese runs on without a space. */
function joinWords(first: string, second: string): string {
  return CJK.test(first.slice(-1)) && CJK.test(second[0] ?? "") ? first + second : `${first} ${second}`;
}

/**
 * One shopper's voice conversation, channel-neutral: audio frames in (any supported rate and
 * format), end of turn by VAD and silence (or push-to-talk), transcripts, the turn run through a
 * callback, the reply streamed as text and as audio sentence by sentence, and barge-in — the
 * shopper's speech over a reply cancels its generation and synthesis, while the reply's own
 * echo through the microphone does not (see echo.ts).
 */
export class VoiceSession<R extends VoiceReply = VoiceReply> {
  readonly settings: Settings;
  private readonly decoder: InputDecoder;
  private readonly segmenter: TurnSegmenter;
  private readonly mic = new MicHistory(4);
  private readonly timeline = new PlaybackTimeline();
  private work: Promise<void> = Promise.resolve();
  private backlogSamples = 0;
  private reply?: ActiveReply;
  private replyChain: Promise<void> = Promise.resolve();
  private replyCount = 0;
  private closed = false;
  /** The current utterance began as the reply's echo: it neither barges in nor becomes a turn. */
  private echoUtterance = false;
  private echoScore?: number;
  /** A transcription started at a pause, reused if the turn ends right there. */
  private early?: EarlyTranscript;
  /** The last hands-free turn: speech resumed soon enough after it continues it. */
  private lastTurn?: { text: string; lastSpeechMs: number };
  /** The words of the turn the current utterance continues, if it does. */
  private continues?: string;
  private overlong = false;
  private vadState = false;
  private ptt?: { chunks: Int16Array[]; samples: number };
  private readonly sessionTag: string;

  constructor(
    private readonly deps: VoiceSessionDeps<R>,
    options: VoiceSessionOptions = {},
    tag = Math.random().toString(36).slice(2, 8),
  ) {
    this.settings = parseInput(voiceSessionOptionsSchema, options, "voice session options");
    this.decoder = new InputDecoder({ format: this.settings.format as InputFormat, sampleRate: this.settings.sampleRate });
    deps.vad.reset();
    this.segmenter = new TurnSegmenter(deps.vad, this.settings.segmenter ?? {}, (u) => this.judgeTurn(u));
    this.sessionTag = tag;
  }

  /** Stream position in 16 kHz samples: the session's clock. */
  get position(): number {
    return this.mic.position;
  }

  /** The id of the reply being composed or played, if any. */
  get activeReplyId(): string | undefined {
    return this.reply?.id;
  }

  /**
   * One chunk of microphone audio. Throws InvalidAudioError for a chunk that cannot be decoded or
   * is too large; the returned promise settles once it has been processed (callers that stream
   * faster than real time may await it; a socket need not).
   */
  push(bytes: Uint8Array): Promise<void> {
    if (this.closed) return Promise.resolve();
    const { samples, nonFinite } = this.decoder.decode(bytes);
    const ms = (samples.length / 16000) * 1000;
    if (ms > this.settings.maxChunkMs) throw new InvalidAudioError(`audio: a chunk of ${Math.round(ms)} ms is longer than the ${this.settings.maxChunkMs} ms accepted; send 20–500 ms frames`);
    if (((this.backlogSamples + samples.length) / 16000) * 1000 > this.settings.maxBacklogMs) {
      throw new ConciergeError("audio_backlog", `audio is arriving faster than it can be processed (over ${this.settings.maxBacklogMs / 1000} s waiting); this chunk was dropped`, 429);
    }
    if (nonFinite > 0) this.deps.emit({ type: "error", code: "invalid_audio", message: `audio: ${nonFinite} sample(s) were not finite numbers (NaN or Infinity) and were replaced by silence` });
    this.backlogSamples += samples.length;
    const run = this.work.then(() => this.process(samples));
    this.work = run.catch((err) => this.fail(err));
    return this.work;
  }

  /** Push-to-talk: pressed starts a turn (and barges in on a reply); released ends it now. */
  pushToTalk(pressed: boolean): Promise<void> {
    const run = this.work.then(async () => {
      if (pressed) {
        this.bargeIn();
        this.ptt = { chunks: [], samples: 0 };
        return;
      }
      const held = this.ptt;
      this.ptt = undefined;
      if (!held) return;
      await this.finishPtt(held);
    });
    this.work = run.catch((err) => this.fail(err));
    return this.work;
  }

  /** The client started or finished playing reply `id`. */
  playback(state: "started" | "ended", id: string): void {
    if (state === "started") this.timeline.started(id, this.position);
    else this.timeline.ended(id, this.position);
  }

  /** Cancels the reply in progress, as a barge-in would (the client is told with `barge-in`). */
  stop(): void {
    this.bargeIn();
  }

  /** Settles once queued audio and the reply in progress are done. */
  async idle(): Promise<void> {
    await this.work;
    await this.replyChain;
  }

  /** The stream ended: a turn in progress is finished (hands-free) and the reply runs to its end. */
  async end(): Promise<void> {
    const run = this.work.then(async () => {
      if (this.settings.mode === "push-to-talk") return;
      for (const e of this.segmenter.flush()) await this.onSegment(e);
    });
    this.work = run.catch((err) => this.fail(err));
    await this.idle();
  }

  /** Stops everything; nothing is emitted afterwards. */
  close(): void {
    if (this.closed) return;
    this.reply?.controller.abort(new SpeechAbortedError("the session closed"));
    this.closed = true;
  }

  private emit(event: VoiceSessionEvent<R>): void {
    if (!this.closed) this.deps.emit(event);
  }

  private fail(err: unknown): void {
    if (err instanceof SpeechAbortedError || this.closed) return;
    const code = err instanceof ConciergeError ? err.code : "voice_error";
    const message = err instanceof Error ? err.message : String(err);
    this.emit({ type: "error", code, message });
  }

  private async process(samples: Int16Array): Promise<void> {
    this.backlogSamples -= samples.length;
    if (this.closed) return;
    this.mic.push(samples);
    if (this.ptt) {
      this.ptt.chunks.push(samples);
      this.ptt.samples += samples.length;
      const maxSamples = ((this.segmenter.settings.maxUtteranceMs ?? 15_000) / 1000) * 16000;
      if (this.ptt.samples >= maxSamples) {
        const held = this.ptt;
        this.ptt = undefined;
        this.emit({ type: "error", code: "utterance_too_long", message: `push-to-talk held for more than ${maxSamples / 16000} s; the turn was ended there` });
        await this.finishPtt(held);
      }
    }
    await this.segmenter.push(samples, (e) => this.onSegment(e));
  }

  private echoActive(atSample: number): boolean {
    return atSample < this.timeline.playingUntil() + (this.settings.echoTailMs / 1000) * 16000;
  }

  private async onSegment(e: SegmenterEvent): Promise<void> {
    const handsFree = this.settings.mode === "hands-free";
    switch (e.type) {
      case "speech-start": {
        this.echoUtterance = false;
        this.echoScore = undefined;
        const onset = Math.round((e.atMs / 1000) * 16000);
        if (this.echoActive(onset)) {
          const match = this.compareWithPlayback(onset);
          this.echoScore = match.score;
          this.deps.debug?.({ score: Number(match.score.toFixed(3)), lagMs: match.lagMs }, "speech during playback");
          if (match.score >= this.settings.echoThreshold) {
            this.echoUtterance = true;
            return;
          }
        }
        this.speaking(true);
        // Speech again before the usual end-of-turn silence had passed since the last turn: that
        // turn was ended early on its words, wrongly. Its reply is retracted and this continues it.
        const last = this.lastTurn;
        this.continues = handsFree && last && e.atMs - last.lastSpeechMs < this.segmenter.settings.endOfTurnSilenceMs ? last.text : undefined;
        if (handsFree) this.bargeIn();
        return;
      }
      case "resume":
        if (this.echoUtterance) return;
        this.speaking(true);
        return;
      case "pause": {
        if (this.echoUtterance) return;
        this.speaking(false);
        if (handsFree) this.earlyTranscript(e.utterance);
        return;
      }
      case "utterance": {
        const echo = this.echoUtterance;
        this.echoUtterance = false;
        if (!echo && e.utterance.reason !== "max-length") this.speaking(false);
        if (!handsFree || echo) {
          this.early = undefined;
          return;
        }
        await this.onUtterance(e.utterance);
        return;
      }
    }
  }

  /** The transcript of the utterance so far, started once per pause and reused when the turn ends there. */
  private earlyTranscript(u: Utterance): Promise<Transcript | undefined> {
    const started = this.earlyFor(u);
    if (started) return started.result;
    const result = this.transcribe(u.pcm).catch(() => undefined);
    this.early = { startMs: u.startMs, endMs: u.endMs, result };
    // A partial transcript, best effort: shown only if the turn is still open when it is ready.
    void result.then((t) => {
      if (t?.text && this.early?.result === result) this.emit({ type: "transcript", text: t.text, final: false });
    });
    return result;
  }

  /** The early transcription of exactly this utterance, if one was started. */
  private earlyFor(u: Utterance): EarlyTranscript | undefined {
    return this.early?.startMs === u.startMs && this.early.endMs === u.endMs ? this.early : undefined;
  }

  /** The segmenter asks, at a pause, whether the words so far end the turn. */
  private async judgeTurn(u: Utterance): Promise<TurnJudgement> {
    if (this.settings.mode !== "hands-free" || this.echoUtterance || this.closed) return "unknown";
    const transcript = await this.earlyTranscript(u);
    return judgeTurnEnd(transcript?.text ?? "", this.settings.locale);
  }

  private speaking(now: boolean): void {
    if (now === this.vadState) return;
    this.vadState = now;
    this.emit({ type: "vad", speech: now });
  }

  private compareWithPlayback(onset: number) {
    const from = Math.max(0, onset - 1600);
    const mic = this.mic.slice(from, this.position);
    const lead = (this.settings.echoMaxLeadMs / 1000) * 16000;
    const lag = (this.settings.echoMaxLagMs / 1000) * 16000;
    const reference = this.timeline.reference(from - lag, this.position + lead);
    return echoMatch(mic, reference);
  }

  private async onUtterance(u: Utterance): Promise<void> {
    const overlong = u.reason === "max-length";
    if (overlong && this.overlong) return;
    if (overlong) this.overlong = true;
    else if (this.overlong) {
      // The tail of an over-long stretch of speech: not a request of its own.
      this.overlong = false;
      this.emit({ type: "error", code: "utterance_too_long", message: `speech ran on without a pause for more than ${this.segmenter.settings.maxUtteranceMs / 1000} s; only its first part was taken as a turn` });
      return;
    }
    const endedMs = u.endMs - (u.reason === "silence" ? this.segmenter.settings.postRollMs : 0);
    const speechEndedAt = Date.now() - Math.max(0, this.position / 16 - endedMs);
    const early = this.earlyFor(u);
    this.early = undefined;
    const pending = early ? early.result : this.transcribe(u.pcm);
    const transcript = await pending.catch((err) => {
      this.fail(err);
      return undefined;
    });
    const heard = transcript?.text.trim() ?? "";
    const continued = this.continues;
    this.continues = undefined;
    if (!heard) return;
    const text = continued ? joinWords(continued, heard) : heard;
    const startedAt = Math.round((u.startMs / 1000) * 16000);
    if (this.settings.transcriptEchoCheck && this.reply && this.echoActive(startedAt) && transcriptEchoes(text, this.reply.text)) {
      this.deps.debug?.({ text }, "transcript repeats the reply being played: treated as echo");
      return;
    }
    // Only a turn that is answered can be continued.
    this.lastTurn = { text, lastSpeechMs: endedMs };
    this.emit(continued ? { type: "transcript", text, final: true, continues: true } : { type: "transcript", text, final: true });
    this.startReply(text, { speechEndedAt, transcribedAt: Date.now() });
  }

  private async finishPtt(held: { chunks: Int16Array[]; samples: number }): Promise<void> {
    const samples = new Int16Array(held.samples);
    let at = 0;
    for (const c of held.chunks) {
      samples.set(c, at);
      at += c.length;
    }
    const speechEndedAt = Date.now();
    this.lastTurn = undefined;
    // Shorter than a syllable, or quieter than speech: nothing was said.
    if (samples.length < 3200 || rmsDbfs(samples) < -55) return;
    const transcript = await this.transcribe({ samples, sampleRate: 16000 }).catch((err) => {
      this.fail(err);
      return undefined;
    });
    const text = transcript?.text.trim() ?? "";
    if (!text) return;
    this.emit({ type: "transcript", text, final: true });
    this.startReply(text, { speechEndedAt, transcribedAt: Date.now() });
  }

  private transcribe(pcm: Pcm): Promise<Transcript> {
    return timeStage("stt", () => this.deps.stt.transcribe(pcm, { locale: this.settings.locale }));
  }

  private bargeIn(): void {
    const reply = this.reply;
    if (!reply) {
      return;
    }
    const playing = this.echoActive(this.position);
    if (!reply.generating && !playing) return;
    this.reply = undefined;
    reply.controller.abort(new SpeechAbortedError("barge-in"));
    this.timeline.ended(reply.id, this.position);
    this.emit({ type: "barge-in", id: reply.id });
  }

  private startReply(text: string, timing: { speechEndedAt: number; transcribedAt: number }): void {
    this.bargeIn();
    const id = `${this.sessionTag}-${++this.replyCount}`;
    const reply: ActiveReply = { id, controller: new AbortController(), seq: 0, generating: true, text: "" };
    const echoScore = this.echoScore;
    this.reply = reply;
    const previous = this.replyChain;
    this.replyChain = previous.then(() => this.runReply(reply, text, timing, echoScore)).catch((err) => this.fail(err));
  }

  private async runReply(reply: ActiveReply, text: string, timing: { speechEndedAt: number; transcribedAt: number }, echoScore?: number): Promise<void> {
    const signal = reply.controller.signal;
    if (signal.aborted) return;
    const locale = this.settings.locale;
    const sentences = new SentenceStream(locale);
    let streamed = "";
    let speech: Promise<void> = Promise.resolve();
    let firstAudioAt: number | undefined;
    const say = (sentence: string) => {
      speech = speech.then(async () => {
        if (signal.aborted) return;
        const synthesize = () => this.deps.tts.synthesize(sentence, { locale: CJK.test(sentence) ? "zh" : locale === "zh" ? "zh" : "en", signal });
        const pcm = await (firstAudioAt === undefined ? timeStage("tts_first_audio", synthesize) : synthesize());
        if (signal.aborted || !pcm.samples.length) return;
        firstAudioAt ??= Date.now();
        this.timeline.add(reply.id, pcm.samples, this.position);
        this.emit({ type: "audio", id: reply.id, seq: reply.seq++, text: sentence, samples: pcm.samples, sampleRate: 16000 });
      });
      speech.catch(() => undefined);
    };
    try {
      const final = await this.deps.respond({
        text,
        locale,
        signal,
        onDelta: (delta) => {
          if (signal.aborted || !delta) return;
          streamed += delta;
          reply.text = streamed;
          this.emit({ type: "reply-delta", id: reply.id, text: delta });
          for (const s of sentences.push(delta)) say(s);
        },
      });
      if (signal.aborted) return;
      reply.generating = false;
      reply.text = final.text;
      this.emit({ type: "reply", id: reply.id, reply: final });
      // The engine may finish with text it did not stream (or none at all): speak what is left of it.
      if (final.text.startsWith(streamed)) for (const s of sentences.push(final.text.slice(streamed.length))) say(s);
      for (const s of sentences.flush()) say(s);
      await speech;
      if (signal.aborted) return;
      this.emit({ type: "audio-end", id: reply.id });
      this.emit({ type: "timing", id: reply.id, ...timing, firstAudioAt, echoScore });
    } catch (err) {
      if (signal.aborted || err instanceof SpeechAbortedError) return;
      reply.generating = false;
      throw err;
    } finally {
      reply.generating = false;
      // A reply that ended on its own stays "current" while it plays, so speech over it still barges in.
      if (signal.aborted && this.reply === reply) this.reply = undefined;
    }
  }
}
