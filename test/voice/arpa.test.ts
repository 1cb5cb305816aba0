import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArpaModel, BOS, buildNgramModel, EOS, formatArpa, type NgramModel } from "../../voice/stt/arpa.ts";
import { readGenericModel } from "../../voice/stt/generic-lm.ts";
import { mixModels } from "../../voice/stt/mix.ts";
import { DEFAULT_HMM, GENERIC_LM } from "../../voice/stt/model-files.ts";

const dir = mkdtempSync(path.join(tmpdir(), "voice-arpa-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const corpus = ["do you have red shoes", "do you have blue shoes", "do you sell hats", "show me red hats", "red shoes please", "how much are the shoes", "do you have socks", "thanks"].map((s) => s.split(" "));

/** Σ_w P(w | h) over the model's vocabulary, for every context the model lists (and a few it does not). */
function sums(model: ArpaModel, contexts: string[][]): number[] {
  return contexts.map((h) => model.vocabulary.reduce((s, w) => s + 10 ** model.logProb(w, h), 0));
}

function contextsOf(m: NgramModel): string[][] {
  return m.backoffs.flatMap((map) => [...map.keys()].map((k) => k.split(" ")));
}

describe("ARPA trigram writer (interpolated modified Kneser-Ney)", () => {
  const model = buildNgramModel(corpus);
  const text = formatArpa(model);
  const arpa = ArpaModel.parse(text);

  it("writes a well-formed ARPA file with counts matching its sections", () => {
    const counts = [...text.matchAll(/^ngram (\d)=(\d+)$/gm)].map((m) => Number(m[2]));
    expect(counts.length).toBe(3);
    for (let n = 1; n <= 3; n++) {
      const section = text.split(`\\${n}-grams:\n`)[1].split("\n\n")[0].trim().split("\n");
      expect(section.length).toBe(counts[n - 1]);
    }
    expect(text.trim().endsWith("\\end\\")).toBe(true);
    expect(text).toMatch(/^-99\t<s>\t/m);
  });

  it("gives a proper distribution after every context, through the back-off weights", () => {
    const contexts = [...contextsOf(model), ["never", "seen"], ["do", "unknownword"], [BOS, "thanks"]];
    for (const s of sums(arpa, contexts)) expect(s).toBeCloseTo(1, 4);
  });

  it("prefers what the corpus says, and still allows what it does not", () => {
    expect(arpa.logProb("have", [BOS, "do", "you"])).toBeGreaterThan(arpa.logProb("sell", [BOS, "do", "you"]));
    expect(arpa.logProb("you", ["do"])).toBeGreaterThan(arpa.logProb("shoes", ["do"]));
    // Unseen continuation: backed off, small but not zero.
    const unseen = arpa.logProb("socks", ["red"]);
    expect(Number.isFinite(unseen)).toBe(true);
    expect(unseen).toBeLessThan(arpa.logProb("shoes", ["red"]));
    expect(arpa.logProb("zebra", ["red"])).toBe(Number.NEGATIVE_INFINITY);
    expect(model.vocabulary).toContain(EOS);
    expect(model.vocabulary).not.toContain(BOS);
  });

  it("rejects text it cannot model", () => {
    expect(() => buildNgramModel([])).toThrow(/no words/);
    expect(() => buildNgramModel([["a", "b c"]])).toThrow(/invalid token/);
    expect(() => buildNgramModel(corpus, { order: 9 })).toThrow(/order/);
  });

  it("is accepted by pocketsphinx", () => {
    const lm = path.join(dir, "tiny.lm");
    writeFileSync(lm, text);
    const dict = path.join(dir, "tiny.dict");
    const cmu = readFileSync("/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict", "utf8");
    const wanted = new Set(model.vocabulary);
    writeFileSync(dict, cmu.split("\n").filter((l) => wanted.has(l.split(" ")[0])).join("\n") + "\n");
    writeFileSync(path.join(dir, "noise.raw"), Buffer.from(Int16Array.from({ length: 16000 }, (_, i) => Math.round(3000 * Math.sin(i / 3))).buffer));
    writeFileSync(path.join(dir, "ctl"), "noise\n");
    const hyp = path.join(dir, "out.hyp");
    const run = spawnSync(
      "pocketsphinx_batch",
      ["-hmm", DEFAULT_HMM, "-lm", lm, "-dict", dict, "-adcin", "yes", "-cepdir", dir, "-cepext", ".raw", "-ctl", path.join(dir, "ctl"), "-hyp", hyp],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/ngram_model_trie|Reading ARPA|ngrams/i);
    expect(run.stderr).not.toMatch(/FATAL|Failed to read|Bad ngram/i);
    expect(readFileSync(hyp, "utf8")).toMatch(/\(noise -?\d+\)/);
  });
});

describe("the generic model and the mixture", () => {
  let generic: NgramModel;
  beforeAll(async () => {
    generic = await readGenericModel(GENERIC_LM, { topN: 500, include: ["moisturiser", "moon"], minLog10: [-1.5, -1] });
  });

  it("reads pocketsphinx's binary generic model (its real probabilities)", () => {
    expect(generic.vocabulary).toContain("moon");
    // P(you | thank) is about 0.73 in the generic model.
    expect(10 ** generic.probs[1].get("thank you")!).toBeGreaterThan(0.6);
    expect(generic.probs[0].get("the")!).toBeGreaterThan(generic.probs[0].get("moon")!);
  });

  it("mixes the domain and generic models into one that still sums to one", () => {
    const domain = buildNgramModel(corpus);
    const vocabulary = new Set([...domain.vocabulary, ...generic.vocabulary]);
    const mixed = mixModels(
      [
        { model: domain, weight: 0.7 },
        { model: generic, weight: 0.3 },
      ],
      vocabulary,
    );
    const arpa = ArpaModel.parse(formatArpa(mixed));
    const contexts = [[BOS], ["do", "you"], ["thank"], ["red"], ["of", "the"]];
    for (const s of sums(arpa, contexts)) expect(s).toBeCloseTo(1, 3);
    // Domain words stay likely where the shop says them; general English is now possible too.
    expect(arpa.logProb("have", ["do", "you"])).toBeGreaterThan(Math.log10(0.3));
    expect(arpa.logProb("you", ["thank"])).toBeGreaterThan(Math.log10(0.1));
  });
});
