/**
 * Reads a shop's catalogue file (JSONL or CSV) into Products, one row at a time, so a file of a
 * million lines never sits in memory. Good rows are imported; every bad row is reported with its
 * line number and the field at fault, and skipped — one typo must not block a whole catalogue.
 *
 * Formats, by extension (optionally followed by .gz), else sniffed from the first character:
 * - .jsonl / .ndjson / .json: one JSON object a line (a JSON array is refused with advice).
 * - .csv (comma) / .tsv (tab): a header row names the columns; quoted fields may hold commas,
 *   quotes ("") and line breaks. Lists (tags, sizes) go in one cell separated by "|", or by ","
 *   / ";" when the cell has no "|" (full-width "，" "；" also work), e.g. "running|trail".
 * Either way: a UTF-8 BOM, CRLF or CR line ends and blank lines are fine; column names are
 * case-insensitive and a few common aliases are understood (sku → id, name → title, colour →
 * color, quantity → stock, …). Unknown columns are listed in the summary, not treated as errors.
 */
import { createHash } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { parse as parseCsv } from "csv-parse";
import { z } from "zod";
import { NotFoundError, ValidationError } from "../core/errors.ts";
import { isSafeText, safeText, UNSAFE_TEXT } from "../core/text.ts";
import type { Product } from "../store/types.ts";

export type CatalogFormat = "jsonl" | "csv" | "tsv";

export const PRODUCT_FIELDS = ["id", "title", "description", "category", "brand", "price", "currency", "tags", "image", "stock", "color", "sizes", "locale"] as const;
type ProductField = (typeof PRODUCT_FIELDS)[number];

const FIELD_ALIASES: Record<string, ProductField> = {
  sku: "id",
  product_id: "id",
  name: "title",
  product_name: "title",
  desc: "description",
  colour: "color",
  size: "sizes",
  tag: "tags",
  keywords: "tags",
  image_url: "image",
  img: "image",
  quantity: "stock",
  qty: "stock",
  inventory: "stock",
  language: "locale",
  lang: "locale",
};

/** One problem with one row. `line` is the row's first physical line in the file (1-based). */
export interface CatalogRowError {
  line: number;
  id?: string;
  field?: string;
  message: string;
}

export interface CatalogReadSummary {
  format: CatalogFormat;
  /** Data rows seen (blank lines and the CSV header not counted). */
  rows: number;
  /** Rows that became products. */
  products: number;
  /** Rows skipped because of at least one error. */
  rejected: number;
  /** All problems found; `errors` keeps the first `maxErrors` of them. */
  errorCount: number;
  errors: CatalogRowError[];
  /** Columns/keys that are not product fields, ignored on import. */
  unknownFields: string[];
}

export interface ReadCatalogOptions {
  /** Overrides detection by extension or content. */
  format?: CatalogFormat;
  /** Called as the file is read: bytes read so far and the file's size (compressed size for .gz). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Called for every problem as it is found (the summary keeps only the first `maxErrors`). */
  onError?: (error: CatalogRowError) => void;
  /** How many problems the summary keeps; default 1,000. */
  maxErrors?: number;
  /** Reject later rows whose id was already seen (keeps one id → line map in memory); default true. */
  checkDuplicates?: boolean;
}

export type ProgressCallback = (bytesRead: number, totalBytes: number) => void;

/** "line 12 (id "sku-9"): price: expected a number, got "abc"" */
export function formatRowError(error: CatalogRowError): string {
  const where = error.id ? `line ${error.line} (id ${JSON.stringify(error.id)})` : `line ${error.line}`;
  return error.field ? `${where}: ${error.field}: ${error.message}` : `${where}: ${error.message}`;
}

// ---------------------------------------------------------------------------------------------
// Row validation

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}…"` : text;
}

const blankToUndefined = (value: unknown) => (value === null || (typeof value === "string" && value.trim() === "") ? undefined : value);

function toText(value: unknown): unknown {
  if (typeof value === "string") return value.trim();
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return value;
}

function text(max: number) {
  return safeText({ error: (issue) => `expected text, got ${describe(issue.input)}` }).max(max, `is longer than ${max} characters`);
}

function optionalText(max: number) {
  return z.preprocess((v) => toText(blankToUndefined(v)), text(max).optional());
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const THOUSANDS_RE = /^\d{1,3}(,\d{3})+(\.\d+)?$/;

/** "19.99", " $1,299.00 ", "¥89", "12 USD" → number; anything else is left for zod to reject by name. */
function toNumber(value: unknown): unknown {
  if (typeof value !== "string") return value;
  let s = value.trim().replace(/^[$€£¥￥]\s*/, "").replace(/\s*(usd|cny|rmb|eur|gbp|元)$/i, "");
  if (THOUSANDS_RE.test(s)) s = s.replace(/,/g, "");
  return NUMBER_RE.test(s) ? Number(s) : value;
}

const numberSchema = z.number({ error: (issue) => `expected a number, got ${describe(issue.input)}` }).refine(Number.isFinite, "expected a finite number");

/** A list cell: "a|b|c", or "a, b" when there is no "|"; JSON may give an array instead. */
export function splitList(value: string): string[] {
  const separator = value.includes("|") ? /\|/ : /[,;，；]/;
  return value.split(separator);
}

function toList(value: unknown): unknown {
  if (typeof value === "string") return splitList(value);
  if (typeof value === "number") return [String(value)];
  if (Array.isArray(value)) return value.map((item) => (typeof item === "number" ? String(item) : item));
  return value;
}

function list(maxItems: number, lowerCase: boolean) {
  return z.preprocess(
    (v) => blankToUndefined(v) === undefined ? undefined : toList(v),
    z
      .array(safeText({ error: (issue) => `expected a list of text, got an item ${describe(issue.input)}` }), {
        error: (issue) => `expected a list ("a|b|c") or text, got ${describe(issue.input)}`,
      })
      .transform((items) => {
        const cleaned = items.map((item) => (lowerCase ? item.trim().toLowerCase() : item.trim())).filter((item) => item.length > 0);
        return [...new Set(cleaned)];
      })
      .refine((items) => items.length <= maxItems, `has more than ${maxItems} items`)
      .refine((items) => items.every((item) => item.length <= 100), "has an item longer than 100 characters")
      .optional(),
  );
}

/** The fields of a catalogue row after aliasing; what it accepts is documented at the top of the file. */
export const catalogRowSchema = z.object({
  id: z.preprocess(
    (v) => toText(v),
    z
      .string({ error: (issue) => (issue.input === undefined ? "is required" : `expected text or a number, got ${describe(issue.input)}`) })
      .min(1, "is required")
      .max(200, "is longer than 200 characters")
      .refine(isSafeText, { message: UNSAFE_TEXT, abort: true })
      // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
      .refine((id) => !/[\u0000-\u001f\u007f]/.test(id), "contains control characters"),
  ),
  title: z.preprocess((v) => toText(v), safeText({ error: (issue) => (issue.input === undefined ? "is required" : `expected text, got ${describe(issue.input)}`) }).min(1, "is required").max(500, "is longer than 500 characters")),
  description: optionalText(20_000),
  category: optionalText(200),
  brand: optionalText(200),
  price: z.preprocess((v) => toNumber(blankToUndefined(v)), numberSchema.refine((n) => n >= 0, "must not be negative").refine((n) => n <= 1e9, "is implausibly large").optional()),
  currency: z.preprocess(
    (v) => {
      const t = toText(blankToUndefined(v));
      return typeof t === "string" ? t.toUpperCase() : t;
    },
    z
      .string({ error: (issue) => `expected a currency code like "USD", got ${describe(issue.input)}` })
      .regex(/^[A-Z]{3}$/, 'expected a 3-letter currency code like "USD"')
      .optional(),
  ),
  tags: list(100, false),
  image: z.preprocess(
    (v) => toText(blankToUndefined(v)),
    text(2048)
      // The widget renders this as an <img src>: only web URLs and paths, never javascript: or data: URLs.
      .refine((s) => !/^[a-z][a-z0-9+.-]*:/i.test(s) || /^https?:\/\//i.test(s), "must be an http(s) URL or a path")
      .optional(),
  ),
  stock: z.preprocess(
    (v) => toNumber(blankToUndefined(v)),
    numberSchema
      .refine((n) => Number.isInteger(n), "expected a whole number")
      .refine((n) => n >= 0, "must not be negative")
      .optional(),
  ),
  color: z.preprocess((v) => {
    const t = toText(blankToUndefined(v));
    return typeof t === "string" ? t.toLowerCase() : t;
  }, text(50).optional()),
  sizes: list(200, true),
  locale: z.preprocess(
    (v) => {
      const t = toText(blankToUndefined(v));
      return typeof t === "string" ? t.replace(/_/g, "-") : t;
    },
    z
      .string({ error: (issue) => `expected a language code like "en", got ${describe(issue.input)}` })
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'expected a language code like "en" or "zh-CN"')
      .optional(),
  ),
});

const fieldCache = new Map<string, ProductField | null>();

/** Maps a header or key to a product field ("Colour " → "color"), or null when it is not one. */
export function productFieldFor(name: string): ProductField | null {
  // Every JSONL row repeats the same keys: look each spelling up once.
  let field = fieldCache.get(name);
  if (field !== undefined) return field;
  const key = name.trim().toLowerCase().replace(/[\s-]+/g, "_");
  field = (PRODUCT_FIELDS as readonly string[]).includes(key) ? (key as ProductField) : (FIELD_ALIASES[key] ?? null);
  if (fieldCache.size < 10_000) fieldCache.set(name, field);
  return field;
}

type RowResult = { ok: true; product: Product } | { ok: false; errors: CatalogRowError[] };

/** Validates one row (keys already mapped to product fields) into a Product with no empty keys. */
export function validateCatalogRow(row: Record<string, unknown>, line: number): RowResult {
  const result = catalogRowSchema.safeParse(row);
  if (!result.success) {
    const rawId = row.id;
    const id = typeof rawId === "string" && rawId.trim() ? rawId.trim() : typeof rawId === "number" ? String(rawId) : undefined;
    const seen = new Set<string>();
    const errors: CatalogRowError[] = [];
    for (const issue of result.error.issues) {
      const field = issue.path.length ? String(issue.path[0]) : undefined;
      // One message per field is enough; zod can report a failing refine chain more than once.
      const key = `${field}:${issue.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push({ line, id, field, message: issue.message });
    }
    return { ok: false, errors };
  }
  const data = result.data;
  const product: Product = { id: data.id, title: data.title };
  for (const field of PRODUCT_FIELDS) {
    const value = data[field];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    (product as unknown as Record<string, unknown>)[field] = value;
  }
  return { ok: true, product };
}

// ---------------------------------------------------------------------------------------------
// Content hash

function canonical(value: unknown, key?: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") {
    const s = value.trim().normalize("NFC");
    if (!s) return undefined;
    return key === "color" ? s.toLowerCase() : s;
  }
  if (typeof value === "number") return Number.isFinite(value) ? value + 0 : undefined; // + 0 turns -0 into 0
  if (Array.isArray(value)) {
    let items = value.map((item) => canonical(item)).filter((item) => item !== undefined);
    if (key === "sizes") items = items.map((item) => (typeof item === "string" ? item.toLowerCase() : item));
    // Tags are a set: their order carries no meaning. Sizes keep theirs (it is display order).
    if (key === "tags") items = [...new Set(items.map(String))].sort();
    return items.length ? items : undefined;
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = canonical((value as Record<string, unknown>)[k], k);
      if (v !== undefined) out[k] = v;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return value;
}

/**
 * Stable hash of a product's content: independent of key order, absent vs empty fields, tag order,
 * surrounding whitespace and Unicode composition; any real change to a field changes it.
 * Re-import compares it with the stored hash and skips unchanged products.
 */
export function productHash(product: Product): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(product) ?? {}))
    .digest("hex")
    .slice(0, 32);
}

// ---------------------------------------------------------------------------------------------
// Reading

export function detectFormatFromName(file: string): CatalogFormat | null {
  const name = file.toLowerCase().replace(/\.gz$/, "");
  if (/\.(jsonl|ndjson|json)$/.test(name)) return "jsonl";
  if (name.endsWith(".csv")) return "csv";
  if (/\.(tsv|tab)$/.test(name)) return "tsv";
  return null;
}

/** Turns CRLF and lone CR into LF across chunk boundaries, and drops a leading BOM. */
async function* normalisedText(source: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  // TextDecoder keeps multi-byte characters split across chunks whole and drops a UTF-8 BOM.
  const decoder = new TextDecoder("utf-8");
  let first = true;
  let pendingCR = false;
  for await (const chunk of source) {
    let s = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    if (first && s) {
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      first = false;
    }
    if (pendingCR) {
      s = `\r${s}`;
      pendingCR = false;
    }
    // A CR at the end of a chunk may be half of a CRLF: decide when the next chunk arrives.
    if (s.endsWith("\r")) {
      pendingCR = true;
      s = s.slice(0, -1);
    }
    if (s) yield s.includes("\r") ? s.replace(/\r\n?/g, "\n") : s;
  }
  const rest = (pendingCR ? "\r" : "") + decoder.decode();
  if (rest) yield rest.replace(/\r\n?/g, "\n");
}

/** Peeks at the first chunk to choose a format without losing it. */
async function sniff(source: AsyncIterable<string>): Promise<{ format: CatalogFormat | "json-array" | null; stream: AsyncIterable<string> }> {
  const iterator = source[Symbol.asyncIterator]();
  const head: string[] = [];
  let format: CatalogFormat | "json-array" | null = null;
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    const trimmed = next.value.trimStart();
    if (!trimmed) continue;
    format = trimmed[0] === "{" ? "jsonl" : trimmed[0] === "[" ? "json-array" : "csv";
    break;
  }
  async function* replay() {
    yield* head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { format, stream: replay() };
}

class Report {
  readonly summary: CatalogReadSummary;
  private readonly unknown = new Set<string>();
  private readonly seenIds: Map<string, number> | null;
  constructor(
    format: CatalogFormat,
    private readonly options: ReadCatalogOptions,
  ) {
    this.summary = { format, rows: 0, products: 0, rejected: 0, errorCount: 0, errors: [], unknownFields: [] };
    this.seenIds = options.checkDuplicates === false ? null : new Map();
  }
  error(error: CatalogRowError): void {
    this.summary.errorCount++;
    if (this.summary.errors.length < (this.options.maxErrors ?? 1000)) this.summary.errors.push(error);
    this.options.onError?.(error);
  }
  /** A row that could not even be read as a record (bad JSON, broken CSV quoting). */
  unreadable(error: CatalogRowError): void {
    this.summary.rows++;
    this.summary.rejected++;
    this.error(error);
  }
  unknownField(name: string): void {
    if (this.unknown.has(name) || this.unknown.size >= 100) return;
    this.unknown.add(name);
    this.summary.unknownFields.push(name);
  }
  /** Validates a mapped row; returns the product, or null after reporting why not. */
  row(row: Record<string, unknown>, line: number): Product | null {
    this.summary.rows++;
    const result = validateCatalogRow(row, line);
    if (!result.ok) {
      for (const e of result.errors) this.error(e);
      this.summary.rejected++;
      return null;
    }
    if (this.seenIds) {
      const firstLine = this.seenIds.get(result.product.id);
      if (firstLine !== undefined) {
        this.error({ line, id: result.product.id, field: "id", message: `duplicates the id on line ${firstLine}; this row is skipped` });
        this.summary.rejected++;
        return null;
      }
      this.seenIds.set(result.product.id, line);
    }
    this.summary.products++;
    return result.product;
  }
}

/** Maps an object's keys to product fields, reporting unknown ones; later duplicates of a field lose. */
function mapKeys(record: Record<string, unknown>, report: Report): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const field = productFieldFor(key);
    if (!field) report.unknownField(key);
    else if (!(field in row)) row[field] = value;
  }
  return row;
}

const MAX_LINE_CHARS = 4 * 1024 * 1024;

async function* readJsonl(text: AsyncIterable<string>, report: Report): AsyncGenerator<Product> {
  let buffer = "";
  let line = 0;
  let skipping = false;
  const handle = (raw: string): Product | null => {
    line++;
    if (!raw.trim()) return null;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      report.unreadable({ line, message: `is not valid JSON (${(err as Error).message})` });
      return null;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      report.unreadable({ line, message: `expected a JSON object, got ${describe(value)}` });
      return null;
    }
    return report.row(mapKeys(value as Record<string, unknown>, report), line);
  };
  for await (const chunk of text) {
    let start = 0;
    for (let nl = chunk.indexOf("\n"); nl >= 0; nl = chunk.indexOf("\n", start)) {
      if (skipping) {
        skipping = false;
        line++;
      } else {
        const product = handle(buffer + chunk.slice(start, nl));
        if (product) yield product;
      }
      buffer = "";
      start = nl + 1;
    }
    if (skipping) continue;
    buffer += chunk.slice(start);
    // A line with no end in sight is reported and skipped, instead of growing without bound.
    if (buffer.length > MAX_LINE_CHARS) {
      report.unreadable({ line: line + 1, message: `is longer than ${MAX_LINE_CHARS} characters; skipped` });
      buffer = "";
      skipping = true;
    }
  }
  if (buffer && !skipping) {
    const product = handle(buffer);
    if (product) yield product;
  }
}

/** First physical line of a CSV record, from csv-parse's end line and the record's raw text. */
function recordStartLine(endLine: number, raw: string | undefined): number {
  if (!raw) return endLine;
  let body = raw.replace(/^\n+/, "");
  if (body.endsWith("\n")) body = body.slice(0, -1);
  let breaks = 0;
  for (let i = body.indexOf("\n"); i >= 0; i = body.indexOf("\n", i + 1)) breaks++;
  return endLine - breaks;
}

async function* readCsv(text: AsyncIterable<string>, delimiter: string, report: Report): AsyncGenerator<Product> {
  let headerError: Error | null = null;
  let columnCount = 0;
  const parser = parseCsv({
    delimiter,
    record_delimiter: "\n", // normalisedText has already turned CRLF/CR into LF
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    raw: true,
    columns: (header: string[]) => {
      columnCount = header.length;
      const seen = new Map<string, string>();
      const names = header.map((name) => {
        const field = productFieldFor(name);
        if (!field) {
          if (name.trim()) report.unknownField(name.trim());
          return false as unknown as string; // csv-parse drops columns named false
        }
        const earlier = seen.get(field);
        if (earlier !== undefined) headerError ??= new ValidationError(`CSV header: columns "${earlier}" and "${name.trim()}" both mean ${field}`);
        seen.set(field, name.trim());
        return field;
      });
      const missing = (["id", "title"] as const).filter((f) => !seen.has(f));
      if (missing.length) {
        headerError ??= new ValidationError(`CSV header (line 1) has no ${missing.join(" or ")} column; it has: ${header.map((h) => JSON.stringify(h.trim())).join(", ")}`);
      }
      if (headerError) throw headerError;
      return names;
    },
  });
  parser.on("skip", (err: Error & { code?: string; lines?: number; raw?: string; record?: unknown[] }) => {
    const end = err.lines ?? 0;
    const line = recordStartLine(end, err.raw);
    if (err.code === "CSV_QUOTE_NOT_CLOSED") {
      report.unreadable({ line, message: `a quoted field opens here and is never closed, so lines ${line}–${end} could not be read` });
    } else if (err.code === "CSV_RECORD_INCONSISTENT_COLUMNS" || err.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
      report.unreadable({ line, message: `has ${err.record?.length ?? "a different number of"} columns, the header has ${columnCount}` });
    } else {
      report.unreadable({ line, message: `could not be read as CSV (${err.message})` });
    }
  });
  const input = Readable.from(text, { objectMode: false });
  input.on("error", (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number }; raw: string }>) {
      const line = recordStartLine(item.info.lines, item.raw);
      const record = item.record;
      // Spreadsheets export trailing ",,,," rows; a row with nothing in it is a blank line.
      let empty = true;
      for (const key in record) {
        if (record[key]?.trim()) {
          empty = false;
          break;
        }
      }
      if (empty) continue;
      const product = report.row(record, line);
      if (product) yield product;
    }
  } catch (err) {
    if (headerError) throw headerError;
    throw err;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

/**
 * Reads products from any byte or text stream (an upload, a pipe). The generator's return value
 * is the summary; pass `onError` to see problems as they happen inside a `for await` loop.
 */
export async function* readCatalogStream(
  source: AsyncIterable<string | Buffer>,
  options: ReadCatalogOptions & { name?: string } = {},
): AsyncGenerator<Product, CatalogReadSummary> {
  const sniffed = await sniff(normalisedText(source));
  const format = options.format ?? (options.name ? detectFormatFromName(options.name) : null) ?? sniffed.format ?? "jsonl";
  if (format === "json-array" || (format === "jsonl" && sniffed.format === "json-array")) {
    throw new ValidationError(`${options.name ?? "catalogue"}: this is one JSON array; write one product object per line (JSONL) instead`);
  }
  const report = new Report(format, options);
  const products = format === "jsonl" ? readJsonl(sniffed.stream, report) : readCsv(sniffed.stream, format === "tsv" ? "\t" : ",", report);
  yield* products;
  // csv-parse reports broken records while it reads ahead, so problems can arrive out of line order.
  report.summary.errors.sort((a, b) => a.line - b.line);
  return report.summary;
}

/**
 * Reads a catalogue file. Yields valid products in file order and returns the summary (bad rows,
 * unknown columns) when done. Throws NotFoundError for a missing file and ValidationError when the
 * file as a whole cannot be a catalogue (a CSV header without id/title, a JSON array).
 */
export async function* readCatalogFile(file: string, options: ReadCatalogOptions | ProgressCallback = {}): AsyncGenerator<Product, CatalogReadSummary> {
  const opts: ReadCatalogOptions = typeof options === "function" ? { onProgress: options } : options;
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ValidationError(`catalogue path is not a file: ${file}`);
    size = info.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new NotFoundError(`catalogue file not found: ${file}`);
    throw err;
  }
  // 64 kB chunks: decoding much bigger ones into strings turned out several times slower in V8.
  const raw: ReadStream = createReadStream(file, { highWaterMark: 64 * 1024 });
  const bytes = file.toLowerCase().endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  if (bytes !== raw) raw.on("error", (err) => bytes.destroy(err));
  async function* tracked(): AsyncGenerator<Buffer> {
    for await (const chunk of bytes) {
      yield chunk as Buffer;
      opts.onProgress?.(raw.bytesRead, size);
    }
  }
  try {
    return yield* readCatalogStream(tracked(), { ...opts, name: file });
  } finally {
    raw.destroy();
    if (bytes !== raw) bytes.destroy();
  }
}

/** Reads a whole (small) catalogue file into memory: for tests, tools and the demo catalogue. */
export async function loadCatalogFile(file: string, options: ReadCatalogOptions = {}): Promise<{ products: Product[]; summary: CatalogReadSummary }> {
  const products: Product[] = [];
  const reader = readCatalogFile(file, options);
  for (;;) {
    const next = await reader.next();
    if (next.done) return { products, summary: next.value };
    products.push(next.value);
  }
}
