import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { nluTest } from "../../intents/cli.ts";
import { writeTinyBert } from "../fixtures/onnx/tiny-bert.ts";
import { OUT_OF_SCOPE } from "../../intents/types.ts";
import { shopHeldOut, shopTrain, unrelated } from "./classifier-data.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(os.tmpdir(), "concierge-nlu-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: (object | string)[]): string {
  const p = path.join(dir, name);
  writeFileSync(p, lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n");
  return p;
}

// A reduced set keeps the CLI tests quick; the classifier itself is tested in classifier.test.ts.
const keep = new Set(["order_status", "returns", "greet", "price"]);
const trainFile = file(
  "train.jsonl",
  shopTrain.filter((e) => keep.has(e.intent)),
);
const testFile = file("test.jsonl", [...shopHeldOut.filter((e) => keep.has(e.intent)), ...unrelated.slice(0, 3).map((text) => ({ text, intent: OUT_OF_SCOPE }))]);

function capture() {
  let out = "";
  let err = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  return {
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    restore() {
      o.mockRestore();
      e.mockRestore();
    },
  };
}

afterEach(() => vi.restoreAllMocks());

describe("concierge nlu test", () => {
  it("--json prints exactly the contract's keys on stdout", async () => {
    const io = capture();
    const code = await nluTest(["--train", trainFile, "--test", testFile, "--json"]);
    io.restore();
    expect(code).toBe(0);
    const lines = io.out.trim().split("\n");
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]);
    expect(Object.keys(result)).toEqual(["n", "accuracy", "inScopeAccuracy", "macroF1", "oosPrecision", "oosRecall", "confused", "seconds"]);
    expect(result.n).toBe(12);
    for (const key of ["accuracy", "inScopeAccuracy", "macroF1", "oosRecall"]) {
      expect(result[key]).toBeGreaterThanOrEqual(0);
      expect(result[key]).toBeLessThanOrEqual(1);
    }
    expect(result.inScopeAccuracy).toBeGreaterThanOrEqual(0.75);
    expect(result.seconds).toBeGreaterThan(0);
    for (const c of result.confused) expect(Object.keys(c)).toEqual(["expected", "predicted", "count"]);
  });

  it("prints a readable table without --json", async () => {
    const io = capture();
    const code = await nluTest(["--train", trainFile, "--test", testFile]);
    io.restore();
    expect(code).toBe(0);
    for (const row of ["accuracy", "in-scope accuracy", "macro-F1", "out-of-scope precision", "out-of-scope recall", "seconds", "Most confused"]) {
      expect(io.out).toContain(row);
    }
  });

  it("skips a bad JSON line with a warning naming the file and line, and refuses it with --strict", async () => {
    const bad = file("bad-json.jsonl", [...shopTrain.filter((e) => keep.has(e.intent)), "", '{"text": "hi", "intent": "greet"', { text: "hey", intent: "greet" }]);
    const badLine = shopTrain.filter((e) => keep.has(e.intent)).length + 2;
    let io = capture();
    let code = await nluTest(["--train", bad, "--test", testFile, "--json"]);
    io.restore();
    expect(code, io.err).toBe(0);
    expect(io.err).toContain(`warning: --train: skipped 1 invalid line in ${bad} (line ${badLine}: not valid JSON`);
    expect(io.err).toContain("--strict");
    expect(JSON.parse(io.out).n).toBe(12);

    io = capture();
    code = await nluTest(["--train", bad, "--test", testFile, "--strict"]);
    io.restore();
    expect(code).toBe(1);
    expect(io.err).toContain(`${bad} line ${badLine}`);
    expect(io.err).toMatch(/not valid JSON/);
    expect(io.out).toBe("");
  });

  it("counts the invalid lines and names the first few, the line and the field of each", async () => {
    const lines: (object | string)[] = [{ text: "where is my order", intent: "order_status" }];
    for (let i = 0; i < 7; i++) lines.push(i % 2 ? { text: "where is my order" } : { text: 42, intent: "greet" });
    lines.push({ text: "i want a refund", intent: "returns" });
    const mixed = file("mixed.jsonl", lines);
    const io = capture();
    expect(await nluTest(["--train", trainFile, "--test", mixed, "--json"])).toBe(0);
    io.restore();
    expect(io.err).toContain(`--test: skipped 7 invalid lines in ${mixed}`);
    expect(io.err).toContain("line 2: text");
    expect(io.err).toContain("line 3: intent");
    expect(io.err).toContain("line 6: text");
    expect(io.err).not.toContain("line 7:");
    expect(io.err).toContain("… and 2 more");
    // Only the valid lines were evaluated.
    expect(JSON.parse(io.out).n).toBe(2);
  });

  it("refuses a file with no valid line left, naming the line and the field", async () => {
    const wrongType = file("wrong-type.jsonl", [{ text: 42, intent: "greet" }]);
    let io = capture();
    expect(await nluTest(["--train", wrongType, "--test", testFile])).toBe(1);
    io.restore();
    expect(io.err).toContain(`--train: ${wrongType} has no valid examples`);
    expect(io.err).toContain("line 1: text");

    const array = file("array.jsonl", ['["hello", "greet"]', "", '{"text": ""}']);
    io = capture();
    expect(await nluTest(["--train", trainFile, "--test", array])).toBe(1);
    io.restore();
    expect(io.err).toContain(`--test: ${array} has no valid examples: 2 invalid lines`);
    expect(io.err).toContain("line 1: expected an object");
    expect(io.err).toContain("line 3: text");

    const missing = file("missing.jsonl", [{ text: "hello", intent: "greet" }, { text: "where is my order" }]);
    io = capture();
    expect(await nluTest(["--train", trainFile, "--test", missing, "--strict"])).toBe(1);
    io.restore();
    expect(io.err).toContain(`${missing} line 2: intent`);
  });

  it("refuses a missing file, an empty file and a file with no in-scope intent", async () => {
    const io = capture();
    expect(await nluTest(["--train", path.join(dir, "nope.jsonl"), "--test", testFile])).not.toBe(0);
    expect(await nluTest(["--train", file("empty.jsonl", [""]), "--test", testFile])).not.toBe(0);
    expect(await nluTest(["--train", file("all-oos.jsonl", [{ text: "tell me a joke", intent: OUT_OF_SCOPE }]), "--test", testFile])).not.toBe(0);
    io.restore();
    expect(io.err).toMatch(/--train: file not found: .*nope\.jsonl/);
    expect(io.err).toMatch(/has no examples/);
    expect(io.err).toMatch(/no in-scope/);
  });

  it("answers bad usage with exit code 2 and the usage", async () => {
    const io = capture();
    expect(await nluTest(["--train", trainFile])).toBe(2);
    expect(await nluTest(["--train", trainFile, "--test", testFile, "--bogus"])).toBe(2);
    expect(await nluTest(["--train", trainFile, "--test", testFile, "--seed", "x"])).toBe(1);
    expect(await nluTest(["--train", trainFile, "--test", testFile, "--min-confidence", "1.5"])).toBe(1);
    io.restore();
    expect(io.err).toContain("--min-confidence: expected a probability");
    expect(io.err).toContain("--test is required");
    expect(io.err).toContain("usage: concierge nlu test");
  });

  it("--embeddings trains again with the downloaded model's vectors joined, and shows both", async () => {
    const models = path.join(dir, "models");
    await writeTinyBert(models, "test-org/tiny-bert", { hidden: 12 });
    const saved = { ...process.env };
    Object.assign(process.env, { CONCIERGE_MODELS_DIR: models, CONCIERGE_EMBEDDING_MODEL: "test-org/tiny-bert", CONCIERGE_DATA_DIR: path.join(dir, "data"), CONCIERGE_ALLOW_DOWNLOADS: "false" });
    try {
      let io = capture();
      const code = await nluTest(["--train", trainFile, "--test", testFile, "--embeddings"]);
      io.restore();
      expect(code, io.err).toBe(0);
      expect(io.out).toContain("built-in");
      expect(io.out).toContain("+ embeddings");
      expect(io.out).toContain("Most confused (+ embeddings)");

      process.env.CONCIERGE_EMBEDDING_MODEL = "test-org/not-there";
      io = capture();
      expect(await nluTest(["--train", trainFile, "--test", testFile, "--embeddings", "--json"])).toBe(1);
      io.restore();
      expect(io.err).toContain("test-org/not-there");
      expect(io.out).toBe("");
    } finally {
      process.env = saved;
    }
  });

  it("runs as `concierge nlu test` from the command line, JSON alone on stdout", async () => {
    const { stdout } = await run(process.execPath, [path.join(root, "bin/concierge.js"), "nlu", "test", "--train", trainFile, "--test", testFile, "--json"], {
      cwd: root,
      env: { ...process.env, CONCIERGE_QUIET: "" },
    });
    expect(Object.keys(JSON.parse(stdout))).toContain("oosRecall");
    const bad = file("cli-bad.jsonl", ["nonsense", "{}"]);
    const failed = await run(process.execPath, [path.join(root, "bin/concierge.js"), "nlu", "test", "--train", bad, "--test", testFile], { cwd: root }).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`${bad} has no valid examples`);
    expect(failed.stderr).toContain("line 2: text");
  });
});
