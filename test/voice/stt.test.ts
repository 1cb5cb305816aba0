import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadShippedIntents } from "../../intents/shipped.ts";
import { DEMO_CATALOG_PATH } from "../../recommend/demo/index.ts";
import { concatPcm, silence } from "../../voice/audio.ts";
import { SpeechAbortedError, SpeechEngineError } from "../../voice/errors.ts";
import { corpusWer } from "../../voice/eval/wer.ts";
import { ipaToArpabet, letterToSound } from "../../voice/stt/g2p.ts";
import {
  buildDomainModel,
  buildDomainModelInWorker,
  buildLexicon,
  cleanHypothesis,
  DEFAULT_DICT,
  type DomainModel,
  domainCorpus,
  loadDictionary,
  PocketsphinxSpeechToText,
  productSlots,
  readCatalogueText,
} from "../../voice/stt/index.ts";
import { fliteSpeech } from "./helpers.ts";

const cacheDir = mkdtempSync(path.join(tmpdir(), "voice-stt-"));
let model: DomainModel;
let stt: PocketsphinxSpeechToText;

beforeAll(async () => {
  const products = await readCatalogueText(DEMO_CATALOG_PATH);
  const corpus = domainCorpus({ utterances: loadShippedIntents(["en"]).map((u) => u.text), products });
  // The shop's sentences only: mixing in the generic model is measured in bench/, and takes longer than a test should.
  model = await buildDomainModel(corpus, { cacheDir, background: false });
  stt = new PocketsphinxSpeechToText({ lmPath: model.lmPath, dictPath: model.dictPath });
});
afterAll(async () => {
  await stt?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe("domain language model", () => {
  it("builds its corpus from intents, shop phrases and the catalogue, in spoken words", async () => {
    const corpus = domainCorpus({ utterances: ["any laptops under $800?"], products: [{ title: "Peakform Balance Durable Football Size 4, Orange", brand: "Peakform", tags: ["football"], color: "orange", category: "sports", price: 34.99 }] });
    const text = corpus.map((s) => s.join(" "));
    expect(text).toContain("any laptops under eight hundred dollars");
    expect(text).toContain("peakform balance durable football size four");
    expect(text).toContain("do you have anything from peakform");
    expect(text.filter((t) => t.includes("peakform")).length).toBeGreaterThanOrEqual(4);
    // Chinese text is left to the downloaded tier.
    expect(domainCorpus({ utterances: ["有没有红色的鞋子"], shopPhrases: false })).toEqual([]);
    expect(productSlots({ title: "云裳 Dew 防晒霜" })).toBeUndefined();
  });

  it("gives every word a pronunciation: the dictionary's, else espeak-ng's letter-to-sound", async () => {
    const dict = await loadDictionary(DEFAULT_DICT);
    const lex = await buildLexicon(["shoes", "peakform", "hoodie", "xqzt"], dict, "espeak");
    expect(lex.entries.get("shoes")).toEqual(dict.get("shoes"));
    expect(lex.letterToSound).toEqual(expect.arrayContaining(["peakform", "hoodie"]));
    expect(lex.entries.get("hoodie")?.[0]).toEqual(["HH", "UH", "D", "IY"]);
    const dropped = await buildLexicon(["peakform"], dict, "drop");
    expect(dropped.dropped).toEqual(["peakform"]);
    const compound = await buildLexicon(["peakform"], dict, "compound");
    expect(compound.entries.get("peakform")?.[0]).toEqual([...dict.get("peak")![0], ...dict.get("form")![0]]);
  });

  it("maps espeak IPA to the acoustic model's phones", async () => {
    expect(ipaToArpabet("bˈʌʔn̩")).toEqual(["B", "AH", "T", "AH", "N"]);
    expect(ipaToArpabet("tʃˈɑːɹdʒɚ")).toEqual(["CH", "AA", "R", "JH", "ER"]);
    expect(ipaToArpabet("☃")).toBeUndefined();
    const lts = await letterToSound(["aerolark"]);
    expect(lts.get("aerolark")).toEqual(["EH", "R", "OW", "L", "AA", "R", "K"]);
  });

  it("builds in a worker thread (memory freed after) to the same files as in-process", async () => {
    const sentences = [["do", "you", "have", "red", "shoes"], ["where", "is", "my", "order"]];
    const inWorker = await buildDomainModelInWorker(sentences, { cacheDir, background: false });
    expect(inWorker.cached).toBe(false);
    const here = await buildDomainModel(sentences, { cacheDir, background: false });
    expect(here).toMatchObject({ lmPath: inWorker.lmPath, dictPath: inWorker.dictPath, cached: true, words: inWorker.words });
  });

  it("reuses the files when the text has not changed", async () => {
    const again = await buildDomainModel(domainCorpus({ utterances: loadShippedIntents(["en"]).map((u) => u.text), products: await readCatalogueText(DEMO_CATALOG_PATH) }), { cacheDir, background: false });
    expect(again.cached).toBe(true);
    expect(again.lmPath).toBe(model.lmPath);
    expect(model.words).toBeGreaterThan(1000);
  });
});

describe("pocketsphinx with the domain model", () => {
  it("recognises shop sentences spoken by flite", async () => {
    const sentences = ["do you have running shoes in size nine", "how much is the peakform balance football", "I want to return my order"];
    const pairs = [];
    for (const reference of sentences) {
      const t = await stt.transcribe(fliteSpeech(reference), { locale: "en" });
      expect(t.ms).toBeGreaterThan(0);
      pairs.push({ reference, hypothesis: t.text });
    }
    expect(corpusWer(pairs)).toBeLessThanOrEqual(0.5);
  });

  it("resamples other rates and returns empty text for silence", async () => {
    const speech = fliteSpeech("add it to my cart");
    const at8k = { samples: speech.samples.filter((_, i) => i % 2 === 0), sampleRate: 8000 };
    expect((await stt.transcribe(at8k, { locale: "en" })).text).toMatch(/cart/);
    expect((await stt.transcribe(silence(1000), { locale: "en" })).text).toBe("");
  });

  it("says plainly that Chinese needs the downloaded model", async () => {
    const err = await stt.transcribe(silence(500), { locale: "zh" }).catch((e) => e);
    expect(err).toBeInstanceOf(SpeechEngineError);
    expect(err.code).toBe("stt_language_unsupported");
    expect(err.message).toMatch(/English only.*Mandarin/);
  });

  it("times out and kills a decode that runs too long, then serves the next request", async () => {
    const slow = new PocketsphinxSpeechToText({ lmPath: model.lmPath, dictPath: model.dictPath, timeoutMs: 50 });
    const long = concatPcm(Array.from({ length: 4 }, () => fliteSpeech("do you have running shoes in size nine under fifty dollars")));
    const err = await slow.transcribe(long, { locale: "en" }).catch((e) => e);
    expect(err).toBeInstanceOf(SpeechEngineError);
    expect(err.code).toBe("stt_timeout");
    await slow.close();
    expect((await stt.transcribe(fliteSpeech("thank you"), { locale: "en" })).text).toMatch(/thank/);
  });

  it("stops on abort (barge-in or a closed socket)", async () => {
    const controller = new AbortController();
    const pending = stt.transcribe(concatPcm([fliteSpeech("show me blue hoodies"), fliteSpeech("in size medium please")]), { locale: "en", signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(SpeechAbortedError);
    expect((await stt.transcribe(fliteSpeech("hello"), { locale: "en" })).text).toMatch(/hello/);
  });

  it("can run one process per utterance too", async () => {
    const once = new PocketsphinxSpeechToText({ lmPath: model.lmPath, dictPath: model.dictPath, mode: "per-utterance" });
    expect((await once.transcribe(fliteSpeech("where is my order"), { locale: "en" })).text).toMatch(/order/);
    await once.close();
  });

  it("returns the N-best list when asked, its first entry the transcript, one request after another", async () => {
    const nb = new PocketsphinxSpeechToText({ lmPath: model.lmPath, dictPath: model.dictPath, nbest: 8 });
    try {
      for (const sentence of ["add the blue hoodie to my cart", "where is my order"]) {
        const t = await nb.transcribe(fliteSpeech(sentence), { locale: "en" });
        expect(t.alternatives?.length).toBeGreaterThan(1);
        expect(t.alternatives?.[0].text).toBe(t.text);
        expect(new Set(t.alternatives?.map((a) => a.text)).size).toBe(t.alternatives?.length);
        expect(t.alternatives?.every((a) => Number.isFinite(a.score))).toBe(true);
        expect(corpusWer([{ reference: sentence, hypothesis: t.text }])).toBeLessThanOrEqual(0.5);
      }
      // Silence: no lattice, the (empty) best transcript is all there is.
      expect((await nb.transcribe(silence(600), { locale: "en" })).alternatives).toEqual([{ text: "", score: 0 }]);
    } finally {
      await nb.close();
    }
  });

  it("hears a quiet microphone (speech peaking at -35 dBFS) once its level is normalised", async () => {
    const sentences = ["do you have running shoes in size nine", "I want to return my order", "add it to my cart"];
    const quiet = sentences.map((s) => {
      const pcm = fliteSpeech(s);
      return { samples: Int16Array.from(pcm.samples, (v) => Math.round(v * 10 ** (-32 / 20))), sampleRate: pcm.sampleRate };
    });
    const raw = new PocketsphinxSpeechToText({ lmPath: model.lmPath, dictPath: model.dictPath, normalize: false });
    const pairs = { raw: [] as { reference: string; hypothesis: string }[], normalised: [] as { reference: string; hypothesis: string }[] };
    try {
      for (const [i, pcm] of quiet.entries()) {
        pairs.raw.push({ reference: sentences[i], hypothesis: (await raw.transcribe(pcm, { locale: "en" })).text });
        pairs.normalised.push({ reference: sentences[i], hypothesis: (await stt.transcribe(pcm, { locale: "en" })).text });
      }
    } finally {
      await raw.close();
    }
    expect(corpusWer(pairs.normalised)).toBeLessThanOrEqual(0.34);
    expect(corpusWer(pairs.normalised)).toBeLessThanOrEqual(corpusWer(pairs.raw));
  });

  it("cleans filler tokens from hypotheses", () => {
    expect(cleanHypothesis("<sil> hello [NOISE] there(2) ++UH++")).toBe("hello there");
  });
});
