import type { Locale } from "../../core/turn.ts";
import { z } from "zod";

/** The catalogue facts a grounded reply may state; only these ever supply prices and stock. */
export interface FactSource {
  id: string;
  title: string;
  price?: number;
  currency?: string;
  stock?: number;
}

/** What generated text may say about a product: its catalogue record and nothing else (a store Product fits). */
export interface CatalogueFacts extends FactSource {
  brand?: string;
  category?: string;
  description?: string;
  color?: string;
  sizes?: string[];
  tags?: string[];
}

/** CatalogueFacts as validated wherever a caller hands products to the model. */
export const catalogueFactsSchema = z.object({
  id: z.string().min(1).max(200),
  title: z.string().trim().min(1).max(1000),
  brand: z.string().optional(),
  category: z.string().optional(),
  description: z.string().optional(),
  price: z.number().finite().nonnegative().optional(),
  currency: z.string().max(8).optional(),
  stock: z.number().int().optional(),
  color: z.string().optional(),
  sizes: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
});

/** Same formatting as the templated replies (dialogs/format.ts), so both tiers show prices alike. */
export function formatPrice(price: number, currency: string | undefined, locale: Locale): string {
  try {
    return new Intl.NumberFormat(locale === "zh" ? "zh-CN" : "en-US", { style: "currency", currency: currency ?? (locale === "zh" ? "CNY" : "USD") }).format(price);
  } catch {
    return `${price.toFixed(2)}${currency ? ` ${currency}` : ""}`;
  }
}

export function priceText(p: FactSource, locale: Locale): string {
  if (p.price === undefined) return locale === "zh" ? "价格待询" : "price on request";
  return formatPrice(p.price, p.currency, locale);
}

export function stockText(p: FactSource, locale: Locale): string {
  if (p.stock === undefined) return locale === "zh" ? "库存待确认" : "stock to be confirmed";
  if (p.stock <= 0) return locale === "zh" ? "暂时缺货" : "out of stock";
  return locale === "zh" ? `库存${p.stock}件` : `${p.stock} in stock`;
}

/** One sentence of catalogue facts about a product, appended when the model did not place them. */
export function factSentence(p: FactSource, locale: Locale): string {
  return locale === "zh" ? `${p.title}：${priceText(p, locale)}，${stockText(p, locale)}。` : `${p.title}: ${priceText(p, locale)}, ${stockText(p, locale)}.`;
}
