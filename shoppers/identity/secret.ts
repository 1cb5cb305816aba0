import { createHmac, randomBytes } from "node:crypto";
import type { BlobStore } from "../../store/types.ts";

const BLOB = "shoppers:server-secret";

/**
 * The server's own secret: anonymous visitors' tokens are signed with it and phone numbers hashed
 * with it. Kept in the store, so every replica and every restart uses the same one; the first
 * replica to start writes it and the others read what it wrote.
 */
export class ServerSecret {
  private constructor(private readonly secret: Buffer) {}

  static async load(blobs: BlobStore): Promise<ServerSecret> {
    const stored = await blobs.putBlobIfAbsent(BLOB, randomBytes(32));
    return new ServerSecret(stored);
  }

  /** A key for one purpose, so a key leaked from one use opens no other. */
  key(purpose: "anonymous-token" | "phone"): Buffer {
    return createHmac("sha256", this.secret).update(`concierge:${purpose}`, "utf8").digest();
  }
}
