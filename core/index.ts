export * from "./config.ts";
export * from "./errors.ts";
export * from "./logger.ts";
export * from "./metrics.ts";
export * from "./progress.ts";
export * from "./turn.ts";
export * from "./validation.ts";
export * from "./redact.ts";
