import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotFoundError, ValidationError } from "../../core/errors.ts";
import {
  type CatalogReadSummary,
  formatRowError,
  loadCatalogFile,
  productHash,
  readCatalogFile,
  readCatalogStream,
  splitList,
} from "../../recommend/catalog-file.ts";
import { generateCatalog, writeCatalogJsonl } from "../../recommend/demo/index.ts";
import type { Product } from "../../store/types.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "concierge-catalog-file-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

const messages = (summary: CatalogReadSummary) => summary.errors.map(formatRowError);

async function readAll(source: AsyncIterable<string | Buffer>, options: Parameters<typeof readCatalogStream>[1]) {
  const products: Product[] = [];
  const reader = readCatalogStream(source, options);
  for (;;) {
    const next = await reader.next();
    if (next.done) return { products, summary: next.value };
    products.push(next.value);
  }
}

/** Feeds text in tiny byte slices, so CRLFs and multi-byte characters straddle chunk borders. */
async function* dribble(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("JSONL catalogue files", () => {
  it("reads products, coercing numbers and lists, through a BOM, CRLF, blank lines and a last line with no newline", async () => {
    const file = await fileWith(
      "basic.jsonl",
      '\uFEFF{"id":"a1","title":"  Trail Shoe ","price":"89.99","tags":"running|trail","stock":"12","color":"Black","sizes":["42",43]}\r\n' +
        "\r\n" +
        '{"id":2,"title":"跑步鞋","description":"轻量透气","currency":"cny","locale":"zh_CN","tags":["跑步","跑步"," "]}\r\n' +
        '{"id":"a3","title":"Lamp","image":"https://example.com/a.png","price":0}',
    );
    const { products, summary } = await loadCatalogFile(file);
    expect(products).toEqual([
      { id: "a1", title: "Trail Shoe", price: 89.99, tags: ["running", "trail"], stock: 12, color: "black", sizes: ["42", "43"] },
      { id: "2", title: "跑步鞋", description: "轻量透气", currency: "CNY", tags: ["跑步"], locale: "zh-CN" },
      { id: "a3", title: "Lamp", price: 0, image: "https://example.com/a.png" },
    ]);
    expect(summary).toMatchObject({ format: "jsonl", rows: 3, products: 3, rejected: 0, errorCount: 0, unknownFields: [] });
  });

  it("skips bad rows and names each by line number and field, importing the good ones", async () => {
    const file = await fileWith(
      "bad.jsonl",
      [
        '{"id":"ok1","title":"Fine"}',
        '{"id":"b1","title":"Bad price","price":"cheap"}',
        "",
        "{not json",
        '["a","list"]',
        '{"title":"no id"}',
        '{"id":"b2","title":"","stock":-2,"currency":"dollars","image":"javascript:alert(1)"}',
        '{"id":"ok1","title":"Same id again"}',
        '{"id":"ok2","title":"Also fine","supplier":"Acme"}',
      ].join("\n"),
    );
    const { products, summary } = await loadCatalogFile(file);
    expect(products.map((p) => p.id)).toEqual(["ok1", "ok2"]);
    expect(summary).toMatchObject({ rows: 8, products: 2, rejected: 6, unknownFields: ["supplier"] });
    expect(messages(summary)).toEqual([
      'line 2 (id "b1"): price: expected a number, got "cheap"',
      expect.stringMatching(/^line 4: is not valid JSON \(/),
      "line 5: expected a JSON object, got a list",
      "line 6: id: is required",
      'line 7 (id "b2"): title: is required',
      'line 7 (id "b2"): currency: expected a 3-letter currency code like "USD"',
      'line 7 (id "b2"): image: must be an http(s) URL or a path',
      'line 7 (id "b2"): stock: must not be negative',
      'line 8 (id "ok1"): id: duplicates the id on line 1; this row is skipped',
    ]);
    expect(summary.errorCount).toBe(9);
    expect(summary.errors[0]).toEqual({ line: 2, id: "b1", field: "price", message: 'expected a number, got "cheap"' });
  });

  it("caps the kept errors but counts them all, and streams every one to onError", async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `{"id":"x${i}","title":"t","price":"n/a"}`);
    const file = await fileWith("many-bad.jsonl", lines.join("\n"));
    const seen: number[] = [];
    const { summary } = await loadCatalogFile(file, { maxErrors: 10, onError: (e) => seen.push(e.line) });
    expect(summary.errors).toHaveLength(10);
    expect(summary.errorCount).toBe(50);
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it("refuses a JSON array with advice, and a missing file with NotFoundError", async () => {
    const file = await fileWith("array.json", '[{"id":"1","title":"x"}]');
    await expect(loadCatalogFile(file)).rejects.toThrow(ValidationError);
    await expect(loadCatalogFile(file)).rejects.toThrow(/one product object per line/);
    await expect(loadCatalogFile(path.join(dir, "nope.jsonl"))).rejects.toThrow(NotFoundError);
  });
});

describe("CSV catalogue files", () => {
  const csv =
    "\uFEFFSKU,Name,Description,Price,Tags,Colour,Sizes,Stock,Supplier\r\n" +
    'A1,"Trail shoe, waterproof","Says ""grippy"".\r\nSecond line.","$1,299.00",running|trail|Running,Black,"42, 43",5,acme\r\n' +
    "\r\n" +
    'A2,Plain tee,,19.99,"cotton,summer",,S|M|XL,,\r\n' +
    ",,,,,,,,\r\n" +
    "A3,中文 标题,描述,¥89,跑步；越野,,,0,\r\n";

  it("parses quoted fields with commas, quotes and line breaks, lists, aliases and coerced numbers", async () => {
    const file = await fileWith("shop.csv", csv);
    const { products, summary } = await loadCatalogFile(file);
    expect(products).toEqual([
      {
        id: "A1",
        title: "Trail shoe, waterproof",
        description: 'Says "grippy".\nSecond line.',
        price: 1299,
        tags: ["running", "trail", "Running"],
        stock: 5,
        color: "black",
        sizes: ["42", "43"],
      },
      { id: "A2", title: "Plain tee", price: 19.99, tags: ["cotton", "summer"], sizes: ["s", "m", "xl"] },
      { id: "A3", title: "中文 标题", description: "描述", price: 89, tags: ["跑步", "越野"], stock: 0 },
    ]);
    expect(summary).toMatchObject({ format: "csv", rows: 3, products: 3, rejected: 0, unknownFields: ["Supplier"] });
  });

  it("gives the same result however the bytes are chunked", async () => {
    const whole = await readAll(dribble(csv, 1 << 20), { name: "x.csv" });
    for (const size of [1, 2, 3, 7]) {
      const pieces = await readAll(dribble(csv, size), { name: "x.csv" });
      expect(pieces.products, `chunks of ${size}`).toEqual(whole.products);
    }
  });

  it("names bad rows by their first line, including after multi-line records", async () => {
    const file = await fileWith(
      "bad.csv",
      "id,title,price,stock\n" + // 1
        'c1,"two\nlines",1,1\n' + // 2-3
        "c2,Bad,abc,1.5\n" + // 4
        "c3,Too,many,columns,here\n" + // 5
        "\n" + // 6
        'c4,"also\n\nthree",2,2\n' + // 7-9
        "c5,,3,3\n" + // 10
        "c1,again,1,1\n" + // 11
        'c6,"never closed,1,1\n' + // 12
        "c7,lost,1,1\n", // 13
    );
    const { products, summary } = await loadCatalogFile(file);
    expect(products.map((p) => p.id)).toEqual(["c1", "c4"]);
    expect(messages(summary)).toEqual([
      'line 4 (id "c2"): price: expected a number, got "abc"',
      'line 4 (id "c2"): stock: expected a whole number',
      "line 5: has 5 columns, the header has 4",
      'line 10 (id "c5"): title: is required',
      'line 11 (id "c1"): id: duplicates the id on line 2; this row is skipped',
      "line 12: a quoted field opens here and is never closed, so lines 12–13 could not be read",
    ]);
    // c7 is swallowed by c6's open quote: 7 records were seen, not 8.
    expect(summary).toMatchObject({ rows: 7, products: 2, rejected: 5 });
  });

  it("rejects a file whose header has no id or title column, listing what it has", async () => {
    const file = await fileWith("nohead.csv", "sku_code,label\n1,x\n");
    await expect(loadCatalogFile(file)).rejects.toThrow(ValidationError);
    await expect(loadCatalogFile(file)).rejects.toThrow(/no id or title column; it has: "sku_code", "label"/);
    const dup = await fileWith("duphead.csv", "id,name,title\n1,x,y\n");
    await expect(loadCatalogFile(dup)).rejects.toThrow(/"name" and "title" both mean title/);
  });

  it("reads TSV and gzip-compressed files, and sniffs the format when the extension says nothing", async () => {
    const tsv = await fileWith("shop.tsv", "id\ttitle\tprice\nt1\tTab, separated\t5\n");
    expect((await loadCatalogFile(tsv)).products).toEqual([{ id: "t1", title: "Tab, separated", price: 5 }]);
    const gz = await fileWith("shop.csv.gz", gzipSync(Buffer.from(csv)));
    expect((await loadCatalogFile(gz)).products.map((p) => p.id)).toEqual(["A1", "A2", "A3"]);
    const csvNoExt = await fileWith("export.txt", "id,title\nn1,Sniffed\n");
    const csvResult = await loadCatalogFile(csvNoExt);
    expect(csvResult.summary.format).toBe("csv");
    expect(csvResult.products).toEqual([{ id: "n1", title: "Sniffed" }]);
    const jsonNoExt = await fileWith("export.dat", '\n  {"id":"j","title":"Sniffed"}\n');
    expect((await loadCatalogFile(jsonNoExt)).summary.format).toBe("jsonl");
  });
});

describe("reading large files", () => {
  it("streams a 10,000-product file, reporting progress up to the file size, and survives an early stop", async () => {
    const products = generateCatalog({ count: 10_000, seed: 11 });
    const file = path.join(dir, "big.jsonl");
    await writeCatalogJsonl(file, products);
    const size = (await stat(file)).size;
    let lastBytes = 0;
    let calls = 0;
    let count = 0;
    let same = true;
    for await (const p of readCatalogFile(file, (bytes, total) => {
      expect(total).toBe(size);
      expect(bytes).toBeGreaterThanOrEqual(lastBytes);
      lastBytes = bytes;
      calls++;
    })) {
      if (same && JSON.stringify(p) !== JSON.stringify(products[count])) same = false;
      count++;
    }
    expect(count).toBe(10_000);
    expect(same).toBe(true);
    expect(lastBytes).toBe(size);
    expect(calls).toBeGreaterThan(1);

    let taken = 0;
    for await (const _ of readCatalogFile(file)) if (++taken === 5) break;
    expect(taken).toBe(5);
  });

  it("round-trips demo products through CSV with '|' lists", async () => {
    const products = generateCatalog({ count: 300, seed: 2 });
    const cols = ["id", "title", "description", "category", "brand", "price", "currency", "tags", "image", "stock", "color", "sizes", "locale"] as const;
    const cell = (v: unknown) => {
      const s = Array.isArray(v) ? v.join("|") : v === undefined ? "" : String(v);
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    const text = [cols.join(","), ...products.map((p) => cols.map((c) => cell(p[c])).join(","))].join("\r\n");
    const file = await fileWith("demo.csv", text);
    const { products: back, summary } = await loadCatalogFile(file);
    expect(summary.errorCount).toBe(0);
    expect(back).toEqual(products);
    expect(back.map(productHash)).toEqual(products.map(productHash));
  });
});

describe("productHash", () => {
  const base: Product = { id: "p1", title: "Trail Shoe", price: 89.99, tags: ["running", "trail"], color: "black", sizes: ["42", "43"], stock: 3 };

  it("is stable across versions (a change here would force every shop to re-import everything)", () => {
    expect(productHash(base)).toMatch(/^[0-9a-f]{32}$/);
    expect(productHash(base)).toBe(productHash(structuredClone(base)));
    // sha256 of the canonical JSON (keys sorted, compact), first 128 bits; computed independently with Python's hashlib.
    expect(productHash(base)).toBe("dbc830598392d64e15fba9d2e6da739a");
  });

  it("ignores key order, tag order, empty or absent fields, whitespace and Unicode composition", () => {
    const same: Product = { stock: 3, sizes: ["42", "43"], color: "Black ", tags: ["trail", "running", "trail"], price: 89.99, title: " Trail Shoe", id: "p1", description: "", brand: undefined };
    expect(productHash(same)).toBe(productHash(base));
    expect(productHash({ ...base, tags: [] })).toBe(productHash({ ...base, tags: undefined }));
    expect(productHash({ id: "c", title: "Cafe\u0301" })).toBe(productHash({ id: "c", title: "Caf\u00e9" }));
  });

  it("changes when any content changes", () => {
    const variants: Product[] = [
      { ...base, price: 79.99 },
      { ...base, title: "Trail Shoe 2" },
      { ...base, stock: 0 },
      { ...base, tags: ["running"] },
      { ...base, sizes: ["43", "42"] },
      { ...base, description: "New copy." },
      { ...base, id: "p2" },
      { ...base, currency: "USD" },
    ];
    const hashes = new Set([productHash(base), ...variants.map(productHash)]);
    expect(hashes.size).toBe(variants.length + 1);
  });
});

describe("helpers", () => {
  it("splits list cells on | first, else on commas or semicolons (ASCII or full-width)", () => {
    expect(splitList("a|b, c|d")).toEqual(["a", "b, c", "d"]);
    expect(splitList("a, b;c，d；e")).toEqual(["a", " b", "c", "d", "e"]);
  });
});
