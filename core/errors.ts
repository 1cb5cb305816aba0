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

/** Formats any thrown value as the public error shape, hiding internals of unexpected errors. */
export function toPublicError(err: unknown): { code: string; message: string } {
  if (err instanceof ConciergeError) return err.toJSON();
  return { code: "internal_error", message: "something went wrong on our side" };
}
