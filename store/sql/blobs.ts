import { ValidationError } from "../../core/errors.ts";
import type { Row } from "../adapter.ts";
import type { BlobStore } from "../types.ts";
import { idSchema, parseInput } from "../validate.ts";
import { asBuffer } from "../vectors.ts";
import { SqlSlice } from "./slice.ts";

/** Opaque model state, by key. */
export class SqlBlobStore extends SqlSlice implements BlobStore {
  async putBlob(key: string, value: Buffer): Promise<void> {
    parseInput(idSchema, key, "key");
    if (!(value instanceof Uint8Array)) throw new ValidationError("invalid value: expected a Buffer");
    await this.sql.query(
      `INSERT INTO blobs (key, value) VALUES ($1, $2::bytea)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = now()`,
      [key, asBuffer(value)],
    );
  }

  async getBlob(key: string): Promise<Buffer | null> {
    parseInput(idSchema, key, "key");
    const [row] = await this.sql.query<{ value: Uint8Array } & Row>("SELECT value FROM blobs WHERE key = $1", [key]);
    return row ? asBuffer(row.value) : null;
  }

  async putBlobIfAbsent(key: string, value: Buffer): Promise<Buffer> {
    parseInput(idSchema, key, "key");
    if (!(value instanceof Uint8Array)) throw new ValidationError("invalid value: expected a Buffer");
    // Two replicas starting at once both try; ON CONFLICT makes one of them the writer, and both read its value.
    await this.sql.query("INSERT INTO blobs (key, value) VALUES ($1, $2::bytea) ON CONFLICT (key) DO NOTHING", [key, asBuffer(value)]);
    return (await this.getBlob(key))!;
  }
}
