import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from "express";
import { ConciergeError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { EXPORT_PATH } from "../../shoppers/index.ts";
import { reportError, statusOf } from "../errors.ts";
import { RateLimitedError } from "../limits.ts";
import type { OriginPolicy } from "./origins.ts";

/** A path as it may be logged: an export link's token is a key to someone's data. */
export function loggablePath(path: string): string {
  return path.startsWith(EXPORT_PATH) ? `${EXPORT_PATH}[token]` : path;
}

/** body-parser's errors carry `type`; each becomes a public error that says what was wrong with the body. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
  length?: number;
  limit?: number;
}

function fromBodyParser(err: BodyParserError): ConciergeError | undefined {
  switch (err.type) {
    case "entity.too.large":
      return new ConciergeError("payload_too_large", `request body is ${err.length ?? "too many"} bytes; at most ${err.limit} bytes are accepted`, 413);
    case "entity.parse.failed":
      return new ConciergeError("invalid_json", `malformed JSON in the request body: ${err.message}`, 400);
    case "encoding.unsupported":
    case "charset.unsupported":
      return new ConciergeError("unsupported_media_type", `${err.message}; send UTF-8 JSON`, 415);
    case "request.aborted":
      return new ConciergeError("request_aborted", "the client closed the request before its body arrived", 400);
    default:
      // The router could not percent-decode a path parameter (/api/admin/experiments/%ZZ).
      if (err instanceof URIError && err.status === 400) {
        return new ConciergeError("invalid_input", `path: ${/'[^']*'/.exec(err.message)?.[0] ?? "a segment"} is not valid percent-encoding`, 400);
      }
      if (typeof err.status === "number" && err.status >= 400 && err.status < 500) {
        return new ConciergeError(err.status === 404 ? "not_found" : "bad_request", err.message, err.status);
      }
      return undefined;
  }
}

/** The last middleware: every error, thrown or rejected, becomes {error: {code, message}} with its status. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const mapped = (err instanceof Error && !(err instanceof ConciergeError) && fromBodyParser(err as BodyParserError)) || err;
    const error = reportError(mapped, logger, { method: req.method, path: loggablePath(req.path) });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = statusOf(mapped);
    if (status === 503) res.set("Retry-After", "5");
    if (error.code === "rate_limited") res.set("Retry-After", String(mapped instanceof RateLimitedError ? Math.max(1, Math.ceil(mapped.retryAfterMs / 1000)) : 1));
    res.status(status).json({ error });
  };
}

export function notFound(): RequestHandler {
  return (req, _res, next) => next(new ConciergeError("not_found", `no route for ${req.method} ${req.path}`, 404));
}

export function methodNotAllowed(allowed: string): RequestHandler {
  return (req, res, next) => {
    res.set("Allow", allowed);
    next(new ConciergeError("method_not_allowed", `${req.method} is not supported on ${req.path}; use ${allowed}`, 405));
  };
}

/** One structured line per request (no bodies, no query strings: they may carry shopper text). */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const entry = { method: req.method, path: loggablePath(req.path), status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      // A readiness probe answering "not yet" is the probe working, not a fault: an orchestrator asks every few seconds.
      const probe = req.path === "/readyz" && res.statusCode === 503;
      if (res.statusCode >= 500 && !probe) logger.warn(entry, "http");
      else logger.debug(entry, "http");
    });
    next();
  };
}

/**
 * Cross-origin reads for the shops' pages CONCIERGE_ALLOWED_ORIGINS lists: their exact origin is
 * echoed (never "*"), so an unlisted page's browser keeps the response from it. Nothing here relies
 * on cookies. `Vary: Origin` keeps a shared cache from serving one shop's answer to another.
 */
export function cors(policy: OriginPolicy): RequestHandler {
  return (req, res, next) => {
    res.vary("Origin");
    const origin = req.get("origin");
    const listed = origin !== undefined && policy.listed(origin);
    if (listed) res.set("Access-Control-Allow-Origin", origin);
    if (req.method === "OPTIONS") {
      if (listed) {
        res.set("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
        res.set("Access-Control-Allow-Headers", "Content-Type, Authorization");
        res.set("Access-Control-Max-Age", "600");
      }
      res.status(204).end();
      return;
    }
    next();
  };
}

export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    next();
  };
}
