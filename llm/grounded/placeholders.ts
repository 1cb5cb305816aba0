import type { Locale } from "../../core/turn.ts";
import { type FactSource, priceText, stockText } from "./catalogue.ts";

/**
 * `{price:ID}`, `{stock:ID}` and `{name:ID}`: the only way a model's text states a product's price,
 * stock or name. Each becomes the catalogue's own words for it, formatted like the templates'.
 */

export type FactKind = "price" | "stock" | "name";
export const FACT_KINDS: readonly FactKind[] = ["price", "stock", "name"];

export function renderFact(kind: FactKind, p: FactSource, locale: Locale): string {
  if (kind === "price") return priceText(p, locale);
  if (kind === "stock") return stockText(p, locale);
  return p.title;
}

export type PlaceholderAt = { kind: FactKind; id: string; end: number } | { invalid: true; end: number } | { incomplete: true };

/** The placeholder that starts at `text[at]` (a '{'): what it names and where it ends, or that it is not finished yet. */
export function placeholderAt(text: string, at: number): PlaceholderAt {
  const close = text.indexOf("}", at);
  if (close < 0) return { incomplete: true };
  const m = /^\{(price|stock|name):([^{}]*)\}$/.exec(text.slice(at, close + 1));
  return m ? { kind: m[1] as FactKind, id: m[2]!, end: close + 1 } : { invalid: true, end: close + 1 };
}

/** A finished text with its placeholders filled; unknown or unfinished ones are left out. */
export function fillPlaceholders(text: string, products: ReadonlyMap<string, FactSource>, locale: Locale): string {
  let out = "";
  let i = 0;
  for (let open = text.indexOf("{"); open >= 0; open = text.indexOf("{", i)) {
    out += text.slice(i, open);
    const at = placeholderAt(text, open);
    if ("incomplete" in at) return out;
    const p = "kind" in at ? products.get(at.id) : undefined;
    if ("kind" in at && p) out += renderFact(at.kind, p, locale);
    i = at.end;
  }
  return out + text.slice(i);
}
