import { describe, expect, it } from "vitest";
import { CONFIG_DEFAULTS, loadConfig, readSetting } from "../../core/config.ts";
import { DEFAULT_EASE } from "../../recommend/eval/tune.ts";
import { DEFAULT_RANKING } from "../../recommend/index.ts";
import { DEFAULT_BACKGROUND, DEFAULT_TTS } from "../../voice/index.ts";

describe("settings read outside loadConfig", () => {
  it("parse by the schema and name the variable at fault", () => {
    expect(readSetting("CONCIERGE_QUIET", { CONCIERGE_QUIET: "1" })).toBe(true);
    expect(readSetting("CONCIERGE_QUIET", {})).toBe(false);
    expect(readSetting("CONCIERGE_DIALOG_LOG", {})).toBe("silent");
    expect(readSetting("CONCIERGE_CACHE_DIR", { CONCIERGE_CACHE_DIR: " " })).toBeUndefined();
    expect(() => readSetting("LOG_LEVEL", { LOG_LEVEL: "loud" })).toThrow(/invalid configuration: LOG_LEVEL/);
  });
});

describe("library defaults are the configuration's", () => {
  // Written as literals here on purpose: a changed default must be a deliberate edit of this test too.
  it("ranking, EASE and voices default to what the service runs with unset variables", () => {
    const config = loadConfig({});
    expect(DEFAULT_RANKING).toMatchObject({ mmrLambda: 0.85, brandCap: 0.4, halfLifeDays: 30, sessionMinutes: 30, newHalfLifeDays: 14, contentShrink: 10 });
    expect(DEFAULT_RANKING.weights).toEqual({ content: 1, session: 2, collaborative: 1, model: 1, popularity: 0.3, recency: 0.1 });
    expect(config.recommend.weights).toEqual(DEFAULT_RANKING.weights);
    expect(DEFAULT_EASE).toMatchObject({ lambda: 200, maxItems: 4000 });
    expect(DEFAULT_TTS).toEqual({ en: { engine: "flite", voice: "slt", rate: 1 }, zh: { engine: "espeak-ng", voice: "cmn", rate: 1 } });
    expect(DEFAULT_BACKGROUND.weight).toBe(0.3);
    expect(CONFIG_DEFAULTS).toEqual(config);
  });
});
