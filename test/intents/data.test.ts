import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import { SHIPPED_LOCALES, SHOP_INTENTS, loadIntentFile, loadShippedIntents } from "../../intents/shipped.ts";
import { OUT_OF_SCOPE } from "../../intents/types.ts";
import { cartFlows } from "../../dialogs/flows/cart.ts";
import { catalogueFlows } from "../../dialogs/flows/catalogue.ts";
import { privacyFlows } from "../../dialogs/flows/privacy.ts";
import { serviceFlows } from "../../dialogs/flows/service.ts";

// The dialogs engine switches on these names: every shipped intent must have its flow, and every
// flow (but onboarding's "preferences", which is a state, not an intent) must be taught.
const FLOW_INTENTS = Object.keys({ ...catalogueFlows, ...cartFlows, ...serviceFlows, ...privacyFlows }).filter((name) => name !== "preferences");
const EXPECTED: string[] = [...SHOP_INTENTS];

/** Case, spacing and punctuation do not make two examples different. */
const key = (text: string) =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, " ")
    .trim();

describe("shipped intent data", () => {
  it("names exactly the intents the dialogs expect", () => {
    expect([...SHOP_INTENTS].sort()).toEqual(FLOW_INTENTS.sort());
    expect(SHOP_INTENTS.length).toBeGreaterThanOrEqual(20);
  });

  for (const locale of SHIPPED_LOCALES) {
    describe(locale, () => {
      const data = loadShippedIntents([locale]);
      const count = (intent: string) => data.filter((d) => d.intent === intent).length;

      it("uses only known intent names and covers every one", () => {
        const names = new Set(data.map((d) => d.intent));
        expect([...names].sort()).toEqual([...EXPECTED, OUT_OF_SCOPE].sort());
      });

      it("has at least 30 examples per intent, 60 for search, recommend and out-of-scope", () => {
        for (const intent of EXPECTED) {
          const min = intent === "search_products" || intent === "recommend" ? 60 : 30;
          expect(count(intent), intent).toBeGreaterThanOrEqual(min);
        }
        expect(count(OUT_OF_SCOPE)).toBeGreaterThanOrEqual(60);
      });

      it("has no duplicate text, and no text under two intents", () => {
        const seen = new Map<string, string>();
        const clashes: string[] = [];
        for (const { text, intent } of data) {
          const k = key(text);
          const before = seen.get(k);
          if (before !== undefined) clashes.push(`${text} (${before} / ${intent})`);
          seen.set(k, intent);
        }
        expect(clashes).toEqual([]);
      });

      it(locale === "zh" ? "is written in Chinese" : "is written in English", () => {
        const han = data.filter((d) => /\p{Script=Han}/u.test(d.text)).length;
        if (locale === "zh") expect(han / data.length).toBeGreaterThan(0.97);
        else expect(han).toBe(0);
      });

      it("varies its phrasing: most examples are not one template", () => {
        const openings = new Set(data.map((d) => key(d.text).split(" ").slice(0, 2).join(" ")));
        if (locale === "en") expect(openings.size / data.length).toBeGreaterThan(0.5);
        const lengths = data.map((d) => [...d.text].length);
        expect(Math.max(...lengths)).toBeGreaterThan(3 * Math.min(...lengths));
      });
    });
  }

  it("loads both languages by default", () => {
    const all = loadShippedIntents();
    expect(all.length).toBe(loadShippedIntents(["en"]).length + loadShippedIntents(["zh"]).length);
  });
});

describe("loadIntentFile", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "intents-"));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };

  it("reads valid lines and skips blank ones", () => {
    const file = write("ok.jsonl", '{"text":"hi","intent":"greet"}\n\n{"text":"weather?","intent":"oos"}\n');
    expect(loadIntentFile(file)).toEqual([
      { text: "hi", intent: "greet" },
      { text: "weather?", intent: OUT_OF_SCOPE },
    ]);
  });

  it("names the file and line of bad JSON", () => {
    const file = write("broken.jsonl", '{"text":"hi","intent":"greet"}\n{"text": oops}\n');
    expect(() => loadIntentFile(file)).toThrow(ValidationError);
    expect(() => loadIntentFile(file)).toThrow(/broken\.jsonl:2: not valid JSON/);
  });

  it("names the field of an invalid line", () => {
    expect(() => loadIntentFile(write("a.jsonl", '{"text":"","intent":"greet"}\n'))).toThrow(/a\.jsonl:1: text: must not be empty/);
    expect(() => loadIntentFile(write("b.jsonl", '{"text":"hi","intent":"greeting"}\n'))).toThrow(/b\.jsonl:1: intent: must be one of/);
    expect(() => loadIntentFile(write("c.jsonl", '{"intent":"greet"}\n'))).toThrow(/c\.jsonl:1: text:/);
  });

  it("says which file it could not read", () => {
    expect(() => loadIntentFile(path.join(dir, "missing.jsonl"))).toThrow(/missing\.jsonl/);
  });
});
