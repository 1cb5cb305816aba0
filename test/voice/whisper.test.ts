import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ModelUnavailableError } from "../../core/errors.ts";
import { readWavFile } from "../../voice/audio.ts";
import { SpeechAbortedError, SpeechEngineError } from "../../voice/errors.ts";
import { chooseWhisperBackend, cleanWhisperText, probeCuda, SpeechRecognizer, WhisperSpeechToText } from "../../voice/stt/index.ts";
import { JFK_WAV, WHISPER_FIXTURE } from "./helpers.ts";

const cacheDir = mkdtempSync(path.join(tmpdir(), "voice-whisper-"));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe("GPU selection for whisper", () => {
  const both = { driver: true, cudaPackage: true };
  it("uses CUDA when the driver and the CUDA build are both there, unless told to use the CPU", () => {
    expect(chooseWhisperBackend("auto", both)).toMatchObject({ variant: "cuda", useGpu: true });
    expect(chooseWhisperBackend("cuda", both)).toMatchObject({ variant: "cuda", useGpu: true });
    expect(chooseWhisperBackend("cpu", both)).toMatchObject({ variant: "default", useGpu: false });
  });

  it("falls back to the CPU, saying what is missing", () => {
    const noDriver = chooseWhisperBackend("auto", { driver: false, cudaPackage: true });
    expect(noDriver).toMatchObject({ variant: "default", useGpu: false });
    expect(noDriver.reason).toMatch(/no NVIDIA driver/);
    const asked = chooseWhisperBackend("cuda", { driver: true, cudaPackage: false });
    expect(asked.useGpu).toBe(false);
    expect(asked.reason).toMatch(/CUDA asked for but the CUDA build of whisper.node is not installed/);
  });

  it("probes this machine without loading anything (no GPU here)", () => {
    const probe = probeCuda();
    expect(probe.driver).toBe(false);
    expect(typeof probe.cudaPackage).toBe("boolean");
  });
});

// @fugood/whisper.node is an optional install (its lock entries for other platforms are not served
// here, which breaks `npm ci`): `npm install -E @fugood/whisper.node@1.1.3` enables the whisper tier.
const whisperInstalled = await import("@fugood/whisper.node" as string).then(
  () => true,
  () => false,
);
// An optional dependency: a platform without its prebuilt module installs without it. CI's has it.
if (!whisperInstalled) {
  if (process.env.CI) throw new Error("@fugood/whisper.node is not installed: CI must run the whisper fixture test (npm ci installs it)");
  console.warn("[skipped] @fugood/whisper.node is not installed: the whisper fixture test was skipped");
}

describe("whisper (downloaded tier) on whisper.cpp's no-weights fixture", () => {
  it.skipIf(!whisperInstalled)("loads the model, and bounds a transcription that would take too long", async () => {
    const whisper = await WhisperSpeechToText.load({ modelPath: WHISPER_FIXTURE, gpu: "auto", threads: 1, timeoutMs: 1000, stopGraceMs: 300 });
    expect(whisper.tier).toBe("downloaded");
    expect(whisper.backend.useGpu).toBe(false);
    const jfk = await readWavFile(JFK_WAV);
    const started = Date.now();
    const err = await whisper.transcribe(jfk, { locale: "en" }).catch((e) => e);
    expect(err).toBeInstanceOf(SpeechEngineError);
    expect(err.code).toBe("stt_timeout");
    expect(Date.now() - started).toBeLessThan(8000);

    const controller = new AbortController();
    const pending = whisper.transcribe(jfk, { locale: "en", signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toBeInstanceOf(SpeechAbortedError);
  }, 30_000);

  it("reports a missing file or runtime as a model that is unavailable", async () => {
    await expect(WhisperSpeechToText.load({ modelPath: path.join(cacheDir, "absent.bin") })).rejects.toBeInstanceOf(ModelUnavailableError);
    const broken = WhisperSpeechToText.load({
      modelPath: WHISPER_FIXTURE,
      loadModule: async () => {
        throw new Error("no binary for this platform");
      },
    });
    await expect(broken).rejects.toThrow(/whisper runtime .* could not be loaded: no binary/);
  });

  it("drops whisper's non-speech markers", () => {
    expect(cleanWhisperText(" [BLANK_AUDIO] ")).toBe("");
    expect(cleanWhisperText(" Do you have (music) red shoes?")).toBe("Do you have red shoes?");
  });
});

describe("choosing the recogniser", () => {
  it("uses the built-in one when configured so, or when whisper's model cannot be found", async () => {
    const sources = { utterances: ["do you have red shoes", "where is my order"] };
    const settings = { gpu: "cpu" as const, threads: 1, timeoutMs: 5000, genericWeight: 0 };
    const builtIn = await SpeechRecognizer.load({ settings: { ...settings, model: "builtin" }, sources, cacheDir });
    expect([builtIn.name, builtIn.tier]).toEqual(["pocketsphinx", "built-in"]);
    await builtIn.close();
    const missing = await SpeechRecognizer.load({ settings: { ...settings, model: "ggerganov/whisper.cpp" }, sources, cacheDir, resolve: { dataDir: cacheDir, hub: "http://127.0.0.1:9", allowDownload: false } });
    expect(missing.tier).toBe("built-in");
    await missing.close();
    // A present model with no whisper runtime installed still falls back to the built-in tier.
    const whisper = await SpeechRecognizer.load({ settings: { ...settings, model: WHISPER_FIXTURE }, sources, cacheDir });
    expect([whisper.name, whisper.tier]).toEqual(whisperInstalled ? ["whisper", "downloaded"] : ["pocketsphinx", "built-in"]);
    await whisper.close();
  });
});
