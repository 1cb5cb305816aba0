import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  LexiconSentimentAnalyzer,
  SENTIMENT_THRESHOLD,
  type SentimentAnalyzer,
  analyzeSentiment,
  loadSentimentLexicons,
  sentimentLabel,
} from "../../intents/sentiment.ts";
import type { SentimentLabel } from "../../intents/types.ts";

const cases: [string, SentimentLabel][] = [
  // English, plain
  ["I love these shoes", "positive"],
  ["the quality is terrible", "negative"],
  ["where is my order", "neutral"],
  // negation
  ["not good", "negative"],
  ["not bad at all", "positive"],
  ["I'm not happy with it", "negative"],
  ["it didn't disappoint", "positive"],
  ["no complaints", "positive"],
  ["it doesn't work", "negative"],
  ["couldn't be happier", "positive"],
  ["I don't like it", "negative"],
  // intensifiers, contrast, emphasis
  ["very very good", "positive"],
  ["slightly disappointing", "negative"],
  ["it's ok but the strap broke quickly", "negative"],
  ["it's pricey but worth it", "positive"],
  ["this is AWFUL", "negative"],
  // emoji and emoticons
  ["👍", "positive"],
  ["arrived today 😡", "negative"],
  ["thanks :)", "positive"],
  // questions about quality are not judgements
  ["is it good for running?", "neutral"],
  ["I'd like to return an item", "neutral"],
  // Chinese
  ["很喜欢", "positive"],
  ["不错", "positive"],
  ["还不错", "positive"],
  ["不满意", "negative"],
  ["很不满意", "negative"],
  ["不太好", "negative"],
  ["一点都不好看", "negative"],
  ["没有问题", "positive"],
  ["质量太差了", "negative"],
  ["好贵", "negative"],
  ["太好了", "positive"],
  ["东西还行，但是物流太慢了", "negative"],
  ["有点贵，不过质量很好", "positive"],
  ["好用吗？", "neutral"],
  ["你好", "neutral"],
  ["我要无线耳机", "neutral"],
  ["有没有红色的", "neutral"],
  // mixed
  ["质量很nice 👍", "positive"],
];

describe("analyzeSentiment", () => {
  it.each(cases)("%s → %s", (text, label) => {
    expect(analyzeSentiment(text).label).toBe(label);
  });

  it("scores within [-1, 1], and more evidence moves the score further", () => {
    const good = analyzeSentiment("good").score;
    const great = analyzeSentiment("really great, I love it").score;
    expect(good).toBeGreaterThan(0);
    expect(great).toBeGreaterThan(good);
    expect(great).toBeLessThanOrEqual(1);
    expect(analyzeSentiment("terrible, awful, the worst 😡😡").score).toBeGreaterThanOrEqual(-1);
    expect(analyzeSentiment("").score).toBe(0);
  });

  it("labels by the documented threshold", () => {
    expect(sentimentLabel(SENTIMENT_THRESHOLD)).toBe("positive");
    expect(sentimentLabel(-SENTIMENT_THRESHOLD)).toBe("negative");
    expect(sentimentLabel(SENTIMENT_THRESHOLD - 0.01)).toBe("neutral");
  });

  it("can be swapped for another analyzer behind the same interface", () => {
    const analyzers: SentimentAnalyzer[] = [new LexiconSentimentAnalyzer(loadSentimentLexicons())];
    for (const analyzer of analyzers) {
      expect(analyzer.name).toBe("lexicon");
      expect(analyzer.analyze("great").label).toBe("positive");
    }
  });

  it("ships word lists of a useful size", () => {
    const { en, zh, emoji } = loadSentimentLexicons();
    expect(Object.keys(en.words).length).toBeGreaterThan(400);
    expect(Object.keys(zh.words).length).toBeGreaterThan(350);
    expect(Object.keys(emoji).length).toBeGreaterThan(50);
  });
});

describe("accuracy on the hand-labelled set (intents/data/sentiment-labelled.jsonl)", () => {
  interface Row {
    text: string;
    label: SentimentLabel;
    locale: "en" | "zh";
    /** dev: written before the lexicon; tune: used to tune it; test: never tuned against. */
    set: "dev" | "tune" | "test";
  }
  const file = path.resolve(import.meta.dirname, "../../intents/data/sentiment-labelled.jsonl");
  const rows: Row[] = readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

  const accuracy = (subset: Row[]) => subset.filter((r) => analyzeSentiment(r.text).label === r.label).length / subset.length;

  it("has three balanced sets in both languages", () => {
    for (const set of ["dev", "tune", "test"] as const) {
      for (const locale of ["en", "zh"] as const) {
        const part = rows.filter((r) => r.set === set && r.locale === locale);
        expect(part.length).toBeGreaterThanOrEqual(40);
        for (const label of ["positive", "negative", "neutral"] as const) {
          expect(part.filter((r) => r.label === label).length).toBeGreaterThanOrEqual(10);
        }
      }
    }
  });

  it("is accurate on each set and language (figures printed)", () => {
    const report: Record<string, string> = {};
    const floors = { dev: 0.95, tune: 0.9, test: 0.75 };
    for (const set of ["dev", "tune", "test"] as const) {
      for (const locale of ["en", "zh"] as const) {
        const part = rows.filter((r) => r.set === set && r.locale === locale);
        const acc = accuracy(part);
        report[`${set}/${locale}`] = `${(acc * 100).toFixed(1)}% of ${part.length}`;
        expect(acc, `${set}/${locale}`).toBeGreaterThanOrEqual(floors[set]);
      }
    }
    console.log("sentiment accuracy", report);
  });
});
