import type { Logger } from "../../core/logger.ts";
import { stageSeconds, voiceEventsTotal } from "../../core/metrics.ts";
import type { Reply } from "../../core/turn.ts";
import type { DialogEngine } from "../../dialogs/types.ts";
import { VoiceSession, type VoiceSessionEvent, type VoiceSessionOptions } from "../../voice/index.ts";
import type { Lifecycle } from "../lifecycle.ts";
import { runTurn } from "../turns.ts";
import type { VoiceStack } from "./stack.ts";

export interface VoiceTurnsOptions {
  stack: VoiceStack;
  engine: () => DialogEngine | undefined;
  turnTimeoutMs: number;
  /** For metrics only ("voice", "telephone"); never passed below bot/. */
  channel: string;
  /** Who speaks now, read at each turn: a shared kiosk moves on to a new shopper between turns. */
  shopper: () => { userId: string; conversationId: string };
  /** The reply is heard: nothing private is given (see Turn.medium). */
  medium: "speech";
  baseUrl?: string;
  emit: (event: VoiceSessionEvent<Reply>) => void;
  log: Logger;
  /** The line's audio format and mode; the segmenter always comes from the voice settings. */
  input: Omit<VoiceSessionOptions, "segmenter">;
  lifecycle?: Lifecycle;
  tag: string;
}

/** A voice session on the shared models whose turns run through the dialogs like every other channel's. */
export function startVoiceTurns(o: VoiceTurnsOptions): VoiceSession<Reply> {
  return new VoiceSession<Reply>(
    {
      vad: o.stack.vad.create(),
      stt: o.stack.stt,
      tts: o.stack.tts,
      emit: (e) => {
        countVoiceEvent(o.channel, e);
        o.emit(e);
      },
      debug: (info, message) => o.log.debug(info, message),
      respond: ({ text, locale, onDelta, signal }) =>
        runTurn({
          engine: o.engine,
          turn: { ...o.shopper(), text, locale, medium: o.medium, ...(o.baseUrl && { baseUrl: o.baseUrl }) },
          channel: o.channel,
          sink: { delta: onDelta },
          signal,
          timeoutMs: o.turnTimeoutMs,
          logger: o.log,
          lifecycle: o.lifecycle,
        }),
    },
    { ...o.input, segmenter: o.stack.settings.segmenter },
    o.tag,
  );
}

function countVoiceEvent(channel: string, e: VoiceSessionEvent<Reply>): void {
  if (e.type === "transcript" && e.final) {
    voiceEventsTotal.inc({ channel, event: "turn" });
    if (e.continues) voiceEventsTotal.inc({ channel, event: "continued" });
  } else if (e.type === "barge-in") voiceEventsTotal.inc({ channel, event: "barge_in" });
  else if (e.type === "timing" && e.firstAudioAt) stageSeconds.observe({ stage: "voice_to_voice" }, (e.firstAudioAt - e.speechEndedAt) / 1000);
}
