/** Channel-neutral voice sessions: audio in, turns out through a callback, reply audio out with barge-in. */
export { bandFeatures, type EchoMatch, echoMatch } from "./echo.ts";
export { INPUT_RATES, type InputFormat, InputDecoder, type InputSpec } from "./input.ts";
export { MicHistory, PlaybackTimeline } from "./playback.ts";
export { SentenceStream } from "./sentence-stream.ts";
export { type RespondRequest, type VoiceReply, VoiceSession, type VoiceSessionDeps, type VoiceSessionEvent, type VoiceSessionOptions, voiceSessionOptionsSchema } from "./session.ts";
export { transcriptEchoes } from "./text-echo.ts";
export { judgeTurnEnd } from "./turn-end.ts";
