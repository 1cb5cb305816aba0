import { beforeAll, describe, expect, it } from "vitest";
import { trainIntentClassifier } from "../../intents/classifier/index.ts";
import { loadShippedIntents } from "../../intents/shipped.ts";
import type { IntentClassifier } from "../../intents/types.ts";
import { alternativeWeights, chooseByIntent, parseNbest } from "../../voice/stt/index.ts";

let classifier: IntentClassifier;

beforeAll(async () => {
  // The real trainer on a few shop intents (kept small so the test stays quick).
  const wanted = new Set(["order_status", "add_to_cart", "returns", "search_products", "greet", "opening_hours"]);
  const shipped = loadShippedIntents(["en"]);
  const examples = [...wanted].flatMap((intent) => shipped.filter((u) => u.intent === intent).slice(0, 25));
  classifier = await trainIntentClassifier([...examples, ...shipped.filter((u) => u.intent === "oos").slice(0, 25)]);
});

describe("reading the N-best list with the classifier", () => {
  it("picks the alternative the classifier is sure of over a garbled best transcript", () => {
    // What the recogniser might return for "where is my order": its best guess is nonsense to the
    // shop (the classifier calls it out of scope), the second is what was said, a few path-score
    // units behind.
    const alternatives = [
      { text: "wear his mighty odour", score: -43572 },
      { text: "where is my order", score: -43590 },
      { text: "we're his mile there", score: -43610 },
    ];
    expect(classifier.predict(alternatives[0].text).intent).toBe("oos");
    const right = classifier.predict("where is my order");
    expect(right.intent).toBe("order_status");
    expect(right.confidence).toBeGreaterThan(0.5);
    for (const mode of ["rescue", "marginal", "confident"] as const) {
      const choice = chooseByIntent(alternatives, classifier, { mode, temperature: 1000 });
      expect(choice.intent).toBe("order_status");
      expect(choice.text).toBe("where is my order");
      expect(choice.index).toBe(1);
    }
  });

  it("by default keeps a best transcript the classifier answers with confidence, even when an alternative reads more confidently", () => {
    const alternatives = [
      { text: "where is my order please", score: -100 },
      { text: "where is my order", score: -120 },
    ];
    const first = classifier.predict(alternatives[0].text);
    expect(first.intent).toBe("order_status");
    expect(first.confidence).toBeGreaterThanOrEqual(0.5);
    expect(chooseByIntent(alternatives, classifier).index).toBe(0);
  });

  it("keeps the recogniser's best when it is far more likely than the others", () => {
    const alternatives = [
      { text: "hello there", score: 0 },
      { text: "where is my order", score: -100_000 },
    ];
    const choice = chooseByIntent(alternatives, classifier, { mode: "marginal" });
    expect(choice.index).toBe(0);
    expect(choice.text).toBe("hello there");
  });

  it("weighs alternatives by a softmax of their path scores", () => {
    const w = alternativeWeights([{ text: "a", score: 0 }, { text: "b", score: -1000 }], 1000);
    expect(w[0] / w[1]).toBeCloseTo(Math.E, 5);
    expect(w[0] + w[1]).toBeCloseTo(1, 10);
    expect(chooseByIntent([], classifier).text).toBe("");
  });

  it("parses pocketsphinx's N-best file into distinct clean transcripts, the 1-best first", () => {
    const file = [
      "<s> she handed him the latter and he read </s> -43572",
      "<s> she handed him a letter <sil> and he read </s> -43594",
      "she handed him the latter and(2) he read -43609",
      "",
    ].join("\n");
    const list = parseNbest(file, "she handed him a letter and he read");
    expect(list.map((a) => a.text)).toEqual(["she handed him a letter and he read", "she handed him the latter and he read"]);
    expect(list[1].score).toBe(-43572);
    expect(parseNbest("", "hello")).toEqual([{ text: "hello", score: 0 }]);
  });
});
