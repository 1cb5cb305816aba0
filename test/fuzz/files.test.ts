import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConciergeError } from "../../core/errors.ts";
import { nluTest, readUtterances } from "../../intents/cli.ts";
import { loadCatalogFile } from "../../recommend/catalog-file.ts";
import { catalogImport } from "../../recommend/cli.ts";
import { recEval } from "../../recommend/eval/cli.ts";
import { readEventsFile } from "../../recommend/eval/events-file.ts";
import { runCommand } from "../helpers/cli.ts";
import { bytes, fuzz, longText, plainId, poisoned, preview, printCounts, wildText } from "./fuzz.ts";

/**
 * The command line's input files under fuzzing: catalogue files (JSONL, CSV, TSV) as `catalog
 * import` and `rec eval` read them, `rec eval`'s events file, `nlu test`'s train and test files.
 * Each generated file mixes good rows, rows wrong in one known field (a NUL or a lone surrogate
 * among them), lines that are no row at all and blank lines; the readers must report each bad row
 * with its line and field and keep the good ones, and the commands must exit with a message, never
 * throw. The generators follow README "Catalogue", "concierge nlu test" and recommend/README.md.
 */

let dir: string;
let fileNo = 0;
const env = { ...process.env };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "concierge-fuzz-files-"));
  process.env.CONCIERGE_DATA_DIR = path.join(dir, "data");
  process.env.CONCIERGE_EMBEDDING_MODEL = "none";
  process.env.DATABASE_URL = "";
});

afterAll(async () => {
  process.env = env;
  await rm(dir, { recursive: true, force: true });
  printCounts("command-line input files");
});

async function write(ext: string, content: string | Buffer): Promise<string> {
  const file = path.join(dir, `f${++fileNo}.${ext}`);
  await writeFile(file, content);
  return file;
}

/** What a generated line is: a row that must be read, a row wrong in `field`, a line that is no row, or nothing. */
type Line = { kind: "ok"; id: string; text: string } | { kind: "bad"; field: string; text: string } | { kind: "unreadable"; text: string } | { kind: "blank"; text: string };

/** A line of bytes that are no JSON and no CSV row we could read as a product: a "~" then noise without line ends. */
const noise = fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer()).map(([n, seed]) => `~${bytes(n, seed).toString("latin1").replace(/[\r\n]/g, " ")}`);

// ── catalogue ──

const price = fc.double({ min: 0, max: 1e6, noNaN: true });
const goodProduct = fc.record(
  {
    title: wildText(60),
    description: wildText(200),
    category: plainId(12),
    brand: wildText(20),
    price,
    currency: fc.constantFrom("USD", "CNY", "eur"),
    tags: fc.array(plainId(10), { maxLength: 4 }),
    stock: fc.integer({ min: 0, max: 10_000 }),
    color: fc.constantFrom("red", "Navy", "深蓝"),
    image: fc.constantFrom("/images/shoes.svg", "https://shop.example/a.png"),
  },
  { requiredKeys: ["title"] },
);

/** One field made wrong, named as the reader must name it. */
const productFault: fc.Arbitrary<{ field: string; value: unknown }> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom("title", "description", "brand", "category", "color"), poisoned(wildText(20))).map(([field, value]) => ({ field, value })) },
  { weight: 1, arbitrary: poisoned(plainId(8)).map((tag) => ({ field: "tags", value: ["ok", tag] })) },
  { weight: 1, arbitrary: fc.constantFrom("abc", -5, "1,2,3", true).map((value) => ({ field: "price", value })) },
  { weight: 1, arbitrary: fc.constantFrom(1.5, -1, "lots").map((value) => ({ field: "stock", value })) },
  { weight: 1, arbitrary: fc.constantFrom("dollars", "US", 5).map((value) => ({ field: "currency", value })) },
  { weight: 1, arbitrary: fc.constantFrom("javascript:alert(1)", "data:text/html,x").map((value) => ({ field: "image", value })) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, "", "   ", null).map((value) => ({ field: "title", value })) },
  { weight: 1, arbitrary: longText(501, 800).map((value) => ({ field: "title", value })) },
);

function jsonlLines(withIds: boolean): fc.Arbitrary<Line[]> {
  const line = fc.oneof(
    { weight: 6, arbitrary: goodProduct.map((p) => ({ kind: "ok" as const, p })) },
    { weight: 3, arbitrary: fc.tuple(goodProduct, productFault).map(([p, f]) => ({ kind: "bad" as const, p: { ...p, [f.field]: f.value }, field: f.field })) },
    { weight: 1, arbitrary: poisoned(plainId(8)).map((id) => ({ kind: "bad" as const, p: { title: "a title" }, field: "id", id })) },
    { weight: 1, arbitrary: fc.oneof(noise, fc.constantFrom("{", "[1,2]", "42", "null", '"a string"', "{'single': 'quotes'}", "{\"id\": \"x\"")).map((text) => ({ kind: "unreadable" as const, text })) },
    { weight: 1, arbitrary: fc.constantFrom("", "   ", "\t").map((text) => ({ kind: "blank" as const, text })) },
  );
  return fc.array(line, { minLength: 1, maxLength: 25 }).map((lines) =>
    lines.map((l, i): Line => {
      if (l.kind === "unreadable" || l.kind === "blank") return l;
      const id = "id" in l && l.id !== undefined ? l.id : `p-${i}`;
      const text = JSON.stringify({ ...(withIds ? { id } : {}), ...l.p });
      return l.kind === "ok" ? { kind: "ok", id, text } : { kind: "bad", field: l.field, text };
    }),
  );
}

const CSV_COLUMNS = ["id", "title", "description", "price", "tags", "stock", "currency"] as const;

function cell(value: unknown, delimiter: string): string {
  if (value === undefined || value === null) return "";
  const text = (Array.isArray(value) ? value.join("|") : String(value)).replace(/[\r\n]/g, " ");
  return text.includes('"') || text.includes(delimiter) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A lone surrogate cannot be written to a UTF-8 file (it becomes U+FFFD): in CSV the broken text is a NUL. */
function nulInstead(value: unknown): unknown {
  if (typeof value === "string") return /[\ud800-\udfff]/.test(value) && !value.includes("\u0000") ? "bro\u0000ken" : value;
  return Array.isArray(value) ? value.map(nulInstead) : value;
}

/** CSV and TSV rows, quoted where they must be, one physical line each. */
function csvLines(delimiter: string): fc.Arbitrary<Line[]> {
  const csvFault = productFault.filter((f) => (CSV_COLUMNS as readonly string[]).includes(f.field) && f.field !== "title").map((f) => ({ ...f, value: nulInstead(f.value) }));
  const row = (values: Record<string, unknown>) => CSV_COLUMNS.map((c) => cell(values[c], delimiter)).join(delimiter);
  const line = fc.oneof(
    { weight: 6, arbitrary: goodProduct.map((p) => ({ kind: "ok" as const, p })) },
    { weight: 2, arbitrary: fc.tuple(goodProduct, csvFault).map(([p, f]) => ({ kind: "bad" as const, p: { ...p, [f.field]: f.value }, field: f.field })) },
    { weight: 1, arbitrary: goodProduct.map((p) => ({ kind: "bad" as const, p: { ...p, title: "nul\u0000title" }, field: "title" })) },
    { weight: 1, arbitrary: fc.constantFrom("a,b", `x${delimiter}y${delimiter}z${delimiter}1${delimiter}2${delimiter}3${delimiter}4${delimiter}5${delimiter}6`).map((text) => ({ kind: "unreadable" as const, text })) },
  );
  return fc.array(line, { minLength: 1, maxLength: 25 }).map((lines) => [
    { kind: "blank", text: CSV_COLUMNS.join(delimiter) } as Line,
    ...lines.map((l, i): Line => {
      if (l.kind === "unreadable") return { kind: "unreadable", text: l.text.replaceAll(",", delimiter) };
      const id = `p-${i}`;
      const text = row({ id, ...l.p, title: cell(l.p.title, delimiter) === "" ? "untitled" : l.p.title });
      return l.kind === "ok" ? { kind: "ok", id, text } : { kind: "bad", field: l.field, text };
    }),
  ]);
}

const catalogueFile = fc.oneof(
  { weight: 3, arbitrary: jsonlLines(true).map((lines) => ({ ext: "jsonl", lines })) },
  { weight: 2, arbitrary: csvLines(",").map((lines) => ({ ext: "csv", lines })) },
  { weight: 1, arbitrary: csvLines("\t").map((lines) => ({ ext: "tsv", lines })) },
);

/** Line ends and a byte-order mark a spreadsheet may add. */
const layout = fc.record({ eol: fc.constantFrom("\n", "\r\n", "\r"), bom: fc.boolean() });

function render(lines: Line[], l: { eol: string; bom: boolean }): string {
  return (l.bom ? "\ufeff" : "") + lines.map((x) => x.text).join(l.eol);
}

/** The reader's verdict line by line: every good row read, every bad one reported at its line with its field. */
function checkReport(lines: Line[], products: { id: string }[], errors: { line: number; field?: string; message: string }[], where: string): void {
  const ids = new Set(products.map((p) => p.id));
  lines.forEach((l, i) => {
    const lineNo = i + 1;
    const at = errors.filter((e) => e.line === lineNo);
    if (l.kind === "ok") {
      expect(ids.has(l.id), `${where}: line ${lineNo} is a good row ${preview(l.text)} but was not read; errors there: ${preview(at)}`).toBe(true);
      expect(at, `${where}: line ${lineNo}`).toEqual([]);
    } else if (l.kind === "bad") {
      expect(
        at.some((e) => e.field === l.field || e.message.includes(l.field)),
        `${where}: line ${lineNo} ${preview(l.text)} should be reported for ${l.field}; got ${preview(at)}`,
      ).toBe(true);
    } else if (l.kind === "unreadable") {
      expect(at.length, `${where}: line ${lineNo} ${preview(l.text)} should be reported`).toBeGreaterThan(0);
    }
  });
  // Nothing but the rows generated good became products.
  expect(products.length, where).toBe(lines.filter((l) => l.kind === "ok").length);
}

describe("catalogue files", () => {
  it("report every bad row with its line and field, and read every good one", async () => {
    await fuzz("catalogue files (JSONL, CSV, TSV)", fc.tuple(catalogueFile, layout), 450, async ([f, l]) => {
      const file = await write(f.ext, render(f.lines, l));
      // A file that opens with "[" is taken for one JSON array and refused as a whole, with advice.
      if (f.ext === "jsonl" && f.lines.find((x) => x.text.trim())?.text.trimStart().startsWith("[")) {
        await expect(loadCatalogFile(file)).rejects.toThrow(/JSON array/);
        return;
      }
      const { products, summary } = await loadCatalogFile(file);
      checkReport(f.lines, products, summary.errors, `${f.ext} ${preview(render(f.lines, l), 400)}`);
    });
  });

  it("refuse a whole file that cannot be a catalogue, naming why, and read any bytes without throwing", async () => {
    const whole = fc.oneof(
      fc.constantFrom(
        { ext: "jsonl", text: '[{"id":"a","title":"b"}]', says: "JSON array" },
        { ext: "csv", text: "name,price\nshoe,3", says: "id" },
        { ext: "csv", text: "sku,name,title\n1,2,3", says: "title" },
        { ext: "tsv", text: "price\tstock\n1\t2", says: "header" },
      ),
      fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer(), fc.constantFrom("jsonl", "csv", "tsv", "gz", "txt")).map(([n, seed, ext]) => ({ ext, text: bytes(n, seed), says: "" })),
    );
    await fuzz("catalogue files (whole-file problems, raw bytes)", whole, 150, async (w) => {
      const file = await write(w.ext, w.text);
      try {
        await loadCatalogFile(file);
        expect(w.says, `${w.ext} ${preview(w.text.toString())} should have been refused`).toBe("");
      } catch (err) {
        // Only the documented refusals: a file that as a whole is no catalogue, or unreadable gzip.
        expect(err instanceof ConciergeError || (w.ext === "gz" && /gzip|header|unexpected end/i.test((err as Error).message)), `${w.ext}: ${(err as Error).stack}`).toBe(true);
        if (w.says) expect((err as Error).message).toContain(w.says);
      }
    });
  });
});

// ── events ──

const TYPES = ["view", "cart", "purchase", "favourite", "rating"] as const;
/** Items p-0…p-9 are the ones jsonlLines makes first: `rec eval` then finds events on them. */
const goodEvent = fc.record({
  userId: fc.oneof(plainId(12), fc.integer({ min: 1, max: 1e6 }), fc.constantFrom("u1", "u2", "u3")),
  itemId: fc.oneof(plainId(12), fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 9 }).map((i) => `p-${i}`)),
  type: fc.constantFrom(...TYPES),
  value: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  ts: fc.option(fc.oneof(fc.integer({ min: 0, max: 2e12 }), fc.integer({ min: 0, max: 2e12 }).map((ms) => new Date(ms).toISOString())), { nil: undefined }),
});
const eventFault: fc.Arbitrary<{ field: string; value: unknown }> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom("userId", "itemId"), poisoned(plainId(8))).map(([field, value]) => ({ field, value })) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom("userId", "itemId"), fc.constantFrom("", "  ", null, true)).map(([field, value]) => ({ field, value })) },
  { weight: 1, arbitrary: fc.constantFrom("teleport", "", 5, "Views ").map((value) => ({ field: "type", value })) },
  { weight: 1, arbitrary: fc.constantFrom("yesterday", -5, 1.5, true).map((value) => ({ field: "ts", value })) },
  { weight: 1, arbitrary: fc.constantFrom("five", true, []).map((value) => ({ field: "value", value })) },
);

function eventsLines(format: "jsonl" | "csv"): fc.Arbitrary<Line[]> {
  // In a CSV cell true is the text "true" (a fine id) and [] is empty (no value): not faults there.
  const fault = format === "csv" ? eventFault.filter((f) => !(f.value === true && (f.field === "userId" || f.field === "itemId")) && !Array.isArray(f.value)) : eventFault;
  const line = fc.oneof(
    { weight: 6, arbitrary: goodEvent.map((e) => ({ kind: "ok" as const, e, field: "" })) },
    { weight: 3, arbitrary: fc.tuple(goodEvent, fault).map(([e, f]) => ({ kind: "bad" as const, e: { ...e, [f.field]: f.value }, field: f.field })) },
    { weight: 1, arbitrary: fc.oneof(noise, fc.constantFrom("{", "[1]", "42")).map((text) => ({ kind: "unreadable" as const, text, e: {}, field: "" })) },
  );
  const columns = ["userId", "itemId", "type", "value", "ts"] as const;
  return fc.array(line, { minLength: 1, maxLength: 25 }).map((lines) => {
    const out: Line[] = lines.map((l): Line => {
      if (l.kind === "unreadable") return { kind: format === "jsonl" ? "unreadable" : "blank", text: format === "jsonl" ? l.text : "" };
      let text: string;
      if (format === "jsonl") text = JSON.stringify(l.e);
      else {
        const e = l.e as Record<string, unknown>;
        // NUL is the broken text a CSV file can hold.
        text = columns.map((c) => cell(nulInstead(e[c]), ",")).join(",");
      }
      return l.kind === "ok" ? { kind: "ok", id: "", text } : { kind: "bad", field: l.field, text };
    });
    return format === "csv" ? [{ kind: "blank", text: columns.join(",") }, ...out] : out;
  });
}

describe("rec eval's events files", () => {
  it("report every bad line with its number and field, and keep every good event", async () => {
    const file = fc.oneof(eventsLines("jsonl").map((lines) => ({ ext: "jsonl", lines })), eventsLines("csv").map((lines) => ({ ext: "csv", lines })));
    await fuzz("rec eval events files", fc.tuple(file, fc.constantFrom("\n", "\r\n")), 450, async ([f, eol]) => {
      const text = f.lines.map((l) => l.text).join(eol);
      const result = await readEventsFile(await write(f.ext, text));
      const where = `${f.ext} ${preview(text, 400)}`;
      f.lines.forEach((l, i) => {
        const at = result.errors.filter((e) => e.line === i + 1);
        if (l.kind === "ok") expect(at, `${where}: line ${i + 1}`).toEqual([]);
        if (l.kind === "bad") expect(at.some((e) => e.message.includes(l.field)), `${where}: line ${i + 1} should name ${l.field}: ${preview(at)}`).toBe(true);
        if (l.kind === "unreadable") expect(at.length, `${where}: line ${i + 1}`).toBeGreaterThan(0);
      });
      expect(result.events.length, where).toBe(f.lines.filter((l) => l.kind === "ok").length);
    });
  });
});

// ── nlu test ──

const INTENTS = ["greet", "order_status", "returns", "oos"];
const utterance = fc.oneof(
  { weight: 8, arbitrary: fc.record({ text: wildText(40), intent: fc.constantFrom(...INTENTS) }).map((u) => ({ kind: "ok" as const, text: JSON.stringify(u), field: "" })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom("text", "intent"), fc.oneof(poisoned(wildText(10)), fc.constantFrom("", "  ", 5, null)))
      .map(([field, value]) => ({ kind: "bad" as const, text: JSON.stringify({ text: "hello there", intent: "greet", [field]: value }), field })),
  },
  { weight: 1, arbitrary: fc.oneof(noise, fc.constantFrom("{", "[]", "7")).map((text) => ({ kind: "unreadable" as const, text, field: "" })) },
);

describe("nlu test's train and test files", () => {
  it("name the first bad line and its field, or read every example", async () => {
    await fuzz("nlu test files", fc.array(utterance, { minLength: 1, maxLength: 25 }), 450, async (lines) => {
      const file = await write("jsonl", lines.map((l) => l.text).join("\n"));
      const first = lines.findIndex((l) => l.kind !== "ok");
      try {
        const examples = readUtterances(file, "--train");
        expect(first, `${preview(lines)} was read whole`).toBe(-1);
        expect(examples.length).toBe(lines.length);
      } catch (err) {
        expect(err instanceof ConciergeError, (err as Error).stack).toBe(true);
        expect(first, (err as Error).message).toBeGreaterThanOrEqual(0);
        expect((err as Error).message).toMatch(new RegExp(`line ${first + 1}\\b`));
        const bad = lines[first]!;
        if (bad.kind === "bad") expect((err as Error).message).toContain(bad.field);
      }
    });
  });
});

// ── the commands themselves ──

/** Three shoppers buying and carting items p-0…p-9 over time: enough for leave-last-out to test someone. */
const shoppersOfItems: fc.Arbitrary<Line[]> = fc
  .array(fc.record({ userId: fc.constantFrom("u1", "u2", "u3"), itemId: fc.integer({ min: 0, max: 9 }).map((i) => `p-${i}`), type: fc.constantFrom("purchase", "cart", "view", "favourite") }), { minLength: 8, maxLength: 30 })
  .map((events) => events.map((e, i) => ({ kind: "ok", id: "", text: JSON.stringify({ ...e, ts: 1_700_000_000_000 + i * 60_000 }) })));

describe("the commands on garbage files", () => {
  it("nlu test, rec eval and catalog import exit with a message, never throw", async () => {
    // Half the files are clean, so the commands also get past reading: training, evaluating, importing.
    const maybeClean = <T extends { kind: string }>(lines: fc.Arbitrary<T[]>) =>
      fc.tuple(lines, fc.boolean()).map(([ls, clean]) => (clean && ls.some((l) => l.kind === "ok") ? ls.filter((l) => l.kind === "ok") : ls));
    const command = fc.oneof(
      { weight: 4, arbitrary: fc.tuple(maybeClean(fc.array(utterance, { minLength: 1, maxLength: 12 })), maybeClean(fc.array(utterance, { minLength: 1, maxLength: 6 }))).map(([train, test]) => ({ kind: "nlu" as const, train, test })) },
      { weight: 4, arbitrary: fc.tuple(maybeClean(jsonlLines(true)), fc.oneof(maybeClean(eventsLines("jsonl")), shoppersOfItems)).map(([items, events]) => ({ kind: "eval" as const, items, events })) },
      { weight: 1, arbitrary: catalogueFile.map((f) => ({ kind: "import" as const, f })) },
    );
    await fuzz("commands on generated files (nlu test, rec eval, catalog import)", command, 45, async (c) => {
      let run: { code: number; out: string; err: string };
      if (c.kind === "nlu") {
        const train = await write("jsonl", c.train.map((l) => l.text).join("\n"));
        const test = await write("jsonl", c.test.map((l) => l.text).join("\n"));
        run = await runCommand(nluTest, ["--train", train, "--test", test, "--json"]);
      } else if (c.kind === "eval") {
        const items = await write("jsonl", c.items.map((l) => l.text).join("\n"));
        const events = await write("jsonl", c.events.map((l) => l.text).join("\n"));
        run = await runCommand(recEval, ["--items", items, "--events", events, "--json", "--systems", "concierge,random"]);
      } else {
        run = await runCommand(catalogImport, [await write(c.f.ext, c.f.lines.map((l) => l.text).join("\n")), "--json"]);
      }
      expect([0, 1], `${c.kind}: exit ${run.code}; ${run.err.slice(-500)}`).toContain(run.code);
      if (run.code === 1) expect(run.err + run.out, c.kind).toMatch(/line \d+|error|no |refusing/i);
    });
  }, 120_000);
});
