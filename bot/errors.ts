import { ConciergeError, infrastructureError, toPublicError } from "../core/errors.ts";
import type { Logger } from "../core/logger.ts";
import { errorsTotal } from "../core/metrics.ts";

export interface PublicError {
  code: string;
  message: string;
}

/** HTTP status for any thrown value: a ConciergeError's own, else 500. */
export function statusOf(err: unknown): number {
  return err instanceof ConciergeError ? err.status : (infrastructureError(err)?.status ?? 500);
}

/**
 * The one place an error becomes what a client sees: counts it by code, logs what is ours to fix
 * (5xx) with its stack, and hides internals of unexpected errors.
 */
export function reportError(err: unknown, logger: Logger, context: Record<string, unknown> = {}): PublicError {
  const pub = toPublicError(err);
  errorsTotal.inc({ code: pub.code });
  const status = statusOf(err);
  if (status >= 500 && pub.code !== "not_ready") logger.error({ err, ...context }, "request failed");
  else logger.debug({ code: pub.code, reason: pub.message, ...context }, "request refused");
  return pub;
}
