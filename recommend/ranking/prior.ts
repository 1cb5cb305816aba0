import type { Catalog } from "../catalog.ts";

/**
 * The catalogue's own order of picks when nobody has bought anything yet (the last fallback):
 * round-robin across categories (largest first) so the first screen is varied; within a category
 * in-stock products with a description and an image first, then catalogue order.
 */
export function catalogPrior(c: Catalog): number[] {
  const byCategory = new Map<number, number[]>();
  for (const s of c.slots()) {
    const k = c.categoryOf(s);
    const list = byCategory.get(k);
    if (list) list.push(s);
    else byCategory.set(k, [s]);
  }
  const quality = (s: number) => {
    const p = c.product(s)!;
    return (c.inStock(s) ? 4 : 0) + (p.description ? 2 : 0) + (p.image ? 1 : 0);
  };
  const lists = [...byCategory.values()].map((l) => l.sort((a, b) => quality(b) - quality(a) || a - b)).sort((a, b) => b.length - a.length);
  const order: number[] = [];
  for (let i = 0; order.length < c.size; i++) for (const l of lists) if (i < l.length) order.push(l[i]!);
  return order;
}
