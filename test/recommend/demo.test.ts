import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import { validateCatalogRow } from "../../recommend/catalog-file.ts";
import { generateCommand } from "../../recommend/demo/generate.ts";
import {
  DEMO_CATALOG_OPTIONS,
  DEMO_CATALOG_PATH,
  DEMO_CATEGORIES,
  type DemoEntry,
  generateCatalog,
  generateEntry,
  iterateCatalog,
  iterateCatalogEntries,
  priceRange,
  productToJsonLine,
} from "../../recommend/demo/index.ts";
import { COLORS } from "../../recommend/demo/vocab/common.ts";

const CJK = /[\u4e00-\u9fff]/;
const SAMPLE = 4000;
let entries: DemoEntry[];

beforeAll(() => {
  entries = Array.from(iterateCatalogEntries({ count: SAMPLE, seed: 1234 }));
});

describe("demo catalogue generator", () => {
  it("gives identical products for the same seed and count, and different ones for another seed", () => {
    const a = generateCatalog({ count: 300, seed: 7 });
    const b = generateCatalog({ count: 300, seed: 7 });
    expect(b).toEqual(a);
    const c = generateCatalog({ count: 300, seed: 8 });
    const same = c.filter((p, i) => p.title === a[i]!.title).length;
    expect(same).toBeLessThan(30);
  });

  it("makes each product independent of the count, so a small catalogue is a prefix of a big one", () => {
    const big = generateCatalog({ count: 200, seed: 5 });
    expect(generateCatalog({ count: 50, seed: 5 })).toEqual(big.slice(0, 50));
    expect(generateCatalog({ count: 10, seed: 5, start: 101 })).toEqual(big.slice(100, 110));
    expect(generateEntry(37, 5).product).toEqual(big[36]);
  });

  it("streams: iterateCatalog yields lazily without building the list", () => {
    const it = iterateCatalog({ count: 10_000_000, seed: 3 });
    const first = it.next().value;
    expect(first?.id).toBe("sku-000001");
    it.return(undefined);
  });

  it("numbers ids as stable sku-NNNNNN, unique", () => {
    const ids = entries.map((e) => e.product.id);
    expect(ids[0]).toBe("sku-000001");
    expect(ids[122]).toBe("sku-000123");
    expect(new Set(ids).size).toBe(ids.length);
    expect(generateEntry(1_000_000, 1).product.id).toBe("sku-1000000");
  });

  it("rejects bad options naming the field", () => {
    expect(() => generateCatalog({ count: -1, seed: 1 })).toThrow(ValidationError);
    expect(() => generateCatalog({ count: -1, seed: 1 })).toThrow(/count/);
    expect(() => generateCatalog({ count: 1, seed: 1.5 })).toThrow(/seed/);
  });

  it("covers at least 8 categories in proportion to their weights, each with several sub-types", () => {
    expect(DEMO_CATEGORIES.length).toBeGreaterThanOrEqual(8);
    const totalWeight = DEMO_CATEGORIES.reduce((s, c) => s + c.weight, 0);
    for (const category of DEMO_CATEGORIES) {
      const inCategory = entries.filter((e) => e.product.category === category.id);
      const share = inCategory.length / SAMPLE;
      expect(Math.abs(share - category.weight / totalWeight), category.id).toBeLessThan(0.025);
      const subtypes = new Set(inCategory.map((e) => e.subtype.id));
      expect(subtypes.size, category.id).toBe(category.subtypes.length);
      expect(category.subtypes.length, category.id).toBeGreaterThanOrEqual(5);
      expect(category.brands.length, category.id).toBeGreaterThanOrEqual(5);
    }
  });

  it("writes about 30% of products in Chinese, each product in one language", () => {
    const zh = entries.filter((e) => e.product.locale === "zh").length / SAMPLE;
    expect(zh).toBeGreaterThan(0.27);
    expect(zh).toBeLessThan(0.33);
    for (const { product } of entries) {
      expect(["en", "zh"]).toContain(product.locale);
      expect(product.currency).toBe(product.locale === "en" ? "USD" : "CNY");
    }
  });

  it("produces only products the catalogue importer accepts unchanged", () => {
    for (const { product } of entries) {
      const result = validateCatalogRow({ ...product }, 1);
      if (!result.ok) throw new Error(`${product.id}: ${JSON.stringify(result.errors)}`);
      expect(result.product).toEqual(product);
    }
  });

  it("prices every product inside its sub-type's realistic range, with shop-style endings", () => {
    for (const { product, subtype } of entries) {
      const currency = product.currency as "USD" | "CNY";
      const [min, max] = priceRange(subtype.price, currency);
      expect(product.price, `${product.id} ${subtype.id}`).toBeGreaterThanOrEqual(min);
      expect(product.price, `${product.id} ${subtype.id}`).toBeLessThanOrEqual(max);
      const cents = Math.round(product.price! * 100) % 100;
      if (currency === "USD") expect(cents, product.id).toBe(99);
      else expect(cents === 90 || (cents === 0 && product.price! % 10 === 9), `${product.id} ${product.price}`).toBe(true);
    }
    // Sub-types really differ: laptops cost more than socks.
    const avg = (id: string) => {
      const prices = entries.filter((e) => e.subtype.id === id && e.product.currency === "USD").map((e) => e.product.price!);
      return prices.reduce((a, b) => a + b, 0) / prices.length;
    };
    expect(avg("laptop")).toBeGreaterThan(10 * avg("socks"));
  });

  it("prices bigger variants higher (more storage costs more)", () => {
    const phones = entries.filter((e) => e.subtype.id === "smartphone" && e.product.currency === "USD");
    const avgFor = (v: string) => {
      const ps = phones.filter((e) => e.product.title.includes(` ${v}`)).map((e) => e.product.price!);
      return ps.reduce((a, b) => a + b, 0) / ps.length;
    };
    expect(avgFor("512GB")).toBeGreaterThan(avgFor("128GB"));
  });

  it("writes Chinese titles and descriptions in Chinese, English ones without CJK", () => {
    for (const { product } of entries) {
      if (product.locale === "zh") {
        expect(product.title, product.id).toMatch(CJK);
        expect(product.description, product.id).toMatch(CJK);
        expect(product.description!.endsWith("。"), product.id).toBe(true);
      } else {
        expect(product.title, product.id).not.toMatch(CJK);
        expect(product.description, product.id).not.toMatch(CJK);
      }
    }
  });

  it("fills every template: no placeholders, 'undefined' or doubled spaces, and 2–3 sentences", () => {
    for (const { product } of entries) {
      const text = `${product.title} ${product.description}`;
      expect(text, product.id).not.toMatch(/[{}]|undefined|null|\s{2}/);
      const sentences = product.locale === "zh" ? (product.description!.match(/。/g) ?? []).length : (product.description!.match(/[.!?](?=\s|$)/g) ?? []).length;
      expect(sentences, `${product.id}: ${product.description}`).toBeGreaterThanOrEqual(2);
      expect(sentences, `${product.id}: ${product.description}`).toBeLessThanOrEqual(3);
      expect(product.description![0], product.id).not.toMatch(/[a-z]/);
    }
  });

  it("varies descriptions rather than repeating one sentence", () => {
    const openings = new Set(entries.filter((e) => e.product.locale === "en").map((e) => e.product.description!.split(". ")[0]));
    expect(openings.size).toBeGreaterThan(SAMPLE / 4);
    const titles = new Set(entries.map((e) => e.product.title));
    expect(titles.size / SAMPLE).toBeGreaterThan(0.95);
  });

  it("sets brand, colour, sizes, stock, tags and image where they mean something", () => {
    for (const { product, subtype, category } of entries) {
      expect((subtype.brands ?? category.brands).map((b) => b.name), product.id).toContain(product.brand);
      if (subtype.colors) expect(Object.keys(COLORS)).toContain(product.color);
      else expect(product.color).toBeUndefined();
      if (subtype.sizes) {
        expect(product.sizes!.length, product.id).toBeGreaterThan(0);
        for (const s of product.sizes!) expect(s).toBe(s.toLowerCase());
      } else {
        expect(product.sizes).toBeUndefined();
      }
      expect(Number.isInteger(product.stock)).toBe(true);
      expect(product.tags!.length).toBeGreaterThanOrEqual(3);
      expect(new Set(product.tags).size).toBe(product.tags!.length);
      expect(product.image).toBe(`/images/${category.id}.svg`);
    }
    const outOfStock = entries.filter((e) => e.product.stock === 0).length / SAMPLE;
    expect(outOfStock).toBeGreaterThan(0.04);
    expect(outOfStock).toBeLessThan(0.12);
    // Shoe sizes: US in English listings, EU in Chinese ones.
    const shoe = (locale: string) => entries.find((e) => e.subtype.id === "running-shoes" && e.product.locale === locale && e.audience === "men")!.product;
    expect(Number(shoe("en").sizes![0])).toBeLessThan(14);
    expect(Number(shoe("zh").sizes![0])).toBeGreaterThan(35);
  });

  it("ships an icon for every category image path", () => {
    const webRoot = path.resolve(import.meta.dirname, "../../web");
    for (const category of DEMO_CATEGORIES) {
      const file = path.join(webRoot, `images/${category.id}.svg`);
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, "utf8")).toMatch(/^<svg /);
    }
  });
});

describe("committed demo catalogue", () => {
  it("is exactly what the generator produces for its options (they cannot drift)", () => {
    const committed = readFileSync(DEMO_CATALOG_PATH, "utf8");
    const expected = generateCatalog(DEMO_CATALOG_OPTIONS).map(productToJsonLine).join("");
    expect(committed.split("\n").length - 1).toBeGreaterThanOrEqual(1200);
    // Compare line by line first so a failure names the product that drifted.
    const a = committed.split("\n");
    const b = expected.split("\n");
    for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) expect(a[i], `line ${i + 1}`).toBe(b[i]);
    expect(committed).toBe(expected);
  });
});

describe("generate.ts command", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-demo-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the same JSONL as generateCatalog", async () => {
    const out = path.join(dir, "c.jsonl");
    const stderr = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      expect(await generateCommand(["--count", "120", "--seed", "9", "--out", out])).toBe(0);
    } finally {
      process.stderr.write = stderr;
    }
    const written = await readFile(out, "utf8");
    expect(written).toBe(generateCatalog({ count: 120, seed: 9 }).map(productToJsonLine).join(""));
  });

  it("rejects bad arguments naming them", async () => {
    await expect(generateCommand(["--count", "many"])).rejects.toThrow(/count/);
    await expect(generateCommand(["--bogus", "1"])).rejects.toThrow(ValidationError);
  });
});
