import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { composeGroundedReply, loadLanguageModel } from "../../llm/index.ts";
import { hasToyModel, TOY_MODEL, TOY_RELATIVE } from "./toy-model.ts";

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "concierge-llm-load-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function capture() {
  const lines: { level: number; msg: string; reason?: string }[] = [];
  const logger = pino({ level: "debug" }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

function config(env: Record<string, string>) {
  return loadConfig({ CONCIERGE_DATA_DIR: path.join(tmp, "data"), CONCIERGE_LLM_GPU: "cpu", CONCIERGE_LLM_THREADS: "1", CONCIERGE_LLM_CONTEXT_SIZE: "512", ...env });
}

describe("loading the language model from configuration", () => {
  it('is off with "none": templated replies, said once in the log', async () => {
    const { logger, lines } = capture();
    expect(await loadLanguageModel(config({ CONCIERGE_LLM_MODEL: "none" }), logger)).toBeUndefined();
    expect(lines.map((l) => l.msg)).toEqual([expect.stringContaining("LLM off")]);
  });

  it("falls back with a logged reason when the file is missing", async () => {
    const { logger, lines } = capture();
    const missing = path.join(tmp, "absent.gguf");
    expect(await loadLanguageModel(config({ CONCIERGE_LLM_MODEL: missing }), logger)).toBeUndefined();
    expect(lines[0]).toMatchObject({ level: 40, msg: expect.stringContaining("templates") });
    expect(lines[0]!.reason).toContain(missing);
    // And the dialogs still answer.
    const reply = await composeGroundedReply(undefined, { message: "hat?", locale: "en", products: [{ id: "a", title: "Hat" }], fallbackText: "Here you go." });
    expect(reply).toMatchObject({ text: "Here you go.", usedModel: false, reason: "no_model" });
  });

  it("falls back with a logged reason when the file is not a GGUF model", async () => {
    const garbage = path.join(tmp, "garbage.gguf");
    await writeFile(garbage, Buffer.from([0x13, 0x37, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03, 0x04]));
    const { logger, lines } = capture();
    expect(await loadLanguageModel(config({ CONCIERGE_LLM_MODEL: garbage }), logger)).toBeUndefined();
    const warn = lines.find((l) => l.level === 40)!;
    expect(warn.msg).toContain("failed to load");
    expect(warn.reason).toMatch(/GGUF/);
  });

  it("explains how to provide the default registry model when it is not on this machine", async () => {
    const { logger, lines } = capture();
    expect(await loadLanguageModel(config({}), logger)).toBeUndefined();
    expect(lines[0]!.reason).toContain("Qwen/Qwen2.5-1.5B-Instruct-GGUF");
    expect(lines[0]!.reason).toContain("qwen2.5-1.5b-instruct-q4_k_m.gguf");
    expect(lines[0]!.reason).toContain("CONCIERGE_MODELS_DIR");
  });

  it("refuses an id that is neither a file nor a known language model, listing the known ones", async () => {
    const { logger, lines } = capture();
    expect(await loadLanguageModel(config({ CONCIERGE_LLM_MODEL: "Xenova/multilingual-e5-small" }), logger)).toBeUndefined();
    expect(lines[0]!.reason).toMatch(/neither a \.gguf file nor a known language model \(Qwen/);
  });

  it.skipIf(!hasToyModel)("finds a .gguf named relative to CONCIERGE_MODELS_DIR and loads it on the CPU", async () => {
    const { logger, lines } = capture();
    const model = await loadLanguageModel(config({ CONCIERGE_MODELS_DIR: process.env.CONCIERGE_MODELS_DIR!, CONCIERGE_LLM_MODEL: TOY_RELATIVE, CONCIERGE_LLM_SEQUENCES: "3" }), logger);
    try {
      expect(model?.info).toMatchObject({ path: TOY_MODEL, backend: "cpu", threads: 1, sequences: 3, contextSize: 512 });
      expect(lines.find((l) => l.msg.includes("LLM ready"))).toBeTruthy();
    } finally {
      await model?.close();
    }
  });
});
