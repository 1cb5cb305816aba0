import { stat } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../core/config.ts";
import { createProgress, type Progress } from "../core/progress.ts";
import { announceChange, markChanged, storeFor } from "../store/index.ts";
import type { Product } from "../store/types.ts";
import { type CatalogReadSummary, formatRowError, readCatalogFile } from "./catalog-file.ts";
import { type DownloadedEmbedder, embedderForTool } from "./embedders/downloaded.ts";
import { importCatalog } from "./import.ts";
import { createRecommender } from "./recommender.ts";

const USAGE = `usage: concierge catalog import FILE [--refit] [--json]

Imports products from a JSONL or CSV file (see recommend/catalog-file.ts for the columns) into the
store configured by CONCIERGE_DATA_DIR / DATABASE_URL, embeds new and changed products and updates
the saved vector index. Unchanged products (same content) are skipped; nothing is deleted.

  --refit   refit the built-in embedder on the whole catalogue (otherwise it refits by itself once
            a quarter of the catalogue is new or changed since the last fit)
  --json    print the summary as JSON on stdout (progress stays on stderr)

Exit status: 0 when every row was imported, 1 when some rows were rejected (the rest are
imported; each bad row is listed with its line number), 2 for a usage error.
`;

interface Args {
  file: string;
  refit: boolean;
  json: boolean;
}

function parseArgs(args: string[]): Args | string {
  let file: string | undefined;
  let refit = false;
  let json = false;
  for (const a of args) {
    if (a === "--refit") refit = true;
    else if (a === "--json") json = true;
    else if (a === "-h" || a === "--help") return "";
    else if (a.startsWith("-")) return `unknown option: ${a}`;
    else if (file) return `one file at a time (got ${file} and ${a})`;
    else file = a;
  }
  if (!file) return "missing FILE";
  return { file, refit, json };
}

/** `concierge catalog import FILE [--refit] [--json]` */
export async function catalogImport(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(parsed ? `${parsed}\n${USAGE}` : USAGE);
    return parsed ? 2 : 0;
  }
  const { file, refit, json } = parsed;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const config = loadConfig();
  const size = (await stat(file).catch(() => null))?.size ?? 0;
  const store = storeFor(config);
  let embedder: DownloadedEmbedder | undefined;
  try {
    await store.init();
    embedder = await embedderForTool(config, say);
    const recommender = createRecommender({ store, embedder, dataDir: config.dataDir, halfLifeDays: config.profileHalfLifeDays, progress: true, cooccurrence: false });
    await recommender.load();

    const reading = createProgress(`reading ${path.basename(file)} (kB)`, Math.ceil(size / 1024));
    let readKb = 0;
    const rowErrors: string[] = [];
    let summary: CatalogReadSummary | undefined;
    async function* products(): AsyncGenerator<Product> {
      const reader = readCatalogFile(file, {
        onProgress: (bytes) => {
          const kb = Math.floor(bytes / 1024);
          reading.tick(kb - readKb);
          readKb = kb;
        },
        onError: (e) => {
          if (rowErrors.length < 1000) rowErrors.push(formatRowError(e));
        },
      });
      for (;;) {
        const next = await reader.next();
        if (next.done) {
          summary = next.value;
          reading.tick(Math.ceil(size / 1024) - readKb);
          return;
        }
        yield next.value;
      }
    }
    let bar: Progress | undefined;
    let embedded = 0;
    const result = await importCatalog({
      store,
      recommender,
      products: products(),
      refit,
      onProgress: ({ phase, done, total }) => {
        if (phase !== "embedding") return;
        bar ??= createProgress("embedding products", total);
        bar.tick(done - embedded);
        embedded = done;
      },
    });
    reading.stop();
    bar?.stop();
    const rejected = (summary?.rejected ?? 0) + result.failed;
    await store.catalogue.recordImport({
      at: Date.now(),
      source: path.basename(file),
      added: result.added,
      updated: result.updated,
      unchanged: result.unchanged,
      rejected,
      products: await store.catalogue.countProducts(),
      seconds: Number(result.seconds.toFixed(3)),
    });
    // Running services rebuild their indexes from the store when the marker moves (docs/shop.md).
    await announceChange(config.redisUrl, config.databaseSchema, await markChanged(store.blobs, "catalogue"));
    const info = recommender.describe();
    const report = {
      file,
      added: result.added,
      updated: result.updated,
      unchanged: result.unchanged,
      rejected,
      seconds: Number(result.seconds.toFixed(2)),
      productsPerSecond: Math.round((result.added + result.updated + result.unchanged) / Math.max(result.seconds, 1e-3)),
      embedded: result.embedded,
      refitted: result.refitted,
      embedder: info.embedder,
      catalogue: info.products,
      unknownColumns: summary?.unknownFields ?? [],
      errors: [...rowErrors, ...result.errors],
    };
    if (json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(
        `imported ${file}: ${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${rejected} rejected ` +
          `in ${report.seconds} s (${report.productsPerSecond} products/s)`,
      );
      out(
        `catalogue: ${report.catalogue} products; embedder ${info.embedder?.id ?? "none"} (${info.embedder?.tier ?? "-"}, ${info.embedder?.dimensions ?? 0} dims)` +
          `${result.refitted ? ", refitted on the whole catalogue" : ""}; ${report.embedded} embedded`,
      );
      if (report.unknownColumns.length) out(`ignored columns: ${report.unknownColumns.join(", ")}`);
      if (report.errors.length) {
        out(`rejected rows:`);
        for (const e of report.errors.slice(0, 20)) out(`  ${e}`);
        if (rejected > 20) out(`  … and ${rejected - 20} more (--json lists up to 1000)`);
      }
    }
    return rejected > 0 ? 1 : 0;
  } finally {
    await embedder?.close().catch(() => {});
    await store.close();
  }
}
