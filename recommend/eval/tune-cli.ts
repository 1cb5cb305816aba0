import { loadConfig } from "../../core/config.ts";
import { ConciergeError } from "../../core/errors.ts";
import { storeFor } from "../../store/index.ts";
import type { Product, ShopperEvent } from "../../store/types.ts";
import { formatRowError, readCatalogFile } from "../catalog-file.ts";
import { DEFAULT_RANKING, type RankingConfig } from "../ranking/ranker.ts";
import { readEventsFile } from "./events-file.ts";
import { tuneAndStore, tuningPath } from "./tune-store.ts";
import { positiveWhole, readFlags } from "./flags.ts";

const USAGE = `usage: concierge rec tune [--events EVENTS] [--items ITEMS] [--json] [--strict] [--ease-items N] [--max-users N]

Chooses the recommender's ranking for this shop from its own events and stores it in the data
folder (CONCIERGE_DATA_DIR/rec-tuning.json), where the service reads it at start-up and after each
periodic re-tune (CONCIERGE_REC_TUNE_INTERVAL_HOURS).

Validation is time-ordered: each shopper's last positive interaction (purchase, cart, favourite,
rating ≥ 4; views in a click log) is their validation item, everything before it trains. Chosen by
validation NDCG@10: the learned model's (EASE) λ, input and recency; the weights of content,
session, co-occurrence, the model, popularity and freshness (never below the best single signal, the
configured default or the content + co-occurrence blend on validation); whether the configured MMR
and brand cap stay.

  --events FILE     events, JSONL or CSV as for \`rec eval\` (default: the events in the store)
  --items FILE      products, JSONL or CSV as for \`catalog import\` (default: the store's catalogue)
  --ease-items N    items the model covers, most-touched first (default 4000)
  --max-users N     validation shoppers at most (a seeded sample; default 2000)
  --strict          refuse any file with an invalid line (default: skip them with a warning)
  --json            print the stored tuning as JSON on stdout

Exit status: 0 stored, 1 nothing to tune on, 2 usage error.
`;

interface Args {
  events?: string;
  items?: string;
  json: boolean;
  strict: boolean;
  easeItems?: number;
  maxUsers?: number;
}

function parseArgs(args: string[]): Args | string {
  const out: Args = { json: false, strict: false };
  const problem = readFlags(args, (flag, value) => {
    if (flag === "--json") out.json = true;
    else if (flag === "--strict") out.strict = true;
    else if (flag === "--events") out.events = value();
    else if (flag === "--items") out.items = value();
    else if (flag === "--ease-items" || flag === "--max-users") {
      const n = positiveWhole(flag, value());
      if (typeof n === "string") return n;
      if (flag === "--ease-items") out.easeItems = n;
      else out.maxUsers = n;
    } else return `unknown option: ${flag}`;
    return undefined;
  });
  return problem ?? out;
}

/** `concierge rec tune …` */
export async function recTune(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(parsed ? `${parsed}\n\n${USAGE}` : USAGE);
    return parsed ? 2 : 0;
  }
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const config = loadConfig();
  const rec = config.recommend;
  const base: RankingConfig = {
    ...DEFAULT_RANKING,
    ...(rec && {
      weights: { ...DEFAULT_RANKING.weights, ...rec.weights },
      mmrLambda: rec.mmrLambda,
      brandCap: rec.brandCap,
      sessionMinutes: rec.sessionMinutes,
      newHalfLifeDays: rec.newHalfLifeDays,
      contentShrink: rec.contentShrink,
    }),
  };
  try {
    let products: Product[] | null;
    let events: ShopperEvent[] | null;
    if (parsed.items && parsed.events) {
      products = await readItemsFile(parsed.items, say, parsed.strict);
      events = products && (await readEvents(parsed.events, say, parsed.strict));
    } else {
      const store = storeFor(config);
      await store.init();
      try {
        products = parsed.items ? await readItemsFile(parsed.items, say, parsed.strict) : await store.catalogue.allProducts();
        if (products && !parsed.items) say(`items: the store's catalogue (${products.length} products)`);
        if (parsed.events) events = products && (await readEvents(parsed.events, say, parsed.strict));
        else {
          events = [];
          for await (const batch of store.shoppers.scanEvents(5000)) events.push(...batch);
          say(`events: the store's (${events.length}, shoppers who opted out of personalisation left out)`);
        }
      } finally {
        await store.close();
      }
    }
    if (!products?.length || !events?.length) {
      say("nothing to tune on: no items or no events");
      return 1;
    }
    const tuning = await tuneAndStore({
      products,
      events,
      dataDir: config.dataDir,
      base,
      cooccurrence: rec?.cooccurrence,
      popularityWindowDays: rec?.popularityWindowDays,
      maxItems: parsed.easeItems,
      maxUsers: parsed.maxUsers,
      say,
    });
    if (tuning.validation.users === 0) say("warning: no shopper has 2 positives; the configured weights were kept");
    if (parsed.json) process.stdout.write(`${JSON.stringify(tuning, null, 2)}\n`);
    else {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(`stored ${tuningPath(config.dataDir)} (${tuning.seconds.toFixed(1)} s; ${tuning.validation.users} validation shoppers)`);
      out(`weights: ${Object.entries(tuning.weights).map(([s, w]) => `${s} ${w}`).join(", ")}; MMR λ ${tuning.mmrLambda}; brand cap ${tuning.brandCap}`);
      out(tuning.ease ? `EASE: λ ${tuning.ease.lambda}, ${tuning.ease.input} events, ${tuning.timings.easeItems} items, input half-life ${tuning.modelRecencyHalfLife ?? "none"}` : "no learned model (too little data)");
      out(`validation NDCG@${tuning.validation.k}: ${Object.entries(tuning.validation.ndcg).map(([s, v]) => `${s} ${v.toFixed(4)}`).join(", ")}`);
    }
    return 0;
  } catch (err) {
    if (err instanceof ConciergeError) {
      say(`error: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

async function readItemsFile(file: string, say: (line: string) => void, strict: boolean): Promise<Product[] | null> {
  const errors: string[] = [];
  let count = 0;
  const products: Product[] = [];
  const reader = readCatalogFile(file, {
    onError: (e) => {
      count++;
      if (errors.length < 5) errors.push(`${file} ${formatRowError(e)}`);
    },
  });
  for (;;) {
    const next = await reader.next();
    if (next.done) break;
    products.push(next.value);
  }
  if (count) {
    const refuse = strict || !products.length;
    say(refuse ? `${count} invalid item line${count === 1 ? "" : "s"} in ${file}; refusing` : `warning: skipped ${count} invalid item line${count === 1 ? "" : "s"} in ${file}, first ${errors.length}:`);
    for (const e of errors) say(`  ${e}`);
    if (refuse) return null;
  }
  return products;
}

async function readEvents(file: string, say: (line: string) => void, strict: boolean): Promise<ShopperEvent[] | null> {
  const result = await readEventsFile(file, { maxErrors: 5 });
  if (result.errorCount) {
    const refuse = strict || !result.events.length;
    say(refuse ? `${result.errorCount} invalid event line${result.errorCount === 1 ? "" : "s"} in ${file}; refusing` : `warning: skipped ${result.errorCount} invalid event line${result.errorCount === 1 ? "" : "s"} in ${file}, first ${result.errors.length}:`);
    for (const e of result.errors) say(`  ${file} line ${e.line}: ${e.message}`);
    if (refuse) return null;
  }
  return result.events;
}
