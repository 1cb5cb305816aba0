import { randomUUID } from "node:crypto";
import { createLogger, type Logger } from "../core/logger.ts";
import pino from "pino";
import { RedisNoticeBus } from "../core/notices.ts";
import { RedisLink } from "../core/redis.ts";
import type { BlobStore } from "./types.ts";

/** What an import changed: running services rebuild what they keep in memory of it. */
export type ChangeKind = "catalogue" | "knowledge";

/** A change as replicas hear of it: which slice, and the marker the store now holds. */
export interface ChangeNotice {
  kind: ChangeKind;
  marker: string;
}

const KEY: Record<ChangeKind, string> = { catalogue: "live:catalogue-changed", knowledge: "live:knowledge-changed" };

export function isChangeNotice(value: unknown): value is ChangeNotice {
  const v = value as Partial<ChangeNotice> | null;
  return typeof v === "object" && v !== null && (v.kind === "catalogue" || v.kind === "knowledge") && typeof v.marker === "string";
}

/** The Redis channel replicas of one schema hear changes on. */
export function changeChannel(schema: string | undefined): string {
  return `concierge:${schema ?? "public"}:imports`;
}

/**
 * Records in the store that `kind` changed: a fresh marker every import writes. A service polls
 * it, so a change made by any process that reaches the store (the CLI, another replica) is seen
 * even when no Redis carries the notice.
 */
export async function markChanged(blobs: BlobStore, kind: ChangeKind): Promise<ChangeNotice> {
  const marker = `${Date.now()}-${randomUUID()}`;
  await blobs.putBlob(KEY[kind], Buffer.from(marker));
  return { kind, marker };
}

/** The marker the store holds for `kind` ("" before any import marked one). */
export async function readMarker(blobs: BlobStore, kind: ChangeKind): Promise<string> {
  return (await blobs.getBlob(KEY[kind]))?.toString("utf8") ?? "";
}

/**
 * For a tool outside the service (the CLI): tells running replicas at once through Redis. Best
 * effort — they poll the store's marker anyway, so an unreachable Redis only delays them.
 */
export async function announceChange(redisUrl: string | undefined, schema: string | undefined, notice: ChangeNotice, logger: Logger = createLogger("warn", pino.destination(2))): Promise<void> {
  if (!redisUrl) return;
  const link = new RedisLink(redisUrl, logger);
  try {
    // A notice published before the link is up would only be held, and lost when the tool exits.
    const up = await new Promise<boolean>((resolve) => {
      link.onReady(() => resolve(true));
      setTimeout(() => resolve(false), 3_000).unref();
    });
    if (up) await new RedisNoticeBus(link, changeChannel(schema), isChangeNotice, logger).publish(notice);
  } finally {
    await link.close().catch(() => undefined);
  }
}
