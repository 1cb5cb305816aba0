import path from "node:path";

/**
 * The demo shop's policies as documents (EN and ZH): returns, shipping, payment, opening hours,
 * warranty, gift wrapping, sizing and store events. Imported on first start into an empty knowledge
 * base, as the demo catalogue is into an empty catalogue.
 */
export const DEMO_KB_DIR = path.resolve(import.meta.dirname);

/** The stored path of a demo document ("demo/en/returns.md"), the same on every machine. */
export const DEMO_KB_PREFIX = "demo";
