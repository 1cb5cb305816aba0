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
    expect(Object.keys(result).sort()).toEqual(["intentAccuracy", "latencyMs", "n", "seconds", "sttRealTimeFactor", "wer"]);
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

  it("rejects a manifest with a bad line, naming the line and field", async () => {
    const bad = path.join(dir, "bad.jsonl");
    writeFileSync(bad, `${JSON.stringify({ wav: "u0.wav", text: "ok" })}\n${JSON.stringify({ text: "no wav" })}\n`);
    captureStdout();
    const err = await voiceEval(["--manifest", bad]).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/bad.jsonl:2: wav:/);
    const missing = path.join(dir, "missing.jsonl");
    writeFileSync(missing, `${JSON.stringify({ wav: "nope.wav", text: "x" })}\n`);
    await expect(voiceEval(["--manifest", missing])).rejects.toThrow(/missing.jsonl:1: wav: .*nope.wav does not exist/);
    await expect(voiceEval([])).rejects.toThrow(/--manifest m.jsonl is required/);
    expect(readFileSync(bad, "utf8")).toContain("no wav");
  });
});
