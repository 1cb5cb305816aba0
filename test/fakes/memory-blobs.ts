import type { BlobStore } from "../../store/types.ts";

/** The blob slice in memory, for tests that need a server secret but no database (test/store runs the real ones). */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();
  async putBlob(key: string, value: Buffer): Promise<void> {
    this.blobs.set(key, Buffer.from(value));
  }
  async getBlob(key: string): Promise<Buffer | null> {
    const value = this.blobs.get(key);
    return value ? Buffer.from(value) : null;
  }
  async putBlobIfAbsent(key: string, value: Buffer): Promise<Buffer> {
    if (!this.blobs.has(key)) this.blobs.set(key, Buffer.from(value));
    return Buffer.from(this.blobs.get(key)!);
  }
}
