import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelUnavailableError, ValidationError } from "../../core/errors.ts";
import {
  configuredModels,
  type DownloadProgress,
  embeddingModelSpec,
  findModelSpec,
  type ModelSpec,
  modelCacheDir,
  resolveModel,
} from "../../core/models.ts";
import { type HubServer, startHubServer } from "../fixtures/onnx/hub-server.ts";
import { tinyBertFiles, writeTinyBert } from "../fixtures/onnx/tiny-bert.ts";

const ID = "test-org/tiny-bert";
const spec: ModelSpec = embeddingModelSpec(ID);
const files = tinyBertFiles();

let tmp: string;
let modelsDir: string;
let dataDir: string;
const servers: HubServer[] = [];

async function hub(behaviour = {}): Promise<HubServer> {
  const server = await startHubServer({ [ID]: files }, behaviour);
  servers.push(server);
  return server;
}

beforeEach(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "concierge-models-"));
  modelsDir = path.join(tmp, "models");
  dataDir = path.join(tmp, "data");
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await rm(tmp, { recursive: true, force: true });
});

const noHub = "http://127.0.0.1:9"; // never contacted when downloads are off

describe("resolveModel: where a model comes from", () => {
  it("prefers CONCIERGE_MODELS_DIR over the cache, and the cache over a download", async () => {
    const server = await hub();
    const provided = await writeTinyBert(modelsDir, ID);
    const cached = await writeTinyBert(path.join(dataDir, "models"), ID);
    expect(cached).toBe(modelCacheDir(dataDir, ID));

    const first = await resolveModel(spec, { modelsDir, dataDir, hub: server.url, allowDownload: true });
    expect(first).toMatchObject({ dir: provided, source: "models-dir" });
    expect(first.files["onnx/model_quantized.onnx"]).toBe(path.join(provided, "onnx", "model.onnx"));

    await rm(provided, { recursive: true });
    const second = await resolveModel(spec, { modelsDir, dataDir, hub: server.url, allowDownload: true });
    expect(second).toMatchObject({ dir: cached, source: "cache" });
    expect(server.requests).toEqual([]);
  });

  it("accepts a models folder named by the id's last part, and skips a folder missing a required file", async () => {
    const byName = await writeTinyBert(modelsDir, "tiny-bert");
    const r = await resolveModel(spec, { modelsDir, dataDir, hub: noHub, allowDownload: false });
    expect(r).toMatchObject({ dir: byName, source: "models-dir" });

    await rm(path.join(byName, "tokenizer.json"));
    const err = await resolveModel(spec, { modelsDir, dataDir, hub: noHub, allowDownload: false }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toContain(`${byName} (lacks tokenizer.json)`);
  });

  it("names the model, the files, the folders searched and every way to provide it when absent and downloads are off", async () => {
    const err = await resolveModel(spec, { modelsDir, dataDir, hub: "https://hub.example", allowDownload: false }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.code).toBe("model_unavailable");
    const m: string = err.message;
    expect(m).toContain(`model "${ID}"`);
    expect(m).toContain("onnx/model_quantized.onnx (or onnx/model.onnx)");
    expect(m).toContain(path.join(modelsDir, "test-org", "tiny-bert"));
    expect(m).toContain(path.join(modelsDir, "tiny-bert"));
    expect(m).toContain(modelCacheDir(dataDir, ID));
    expect(m).toContain("CONCIERGE_MODELS_DIR");
    expect(m).toContain(`concierge models pull ${ID}`);
    expect(m).toContain("CONCIERGE_ALLOW_DOWNLOADS=1");
    expect(existsSync(modelCacheDir(dataDir, ID))).toBe(false);
  });

  it("downloads into the cache with progress, following redirects, then serves from the cache", async () => {
    const server = await hub({ redirect: true });
    const progress: (DownloadProgress & { modelId: string })[] = [];
    const r = await resolveModel(spec, { modelsDir, dataDir, hub: server.url, allowDownload: true, onProgress: (p) => progress.push(p) });
    expect(r).toMatchObject({ dir: modelCacheDir(dataDir, ID), source: "download" });
    for (const [file, bytes] of Object.entries(files)) {
      expect(Buffer.compare(await readFile(path.join(r.dir, file)), Buffer.from(bytes))).toBe(0);
      const last = progress.filter((p) => p.file === file).at(-1);
      expect(last).toMatchObject({ modelId: ID, receivedBytes: bytes.length, totalBytes: bytes.length });
    }
    // Each file it has fetched once through the redirect; the quantized export (absent here) asked for, then its fp32 alternative.
    expect(server.requests).toContain(`/${ID}/resolve/main/onnx/model_quantized.onnx`);
    expect(server.requests.filter((p) => p.startsWith("/cdn/"))).toHaveLength(Object.keys(files).length);
    expect(server.requests).toContain(`/${ID}/resolve/main/special_tokens_map.json`);
    expect((await readdir(path.join(r.dir, "onnx"))).filter((f) => f.includes(".part"))).toEqual([]);

    const before = server.requests.length;
    const again = await resolveModel(spec, { modelsDir, dataDir, hub: server.url, allowDownload: true });
    expect(again).toMatchObject({ dir: r.dir, source: "cache" });
    expect(server.requests.length).toBe(before);
  });

  it.each([404, 500])("fails clearly, naming the URL, when the hub answers %i — and leaves nothing half-written", async (status) => {
    const server = await hub({ status });
    const err = await resolveModel(spec, { modelsDir, dataDir, hub: server.url, allowDownload: true }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toContain(`${server.url}/${ID}/resolve/main/config.json answered HTTP ${status}`);
    expect(err.message).toContain(`concierge models pull ${ID}`);
    expect(existsSync(path.join(modelCacheDir(dataDir, ID), "config.json"))).toBe(false);
  });

  it("times out a hub that never answers, and one that stalls mid-file", async () => {
    for (const behaviour of [{ hang: true }, { stallMidway: true }]) {
      const server = await hub(behaviour);
      const err = await resolveModel(spec, { modelsDir, dataDir, hub: server.url, allowDownload: true, timeoutMs: 300 }).catch((e) => e);
      expect(err).toBeInstanceOf(ModelUnavailableError);
      expect(err.message).toContain(`${server.url}/${ID}/resolve/main/config.json`);
      expect(err.message).toContain("timed out");
      const left = existsSync(modelCacheDir(dataDir, ID)) ? await readdir(modelCacheDir(dataDir, ID)) : [];
      expect(left).toEqual([]);
    }
  });

  it("rejects a file cut short against its Content-Length", async () => {
    const server = await hub({ truncate: true });
    const err = await resolveModel(spec, { modelsDir, dataDir, hub: server.url, allowDownload: true }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toContain(`${server.url}/${ID}/resolve/main/config.json`);
    expect(existsSync(path.join(modelCacheDir(dataDir, ID), "config.json"))).toBe(false);
  });

  it("names the URL when nothing listens there", async () => {
    const server = await hub();
    const url = server.url;
    await server.close();
    const err = await resolveModel(spec, { modelsDir, dataDir, hub: url, allowDownload: true, timeoutMs: 2000 }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toContain(`${url}/${ID}/resolve/main/config.json`);
    expect(err.message).toContain("ECONNREFUSED");
  });

  it("checks a declared sha256", async () => {
    const server = await hub();
    const pinned: ModelSpec = { ...spec, files: [{ path: "config.json", required: true, sha256: "0".repeat(64) }] };
    const err = await resolveModel(pinned, { modelsDir, dataDir, hub: server.url, allowDownload: true }).catch((e) => e);
    expect(err.message).toContain("does not match the expected");
    expect(existsSync(path.join(modelCacheDir(dataDir, ID), "config.json"))).toBe(false);
  });
});

describe("model specs", () => {
  it("finds files an npm dependency ships after the shop's own copies, and never downloads them", async () => {
    const silero = findModelSpec("silero-vad");
    if (!silero) throw new Error("silero-vad is in the registry");
    const bundled = await resolveModel(silero, { modelsDir, dataDir, hub: "http://127.0.0.1:9", allowDownload: false });
    expect(bundled.source).toBe("npm");
    expect(bundled.dir).toMatch(/node_modules\/@jjhbw\/silero-vad\/weights$/);
    expect(existsSync(bundled.files["silero_vad.onnx"])).toBe(true);
    // A copy of the shop's own wins.
    const own = path.join(modelsDir, "silero-vad");
    await mkdir(own, { recursive: true });
    await copyFile(bundled.files["silero_vad.onnx"], path.join(own, "silero_vad.onnx"));
    expect(await resolveModel(silero, { modelsDir, dataDir, hub: "http://127.0.0.1:9", allowDownload: false })).toMatchObject({ source: "models-dir", dir: own });
    // A package that is not installed is simply not a place to look.
    const absent = { ...silero, id: "test-org/absent-vad", aliases: [], npm: { package: "@concierge-test/not-installed", dir: "weights" } };
    await expect(resolveModel(absent, { dataDir, hub: "http://127.0.0.1:9", allowDownload: false })).rejects.toThrow(ModelUnavailableError);
  });

  it("refuses ids that could escape the models folders", async () => {
    expect(() => embeddingModelSpec("../etc")).toThrow(ValidationError);
    expect(() => embeddingModelSpec("a/b/c")).toThrow(/CONCIERGE_EMBEDDING_MODEL/);
    const bad = { ...spec, id: "../../x" };
    await expect(resolveModel(bad, { dataDir, hub: noHub, allowDownload: false })).rejects.toThrow(/model spec/);
  });

  it("knows e5's query/passage prefixes and turns a role off with none", () => {
    expect(embeddingModelSpec("Xenova/multilingual-e5-small").prefixes).toEqual({ query: "query: ", passage: "passage: " });
    expect(embeddingModelSpec("Xenova/multilingual-e5-base").prefixes?.query).toBe("query: ");
    expect(embeddingModelSpec("Xenova/all-MiniLM-L6-v2").prefixes).toBeUndefined();
    expect(configuredModels({ embeddingModel: "Xenova/multilingual-e5-small" }).map((s) => s.id)).toEqual([
      "Xenova/multilingual-e5-small",
      "deepghs/silero-vad-onnx",
    ]);
    expect(configuredModels({ embeddingModel: "none", vadModel: "none" })).toEqual([]);
  });
});

describe("the real models folder (CONCIERGE_MODELS_DIR)", () => {
  const shared = process.env.CONCIERGE_MODELS_DIR;
  const hasSilero = Boolean(shared && existsSync(path.join(shared, "silero-vad", "silero_vad.onnx")));
  it.skipIf(!hasSilero)("resolves Silero VAD from its folder there, with no download", async () => {
    const silero = findModelSpec("silero-vad")!;
    expect(silero.kind).toBe("voice-activity");
    const r = await resolveModel(silero, { modelsDir: shared, dataDir, hub: noHub, allowDownload: false });
    expect(r).toEqual({
      dir: path.join(shared!, "silero-vad"),
      source: "models-dir",
      files: { "silero_vad.onnx": path.join(shared!, "silero-vad", "silero_vad.onnx") },
    });
    // Real ONNX bytes: a protobuf whose first field is ir_version (tag 0x08).
    const head = (await readFile(r.files["silero_vad.onnx"]!)).subarray(0, 1);
    expect(head[0]).toBe(0x08);
  });

  it("treats a models folder that does not exist as absent, not as an error", async () => {
    const err = await resolveModel(spec, { modelsDir: path.join(tmp, "nope"), dataDir, hub: noHub, allowDownload: false }).catch((e) => e);
    expect(err).toBeInstanceOf(ModelUnavailableError);
    expect(err.message).toContain(`${path.join(tmp, "nope", "test-org", "tiny-bert")} (absent)`);
  });
});
