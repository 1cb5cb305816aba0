import type { Locale, ProductCard } from "../core/turn.ts";
import type { PriceRange } from "../intents/types.ts";
import type { Ranked } from "../recommend/types.ts";
import type { Product } from "../store/types.ts";

export function formatPrice(price: number, currency: string | undefined, locale: Locale): string {
  try {
    return new Intl.NumberFormat(locale === "zh" ? "zh-CN" : "en-US", { style: "currency", currency: currency ?? (locale === "zh" ? "CNY" : "USD") }).format(price);
  } catch {
    return `${price.toFixed(2)}${currency ? ` ${currency}` : ""}`;
  }
}

export function formatRange(range: PriceRange | undefined, locale: Locale): string {
  if (!range) return "";
  const n = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
  if (locale === "zh") {
    if (range.min !== undefined && range.max !== undefined) return `${n(range.min)}–${n(range.max)}`;
    if (range.max !== undefined) return `${n(range.max)}以内`;
    if (range.min !== undefined) return `${n(range.min)}以上`;
    return "";
  }
  if (range.min !== undefined && range.max !== undefined) return `${n(range.min)}–${n(range.max)}`;
  if (range.max !== undefined) return `up to ${n(range.max)}`;
  if (range.min !== undefined) return `from ${n(range.min)}`;
  return "";
}

export function toCard(ranked: Ranked): ProductCard {
  const { product } = ranked;
  const card: ProductCard = { id: product.id, title: product.title, reason: ranked.reason };
  if (product.price !== undefined) card.price = product.price;
  if (product.currency) card.currency = product.currency;
  if (product.image) card.image = product.image;
  return card;
}

export function productCard(product: Product, reason: string): ProductCard {
  return toCard({ product, score: 1, reason });
}
