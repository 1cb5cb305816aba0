/**
 * Writes a demo catalogue as JSONL.
 *   tsx recommend/demo/generate.ts [--count 1200] [--seed 42] [--out FILE] [--start 1] [--zh-share 0.3]
 * With no arguments it rewrites the committed demo catalogue (recommend/demo/catalog.jsonl).
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { ConciergeError, ValidationError } from "../../core/errors.ts";
import { createProgress } from "../../core/progress.ts";
import { parseInput } from "../../core/validation.ts";
import { iterateCatalogEntries } from "./generator.ts";
import { DEMO_CATALOG_OPTIONS, DEMO_CATALOG_PATH } from "./index.ts";
import { writeCatalogJsonl } from "./write.ts";

const USAGE = "usage: tsx recommend/demo/generate.ts [--count N] [--seed N] [--out FILE.jsonl] [--start N] [--zh-share 0..1]\n";

const argsSchema = z.object({
  count: z.coerce.number().int().min(0).max(100_000_000).default(DEMO_CATALOG_OPTIONS.count),
  seed: z.coerce.number().int().min(0).max(0xffffffff).default(DEMO_CATALOG_OPTIONS.seed),
  start: z.coerce.number().int().min(1).default(1),
  "zh-share": z.coerce.number().min(0).max(1).default(0.3),
  out: z.string().min(1).default(DEMO_CATALOG_PATH),
});

export async function generateCommand(argv: string[]): Promise<number> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        count: { type: "string" },
        seed: { type: "string" },
        start: { type: "string" },
        "zh-share": { type: "string" },
        out: { type: "string", short: "o" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new ValidationError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const args = parseInput(argsSchema, values, "arguments");
  const perCategory = new Map<string, number>();
  const perLocale = new Map<string, number>();
  const progress = createProgress("generating", args.count);
  const started = performance.now();
  function* products() {
    for (const entry of iterateCatalogEntries({ count: args.count, seed: args.seed, start: args.start, zhShare: args["zh-share"] })) {
      perCategory.set(entry.category.id, (perCategory.get(entry.category.id) ?? 0) + 1);
      perLocale.set(entry.locale, (perLocale.get(entry.locale) ?? 0) + 1);
      yield entry.product;
    }
  }
  let ticks = 0;
  const written = await writeCatalogJsonl(args.out, products(), () => {
    if (++ticks === 10_000) {
      progress.tick(ticks);
      ticks = 0;
    }
  });
  progress.tick(ticks);
  progress.stop();
  const seconds = (performance.now() - started) / 1000;
  const breakdown = [...perCategory].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`);
  const locales = [...perLocale].map(([l, n]) => `${l} ${n}`);
  process.stderr.write(
    `wrote ${written} products to ${args.out} in ${seconds.toFixed(2)} s (${Math.round(written / Math.max(seconds, 1e-9))} products/s)\n` +
      `  categories: ${breakdown.join(", ")}\n  languages: ${locales.join(", ")}\n`,
  );
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  generateCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(err instanceof ConciergeError ? `error (${err.code}): ${err.message}\n` : `${err?.stack ?? err}\n`);
      process.exit(1);
    },
  );
}
