import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { Product } from "../../store/types.ts";

/** One JSONL line; key order is the order the generator sets fields, so output is byte-stable. */
export function productToJsonLine(product: Product): string {
  return `${JSON.stringify(product)}\n`;
}

/** Streams products to a JSONL file with back-pressure, so a million products never sit in memory. */
export async function writeCatalogJsonl(file: string, products: Iterable<Product>, onProduct?: () => void): Promise<number> {
  const out = createWriteStream(file, { encoding: "utf8" });
  let written = 0;
  let batch = "";
  try {
    for (const product of products) {
      batch += productToJsonLine(product);
      written++;
      onProduct?.();
      // Batching lines keeps write() calls (and their overhead) down; 64 kB is one stream chunk.
      if (batch.length >= 65536) {
        if (!out.write(batch)) await once(out, "drain");
        batch = "";
      }
    }
    if (batch) out.write(batch);
    out.end();
    await once(out, "finish");
  } catch (err) {
    out.destroy();
    throw err;
  }
  return written;
}
