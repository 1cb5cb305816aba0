import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { ValidationError } from "../core/errors.ts";
import { type LabelledUtterance, OUT_OF_SCOPE } from "./types.ts";

/**
 * The intents the shipped data teaches. The dialogs engine switches on these exact names, so they
 * are a contract: renaming one here without renaming it there silently breaks a flow.
 */
export const SHOP_INTENTS = [
  "greet",
  "goodbye",
  "thanks",
  "capabilities",
  "search_products",
  "recommend",
  "product_details",
  "price",
  "compare",
  "availability",
  "add_to_cart",
  "order_status",
  "shipping",
  "returns",
  "opening_hours",
  "payment",
  "complaint",
  "feedback",
  "human_handoff",
  "export_data",
  "delete_data",
  "stop_personalisation",
] as const;

export type ShopIntent = (typeof SHOP_INTENTS)[number];

export const SHIPPED_LOCALES = ["en", "zh"] as const;
export type ShippedLocale = (typeof SHIPPED_LOCALES)[number];

const DATA_DIR = path.join(import.meta.dirname, "data");

const knownIntents = new Set<string>([...SHOP_INTENTS, OUT_OF_SCOPE]);
const lineSchema = z.object({
  text: z.string().trim().min(1, "must not be empty").max(500, "is longer than 500 characters"),
  intent: z.string().refine((name) => knownIntents.has(name), {
    message: `must be one of the shop intents or "${OUT_OF_SCOPE}"`,
  }),
});

/**
 * Reads one intent file: JSON Lines of {"text","intent"}. Blank lines are allowed; anything else
 * that is not a valid line stops the load with an error naming the file and line, because a
 * silently skipped example would quietly weaken the classifier trained from it.
 */
export function loadIntentFile(file: string): LabelledUtterance[] {
  let content: string;
  try {
    content = readFileSync(file, "utf8");
  } catch (err) {
    throw new ValidationError(`cannot read intent data ${file}: ${(err as Error).message}`, { cause: err });
  }
  const out: LabelledUtterance[] = [];
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const where = `${path.basename(file)}:${i + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      throw new ValidationError(`${where}: not valid JSON (${(err as Error).message})`, { cause: err });
    }
    const result = lineSchema.safeParse(parsed);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "line"}: ${issue.message}`);
      throw new ValidationError(`${where}: ${problems.join("; ")}`);
    }
    out.push({ text: result.data.text, intent: result.data.intent });
  }
  return out;
}

/** The path of a shipped intent file, e.g. for tools that report where an example came from. */
export function shippedIntentFile(locale: ShippedLocale): string {
  return path.join(DATA_DIR, `${locale}.jsonl`);
}

/**
 * The labelled utterances shipped with Concierge (English and Chinese, out-of-scope examples
 * marked OUT_OF_SCOPE). Pass `locales` to load only some languages, e.g. for per-language evaluation.
 */
export function loadShippedIntents(locales: readonly ShippedLocale[] = SHIPPED_LOCALES): LabelledUtterance[] {
  return locales.flatMap((locale) => loadIntentFile(shippedIntentFile(locale)));
}
