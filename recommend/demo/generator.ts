import { z } from "zod";
import { parseInput } from "../../core/validation.ts";
import type { Product } from "../../store/types.ts";
import { authorName, bookTitle } from "./book-titles.ts";
import { shelfPrice } from "./price.ts";
import { Rng, streamSeed } from "./prng.ts";
import { type CompiledTemplate, canFill, compileTemplate, fillTemplate, lowerTitle, type Slot, type SlotValues, titleCase } from "./text.ts";
import { AUDIENCE_TAG, AUDIENCE_TITLE, type Audience, CATEGORIES, COLORS, type CategoryDef, SIZE_RUNS, type SubType, type Term } from "./vocab/index.ts";

export type DemoLocale = "en" | "zh";

export const catalogOptionsSchema = z.object({
  count: z.number().int().min(0).max(100_000_000),
  seed: z.number().int().min(0).max(0xffffffff).default(42),
  /** Number of the first product (ids are "sku-" + this, zero-padded); lets a big run be split. */
  start: z.number().int().min(1).default(1),
  /** Share of products written in Chinese (each product is in one language). */
  zhShare: z.number().min(0).max(1).default(0.3),
});
export type CatalogOptions = z.input<typeof catalogOptionsSchema>;

/** A generated product with the choices behind it, for tests and tools that need the ground truth. */
export interface DemoEntry {
  product: Product;
  category: CategoryDef;
  subtype: SubType;
  locale: DemoLocale;
  audience?: Audience;
}

interface Templates {
  open: CompiledTemplate[];
  detail: CompiledTemplate[];
  close: CompiledTemplate[];
}

/** Per sub-type and language: the templates whose every slot that sub-type can fill. */
interface Prepared {
  category: CategoryDef;
  subtype: SubType;
  text: Record<DemoLocale, Templates>;
}

const PAGE_RANGES: Record<string, [number, number]> = {
  novel: [22, 65],
  cookbook: [20, 40],
  "picture-book": [3, 6],
  "travel-guide": [18, 40],
};

const prepared = new Map<SubType, Prepared>();
for (const category of CATEGORIES) {
  for (const subtype of category.subtypes) {
    const available = new Set<Slot>(["name", "brand", "sub", "noun", "f1", "f2", "use"]);
    if (subtype.materials?.length) available.add("material");
    if (subtype.colors?.length) available.add("color");
    if (subtype.variants?.length) available.add("variant");
    if (subtype.book) {
      available.add("author");
      available.add("pages");
    }
    const source = subtype.text ?? category.text;
    const compile = (list: string[], where: string) => {
      const usable = list.map(compileTemplate).filter((t) => canFill(t, available));
      if (!usable.length) throw new Error(`demo vocabulary: no ${where} template fits ${category.id}/${subtype.id}`);
      return usable;
    };
    const text = {} as Record<DemoLocale, Templates>;
    for (const locale of ["en", "zh"] as const) {
      const t = source[locale];
      text[locale] = { open: compile(t.open, `${locale} opening`), detail: compile(t.detail, `${locale} detail`), close: compile(t.close, `${locale} closing`) };
    }
    prepared.set(subtype, { category, subtype, text });
  }
}

/** The word lists are small and fixed, so casing each phrase once beats re-casing it per product. */
function memoize(fn: (s: string) => string): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) {
      v = fn(s);
      cache.set(s, v);
    }
    return v;
  };
}
const titleCased = memoize(titleCase);
const lowerTitled = memoize(lowerTitle);
const lowered = memoize((s) => s.toLowerCase());
// The kind of product without pack sizes: "crew socks", not "crew socks (3 pack)".
const kindOf = memoize((s) => s.replace(/\s*\(.*\)$/, "").replace(/（.*）$/, ""));

const cumulativeWeights: number[] = [];
for (const category of CATEGORIES) cumulativeWeights.push((cumulativeWeights.at(-1) ?? 0) + category.weight);

/** "sku-000123": six digits at least, so the demo ids sort as numbers up to a million. */
export function demoId(n: number): string {
  return `sku-${String(n).padStart(6, "0")}`;
}

/**
 * Product number `n` of the catalogue for `seed`. Each product draws from its own random stream, so
 * it does not depend on how many products come before or after it.
 */
export function generateEntry(n: number, seed = 42, zhShare = 0.3): DemoEntry {
  const rng = new Rng(streamSeed(seed, n));
  const locale: DemoLocale = rng.next() < zhShare ? "zh" : "en";
  const category = CATEGORIES[rng.weighted(cumulativeWeights)]!;
  const subtype = rng.pick(category.subtypes);
  const prep = prepared.get(subtype)!;
  const brand = rng.pick(subtype.brands ?? category.brands);
  const audience = subtype.audiences ? rng.pick(subtype.audiences) : undefined;
  const [f1, f2] = rng.pickTwo(subtype.features);
  const material = subtype.materials ? rng.pick(subtype.materials) : undefined;
  const use = rng.pick(subtype.uses);
  const colorId = subtype.colors ? rng.pick(subtype.colors) : undefined;
  const color = colorId ? COLORS[colorId] : undefined;
  const variantIndex = subtype.variants ? rng.int(0, subtype.variants.length - 1) : -1;
  const variant = variantIndex >= 0 ? subtype.variants![variantIndex] : undefined;

  let line = "";
  let book: { title: string; author: string; pages: number } | undefined;
  if (subtype.book) {
    const [lo, hi] = PAGE_RANGES[subtype.id] ?? [15, 50];
    book = { title: bookTitle(rng, subtype.id, locale), author: authorName(rng, locale), pages: rng.int(lo, hi) * 8 };
  } else {
    line = rng.pick(category.lines);
    if (category.lineNumbers && rng.chance(0.7)) line += ` ${rng.int(1, 9)}`;
    if (category.lineSuffixes && rng.chance(0.3)) line += ` ${rng.pick(category.lineSuffixes)}`;
  }

  // Options further up a sub-type's variant list cost more, within the sub-type's range.
  const [lo, hi] = subtype.price;
  const variants = subtype.variants?.length ?? 1;
  const u = (Math.max(variantIndex, 0) + rng.next()) / variants;
  const rawUsd = lo + 1 + (hi - lo - 1) * u;
  const currency = locale === "en" ? "USD" : "CNY";
  const price = currency === "USD" ? shelfPrice(rawUsd, lo, "USD") : shelfPrice(rawUsd * 7, lo * 7, "CNY");
  const stock = rng.chance(0.08) ? 0 : Math.floor(1 + 240 * rng.next() ** 2);
  const featureInTitle = locale === "zh" || rng.chance(0.6);

  const values: SlotValues = {
    brand: locale === "en" ? brand.name : brand.zh,
    sub: locale === "en" ? lowerTitled(subtype.en) : subtype.zh,
    noun: subtype.noun ? subtype.noun[locale] : locale === "en" ? lowerTitled(subtype.en) : subtype.zh,
    f1: f1[locale],
    f2: f2[locale],
    use: use[locale],
    material: material?.[locale],
    color: color?.[locale],
    variant: variant ? (locale === "en" ? lowered(variant.en) : variant.zh) : undefined,
    author: book?.author,
    pages: book ? String(book.pages) : undefined,
  };
  let title: string;
  if (book) {
    values.name = book.title;
    title = locale === "en" ? `${book.title} by ${book.author} (${variant!.en})` : `${book.title}${book.author} 著 ${subtype.zh} ${variant!.zh}`;
  } else if (locale === "en") {
    values.name = `the ${brand.name} ${line}`;
    const words = [brand.name, line];
    if (audience) words.push(AUDIENCE_TITLE[audience].en);
    if (featureInTitle) words.push(titleCased(f1.en));
    words.push(subtype.en);
    if (variant) words.push(variant.en);
    title = words.join(" ") + (color ? `, ${titleCased(color.en)}` : "");
  } else {
    values.name = `${brand.zh} ${line}`;
    title = `${brand.zh} ${line} ${f1.zh}${f2.zh}${audience ? AUDIENCE_TITLE[audience].zh : ""}${subtype.zh}`;
    if (variant) title += ` ${variant.zh}`;
    if (color) title += ` ${color.zh}`;
  }

  const text = prep.text[locale];
  const sentences = [fillTemplate(rng.pick(text.open), values)];
  const detail = rng.pick(text.detail);
  sentences.push(fillTemplate(detail, values));
  if (rng.chance(0.6)) {
    let close = rng.pick(text.close);
    // Two sentences about the colour in a row read like a bot wrote them.
    if (detail.slots.includes("color") && close.slots.includes("color")) close = text.close.find((t) => !t.slots.includes("color")) ?? close;
    sentences.push(fillTemplate(close, values));
  }

  const product: Product = {
    id: demoId(n),
    title,
    description: sentences.join(locale === "en" ? " " : ""),
    category: category.id,
    brand: brand.name,
    price,
    currency,
    tags: tagsFor(locale, subtype, [f1, f2], material, audience, book?.author),
    image: `/images/${category.id}.svg`,
    stock,
  };
  if (colorId) product.color = colorId;
  if (subtype.sizes) product.sizes = sizeRun(rng, subtype.sizes, locale, audience);
  product.locale = locale;
  return { product, category, subtype, locale, audience };
}

function tagsFor(locale: DemoLocale, subtype: SubType, features: Term[], material: Term | undefined, audience: Audience | undefined, author: string | undefined): string[] {
  const words: string[] = [kindOf(subtype[locale])];
  for (const k of subtype.keywords ?? []) words.push(k[locale]);
  for (const f of features) words.push(f[locale]);
  if (material) words.push(material[locale]);
  if (audience) words.push(AUDIENCE_TAG[audience][locale]);
  if (author) words.push(author);
  const tags = locale === "en" ? words.map(lowered) : words;
  return [...new Set(tags)];
}

/** A contiguous run out of the full size range, as a shop rarely stocks every size of one item. */
function sizeRun(rng: Rng, scheme: keyof typeof SIZE_RUNS, locale: DemoLocale, audience: Audience | undefined): string[] {
  const runs = SIZE_RUNS[scheme][locale];
  const all = (audience && runs[audience]) || runs.default;
  const from = rng.int(0, Math.floor(all.length / 4));
  const to = all.length - rng.int(0, Math.floor(all.length / 4));
  return all.slice(from, to);
}

/** Products `start`…`start + count - 1` for `seed`, one at a time: constant memory for any count. */
export function* iterateCatalogEntries(options: CatalogOptions): Generator<DemoEntry> {
  const { count, seed, start, zhShare } = parseInput(catalogOptionsSchema, options, "catalogue options");
  for (let n = start; n < start + count; n++) yield generateEntry(n, seed, zhShare);
}

export function* iterateCatalog(options: CatalogOptions): Generator<Product> {
  for (const entry of iterateCatalogEntries(options)) yield entry.product;
}

/** The same options always give the same products, in the same order. */
export function generateCatalog(options: CatalogOptions): Product[] {
  return Array.from(iterateCatalog(options));
}
