import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CliIo, type ModelStatus, modelsList, modelsPull } from "../../core/models-cli.ts";
import { type HubServer, startHubServer } from "../fixtures/onnx/hub-server.ts";
import { tinyBertFiles } from "../fixtures/onnx/tiny-bert.ts";

const ID = "test-org/tiny-bert";
const files = tinyBertFiles();
const kB = `${(Object.values(files).reduce((n, b) => n + b.length, 0) / 1e3).toFixed(1)} kB`;
const shared = process.env.CONCIERGE_MODELS_DIR;
const hasSilero = Boolean(shared && existsSync(path.join(shared, "silero-vad", "silero_vad.onnx")));

let tmp: string;
let server: HubServer;

function io(env: NodeJS.ProcessEnv): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (l) => stdout.push(l), err: (l) => stderr.push(l), env, stdout, stderr };
}

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    CONCIERGE_DATA_DIR: path.join(tmp, "data"),
    CONCIERGE_MODEL_HUB: server.url,
    CONCIERGE_EMBEDDING_MODEL: ID,
    CONCIERGE_QUIET: "1",
    ...extra,
  };
}

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "concierge-models-cli-"));
  server = await startHubServer({ [ID]: files });
});
afterEach(async () => {
  await server.close();
  await rm(tmp, { recursive: true, force: true });
});

describe("concierge models pull", () => {
  it.skipIf(!hasSilero)("with no id, fetches the configured models into ./data/models and reports those already provided", async () => {
    const run = io(env({ CONCIERGE_MODELS_DIR: shared }));
    expect(await modelsPull([], run)).toBe(0);
    const cache = path.join(tmp, "data", "models", "test-org", "tiny-bert");
    expect(run.stdout).toContain(`${ID}: downloaded to ${cache} (${kB})`);
    expect(run.stdout).toContain(`deepghs/silero-vad-onnx: already present in ${path.join(shared!, "silero-vad")} (models-dir)`);
    expect(Buffer.compare(await readFile(path.join(cache, "onnx", "model.onnx")), Buffer.from(files["onnx/model.onnx"]!))).toBe(0);

    const again = io(env({ CONCIERGE_MODELS_DIR: shared }));
    const before = server.requests.length;
    expect(await modelsPull([ID], again)).toBe(0);
    expect(again.stdout).toEqual([`${ID}: already present in ${cache} (cache)`]);
    expect(server.requests.length).toBe(before);
  });

  it("with --models-dir, lands the model in DIR/<id>, ready to copy to an air-gapped machine", async () => {
    const dir = path.join(tmp, "carry");
    const run = io(env());
    expect(await modelsPull([ID, "--models-dir", dir], run)).toBe(0);
    expect(existsSync(path.join(dir, "test-org", "tiny-bert", "tokenizer.json"))).toBe(true);
    expect(existsSync(path.join(tmp, "data", "models"))).toBe(false);
    expect(run.stdout[0]).toContain(`downloaded to ${path.join(dir, "test-org", "tiny-bert")}`);
  });

  it("exits non-zero with the URL when the hub does not have the model, and still pulls the others", async () => {
    const run = io(env());
    expect(await modelsPull(["test-org/absent", ID], run)).toBe(1);
    expect(run.stderr.join("\n")).toContain(`could not pull test-org/absent`);
    expect(run.stderr.join("\n")).toContain(`${server.url}/test-org/absent/resolve/main/config.json answered HTTP 404`);
    expect(run.stdout).toEqual([`${ID}: downloaded to ${path.join(tmp, "data", "models", "test-org", "tiny-bert")} (${kB})`]);
  });

  it("refuses a malformed id or option with usage exit code 2", async () => {
    const bad = io(env());
    expect(await modelsPull(["../etc"], bad)).toBe(2);
    expect(bad.stderr.join("\n")).toMatch(/letters, digits/);
    const flag = io(env());
    expect(await modelsPull(["--to", "x"], flag)).toBe(2);
    expect(flag.stderr[0]).toContain("unknown option --to");
    expect(server.requests).toEqual([]);
  });
});

describe("concierge models list", () => {
  it("shows each model's kind, whether it is used, and where it is", async () => {
    await modelsPull([ID], io(env()));
    const run = io(env({ CONCIERGE_MODELS_DIR: shared }));
    expect(await modelsList(["--json"], run)).toBe(0);
    const statuses = JSON.parse(run.stdout.join("\n")) as ModelStatus[];
    const tiny = statuses.find((s) => s.id === ID)!;
    expect(tiny).toMatchObject({ kind: "sentence-embedding", configured: true, present: true, source: "cache" });
    const e5 = statuses.find((s) => s.id === "Xenova/multilingual-e5-small")!;
    expect(e5).toMatchObject({ configured: false, present: false });
    expect(e5.searched!.some((s) => s.includes(path.join("models", "Xenova", "multilingual-e5-small")))).toBe(true);
    if (hasSilero) expect(statuses.find((s) => s.kind === "voice-activity")).toMatchObject({ present: true, source: "models-dir" });

    const table = io(env());
    expect(await modelsList([], table)).toBe(0);
    expect(table.stdout[0]).toMatch(/^MODEL\s+KIND\s+USED\s+WHERE$/);
    expect(table.stdout.find((l) => l.startsWith("Xenova/multilingual-e5-small"))).toContain("missing");
  });
});
