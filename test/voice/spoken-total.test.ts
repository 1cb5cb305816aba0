import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { normalizeForWer } from "../../voice/eval/wer.ts";
import { buildDomainModel, type CatalogueText, domainCorpus } from "../../voice/stt/index.ts";
import { spokenWords } from "../../voice/text/spoken.ts";

// The checker's own idea of a spoken word, written here and not imported: lower-case ASCII
// letters, apostrophes only inside ("what's").
const WORD = /^[a-z]+('[a-z]+)*$/;

// Hand-written readings, not produced by the code under test.
const KNOWN: [string, string][] = [
  ["from January 01, 2020 to February 02, 2020", "from january zero one two thousand twenty to february zero two two thousand twenty"],
  ["05, 2019", "zero five two thousand nineteen"],
  ["30, 2021", "thirty two thousand twenty one"],
  ["March 3, 1999", "march three one thousand nine hundred ninety nine"],
  ["1,200,000 units", "one million two hundred thousand units"],
  ["it costs 1,200, and more", "it costs one thousand two hundred and more"],
  ["1,2345", "one two thousand three hundred forty five"],
  ["$5, please", "five dollars please"],
  ["$1,299.50", "one thousand two hundred ninety nine dollars fifty cents"],
  ["9.5%", "nine point five percent"],
  ["21st", "twenty first"],
  ["version 1.2.3", "version one point two point three"],
  ["1 constructor", "one constructor"],
  ["2 __proto__ toString", "two proto tostring"],
  ["10:05", "ten oh five"],
  ["１２ kg", "twelve kilograms"],
  ["123456789012345", "one two three four five six seven eight nine zero one two three four five"],
  ["1234567890123456789012345th", "one two three four five six seven eight nine zero one two three four five six seven eight nine zero one two three four fifth"],
];

// Text a catalogue or a shop's documents can really hold, with the awkward parts over-represented.
const piece = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000 }).map(String),
  fc.stringMatching(/^\d{1,30}$/),
  fc.constantFrom(",", ", ", ".", ". ", ":", "%", "$", "£", "€", "¥", "&", "+", "-", "'", "’", "#", "st", "nd", "th", " ", "\n", "\t"),
  fc.constantFrom("January", "kg", "ml", "L", "USB", "am", "pm", "SPF", "I'd", "what's", "constructor", "__proto__", "hasOwnProperty", "valueOf", "undefined"),
  fc.constantFrom("红色的鞋子", "订单号", "１２３", "ｋｇ", "😀", "👍🏽", "\uD800", "\uDFFF", "\u0000", "é", "ß", "İ", "ﬁ", "²", "½", "٣"),
  fc.string({ unit: "binary", maxLength: 8 }),
);
const text = fc.array(piece, { maxLength: 24 }).map((parts) => parts.join(""));

describe("spoken words", () => {
  it.each(KNOWN)("reads %j as the hand-written spelling", (input, expected) => {
    expect(spokenWords(input).join(" ")).toBe(expected);
  });

  it("turns any text into words only: never empty, never undefined, never a non-letter", () => {
    fc.assert(
      fc.property(text, (t) => {
        const words = spokenWords(t);
        for (const w of words) expect(w).toMatch(WORD);
      }),
      { numRuns: 3000 },
    );
  });

  it("a comma after a number never changes how the number reads", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{0,11}$/), fc.stringMatching(/^[1-9]\d{0,3}$/), (a, b) => {
        // "30, 2021" must read as "30" then "2021": the words of each, in order.
        expect(spokenWords(`${a}, ${b}`)).toEqual([...spokenWords(a), ...spokenWords(b)]);
        expect(spokenWords(`${a},`)).toEqual(spokenWords(a));
        expect(spokenWords(a).length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it("the word-error normaliser is total too (no prototype keys leaking in as spellings)", () => {
    expect(normalizeForWer("constructor colour")).toEqual(["constructor", "color"]);
    fc.assert(
      fc.property(text, (t) => {
        for (const w of normalizeForWer(t)) expect(w).toMatch(WORD);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("the domain language model never stops on a bad product or passage", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "spoken-total-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const products: CatalogueText[] = [
    { title: "Trail Runner Shoe, Blue", brand: "Peakform", tags: ["shoe"], color: "blue", category: "shoes", price: 80 },
    { title: "Limited edition from January 01, 2020 to February 02, 2020", tags: ["edition"] },
    { title: "Anniversary box 05, 2019 (30, 2021)", price: 30 },
    { title: "😀👍🏽 \uD800", brand: "constructor" },
    { title: 42 as unknown as string, brand: "Broken" },
    { title: "红色的鞋子", brand: "Acme" },
  ];

  it("keeps every good sentence and skips a product that cannot be read, with a warning naming it", () => {
    const skipped: { kind: string; text: string }[] = [];
    const corpus = domainCorpus({ products, phrases: ["Sale from January 01, 2020 to February 02, 2020", "Returns within 30, 60 or 90 days"], shopPhrases: false, onSkip: (s) => skipped.push(s) });
    const flat = corpus.flat();
    for (const w of flat) expect(w).toMatch(WORD);
    // The dated titles keep their numbers: "thirty" is not lost, "undefined" never appears.
    expect(flat).toContain("thirty");
    expect(flat).toContain("twenty");
    expect(flat).not.toContain("undefined");
    expect(flat).toEqual(expect.arrayContaining(["trail", "runner", "peakform", "acme"]));
    expect(skipped).toEqual([expect.objectContaining({ kind: "product", text: "42" })]);
  });

  it("builds the recogniser's model (CMU dictionary, espeak-ng for the rest) from the issue's text", async () => {
    const utterances = ["show me deals from January 01, 2020 to February 02, 2020", "launched 05, 2019 and again 30, 2021"];
    const corpus = domainCorpus({ utterances, shopPhrases: false });
    const model = await buildDomainModel(corpus, { cacheDir: dir, background: false });
    const arpa = readFileSync(model.lmPath, "utf8");
    for (const word of ["january", "february", "thirty", "nineteen", "twenty"]) expect(arpa).toMatch(new RegExp(`\\s${word}\\s`));
    expect(arpa).not.toMatch(/undefined/);
  });

  it("builds the model from sentences holding tokens the ARPA file cannot take, leaving those tokens out", async () => {
    // A small pronouncing dictionary, so the test needs no pocketsphinx install; it "knows" the
    // sentence marker, as a careless custom dictionary might, which must not reach the ARPA file as a word.
    const dictionary = path.join(dir, "tiny.dict");
    writeFileSync(dictionary, ["show S OW", "me M IY", "the DH AH", "blue B L UW", "shoe SH UW", "thirty TH ER T IY", "<s> SIL"].join("\n"));
    const sentences = [["show", "me", "the", "blue", "shoe"], ["show", undefined as unknown as string, "thirty"], ["", "the shoe", "<s>", "shoe"]];
    const model = await buildDomainModel(sentences, { cacheDir: dir, dictionary, fallback: "drop", background: false });
    const arpa = readFileSync(model.lmPath, "utf8");
    expect(arpa).toMatch(/\bthirty\b/);
    expect(arpa).not.toMatch(/undefined/);
    expect(model.words).toBe(6);
  });
});

describe("reading a catalogue for the language model", () => {
  it("skips lines that are not products, naming each, and keeps the rest", async () => {
    const { readCatalogueText } = await import("../../voice/stt/index.ts");
    const dir = mkdtempSync(path.join(tmpdir(), "catalogue-text-"));
    try {
      const file = path.join(dir, "c.jsonl");
      writeFileSync(file, ['{"title":"Trail shoe from January 01, 2020"}', "{not json", '{"title":42}', "null", "", '{"title":"Wool hat"}'].join("\n"));
      const skipped: [number, string][] = [];
      const products = await readCatalogueText(file, (line, reason) => skipped.push([line, reason]));
      expect(products.map((p) => p.title)).toEqual(["Trail shoe from January 01, 2020", "Wool hat"]);
      expect(skipped).toEqual([
        [2, "not JSON"],
        [3, "no text title"],
        [4, "no text title"],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
