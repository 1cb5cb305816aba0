import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import { readLabelledFile, skippedWarning } from "../../voice/eval/labelled.ts";
import { loadManifest } from "../../voice/eval/manifest.ts";

const dir = mkdtempSync(path.join(tmpdir(), "voice-labelled-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, lines: string[]) => {
  const p = path.join(dir, name);
  writeFileSync(p, `${lines.join("\n")}\n`);
  return p;
};

describe("labelled files for voice eval --train", () => {
  it("accepts any intent names and oos, exactly as nlu test --train reads them", () => {
    const lines = [
      { text: "what's the weather in Paris tomorrow", intent: "GetWeather" },
      { text: "play some jazz", intent: "PlayMusic" },
      { text: "  book a table for two  ", intent: "book_restaurant" },
      { text: "tell me a joke", intent: "oos" },
    ].map((l) => JSON.stringify(l));
    const p = file("custom.jsonl", ["", ...lines, ""]);
    const { items, skipped } = readLabelledFile(p, "--train");
    expect(skipped).toEqual([]);
    expect(items.map((i) => i.intent)).toEqual(["GetWeather", "PlayMusic", "book_restaurant", "oos"]);
    expect(items[2]!.text).toBe("book a table for two");
  });

  it("skips invalid lines, naming the first few and counting the rest; refuses only when nothing valid is left", () => {
    const p = file("mixed.jsonl", [
      JSON.stringify({ text: "play some jazz", intent: "PlayMusic" }),
      "{not json",
      JSON.stringify({ text: "", intent: "PlayMusic" }),
      JSON.stringify({ text: "no intent" }),
      JSON.stringify(["an", "array"]),
      JSON.stringify({ text: "rain tomorrow?", intent: "GetWeather" }),
      JSON.stringify({ text: "bad\u0000text", intent: "GetWeather" }),
    ]);
    const { items, skipped } = readLabelledFile(p, "--train");
    expect(items.map((i) => i.text)).toEqual(["play some jazz", "rain tomorrow?"]);
    expect(skipped.map((s) => s.line)).toEqual([2, 3, 4, 5, 7]);
    expect(skipped[1].reason).toMatch(/text: must not be empty/);
    expect(skipped[2].reason).toMatch(/intent:/);
    const warning = skippedWarning(p, skipped, 7);
    expect(warning).toMatch(/^skipped 5 invalid lines of 7 in .*mixed\.jsonl: line 2: not valid JSON .*; line 3: text: must not be empty; line 4: intent: .*; and 2 more$/);

    expect(() => readLabelledFile(p, "--train", { strict: true })).toThrow(/--train: .*mixed\.jsonl: 5 invalid lines \(--strict refuses any\): line 2: not valid JSON/);
    const none = file("none.jsonl", ["{oops", JSON.stringify({ text: "x" })]);
    const err = (() => {
      try {
        readLabelledFile(none, "--train");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/--train: .*none\.jsonl: no valid lines \(2 of 2 invalid\): line 1: not valid JSON .*; line 2: intent:/);
    expect(() => readLabelledFile(path.join(dir, "absent.jsonl"), "--train")).toThrow(/--train: file not found/);
  });

  it("reads a manifest leniently: a bad line or a missing audio file is skipped and reported", async () => {
    writeFileSync(path.join(dir, "a.wav"), "");
    const p = file("m.jsonl", [
      JSON.stringify({ wav: "a.wav", text: "hello", intent: "greet" }),
      JSON.stringify({ text: "no wav" }),
      JSON.stringify({ wav: "gone.wav", text: "x" }),
    ]);
    const m = await loadManifest(p);
    expect(m.items.map((i) => i.line)).toEqual([1]);
    expect(m.total).toBe(3);
    expect(m.skipped.map((s) => s.line)).toEqual([2, 3]);
    expect(m.skipped[0].reason).toMatch(/^wav:/);
    expect(m.skipped[1].reason).toMatch(/gone\.wav does not exist/);
    await expect(loadManifest(p, { strict: true })).rejects.toThrow(/--manifest: .*m\.jsonl: 2 invalid lines \(--strict refuses any\): line 2: wav:/);
    const empty = file("bad-only.jsonl", [JSON.stringify({ wav: "gone.wav", text: "x" })]);
    await expect(loadManifest(empty)).rejects.toThrow(/no valid lines \(1 of 1 invalid\): line 1: wav: .*gone\.wav does not exist/);
  });
});
