import { beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import { type BuiltInIntentClassifier, evaluate, loadIntentClassifier, trainIntentClassifier } from "../../intents/classifier/index.ts";
import { scorePredictions } from "../../intents/classifier/evaluate.ts";
import { OUT_OF_SCOPE } from "../../intents/types.ts";
import { shopHeldOut, shopOutOfScope, shopTrain, unrelated } from "./classifier-data.ts";

describe("scorePredictions (hand-computed case)", () => {
  // expected: a a a b b oos oos ; predicted: a a b b oos oos a
  const expected = ["a", "a", "a", "b", "b", OUT_OF_SCOPE, OUT_OF_SCOPE];
  const predicted = ["a", "a", "b", "b", OUT_OF_SCOPE, OUT_OF_SCOPE, "a"];
  const m = scorePredictions(expected, predicted);

  it("counts accuracy over everything and in-scope accuracy over in-scope examples", () => {
    expect(m.n).toBe(7);
    expect(m.accuracy).toBeCloseTo(4 / 7, 10); // a, a, b, oos right
    expect(m.inScopeAccuracy).toBeCloseTo(3 / 5, 10);
  });

  it("computes out-of-scope precision and recall", () => {
    expect(m.oosPrecision).toBeCloseTo(1 / 2, 10); // predicted oos twice, once right
    expect(m.oosRecall).toBeCloseTo(1 / 2, 10); // two oos expected, one found
  });

  it("averages F1 over every label, out-of-scope included", () => {
    // a: tp 2, expected 3, predicted 3 → 4/6; b: tp 1, expected 2, predicted 2 → 2/4; oos: tp 1, 2, 2 → 2/4
    expect(m.macroF1).toBeCloseTo((4 / 6 + 2 / 4 + 2 / 4) / 3, 10);
  });

  it("lists the confused pairs, most frequent first", () => {
    expect(m.confused).toEqual([
      { expected: "a", predicted: "b", count: 1 },
      { expected: "b", predicted: OUT_OF_SCOPE, count: 1 },
      { expected: OUT_OF_SCOPE, predicted: "a", count: 1 },
    ]);
    const many = scorePredictions(["x", "x", "x", "y"], ["y", "y", "z", "x"]);
    expect(many.confused[0]).toEqual({ expected: "x", predicted: "y", count: 2 });
  });

  it("answers null where there is nothing to measure", () => {
    const none = scorePredictions(["a", "b"], ["a", "a"]);
    expect(none.oosRecall).toBeNull();
    expect(none.oosPrecision).toBeNull();
    expect(none.inScopeAccuracy).toBe(0.5);
    // b is expected but never predicted: F1 0; a: tp 1, expected 1, predicted 2 → 2/3
    expect(none.macroF1).toBeCloseTo((2 / 3 + 0) / 2, 10);
  });
});

describe("built-in intent classifier on a small English + Chinese set", () => {
  let classifier: BuiltInIntentClassifier;
  beforeAll(async () => {
    classifier = await trainIntentClassifier([...shopTrain, ...shopOutOfScope], { seed: 3 });
  });

  it("knows its intents, out-of-scope not among them", () => {
    expect(classifier.intents).toEqual(["greet", "order_status", "payment", "price", "recommend", "returns"]);
  });

  it("answers its training examples and unseen paraphrases in both languages", async () => {
    const onTrain = await evaluate(classifier, shopTrain);
    expect(onTrain.inScopeAccuracy).toBeGreaterThanOrEqual(0.95);
    const wrong = shopHeldOut.filter((e) => classifier.predict(e.text).intent !== e.intent);
    expect(wrong.length, JSON.stringify(wrong)).toBeLessThanOrEqual(2);
  });

  it("rejects clearly unrelated queries as out of scope, unlike any out-of-scope example it was given", () => {
    const answered = unrelated.map((t) => ({ t, p: classifier.predict(t) })).filter(({ p }) => p.intent !== OUT_OF_SCOPE);
    expect(answered.length, JSON.stringify(answered)).toBeLessThanOrEqual(1);
  });

  it("gives a ranking of at most five in-scope intents, best first, and a confidence in [0, 1]", () => {
    const p = classifier.predict("how much are the running shoes");
    expect(p.intent).toBe("price");
    expect(p.confidence).toBeGreaterThanOrEqual(0.5);
    expect(p.confidence).toBeLessThanOrEqual(1);
    expect(p.ranking.length).toBe(5);
    expect(p.ranking[0].intent).toBe("price");
    for (let i = 1; i < p.ranking.length; i++) expect(p.ranking[i].score).toBeLessThanOrEqual(p.ranking[i - 1].score);
    expect(p.ranking.some((r) => r.intent === OUT_OF_SCOPE)).toBe(false);
  });

  it("survives a JSON round trip with identical predictions", () => {
    const text = JSON.stringify(classifier.toJSON());
    const restored = loadIntentClassifier(JSON.parse(text));
    expect(restored.intents).toEqual(classifier.intents);
    for (const t of [...shopHeldOut.map((e) => e.text), ...unrelated, "", "😀", "ＮＩＫＥ 跑鞋 size 42"]) {
      expect(restored.predict(t)).toEqual(classifier.predict(t));
    }
  });

  it("refuses a damaged serialisation with an error naming the field", () => {
    const json = classifier.toJSON() as Record<string, unknown>;
    expect(() => loadIntentClassifier({ ...json, labels: "x" })).toThrow(/labels/);
    expect(() => loadIntentClassifier({ ...json, format: "something-else" })).toThrow(ValidationError);
    expect(() => loadIntentClassifier(null)).toThrow(ValidationError);
  });
});

describe("training without out-of-scope examples, or with dense features", () => {
  it("answers every query by default: nothing in the file says what out of scope looks like", async () => {
    const c = await trainIntentClassifier(shopTrain, { seed: 3 });
    expect([...unrelated, ...shopHeldOut.map((e) => e.text)].filter((t) => c.predict(t).intent === OUT_OF_SCOPE)).toEqual([]);
    const wrong = shopHeldOut.filter((e) => c.predict(e.text).intent !== e.intent);
    expect(wrong.length, JSON.stringify(wrong)).toBeLessThanOrEqual(2);
    // The threshold can still be asked for when loading it.
    const strict = loadIntentClassifier(c.toJSON(), { minConfidence: 1 });
    expect(strict.predict(unrelated[0]).intent).toBe(OUT_OF_SCOPE);
  });

  it("with minConfidence, still rejects most unrelated queries: held-out intents stand in for out-of-scope examples", async () => {
    const c = await trainIntentClassifier(shopTrain, { seed: 3, minConfidence: 0.5 });
    const rejected = unrelated.filter((t) => c.predict(t).intent === OUT_OF_SCOPE);
    expect(rejected.length).toBeGreaterThanOrEqual(unrelated.length - 2);
    const wrong = shopHeldOut.filter((e) => c.predict(e.text).intent !== e.intent);
    expect(wrong.length, JSON.stringify(wrong)).toBeLessThanOrEqual(2);
  });

  it("joins dense vectors to the built-in features and needs them to predict", async () => {
    // A stand-in sentence embedder: a fixed projection of character codes, deterministic and cheap.
    const embed = async (texts: string[]) =>
      texts.map((t) => {
        const v = new Float32Array(8);
        for (let i = 0; i < t.length; i++) v[(t.charCodeAt(i) * 7) % 8] += 1;
        return v;
      });
    let calls = 0;
    const c = await trainIntentClassifier(shopTrain, {
      seed: 2,
      denseFeatures: async (texts) => {
        calls++;
        return embed(texts);
      },
    });
    expect(calls).toBe(1);
    expect(c.usesDenseFeatures).toBe(true);
    const [p] = await c.predictMany(["where is my order"]);
    expect(p.intent).toBe("order_status");
    expect(() => c.predict("where is my order")).toThrow(/dense/);
    const restored = loadIntentClassifier(c.toJSON(), { denseFeatures: embed });
    expect(await restored.predictMany(["我要退货"])).toEqual(await c.predictMany(["我要退货"]));
  });

  it("rejects bad training input with an error naming the field", async () => {
    await expect(trainIntentClassifier([{ text: "", intent: "greet" }])).rejects.toThrow(/text/);
    await expect(trainIntentClassifier([{ text: "hi", intent: 3 as unknown as string }])).rejects.toThrow(/intent/);
    await expect(trainIntentClassifier(shopOutOfScope)).rejects.toThrow(/in-scope/);
  });

  it("reports training progress up to the total", async () => {
    const seen: [number, number][] = [];
    await trainIntentClassifier(shopTrain.slice(0, 40), { onProgress: (d, t) => seen.push([d, t]) });
    const last = seen[seen.length - 1];
    expect(last[0]).toBe(last[1]);
    expect(seen.every(([d, t]) => d <= t)).toBe(true);
  });
});
