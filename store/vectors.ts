import { endianness } from "node:os";

/** Vectors are stored as Float32 little-endian bytes, whatever the host's byte order. */
const littleEndianHost = endianness() === "LE";

/** The vector's bytes; on little-endian hosts a view of the same memory, no copy. */
export function float32ToBytes(vector: Float32Array): Buffer {
  if (littleEndianHost) return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
  const out = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) out.writeFloatLE(vector[i], i * 4);
  return out;
}

/** Always copies: driver buffers are slices of a shared pool and may be misaligned for a Float32Array. */
export function bytesToFloat32(bytes: Uint8Array, what: string): Float32Array {
  if (bytes.byteLength % 4 !== 0) throw new Error(`${what}: stored vector has ${bytes.byteLength} bytes, not a multiple of 4`);
  const out = new Float32Array(bytes.byteLength / 4);
  if (littleEndianHost) {
    new Uint8Array(out.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  }
  return out;
}

/** Driver byte results (Buffer from pg, Uint8Array from PGlite) as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
