import { describe, expect, it } from "vitest";
import { loadConfig, voiceSettingsFromEnv } from "../../core/config.ts";

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

describe("voice settings in the one configuration", () => {
  it("are part of loadConfig, read from the same variables", () => {
    const env = { CONCIERGE_VOICE: "preload", CONCIERGE_TTS_ZH: "espeak-ng:yue", CONCIERGE_STT_THREADS: "3" };
    const config = loadConfig(env);
    expect(config.voice).toEqual(voiceSettingsFromEnv(env));
    expect(config.voice).toMatchObject({ service: "preload", stt: { threads: 3 }, tts: { zh: { engine: "espeak-ng", voice: "yue", rate: 1 } } });
  });

  it("stop start-up naming the voice variable at fault", () => {
    expect(() => loadConfig({ CONCIERGE_VOICE: "sometimes" })).toThrow(/invalid configuration: CONCIERGE_VOICE/);
    expect(() => loadConfig({ CONCIERGE_TTS_RATE_ZH: "9" })).toThrow(/CONCIERGE_TTS_RATE_ZH/);
  });
});
