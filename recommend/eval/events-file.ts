import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { parse as parseCsv } from "csv-parse";
import { z } from "zod";
import { NotFoundError, ValidationError } from "../../core/errors.ts";
import { safeText } from "../../core/text.ts";
import type { ShopperEvent } from "../../store/types.ts";
import { detectFormatFromName } from "../catalog-file.ts";
import { EVENT_TYPES } from "../../core/shopper.ts";

/**
 * Reads a file of shopper events for offline evaluation: the events endpoint's shape, one event a
 * line — JSONL `{"userId","itemId","type","value"?,"ts"?}` — or CSV/TSV with a header naming those
 * columns (user_id, item_id, event, rating, timestamp are understood too). `ts` is epoch
 * milliseconds or an ISO 8601 date; `value` is a rating's 1–5.
 *
 * Every bad line is reported with its number and field; the caller decides (rec eval refuses to
 * evaluate on a file with errors, since a silently dropped event changes the figures).
 */

export interface EventsFileError {
  line: number;
  message: string;
}

/** An event with the line it came from: ties in ts keep file order. */
export interface FileEvent extends ShopperEvent {
  line: number;
  /** The line gave no ts (its ts is then the line number: file order is time order). */
  untimed?: boolean;
}

export interface EventsFileResult {
  events: FileEvent[];
  errors: EventsFileError[];
  errorCount: number;
  format: "jsonl" | "csv" | "tsv";
}

const COLUMN_ALIASES: Record<string, keyof ShopperEvent> = {
  userid: "userId",
  user: "userId",
  user_id: "userId",
  customer_id: "userId",
  shopper: "userId",
  itemid: "itemId",
  item: "itemId",
  item_id: "itemId",
  product_id: "itemId",
  productid: "itemId",
  sku: "itemId",
  id: "itemId",
  type: "type",
  event: "type",
  event_type: "type",
  value: "value",
  rating: "value",
  ts: "ts",
  timestamp: "ts",
  time: "ts",
  date: "ts",
};

const numeric = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** ts as the events endpoint takes it (epoch ms), or an ISO date; a numeric string counts as a number. */
const tsSchema = z.preprocess(
  (v) => {
    if (v === null || v === undefined || (typeof v === "string" && v.trim() === "")) return undefined;
    if (typeof v === "string") {
      const t = v.trim();
      if (numeric.test(t)) return Number(t);
      const ms = Date.parse(t);
      return Number.isNaN(ms) ? v : ms;
    }
    return v;
  },
  z
    .number({ error: (i) => `expected epoch milliseconds or an ISO date, got ${JSON.stringify(i.input)}` })
    .int("must be whole epoch milliseconds")
    .nonnegative()
    .optional(),
);

const valueSchema = z.preprocess(
  (v) => (v === null || (typeof v === "string" && v.trim() === "") ? undefined : typeof v === "string" && numeric.test(v.trim()) ? Number(v) : v),
  z.number({ error: (i) => `expected a number, got ${JSON.stringify(i.input)}` }).finite().optional(),
);

const fileEventSchema = z
  .object({
    userId: z.preprocess((v) => (typeof v === "number" ? String(v) : v), safeText().trim().min(1, "must not be empty").max(200)),
    itemId: z.preprocess((v) => (typeof v === "number" ? String(v) : v), safeText().trim().min(1, "must not be empty").max(200)),
    type: z.preprocess((v) => (typeof v === "string" ? v.trim().toLowerCase() : v), z.enum(EVENT_TYPES)),
    value: valueSchema,
    ts: tsSchema,
  })
  .refine((e) => e.type !== "rating" || e.value === undefined || (e.value >= 1 && e.value <= 5), {
    message: "a rating's value must be between 1 and 5",
    path: ["value"],
  });

function mapRecord(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const k = key.trim();
    const field = (["userId", "itemId", "type", "value", "ts"] as const).find((f) => f === k) ?? COLUMN_ALIASES[k.toLowerCase()];
    if (field && !(field in out)) out[field] = value;
  }
  return out;
}

/** Reads and validates an events file; never throws for a bad line (see `errors`), only for an unreadable file. */
export async function readEventsFile(file: string, options: { onProgress?: (bytes: number, total: number) => void; maxErrors?: number } = {}): Promise<EventsFileResult> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ValidationError(`events path is not a file: ${file}`);
    size = info.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError(`events file not found: ${file}`);
    throw err;
  }
  const raw = createReadStream(file, { highWaterMark: 64 * 1024 });
  const bytes = file.toLowerCase().endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  raw.on("data", () => options.onProgress?.(raw.bytesRead, size));
  const result: EventsFileResult = { events: [], errors: [], errorCount: 0, format: "jsonl" };
  const maxErrors = options.maxErrors ?? 100;
  const fail = (line: number, message: string) => {
    result.errorCount++;
    if (result.errors.length < maxErrors) result.errors.push({ line, message });
  };
  const accept = (record: Record<string, unknown>, line: number) => {
    const parsed = fileEventSchema.safeParse(mapRecord(record));
    if (!parsed.success) {
      fail(line, parsed.error.issues.map((i) => `${i.path.join(".") || "event"}: ${i.message}`).join("; "));
      return;
    }
    const e = parsed.data;
    const event: FileEvent = { userId: e.userId, itemId: e.itemId, type: e.type, ts: e.ts ?? line, line };
    if (e.value !== undefined) event.value = e.value;
    if (e.ts === undefined) event.untimed = true;
    result.events.push(event);
  };
  try {
    const byName = detectFormatFromName(file);
    const lines = createInterface({ input: bytes, crlfDelay: Number.POSITIVE_INFINITY });
    const iterator = lines[Symbol.asyncIterator]();
    // The first non-blank line decides the format when the name does not.
    let lineNo = 0;
    let first: string | undefined;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      lineNo++;
      const text = next.value.replace(/^\uFEFF/, "");
      if (text.trim()) {
        first = text;
        break;
      }
    }
    if (first === undefined) return result;
    const format = byName ?? (first.trimStart().startsWith("{") ? "jsonl" : first.includes("\t") ? "tsv" : "csv");
    result.format = format;
    if (format === "jsonl") {
      const handle = (text: string, line: number) => {
        if (!text.trim()) return;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          fail(line, `is not valid JSON (${(err as Error).message})`);
          return;
        }
        if (value === null || typeof value !== "object" || Array.isArray(value)) {
          fail(line, "expected a JSON object with userId, itemId and type");
          return;
        }
        accept(value as Record<string, unknown>, line);
      };
      handle(first, lineNo);
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        handle(next.value, ++lineNo);
      }
      return result;
    }
    // CSV/TSV: hand the lines (header first) to csv-parse; record line numbers come from its info.
    const headerLine = lineNo;
    async function* rest(): AsyncGenerator<string> {
      yield `${first}\n`;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield `${next.value}\n`;
      }
    }
    let headerProblem: string | undefined;
    const parser = parseCsv({
      delimiter: format === "tsv" ? "\t" : ",",
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      info: true,
      columns: (header: string[]) => {
        const mapped = new Set(Object.keys(mapRecord(Object.fromEntries(header.map((h) => [h, 1])))));
        const missing = (["userId", "itemId", "type"] as const).filter((f) => !mapped.has(f));
        if (missing.length) {
          headerProblem = `line ${headerLine}: the header has no ${missing.join(", ")} column (it has ${header.map((h) => JSON.stringify(h.trim())).join(", ")})`;
          throw new ValidationError(headerProblem);
        }
        return header;
      },
    });
    parser.on("skip", (err: Error & { lines?: number }) => fail(headerLine - 1 + (err.lines ?? 0), `could not be read as ${format.toUpperCase()} (${err.message})`));
    Readable.from(rest()).pipe(parser);
    try {
      for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
        accept(item.record, headerLine - 1 + item.info.lines);
      }
    } catch (err) {
      if (headerProblem) throw new ValidationError(`${file}: ${headerProblem}`);
      throw err;
    }
    return result;
  } finally {
    raw.destroy();
    if (bytes !== raw) bytes.destroy();
  }
}
