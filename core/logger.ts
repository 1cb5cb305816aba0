import { type DestinationStream, type Logger, pino, stdSerializers } from "pino";
import { readSetting } from "./config.ts";
import { redactPii } from "./redact.ts";

// Fields that hold what a shopper wrote or said, or a credential, wherever a caller puts them (at the
// top or one or two objects down): they are censored whole, never logged.
const CONTENT = ["text", "transcript", "utterance", "answer", "answers", "email", "phone", "password", "token", "accessToken", "authorization", "cookie"];
const REDACT_PATHS = [
  ...CONTENT.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  // Request parts: bodies and query strings carry shopper text, headers carry credentials.
  "body",
  "*.body",
  "query",
  "*.query",
  'headers["set-cookie"]',
  '*.headers["set-cookie"]',
];

/**
 * One structured logger for the process. Shopper text never goes to logs: callers log ids and sizes
 * rather than content, the redact paths censor the fields where content could travel, and error
 * messages and reasons (which may quote what was sent) lose any e-mail, phone, card or ID number in
 * them. `destination` is for tests; by default lines go to stdout.
 */
export function createLogger(level: string = readSetting("LOG_LEVEL"), destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "concierge" },
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { err: redactError },
      formatters: { log: redactReason },
    },
    destination,
  );
}

function redactError(err: unknown): unknown {
  if (typeof err === "string") return redactPii(err);
  const serialized = stdSerializers.err(err as Error);
  // Anything not error-like comes back as it was given: the caller's object, not ours to change.
  if (serialized === err) return err;
  serialized.message = redactPii(serialized.message ?? "");
  if (serialized.stack) serialized.stack = redactPii(serialized.stack);
  return serialized;
}

function redactReason(entry: Record<string, unknown>): Record<string, unknown> {
  const { reason, message } = entry;
  if (typeof reason !== "string" && typeof message !== "string") return entry;
  return {
    ...entry,
    ...(typeof reason === "string" ? { reason: redactPii(reason) } : {}),
    ...(typeof message === "string" ? { message: redactPii(message) } : {}),
  };
}

export const logger: Logger = createLogger();
export type { Logger };
