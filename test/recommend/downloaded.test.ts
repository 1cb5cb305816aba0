import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelUnavailableError } from "../../core/errors.ts";
import { embeddingModelSpec, type ModelSpec } from "../../core/models.ts";
import { createDownloadedEmbedder, type DownloadedEmbedder } from "../../recommend/embedders/downloaded.ts";
import { startHubServer } from "../fixtures/onnx/hub-server.ts";
import { tinyBertFiles, writeTinyBert } from "../fixtures/onnx/tiny-bert.ts";

const HIDDEN = 12;
let tmp: string;
let modelsDir: string;
const opened: DownloadedEmbedder[] = [];

const config = (over: Partial<Parameters<typeof createDownloadedEmbedder>[0]> = {}) => ({
  modelsDir,
  dataDir: path.join(tmp, "data"),
  modelHub: "http://127.0.0.1:9",
  allowDownloads: false,
  embeddingModel: "test-org/tiny-bert",
  ...over,
});

async function open(...args: Parameters<typeof createDownloadedEmbedder>): Promise<DownloadedEmbedder> {
  const e = await createDownloadedEmbedder(...args);
  opened.push(e);
  return e;
}

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "concierge-embed-"));
  modelsDir = path.join(tmp, "models");
  await writeTinyBert(modelsDir, "test-org/tiny-bert", { hidden: HIDDEN });
  await writeTinyBert(modelsDir, "test-org/tiny-bert-q8", { hidden: HIDDEN, seed: 2, onnxFile: "onnx/model_quantized.onnx" });
});
afterAll(async () => {
  await Promise.all(opened.map((e) => e.close().catch(() => {})));
  await rm(tmp, { recursive: true, force: true });
});

describe("the downloaded sentence-embedding tier (transformers.js on a generated ONNX BERT)", () => {
  it("loads the model from CONCIERGE_MODELS_DIR and returns unit vectors of the model's dimension", async () => {
    const e = await open(config());
    expect(e).toMatchObject({ tier: "downloaded", dimensions: HIDDEN, dtype: "fp32", source: "models-dir", id: "downloaded:test-org/tiny-bert:fp32" });
    const vectors = await e.embed(["red running shoes", "warm wool socks", "红色鞋", ""]);
    expect(vectors).toHaveLength(4);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(HIDDEN);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(await e.embed([])).toEqual([]);
  });

  it("gives identical texts identical vectors and different texts different ones", async () => {
    const e = await open(config());
    const [a, b, c] = await e.embed(["red running shoes", "red running shoes", "blue rain coat"]);
    expect(Array.from(a!)).toEqual(Array.from(b!));
    expect(cosine(a!, c!)).toBeLessThan(0.999);
    // Case and accents are the tokenizer's business (BERT lower-cases): same tokens, same vector.
    const [upper] = await e.embed(["RED Running SHOES"]);
    expect(Array.from(upper!)).toEqual(Array.from(a!));
  });

  it("batches concurrent callers without changing any vector", async () => {
    const e = await open(config(), undefined, { batchSize: 4 });
    const texts = Array.from({ length: 11 }, (_, i) => ["red shoes", "blue wool jacket for the rain", "cheap socks", "green"][i % 4]! + " " + "a ".repeat(i));
    const alone: Float32Array[] = [];
    for (const t of texts) alone.push((await e.embed([t]))[0]!);
    // Concurrent calls from "different conversations" share padded batches.
    const together = (await Promise.all([e.embed(texts.slice(0, 5)), e.embed(texts.slice(5))])).flat();
    together.forEach((v, i) => {
      for (let d = 0; d < HIDDEN; d++) expect(v[d]).toBeCloseTo(alone[i]![d]!, 5);
    });
  });

  it("shares one loaded model across the process", async () => {
    const a = await open(config());
    const b = await open(config());
    expect(Array.from((await a.embed(["wool"]))[0]!)).toEqual(Array.from((await b.embed(["wool"]))[0]!));
  });

  it("uses the quantized export (q8) when that is the file present", async () => {
    const e = await open(config({ embeddingModel: "test-org/tiny-bert-q8" }));
    expect(e.dtype).toBe("q8");
    expect(e.id).toBe("downloaded:test-org/tiny-bert-q8:q8");
    const [v] = await e.embed(["red shoes"]);
    expect(norm(v!)).toBeCloseTo(1, 5);
  });

  it("encodes queries and passages with the model's prefixes (e5)", async () => {
    const e5: ModelSpec = { ...embeddingModelSpec("test-org/tiny-bert"), prefixes: { query: "query: ", passage: "passage: " } };
    const withPrefixes = await open(config(), undefined, { spec: e5 });
    const plain = await open(config());
    const [q] = await withPrefixes.embedQueries(["red shoes"]);
    const [p] = await withPrefixes.embed(["red shoes"]);
    expect(Array.from(q!)).toEqual(Array.from((await plain.embed(["query: red shoes"]))[0]!));
    expect(Array.from(p!)).toEqual(Array.from((await plain.embed(["passage: red shoes"]))[0]!));
    expect(Array.from(q!)).not.toEqual(Array.from(p!));
    // Without prefixes, queries and passages are embedded alike.
    expect(Array.from((await plain.embedQueries(["red shoes"]))[0]!)).toEqual(Array.from((await plain.embed(["red shoes"]))[0]!));
  });

  it("downloads the model when allowed and it is nowhere local", async () => {
    const server = await startHubServer({ "test-org/hub-bert": tinyBertFiles({ hidden: 6 }) });
    try {
      const e = await open(config({ embeddingModel: "test-org/hub-bert", modelHub: server.url, allowDownloads: true }));
      expect(e).toMatchObject({ source: "download", dimensions: 6, dir: path.join(tmp, "data", "models", "test-org", "hub-bert") });
      expect((await e.embed(["rain coat"]))[0]!.length).toBe(6);
    } finally {
      await server.close();
    }
  });

  it("fails with ModelUnavailableError — so start-up keeps the built-in tier — when absent, turned off or broken", async () => {
    const absent = await createDownloadedEmbedder(config({ embeddingModel: "Xenova/multilingual-e5-small" })).catch((e) => e);
    expect(absent).toBeInstanceOf(ModelUnavailableError);
    expect(absent.message).toContain('model "Xenova/multilingual-e5-small"');
    expect(absent.message).toContain("concierge models pull Xenova/multilingual-e5-small");

    const off = await createDownloadedEmbedder(config({ embeddingModel: "none" })).catch((e) => e);
    expect(off).toBeInstanceOf(ModelUnavailableError);
    expect(off.message).toContain("CONCIERGE_EMBEDDING_MODEL=none");

    const dir = await writeTinyBert(modelsDir, "test-org/broken", { hidden: HIDDEN });
    await writeFile(path.join(dir, "onnx", "model.onnx"), "not an onnx model");
    const broken = await createDownloadedEmbedder(config({ embeddingModel: "test-org/broken" })).catch((e) => e);
    expect(broken).toBeInstanceOf(ModelUnavailableError);
    expect(broken.message).toContain(`model "test-org/broken" in ${dir} did not load`);
    // The failure is not cached: a repaired model loads on the next try.
    await writeTinyBert(modelsDir, "test-org/broken", { hidden: HIDDEN });
    expect((await open(config({ embeddingModel: "test-org/broken" }))).dimensions).toBe(HIDDEN);
  });
});
