/**
 * Typed arrays as base64 text, so a trained classifier is plain JSON (stored in the database or a
 * file) and decodes to exactly the same numbers.
 */
type Typed = Float32Array | Int32Array | Int8Array | Uint8Array;

export function encodeArray(a: Typed): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

function decodeBytes(text: string, bytesPer: number, what: string): Buffer {
  const buf = Buffer.from(text, "base64");
  if (buf.length % bytesPer !== 0) throw new Error(`${what}: ${buf.length} bytes is not a whole number of ${bytesPer}-byte values`);
  // Copy into a fresh, aligned buffer: a pooled Buffer's offset may not suit a Float32Array view.
  const copy = Buffer.alloc(buf.length);
  buf.copy(copy);
  return copy;
}

export function decodeFloat32(text: string, what = "array"): Float32Array {
  const b = decodeBytes(text, 4, what);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

export function decodeInt32(text: string, what = "array"): Int32Array {
  const b = decodeBytes(text, 4, what);
  return new Int32Array(b.buffer, b.byteOffset, b.length / 4);
}

export function decodeInt8(text: string, what = "array"): Int8Array {
  const b = decodeBytes(text, 1, what);
  return new Int8Array(b.buffer, b.byteOffset, b.length);
}

export function decodeUint8(text: string, what = "array"): Uint8Array {
  const b = decodeBytes(text, 1, what);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}
