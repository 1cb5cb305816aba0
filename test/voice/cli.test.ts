import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import { loadShippedIntents } from "../../intents/shipped.ts";
import { durationMs, encodeWav, readWavFile, rmsDbfs } from "../../voice/audio.ts";
import { stt, tts, voiceEval } from "../../voice/cli.ts";
import { fliteSpeech } from "./helpers.ts";

const dir = mkdtempSync(path.join(tmpdir(), "voice-cli-"));
const saved = { ...process.env };

beforeAll(() => {
  // The built-in recogniser with the shop's sentences only, so the model builds in a second.
  Object.assign(process.env, { CONCIERGE_DATA_DIR: path.join(dir, "data"), CONCIERGE_STT_MODEL: "builtin", CONCIERGE_STT_GENERIC_WEIGHT: "0" });
});
afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => vi.restoreAllMocks());

function captureStdout(): () => string {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  return () => chunks.join("");
}

describe("concierge tts / stt", () => {
  it("writes a 16 kHz WAV that the recogniser reads back", async () => {
    const out = path.join(dir, "reply.wav");
    const read = captureStdout();
    expect(await tts(["Where is my order?", "-o", out])).toBe(0);
    const pcm = await readWavFile(out);
    expect(pcm.sampleRate).toBe(16000);
    expect(rmsDbfs(pcm.samples)).toBeGreaterThan(-35);
    expect(await stt([out])).toBe(0);
    expect(read()).toMatch(/order/);
  });

  it("speaks Chinese when the text is Chinese", async () => {
    const out = path.join(dir, "zh.wav");
    captureStdout();
    expect(await tts(["您好，欢迎光临。", "-o", out])).toBe(0);
    expect(durationMs(await readWavFile(out))).toBeGreaterThan(500);
  });

  it("answers bad arguments with errors that name them", async () => {
    captureStdout();
    await expect(tts(["hello"])).rejects.toThrow(/output: -o out.wav is required/);
    await expect(tts(["hello", "-o", path.join(dir, "x.wav"), "--rate", "7"])).rejects.toThrow(/rate/);
    await expect(tts(["hello", "-o", path.join(dir, "x.wav"), "--bogus", "1"])).rejects.toThrow(/unknown option --bogus/);
    await expect(stt([])).rejects.toThrow(/file: give an audio file \(WAV, FLAC, Ogg or MP3\)/);
    const garbage = path.join(dir, "garbage.wav");
    writeFileSync(garbage, "this is not audio");
    await expect(stt([garbage])).rejects.toThrow(/garbage\.wav: not audio that can be read .*give WAV, FLAC, Ogg or MP3/);
  });
});

describe("concierge voice eval", () => {
  it("prints exactly the contract's keys with --json, training on --train", async () => {
    const items = [
      { text: "where is my order", intent: "order_status" },
      { text: "can I return these shoes", intent: "returns" },
      { text: "do you have running shoes", intent: "search_products" },
    ];
    const lines = items.map((it, i) => {
      writeFileSync(path.join(dir, `u${i}.wav`), encodeWav(fliteSpeech(it.text)));
      // Public speech sets ship FLAC: one line names a FLAC file (decoded through sox).
      if (i !== 1) return JSON.stringify({ wav: `u${i}.wav`, text: it.text, intent: it.intent });
      execFileSync("sox", [path.join(dir, `u${i}.wav`), path.join(dir, `u${i}.flac`)]);
      return JSON.stringify({ wav: `u${i}.flac`, text: it.text, intent: it.intent });
    });
    const manifest = path.join(dir, "m.jsonl");
    writeFileSync(manifest, lines.join("\n") + "\n");
    const wanted = new Set(["order_status", "returns", "search_products", "greet"]);
    const train = path.join(dir, "train.jsonl");
    writeFileSync(
      train,
      // A few examples per intent: the real trainer, kept small so the test stays quick.
      [...wanted]
        .flatMap((intent) => loadShippedIntents(["en"]).filter((u) => u.intent === intent).slice(0, 10))
        .map((u) => JSON.stringify(u))
        .join("\n"),
    );
    const read = captureStdout();
    expect(await voiceEval(["--manifest", manifest, "--train", train, "--json"])).toBe(0);
    const out = read().trim();
    expect(out.split("\n").length).toBe(1);
    // Every line was read and transcribed, the FLAC one included: no warnings.
    expect(vi.mocked(process.stderr.write).mock.calls.map(String).filter((c) => c.includes("warning"))).toEqual([]);
    const result = JSON.parse(out);
    expect(Object.keys(result).sort()).toEqual(["intentAccuracy", "intentAccuracyOneBest", "intentAccuracyText", "latencyMs", "n", "seconds", "skipped", "sttRealTimeFactor", "wer"]);
    expect(Object.keys(result.latencyMs).sort()).toEqual(["nlu", "stt", "ttsFirstAudio"]);
    for (const stage of ["stt", "nlu", "ttsFirstAudio"]) expect(Object.keys(result.latencyMs[stage]).sort()).toEqual(["p50", "p95"]);
    expect(result.n).toBe(3);
    expect(result.wer).toBeGreaterThanOrEqual(0);
    expect(result.wer).toBeLessThanOrEqual(0.5);
    // Which intents a 40-example classifier gets right is the classifier's business; here: it was scored.
    expect(result.intentAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.intentAccuracy).toBeLessThanOrEqual(1);
    expect(result.sttRealTimeFactor).toBeGreaterThan(0);
    expect(result.latencyMs.stt.p50).toBeGreaterThan(0);
    expect(result.latencyMs.ttsFirstAudio.p50).toBeGreaterThan(0);
  });

  it("reports intent accuracy as null when the manifest has no intents (shipped intents and catalogue for the language model)", async () => {
    const manifest = path.join(dir, "plain.jsonl");
    writeFileSync(manifest, `${JSON.stringify({ wav: "u0.wav", text: "where is my order" })}\n`);
    const read = captureStdout();
    expect(await voiceEval(["--manifest", manifest, "--json"])).toBe(0);
    const result = JSON.parse(read());
    expect(result.intentAccuracy).toBeNull();
    expect(result.wer).toBeLessThanOrEqual(0.5);
  });

  it("skips invalid manifest lines with one warning that counts and names them; --strict refuses; nothing valid is refused", async () => {
    const bad = path.join(dir, "bad.jsonl");
    writeFileSync(bad, `${JSON.stringify({ wav: "u0.wav", text: "where is my order" })}\n${JSON.stringify({ text: "no wav" })}\n{oops\n${JSON.stringify({ wav: "nope.wav", text: "x" })}\n`);
    const read = captureStdout();
    expect(await voiceEval(["--manifest", bad, "--json"])).toBe(0);
    const warnings = vi.mocked(process.stderr.write).mock.calls.map(String).filter((c) => c.startsWith("warning"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning: skipped 3 invalid lines of 4 in .*bad\.jsonl: line 2: wav: .*; line 3: not valid JSON .*; line 4: wav: .*nope\.wav does not exist/);
    const result = JSON.parse(read());
    expect(result.n).toBe(1);
    expect(result.skipped).toEqual({ manifest: 3, train: 0 });

    await expect(voiceEval(["--manifest", bad, "--strict"])).rejects.toThrow(/--manifest: .*bad\.jsonl: 3 invalid lines \(--strict refuses any\): line 2: wav:/);
    const missing = path.join(dir, "missing.jsonl");
    writeFileSync(missing, `${JSON.stringify({ wav: "nope.wav", text: "x" })}\n`);
    const err = await voiceEval(["--manifest", missing]).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/missing\.jsonl: no valid lines \(1 of 1 invalid\): line 1: wav: .*nope\.wav does not exist/);
    await expect(voiceEval([])).rejects.toThrow(/--manifest m.jsonl is required/);
    expect(readFileSync(bad, "utf8")).toContain("no wav");
  });

  it("--train takes any labelled file as nlu test does: any intent names, oos, bad lines skipped (or refused with --strict)", async () => {
    // A public-style set with its own intent names, none of them the shop's.
    const spoken = [
      { text: "play some jazz music", intent: "PlayMusic" },
      { text: "what is the weather in boston", intent: "GetWeather" },
    ];
    const lines = spoken.map((it, i) => {
      writeFileSync(path.join(dir, `c${i}.wav`), encodeWav(fliteSpeech(it.text)));
      return JSON.stringify({ wav: `c${i}.wav`, text: it.text, intent: it.intent });
    });
    const manifest = path.join(dir, "custom.jsonl");
    writeFileSync(manifest, `${lines.join("\n")}\n`);
    const train = path.join(dir, "custom-train.jsonl");
    const examples = [
      ...["play some jazz", "play music by the beatles", "put on some rock music", "play my workout playlist", "i want to hear some jazz music", "play a song by queen"].map((text) => ({ text, intent: "PlayMusic" })),
      ...["what is the weather in boston", "will it rain tomorrow", "weather forecast for paris", "is it cold in chicago today", "how hot will it be this weekend", "what's the weather like"].map((text) => ({ text, intent: "GetWeather" })),
      ...["tell me a joke", "who won the game last night", "how do i bake bread"].map((text) => ({ text, intent: "oos" })),
    ];
    writeFileSync(train, [...examples.map((e) => JSON.stringify(e)), JSON.stringify({ text: "", intent: "PlayMusic" }), "not json"].join("\n"));
    const read = captureStdout();
    expect(await voiceEval(["--manifest", manifest, "--train", train, "--json"])).toBe(0);
    const warnings = vi.mocked(process.stderr.write).mock.calls.map(String).filter((c) => c.startsWith("warning"));
    expect(warnings).toEqual([expect.stringMatching(/^warning: skipped 2 invalid lines of 17 in .*custom-train\.jsonl: line 16: text: must not be empty; line 17: not valid JSON/)]);
    const result = JSON.parse(read());
    expect(result.n).toBe(2);
    expect(result.skipped).toEqual({ manifest: 0, train: 2 });
    // Scored against the file's own labels: the reference texts are training lines, so the text side is right.
    expect(result.intentAccuracyText).toBe(1);
    expect(result.intentAccuracy).toBeGreaterThanOrEqual(0.5);
    await expect(voiceEval(["--manifest", manifest, "--train", train, "--strict"])).rejects.toThrow(/--train: .*custom-train\.jsonl: 2 invalid lines \(--strict refuses any\)/);
    const oosOnly = path.join(dir, "oos-only.jsonl");
    writeFileSync(oosOnly, `${JSON.stringify({ text: "tell me a joke", intent: "oos" })}\n`);
    await expect(voiceEval(["--manifest", manifest, "--train", oosOnly])).rejects.toThrow(/has no in-scope examples/);
  });
});
