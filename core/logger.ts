import { pino, type Logger } from "pino";

/**
 * One structured logger for the process. Shopper text never goes to logs: the redact paths cover
 * the fields where it could travel, and callers log ids and sizes rather than content.
 */
export function createLogger(level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { service: "concierge" },
    redact: {
      paths: ["text", "*.text", "email", "*.email", "phone", "*.phone", "password", "*.password", "authorization", "*.authorization"],
      censor: "[redacted]",
    },
  });
}

export const logger: Logger = createLogger();
export type { Logger };
