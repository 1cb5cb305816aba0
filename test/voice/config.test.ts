import { describe, expect, it } from "vitest";
import { voiceSettingsFromEnv } from "../../voice/config.ts";

describe("voice settings from the environment", () => {
  it("defaults to whisper-when-present, Silero, flite slt for English and espeak-ng Mandarin", () => {
    const s = voiceSettingsFromEnv({});
    expect(s.stt).toMatchObject({ model: "ggerganov/whisper.cpp", gpu: "auto", threads: 0 });
    expect(s.vadModel).toBe("silero-vad");
    expect(s.segmenter).toEqual({ endOfTurnSilenceMs: 900, completeTurnSilenceMs: 600, openTurnSilenceMs: 1600, minSpeechMs: 250, maxUtteranceMs: 15000 });
    expect(s.tts).toEqual({ en: { engine: "flite", voice: "slt", rate: 1 }, zh: { engine: "espeak-ng", voice: "cmn", rate: 1 } });
  });

  it("reads voices, rates and turn timing per locale", () => {
    const s = voiceSettingsFromEnv({ CONCIERGE_TTS_EN: "espeak-ng:en-gb", CONCIERGE_TTS_RATE_ZH: "1.2", CONCIERGE_VOICE_END_OF_TURN_MS: "700", CONCIERGE_VOICE_COMPLETE_TURN_MS: "500", CONCIERGE_VOICE_OPEN_TURN_MS: "2000", CONCIERGE_STT_GPU: "cpu" });
    expect(s.tts.en).toEqual({ engine: "espeak-ng", voice: "en-gb", rate: 1 });
    expect(s.tts.zh.rate).toBe(1.2);
    expect(s.segmenter).toMatchObject({ endOfTurnSilenceMs: 700, completeTurnSilenceMs: 500, openTurnSilenceMs: 2000 });
    expect(s.stt.gpu).toBe("cpu");
  });

  it("names the variable at fault", () => {
    expect(() => voiceSettingsFromEnv({ CONCIERGE_TTS_EN: "say:alex" })).toThrow(/CONCIERGE_TTS_EN/);
    expect(() => voiceSettingsFromEnv({ CONCIERGE_TTS_RATE_EN: "5" })).toThrow(/CONCIERGE_TTS_RATE_EN/);
    expect(() => voiceSettingsFromEnv({ CONCIERGE_STT_GPU: "tpu" })).toThrow(/CONCIERGE_STT_GPU/);
    expect(() => voiceSettingsFromEnv({ CONCIERGE_VOICE_COMPLETE_TURN_MS: "soon" })).toThrow(/CONCIERGE_VOICE_COMPLETE_TURN_MS/);
  });
});
