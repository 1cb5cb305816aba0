import { createHash } from "node:crypto";
import type { Embedder } from "../recommend/index.ts";
import type { BlobStore, KbPassage } from "../store/types.ts";
import { passageText } from "./retriever.ts";

/**
 * The downloaded model's passage vectors, kept in the store's blobs under the model's id, keyed by
 * each passage's text: a restart (or another replica) embeds only passages it has not seen, and a
 * changed passage is embedded again because its text changed. One blob, rewritten when it changes.
 */
export async function cachedVectors(blobs: BlobStore, passages: KbPassage[], embedder: Embedder, onEmbedded?: (count: number) => void): Promise<Float32Array[]> {
  const key = `kb-vectors:${embedder.id}`;
  const keyOf = (p: KbPassage) => createHash("sha256").update(passageText(p)).digest("hex").slice(0, 32);
  const stored = decode(await blobs.getBlob(key), embedder.dimensions);
  const keys = passages.map(keyOf);
  const missing = passages.filter((_, i) => !stored.has(keys[i]!));
  const fresh = missing.length ? await embedder.embed(missing.map(passageText)) : [];
  onEmbedded?.(missing.length);
  const wanted = new Map<string, Float32Array>();
  keys.forEach((k) => {
    const v = stored.get(k);
    if (v) wanted.set(k, v);
  });
  for (const [i, p] of missing.entries()) wanted.set(keyOf(p), fresh[i]!);
  // Only this knowledge base's passages are kept: vectors of removed or changed ones go.
  if (missing.length || wanted.size !== stored.size) await blobs.putBlob(key, encode(wanted, embedder.dimensions));
  return keys.map((k) => wanted.get(k)!);
}

function encode(vectors: Map<string, Float32Array>, dimensions: number): Buffer {
  const keys = [...vectors.keys()];
  const header = Buffer.from(JSON.stringify({ dimensions, keys }));
  const body = new Float32Array(keys.length * dimensions);
  for (const [i, k] of keys.entries()) body.set(vectors.get(k)!, i * dimensions);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([length, header, Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
}

/** The stored vectors; an unreadable or other-sized blob counts as none (they are embedded again). */
function decode(bytes: Buffer | null, dimensions: number): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  if (!bytes || bytes.length < 4) return out;
  try {
    const length = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.toString("utf8", 4, 4 + length)) as { dimensions: number; keys: string[] };
    if (header.dimensions !== dimensions) return out;
    const body = bytes.subarray(4 + length);
    if (body.length !== header.keys.length * dimensions * 4) return out;
    const floats = new Float32Array(body.length / 4);
    new Uint8Array(floats.buffer).set(body);
    for (const [i, k] of header.keys.entries()) out.set(k, floats.slice(i * dimensions, (i + 1) * dimensions));
  } catch {
    out.clear();
  }
  return out;
}
