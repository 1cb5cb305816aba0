import { createHash, randomBytes } from "node:crypto";
import { ConciergeError } from "../core/errors.ts";

/** Where a shopper downloads their export; the rest of the path is the one-time token. */
export const EXPORT_PATH = "/api/me/export/";

export class ExportLinkError extends ConciergeError {
  constructor(code: "export_link_unknown" | "export_link_expired", message: string) {
    super(code, message, code === "export_link_expired" ? 410 : 404);
  }
}

/** A fresh one-time token (256 random bits) and the hash that is all the store keeps of it. */
export function newExportToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashExportToken(token) };
}

export function hashExportToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Tokens are base64url of 32 bytes; anything else is refused before it reaches the store. */
export function isExportToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
