/**
 * The demo catalogue: realistic-looking products from curated word lists, the same for the same
 * seed, so a fresh install has something to recommend before the shop imports its own catalogue.
 */
import path from "node:path";

/** The committed demo catalogue (1,200 products, seed 42), loaded at start-up when the store is empty. */
export const DEMO_CATALOG_PATH = path.resolve(import.meta.dirname, "catalog.jsonl");
export const DEMO_CATALOG_OPTIONS = { count: 1200, seed: 42 } as const;

export {
  type CatalogOptions,
  catalogOptionsSchema,
  type DemoEntry,
  type DemoLocale,
  demoId,
  generateCatalog,
  generateEntry,
  iterateCatalog,
  iterateCatalogEntries,
} from "./generator.ts";
export { CNY_PER_USD, priceRange } from "./price.ts";
export { productToJsonLine, writeCatalogJsonl } from "./write.ts";
export { CATEGORIES as DEMO_CATEGORIES } from "./vocab/index.ts";
export type { Brand, CategoryDef, SubType, Term } from "./vocab/index.ts";
