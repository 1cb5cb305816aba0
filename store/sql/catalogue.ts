
import type { CatalogueImportRecord, CatalogueStore, Product, ProductRow } from "../types.ts";
import { catalogueImportSchema, checkVector, idSchema, limitSchema, parseEach, parseInput, productRowSchema } from "../validate.ts";
import { bytesToFloat32, float32ToBytes } from "../vectors.ts";
import { chunks, lastByKey, SqlSlice } from "./slice.ts";
import { ValidationError } from "../../core/errors.ts";

/** Vectors are bigger per row (1.5 KB at 384-d); keep one statement's blob to a few MB. */
const VECTOR_BYTES_PER_STATEMENT = 4 * 1024 * 1024;

/** Products and their vectors. */
export class SqlCatalogueStore extends SqlSlice implements CatalogueStore {
  async upsertProducts(rows: ProductRow[]): Promise<void> {
    const valid = lastByKey(parseEach(productRowSchema, rows, "products"), (r) => r.product.id);
    if (!valid.length) return;
    await this.sql.transaction(async (tx) => {
      for (const part of chunks(valid, this.batchSize)) {
        await tx.query(
          `INSERT INTO products (id, data, hash)
           SELECT u.id, u.data::jsonb, u.hash FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, data, hash)
           ON CONFLICT (id) DO UPDATE SET data = excluded.data, hash = excluded.hash,
             updated_at = CASE WHEN products.hash = excluded.hash THEN products.updated_at ELSE now() END`,
          [part.map((r) => r.product.id), part.map((r) => JSON.stringify(r.product)), part.map((r) => r.hash)],
        );
      }
    });
  }

  async productHashes(): Promise<Map<string, string>> {
    const rows = await this.sql.query<{ id: string; hash: string }>("SELECT id, hash FROM products");
    return new Map(rows.map((r) => [r.id, r.hash]));
  }

  /** In the order asked for; ids not in the catalogue are left out. */
  async getProducts(ids: string[]): Promise<Product[]> {
    const wanted = parseEach(idSchema, ids, "ids");
    if (!wanted.length) return [];
    const rows = await this.sql.query<{ id: string; data: Product }>("SELECT id, data FROM products WHERE id = ANY($1::text[])", [
      [...new Set(wanted)],
    ]);
    const byId = new Map(rows.map((r) => [r.id, r.data]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  async allProducts(): Promise<Product[]> {
    const rows = await this.sql.query<{ data: Product }>("SELECT data FROM products ORDER BY id");
    return rows.map((r) => r.data);
  }

  async countProducts(): Promise<number> {
    const [row] = await this.sql.query<{ n: number | string }>("SELECT count(*) AS n FROM products");
    return Number(row.n);
  }

  /** Also drops the products' vectors under every model: a vector of a product that is gone is noise. */
  async deleteProducts(ids: string[]): Promise<number> {
    const doomed = [...new Set(parseEach(idSchema, ids, "ids"))];
    if (!doomed.length) return 0;
    return this.sql.transaction(async (tx) => {
      await tx.query("DELETE FROM vectors WHERE id = ANY($1::text[])", [doomed]);
      return this.count(tx, "DELETE FROM products WHERE id = ANY($1::text[])", [doomed]);
    });
  }


  async saveVectors(model: string, entries: { id: string; vector: Float32Array }[]): Promise<void> {
    parseInput(idSchema, model, "model");
    if (!Array.isArray(entries)) throw new ValidationError("invalid entries: expected an array");
    const valid = lastByKey(
      entries.map((e, i) => ({ id: parseInput(idSchema, e?.id, `entries[${i}].id`), vector: checkVector(e?.vector, `entries[${i}].vector`) })),
      (e) => e.id,
    );
    if (!valid.length) return;
    await this.sql.transaction(async (tx) => {
      let start = 0;
      while (start < valid.length) {
        // One blob a statement, sliced server-side: binary transfer, no per-vector hex or array quoting.
        let end = start;
        let bytes = 0;
        while (end < valid.length && (end === start || bytes + valid[end].vector.byteLength <= VECTOR_BYTES_PER_STATEMENT)) {
          bytes += valid[end].vector.byteLength;
          end++;
        }
        const blob = Buffer.allocUnsafe(bytes);
        const ids: string[] = [];
        const offsets: number[] = [];
        const lengths: number[] = [];
        let at = 0;
        for (let i = start; i < end; i++) {
          const b = float32ToBytes(valid[i].vector);
          b.copy(blob, at);
          ids.push(valid[i].id);
          offsets.push(at + 1); // substring() counts from 1
          lengths.push(b.byteLength);
          at += b.byteLength;
        }
        await tx.query(
          `INSERT INTO vectors (model, id, vector)
           SELECT $1, u.id, substring($2::bytea FROM u.off FOR u.len)
           FROM unnest($3::text[], $4::int[], $5::int[]) AS u(id, off, len)
           ON CONFLICT (model, id) DO UPDATE SET vector = excluded.vector`,
          [model, blob, ids, offsets, lengths],
        );
        start = end;
      }
    });
  }

  async loadVectors(model: string): Promise<Map<string, Float32Array>> {
    parseInput(idSchema, model, "model");
    const rows = await this.sql.query<{ id: string; vector: Uint8Array }>("SELECT id, vector FROM vectors WHERE model = $1", [model]);
    return new Map(rows.map((r) => [r.id, bytesToFloat32(r.vector, `vector ${model}/${r.id}`)]));
  }

  async deleteVectors(model: string, ids?: string[]): Promise<void> {
    parseInput(idSchema, model, "model");
    if (ids === undefined) {
      await this.sql.query("DELETE FROM vectors WHERE model = $1", [model]);
      return;
    }
    const doomed = [...new Set(parseEach(idSchema, ids, "ids"))];
    if (doomed.length) await this.sql.query("DELETE FROM vectors WHERE model = $1 AND id = ANY($2::text[])", [model, doomed]);
  }

  async recordImport(record: CatalogueImportRecord): Promise<void> {
    const r = parseInput(catalogueImportSchema, record, "import record");
    await this.sql.query(
      "INSERT INTO catalogue_imports (at, source, added, updated, unchanged, rejected, products, seconds) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      [r.at, r.source, r.added, r.updated, r.unchanged, r.rejected, r.products, r.seconds],
    );
  }

  async importHistory(limit = 50): Promise<CatalogueImportRecord[]> {
    parseInput(limitSchema, limit, "limit");
    const rows = await this.sql.query<{ at: string | number; source: string; added: number; updated: number; unchanged: number; rejected: number; products: number; seconds: number }>(
      "SELECT at, source, added, updated, unchanged, rejected, products, seconds FROM catalogue_imports ORDER BY at DESC, seq DESC LIMIT $1",
      [limit],
    );
    return rows.map((r) => ({ ...r, at: Number(r.at), seconds: Number(r.seconds) }));
  }
}
