/**
 * Shelf prices that look like shelf prices. English listings are in USD ending in .99
 * (9.99, 24.99, 129.99, 1,249.99); Chinese listings are in CNY the way Chinese shops price
 * (29.9, 599, 1299). A sub-type's USD range is in its word list; its CNY range is that range
 * times CNY_PER_USD, and every generated price lands inside its range.
 */
export const CNY_PER_USD = 7;

export function priceRange(usdRange: readonly [number, number], currency: "USD" | "CNY"): [number, number] {
  const factor = currency === "USD" ? 1 : CNY_PER_USD;
  return [usdRange[0] * factor, usdRange[1] * factor];
}

const cents = (x: number) => Math.round(x * 100) / 100;

/**
 * Snaps `raw` down to the nearest nice price. Callers draw `raw` from [min + one unit, max],
 * so the fine-grained fallback always stays at or above `min` and nothing exceeds `max`.
 */
export function shelfPrice(raw: number, min: number, currency: "USD" | "CNY"): number {
  if (currency === "USD") {
    const step = raw >= 1000 ? 50 : raw >= 100 ? 10 : raw >= 20 ? 5 : 1;
    const nice = cents(Math.floor(raw / step) * step - 0.01);
    return nice >= min ? nice : cents(Math.floor(raw) - 0.01);
  }
  if (raw < 100) {
    const nice = cents(Math.floor(raw) - 0.1);
    return nice >= min ? nice : Math.floor(raw);
  }
  const step = raw >= 10000 ? 1000 : raw >= 1000 ? 100 : 10;
  const nice = Math.floor(raw / step) * step - 1;
  return nice >= min ? nice : Math.floor(raw) - 1;
}
