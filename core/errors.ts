/** Typed errors with a stable `code`, so every edge can answer {error: {code, message}} the same way. */
export class ConciergeError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(code: string, message: string, status = 500, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
  }
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Bad input from a client: the message names the field at fault. */
export class ValidationError extends ConciergeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("invalid_input", message, 400, options);
  }
}

export class NotFoundError extends ConciergeError {
  constructor(message: string) {
    super("not_found", message, 404);
  }
}

export class PayloadTooLargeError extends ConciergeError {
  constructor(message: string) {
    super("payload_too_large", message, 413);
  }
}

/** A model that could not be resolved or loaded; callers fall back to the built-in tier. */
export class ModelUnavailableError extends ConciergeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("model_unavailable", message, 503, options);
  }
}

export class NotReadyError extends ConciergeError {
  constructor(message = "service is still loading") {
    super("not_ready", message, 503);
  }
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"]);
// PostgreSQL SQLSTATEs: 08 connection exceptions, 57P01-03 shutdown and start-up, 53300 too many
// connections, 57014 a statement cancelled (its timeout).
const UNAVAILABLE_STATES = /^(08...|57P0[123]|53300|57014)$/;

/**
 * What the infrastructure threw, as an error a client can act on: the database out of reach (503,
 * retry) or the disk full (507: nothing new was saved, what was acknowledged before is kept).
 * Undefined for anything else.
 */
export function infrastructureError(err: unknown, depth = 0): ConciergeError | undefined {
  const e = err as { code?: unknown; message?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== "object") return undefined;
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : "";
  if (code === "ENOSPC" || code === "53100" || /no space left on device|disk full/i.test(message)) {
    return new ConciergeError("storage_full", "the service's storage is full, so this could not be saved (nothing saved before is lost); try again later", 507, { cause: err });
  }
  // pg's own words for a connection that broke under a query, a client left unusable by it, a read that timed out.
  if (CONNECTION_CODES.has(code) || UNAVAILABLE_STATES.test(code) || /Connection terminated|Connection ended unexpectedly|not queryable|connection timeout|Query read timeout|timeout exceeded when trying to connect/i.test(message)) {
    return new ConciergeError("store_unavailable", "the database cannot be reached right now; try again in a moment", 503, { cause: err });
  }
  // An error raised because of one of these (wrapped on its way up) is the same outage.
  return depth < 3 && e.cause ? infrastructureError(e.cause, depth + 1) : undefined;
}

/** Formats any thrown value as the public error shape, hiding internals of unexpected errors. */
export function toPublicError(err: unknown): { code: string; message: string } {
  if (err instanceof ConciergeError) return err.toJSON();
  const infra = infrastructureError(err);
  if (infra) return infra.toJSON();
  return { code: "internal_error", message: "something went wrong on our side" };
}
