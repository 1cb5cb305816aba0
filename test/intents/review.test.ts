import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { nluAdd, nluReview } from "../../intents/review/cli.ts";
import { groupForReview, type ReviewItem, ReviewingUnderstander, ReviewLog, readReviewLog, reviewLogFiles } from "../../intents/review/index.ts";
import { loadShopIntents, loadTrainingIntents, shopIntentFile } from "../../intents/shop-intents.ts";
import { loadShippedIntents } from "../../intents/shipped.ts";
import type { Understander, Understanding } from "../../intents/types.ts";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "concierge-review-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** An understander that answers what the test says, so the review rule is tested on its own. */
function answering(intent: string, confidence: number): Understander {
  return {
    understand: (text): Understanding => ({
      locale: /\p{Script=Han}/u.test(text) ? "zh" : "en",
      intent,
      confidence,
      ranking: [{ intent, score: confidence }],
      entities: { categories: [], brands: [], colors: [], sizes: [] },
      sentiment: { label: "neutral", score: 0 },
    }),
  };
}


describe("the review log", () => {
  it("keeps out-of-scope and unsure messages, redacted, and not confident ones", async () => {
    const dir = tempDir();
    const log = new ReviewLog(dir);
    new ReviewingUnderstander(answering("oos", 0.9), log, { unsureBelow: 0.6 }).understand("mail me at ada@example.com about gift wrap");
    new ReviewingUnderstander(answering("shipping", 0.55), log, { unsureBelow: 0.6 }).understand("can it come by tuesday");
    new ReviewingUnderstander(answering("shipping", 0.95), log, { unsureBelow: 0.6 }).understand("how long does shipping take");
    await log.add({ text: "last", locale: "en", intent: "oos", confidence: 0.1, at: Date.now() });
    const items = readReviewLog(dir);
    expect(items.map((i) => i.text)).toEqual(["last", "can it come by tuesday", expect.stringContaining("gift wrap")]);
    expect(items[2]!.text).not.toContain("ada@example.com");
    expect(items[1]).toMatchObject({ intent: "shipping", confidence: 0.55, seen: 1 });
  });

  it("counts a text met again, passes over a half-written line and rotates at its bound", async () => {
    const dir = tempDir();
    const log = new ReviewLog(dir, { rotateBytes: 300 });
    for (let i = 0; i < 12; i++) await log.add({ text: `message number ${i % 4}`, locale: "en", intent: "oos", confidence: 0.2, at: 1000 + i });
    appendFileSync(reviewLogFiles(dir).current, '{"text": "half wri');
    const { current, previous } = reviewLogFiles(dir);
    // Rotated: at most two files of about the bound each, the oldest lines gone.
    expect(readFileSync(current, "utf8").length).toBeLessThan(450);
    expect(readFileSync(previous, "utf8").length).toBeLessThan(450);
    const items = readReviewLog(dir);
    expect(items).toHaveLength(4);
    expect(items[0]).toMatchObject({ text: "message number 3", at: 1011 });
    expect(items.map((i) => i.text)).toEqual(["message number 3", "message number 2", "message number 1", "message number 0"]);
    expect(items.reduce((s, i) => s + i.seen, 0)).toBeLessThan(12);
  });

  it("never holds up a turn: beyond the pending bound a message is dropped", async () => {
    const dir = tempDir();
    const log = new ReviewLog(dir, { maxPending: 2 });
    const writes = Array.from({ length: 10 }, (_, i) => log.add({ text: `m${i}`, locale: "en", intent: "oos", confidence: 0, at: i }));
    await Promise.all(writes);
    expect(readReviewLog(dir).length).toBe(2);
  });
});

describe("grouping for review", () => {
  const item = (text: string, seen = 1, locale = "en"): ReviewItem => ({ text, locale, intent: "oos", confidence: 0.2, at: 0, seen });

  it("puts alike phrasing together and different questions apart, most met first", () => {
    const groups = groupForReview([
      item("do you do gift wrapping", 3),
      item("can you gift wrap my order"),
      item("is gift wrapping available", 2),
      item("where can I park my car"),
      item("where can I park near the shop"),
      item("你们提供礼品包装吗", 1, "zh"),
      item("可以礼品包装吗", 1, "zh"),
    ]);
    const sets = groups.map((g) => new Set(g.examples));
    const together = (a: string, b: string) => sets.some((s) => s.has(a) && s.has(b));
    expect(together("do you do gift wrapping", "can you gift wrap my order")).toBe(true);
    expect(together("do you do gift wrapping", "is gift wrapping available")).toBe(true);
    expect(together("where can I park my car", "where can I park near the shop")).toBe(true);
    expect(together("你们提供礼品包装吗", "可以礼品包装吗")).toBe(true);
    expect(together("do you do gift wrapping", "where can I park my car")).toBe(false);
    expect(groups[0]).toMatchObject({ size: 3, seen: 6, locale: "en" });
  });
});

describe("concierge nlu add and nlu review", () => {
  const env = process.env.CONCIERGE_DATA_DIR;
  afterEach(() => {
    vi.restoreAllMocks();
    process.env.CONCIERGE_DATA_DIR = env;
  });
  const capture = () => {
    let out = "";
    let err = "";
    vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => {
      out += String(c);
      return true;
    });
    vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => {
      err += String(c);
      return true;
    });
    return { out: () => out, err: () => err };
  };

  it("appends labelled lines to the shop's own data once, which then extends the shipped data", async () => {
    const dir = tempDir();
    process.env.CONCIERGE_DATA_DIR = dir;
    const file = path.join(dir, "labelled.jsonl");
    writeFileSync(file, `${JSON.stringify({ text: "do you gift wrap", intent: "capabilities" })}\n${JSON.stringify({ text: "parking?", intent: "oos" })}\n`);
    const io = capture();
    expect(await nluAdd([file, "--json"])).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ added: 2, alreadyThere: 0, file: shopIntentFile(dir), shopLines: 2 });
    expect(await nluAdd([file])).toBe(0);
    expect(loadShopIntents(dir)).toHaveLength(2);
    expect(loadTrainingIntents(dir).length).toBe(loadShippedIntents().length + 2);
  });

  it("refuses a file with an unknown intent, naming the line, and adds nothing", async () => {
    const dir = tempDir();
    process.env.CONCIERGE_DATA_DIR = dir;
    const file = path.join(dir, "bad.jsonl");
    writeFileSync(file, `${JSON.stringify({ text: "ok line", intent: "greet" })}\n${JSON.stringify({ text: "bad line", intent: "gift_wrap" })}\n`);
    capture();
    await expect(nluAdd([file])).rejects.toThrow(/bad\.jsonl:2: intent: must be one of the shop intents/);
    expect(loadShopIntents(dir)).toEqual([]);
  });

  it("lists unsure messages in groups, leaving out those already labelled", async () => {
    const dir = tempDir();
    process.env.CONCIERGE_DATA_DIR = dir;
    const log = new ReviewLog(dir);
    for (const text of ["do you gift wrap", "do you gift wrap", "can you gift wrap it", "where do I park"]) await log.add({ text, locale: "en", intent: "oos", confidence: 0.3, at: Date.now() });
    const labelled = path.join(dir, "labelled.jsonl");
    writeFileSync(labelled, `${JSON.stringify({ text: "Where do I park", intent: "oos" })}\n`);
    capture();
    await nluAdd([labelled]);
    vi.restoreAllMocks();
    const io = capture();
    expect(await nluReview(["--json"])).toBe(0);
    const report = JSON.parse(io.out()) as { messages: number; groups: { examples: string[]; seen: number }[] };
    expect(report.messages).toBe(2);
    expect(report.groups).toHaveLength(1);
    expect(report.groups[0]).toMatchObject({ seen: 3, examples: ["do you gift wrap", "can you gift wrap it"] });
    vi.restoreAllMocks();
    const text = capture();
    expect(await nluReview([])).toBe(0);
    expect(text.out()).toMatch(/2 messages .* 1 group/);
    expect(text.out()).toContain("concierge nlu add FILE");
  });
});
