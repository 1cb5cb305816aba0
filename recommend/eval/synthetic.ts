import type { Product, ShopperEvent } from "../../store/types.ts";
import { type DemoEntry, iterateCatalogEntries } from "../demo/index.ts";
import { Rng } from "../demo/prng.ts";

/**
 * Synthetic shoppers on the demo catalogue — a sanity check for the evaluation and the ranking, with
 * structure each signal can find and none can find alone:
 *
 *   - taste: each shopper likes 2–4 sub-types (chosen with a Zipf skew, so some sub-types are
 *     mainstream), most in their own language; content similarity can find these;
 *   - complements: every sub-type has a hidden complement sub-type in another category (running
 *     shoes → some sports item); after a purchase, the next session is often about the complement.
 *     Only co-occurrence can learn these — the words do not say it;
 *   - bestsellers: within a sub-type, items are picked with a Zipf skew (popularity);
 *   - brand loyalty: half the shoppers stick to one brand per category when they can;
 *   - sessions: a shopper's 2–8 sessions spread over 120 days; each views 2–7 items of one sub-type
 *     within minutes, sometimes carts, buys, saves or rates one (session intent).
 *
 * Deterministic for a seed. Not a benchmark of the real world — a check that each part of the
 * ranking does what it is for, and that the evaluation sees it.
 */

export interface SyntheticOptions {
  products?: number;
  shoppers?: number;
  seed?: number;
  /** Share of Chinese products (and shoppers), as the demo catalogue (default 0.3). */
  zhShare?: number;
  /** Newest event time (epoch ms); default 2025-01-01. */
  end?: number;
}

export interface SyntheticData {
  products: Product[];
  events: ShopperEvent[];
}

const DAY = 86_400_000;

function cumulative(weights: number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}

export function generateSynthetic(options: SyntheticOptions = {}): SyntheticData {
  const seed = options.seed ?? 7;
  const rng = new Rng(seed);
  const entries: DemoEntry[] = [...iterateCatalogEntries({ count: options.products ?? 3000, seed, zhShare: options.zhShare ?? 0.3 })];
  const end = options.end ?? Date.UTC(2025, 0, 1);

  // Items per (sub-type, language), in a fixed random order: the first are the bestsellers.
  const groups = new Map<string, DemoEntry[]>();
  for (const e of entries) {
    const key = `${e.subtype.id}|${e.locale}`;
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
  }
  for (const list of groups.values()) {
    for (let i = list.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
  }
  const subtypes = [...new Set(entries.map((e) => e.subtype.id))].sort();
  const categoryOf = new Map(entries.map((e) => [e.subtype.id, e.category.id]));
  // Zipf over sub-types (mainstream first, in a seeded order) and a complement in another category.
  const order = [...subtypes];
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const subtypeCum = cumulative(order.map((_, i) => 1 / (i + 1) ** 0.8));
  const complement = new Map<string, string>();
  for (const s of subtypes) {
    const others = subtypes.filter((o) => categoryOf.get(o) !== categoryOf.get(s));
    complement.set(s, rng.pick(others));
  }
  const zipf = (n: number) => cumulative(Array.from({ length: n }, (_, i) => 1 / (i + 1)));
  const zipfCache = new Map<number, number[]>();
  const pickItem = (subtype: string, locale: "en" | "zh", brand: string | undefined): DemoEntry | undefined => {
    const list = groups.get(`${subtype}|${locale}`) ?? groups.get(`${subtype}|${locale === "en" ? "zh" : "en"}`);
    if (!list?.length) return undefined;
    if (brand && rng.chance(0.7)) {
      const own = list.filter((e) => e.product.brand === brand);
      if (own.length) return own[Math.min(own.length - 1, Math.floor(-Math.log(1 - rng.next()) * 1.5))];
    }
    let cum = zipfCache.get(list.length);
    if (!cum) {
      cum = zipf(list.length);
      zipfCache.set(list.length, cum);
    }
    return list[rng.weighted(cum)];
  };

  const events: ShopperEvent[] = [];
  const shoppers = options.shoppers ?? 2000;
  for (let u = 0; u < shoppers; u++) {
    const userId = `shopper-${String(u + 1).padStart(5, "0")}`;
    const locale: "en" | "zh" = rng.chance(options.zhShare ?? 0.3) ? "zh" : "en";
    const tastes = new Set<string>();
    const nTastes = rng.int(2, 4);
    while (tastes.size < nTastes) tastes.add(order[rng.weighted(subtypeCum)]!);
    const loyal = rng.chance(0.5);
    const brands = new Map<string, string>();
    const sessions = rng.int(2, 8);
    const starts = Array.from({ length: sessions }, () => end - rng.next() * 120 * DAY).sort((a, b) => a - b);
    let lastBought: string | undefined;
    for (const start of starts) {
      const subtype = lastBought && rng.chance(0.5) ? complement.get(lastBought)! : rng.pick([...tastes]);
      const lang = rng.chance(0.9) ? locale : locale === "en" ? "zh" : "en";
      let ts = Math.floor(start);
      const seen: DemoEntry[] = [];
      const views = rng.int(2, 7);
      for (let v = 0; v < views; v++) {
        const category = categoryOf.get(subtype)!;
        const item = pickItem(subtype, lang, loyal ? brands.get(category) : undefined);
        if (!item) break;
        if (loyal && item.product.brand && !brands.has(category)) brands.set(category, item.product.brand);
        ts += rng.int(20, 240) * 1000;
        events.push({ userId, itemId: item.product.id, type: "view", ts });
        seen.push(item);
      }
      lastBought = undefined;
      if (!seen.length || !rng.chance(0.55)) continue;
      const chosen = seen[seen.length - 1]!;
      ts += rng.int(30, 300) * 1000;
      events.push({ userId, itemId: chosen.product.id, type: "cart", ts });
      if (rng.chance(0.2)) events.push({ userId, itemId: seen[0]!.product.id, type: "favourite", ts: ts + 5000 });
      if (!rng.chance(0.7)) continue;
      ts += rng.int(60, 600) * 1000;
      events.push({ userId, itemId: chosen.product.id, type: "purchase", ts });
      lastBought = chosen.subtype.id;
      if (rng.chance(0.3)) events.push({ userId, itemId: chosen.product.id, type: "rating", value: rng.pick([3, 4, 4, 5, 5]), ts: ts + rng.int(2, 10) * DAY });
    }
  }
  events.sort((a, b) => a.ts - b.ts);
  return { products: entries.map((e) => e.product), events };
}
