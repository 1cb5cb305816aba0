/**
 * Converts UCI Online Retail (Chen, Sain & Guo 2012; https://archive.ics.uci.edu/dataset/352/online+retail;
 * CC BY 4.0) — or any part of it saved as CSV with its columns InvoiceNo, StockCode, Description,
 * Quantity, [InvoiceDate,] UnitPrice, CustomerID, Country — into the files `concierge rec eval` and
 * `rec tune` read:
 *
 *   items.jsonl   {"id":"85123A","title":"WHITE HANGING HEART T-LIGHT HOLDER","price":2.55}
 *   events.jsonl  {"userId":"c17850","itemId":"85123A","type":"purchase","ts":…}
 *
 * Rows without a customer, cancellations (InvoiceNo "C…") and non-positive quantities are left
 * out. An item's title is its most frequent description, written as found: a stock code with no
 * description keeps an empty title, which `rec eval` skips with a warning (real data has such rows).
 * Time: InvoiceDate when the file has it (day-first, as the UCI file); otherwise invoice numbers,
 * which the shop issued in time order, stand for time (one minute apart).
 *
 *   npx tsx recommend/eval/datasets/online-retail.ts FILE.csv OUT_DIR
 */
import { createReadStream, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse";

const [file, out] = process.argv.slice(2);
if (!file || !out) {
  process.stderr.write("usage: npx tsx recommend/eval/datasets/online-retail.ts FILE.csv OUT_DIR\n");
  process.exit(2);
}
const dayFirst = (s: string): number | undefined => {
  const m = /^(\d{1,2})[-/](\d{1,2})[-/](\d{4})\s+(\d{1,2}):(\d{2})/.exec(s.trim());
  return m ? Date.UTC(Number(m[3]), Number(m[2]) - 1, Number(m[1]), Number(m[4]), Number(m[5])) : undefined;
};
const titles = new Map<string, Map<string, number>>();
const prices = new Map<string, number>();
const events: { userId: string; itemId: string; invoice: number; ts?: number }[] = [];
let skipped = 0;
const parser = createReadStream(file).pipe(parse({ columns: (h: string[]) => h.map((c) => c.replace(/^\uFEFF/, "").trim()), relax_quotes: true, skip_empty_lines: true }));
for await (const row of parser as AsyncIterable<Record<string, string>>) {
  const invoice = (row.InvoiceNo ?? row.Invoice ?? "").trim();
  const code = (row.StockCode ?? "").trim();
  const customer = (row.CustomerID ?? row["Customer ID"] ?? "").trim().replace(/\.0$/, "");
  const quantity = Number(row.Quantity);
  if (!invoice || !code || !customer || invoice.startsWith("C") || !(quantity > 0) || !/^\d+$/.test(invoice)) {
    skipped++;
    continue;
  }
  const description = (row.Description ?? "").trim();
  const t = titles.get(code) ?? new Map<string, number>();
  t.set(description, (t.get(description) ?? 0) + 1);
  titles.set(code, t);
  const price = Number(row.UnitPrice ?? row.Price);
  if (Number.isFinite(price) && price > 0 && !prices.has(code)) prices.set(code, price);
  const ts = row.InvoiceDate ? dayFirst(row.InvoiceDate) : undefined;
  events.push({ userId: `c${customer}`, itemId: code, invoice: Number(invoice), ...(ts !== undefined && { ts }) });
}
const first = Math.min(...events.map((e) => e.invoice));
const START = Date.UTC(2010, 11, 1);
mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, "items.jsonl"),
  `${[...titles]
    .map(([id, t]) => {
      const title = [...t].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).find(([d]) => d)?.[0] ?? "";
      return JSON.stringify({ id, title, ...(prices.has(id) && { price: prices.get(id) }) });
    })
    .join("\n")}\n`,
);
writeFileSync(
  path.join(out, "events.jsonl"),
  `${events.map((e) => JSON.stringify({ userId: e.userId, itemId: e.itemId, type: "purchase", ts: e.ts ?? START + (e.invoice - first) * 60_000 })).join("\n")}\n`,
);
process.stderr.write(`wrote ${titles.size} items and ${events.length} events (${skipped} rows left out) to ${out}\n`);
