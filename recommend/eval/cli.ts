import path from "node:path";
import { ConciergeError } from "../../core/errors.ts";
import { createProgress } from "../../core/progress.ts";
import type { Product } from "../../store/types.ts";
import { formatRowError, readCatalogFile } from "../catalog-file.ts";
import { evaluate, SYSTEMS, type SystemName } from "./evaluate.ts";
import { type FileEvent, readEventsFile } from "./events-file.ts";
import type { SystemResult } from "./metrics.ts";
import { positiveWhole, readFlags } from "./flags.ts";

const USAGE = `usage: concierge rec eval --items ITEMS --events EVENTS [--k 10] [--json] [--cross-domain] [--seed 42] [--systems a,b,…]
                        [--max-users N] [--ease-items N] [--strict]

Evaluates the recommender offline on your own data, the way RecBole and Microsoft Recommenders do:
time-ordered leave-last-out per shopper (the last positive interaction is the test item, earlier
events train), full ranking over the whole catalogue (no sampled negatives), items the shopper
already interacted with left out of their list. Positives are purchase, cart, favourite and
rating ≥ 4 (views when the data has nothing else); shoppers with fewer than 2 positives are not
tested but their events train. recommend/eval/README.md has the protocol in full.

  --items FILE      products, JSONL or CSV as for \`concierge catalog import\` (id and title required)
  --events FILE     events, JSONL or CSV: userId, itemId, type (view|cart|purchase|favourite|rating),
                    value (a rating's 1–5), ts (epoch milliseconds or an ISO date)
  --k N             list length (default 10)
  --cross-domain    hold back one category per shopper: train on their other categories, test on
                    the items they liked in the held-back one
  --seed N          seed for the random baseline and the held-back categories (default 42)
  --systems LIST    only these systems (default all): ${SYSTEMS.join(", ")}
  --max-users N     test at most N shoppers (a seeded sample; default all)
  --ease-items N    items the learned model (EASE) covers, most-touched first (default 4000; its
                    fit costs about n³/2 multiply-adds and 8·n² bytes while fitting)
  --strict          refuse to evaluate when any line of either file is invalid (default: skip
                    invalid lines with a warning that counts them and names the first few)
  --json            print one JSON object {k, users, seconds, results, timings, tuning} on stdout

"tuned" is the default ranking with its weights, EASE's λ and diversity chosen by \`rec tune\` on the
training events alone (validation: each shopper's last positive before their test item).

Prints Precision, Recall, NDCG, HitRate and MRR @K, catalogue coverage, intra-list diversity,
novelty and the Gini of exposure over items and brands, for each system, with the time taken.
Progress goes to stderr. Exit status: 0 done, 1 nothing valid to evaluate (or, with --strict, any
invalid line; each bad line listed), 2 usage error.
`;

interface Args {
  items: string;
  events: string;
  k: number;
  json: boolean;
  crossDomain: boolean;
  seed: number;
  systems: SystemName[];
  maxUsers?: number;
  easeItems?: number;
  strict: boolean;
}

function parseArgs(args: string[]): Args | string {
  const out: Partial<Args> = { k: 10, json: false, crossDomain: false, seed: 42, systems: [...SYSTEMS], strict: false };
  const problem = readFlags(args, (flag, value) => {
    if (flag === "--json") out.json = true;
    else if (flag === "--cross-domain") out.crossDomain = true;
    else if (flag === "--strict") out.strict = true;
    else if (flag === "--max-users" || flag === "--ease-items") {
      const n = positiveWhole(flag, value());
      if (typeof n === "string") return n;
      if (flag === "--max-users") out.maxUsers = n;
      else out.easeItems = n;
    } else if (flag === "--items") out.items = value();
    else if (flag === "--events") out.events = value();
    else if (flag === "--k") {
      const v = value();
      const k = Number(v);
      if (!Number.isInteger(k) || k < 1 || k > 1000) return `--k must be a whole number from 1 to 1000 (got ${v})`;
      out.k = k;
    } else if (flag === "--seed") {
      const v = value();
      const seed = Number(v);
      if (!Number.isInteger(seed) || seed < 0) return `--seed must be a non-negative whole number (got ${v})`;
      out.seed = seed;
    } else if (flag === "--systems") {
      const names = value()
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = names.filter((n) => !(SYSTEMS as readonly string[]).includes(n));
      if (unknown.length || !names.length) return `--systems: unknown ${unknown.join(", ") || "(none given)"}; choose from ${SYSTEMS.join(", ")}`;
      out.systems = names as SystemName[];
    } else return `unknown option: ${flag}`;
    return undefined;
  });
  if (problem !== undefined) return problem;
  if (!out.items) return "missing --items FILE";
  if (!out.events) return "missing --events FILE";
  return out as Args;
}

const METRICS = ["precision", "recall", "ndcg", "hitRate", "mrr", "coverage", "diversity", "novelty", "giniItems", "giniBrands"] as const;

/** `concierge rec eval …` — the command bot/cli.ts routes to. */
export async function recEval(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === "string") {
    process.stderr.write(parsed ? `${parsed}\n\n${USAGE}` : USAGE);
    return parsed ? 2 : 0;
  }
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const started = performance.now();
  try {
    const products = await readItems(parsed.items, say, parsed.strict);
    if (!products) return 1;
    const events = await readEvents(parsed.events, products, say, parsed.strict);
    if (!events) return 1;
    const report = await evaluate({
      products,
      events,
      k: parsed.k,
      crossDomain: parsed.crossDomain,
      seed: parsed.seed,
      systems: parsed.systems,
      onStage: say,
      ...(parsed.maxUsers && { maxUsers: parsed.maxUsers }),
      ...(parsed.easeItems && { ease: { maxItems: parsed.easeItems }, tuneOptions: { maxItems: parsed.easeItems } }),
    });
    if (report.users === 0) {
      say(
        parsed.crossDomain
          ? "no shopper can be tested across domains: none has a positive in a category after 2 positives in others"
          : "no shopper can be tested: none has 2 or more positive interactions (purchase, cart, favourite, rating ≥ 4)",
      );
      return 1;
    }
    const seconds = (performance.now() - started) / 1000;
    if (parsed.json) {
      process.stdout.write(
        `${JSON.stringify({ k: report.k, users: report.users, seconds: round(seconds, 2), results: roundResults(report.results), timings: report.timings, ...(report.tuning && { tuning: report.tuning }) })}\n`,
      );
    } else {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      out(
        `${report.protocol.name} on ${path.basename(parsed.items)} + ${path.basename(parsed.events)}: ${report.protocol.items} items, ` +
          `${report.protocol.events} events (${report.protocol.trainingEvents} train), ${report.users} shoppers tested, ` +
          `${report.protocol.skippedUsers} not tested; positives: ${report.protocol.positives}`,
      );
      out("");
      const labels = [`P@${parsed.k}`, `R@${parsed.k}`, `NDCG@${parsed.k}`, `HR@${parsed.k}`, `MRR@${parsed.k}`, "coverage", "diversity", "novelty", "gini items", "gini brands"];
      out(["system".padEnd(18), ...labels.map((l) => l.padStart(12))].join(""));
      for (const [name, r] of Object.entries(report.results)) {
        const cells = METRICS.map((m) => {
          const v = r[m];
          return (v === null ? "-" : v.toFixed(4)).padStart(12);
        });
        out(`${name.padEnd(18)}${cells.join("")}`);
      }
      out("");
      if (report.tuning) {
        const t = report.tuning;
        out(
          `tuned on ${t.validation.users} validation shoppers: weights ${Object.entries(t.weights)
            .map(([s, w]) => `${s} ${w}`)
            .join(", ")}; MMR λ ${t.mmrLambda}, brand cap ${t.brandCap}` +
            (t.ease ? `; EASE λ ${t.ease.lambda} (${t.ease.input} events, ${t.timings.easeItems} items), input half-life ${t.modelRecencyHalfLife ?? "none"}` : "; no model"),
        );
      }
      out(`timings: ${Object.entries(report.timings).map(([name, v]) => `${name} ${v}`).join(", ")}`);
      out(`done in ${seconds.toFixed(1)} s`);
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

/** Lines shown by name in a warning; the rest are counted. */
const SHOWN = 5;

async function readItems(file: string, say: (line: string) => void, strict: boolean): Promise<Product[] | null> {
  const errors: string[] = [];
  let count = 0;
  const products: Product[] = [];
  const reader = readCatalogFile(file, {
    onError: (e) => {
      count++;
      if (errors.length < (strict ? 20 : SHOWN)) errors.push(`${file} ${formatRowError(e)}`);
    },
  });
  for (;;) {
    const next = await reader.next();
    if (next.done) break;
    products.push(next.value);
  }
  if (count && (strict || !products.length)) {
    for (const e of errors) say(e);
    if (count > errors.length) say(`… and ${count - errors.length} more problems in ${file}`);
    say(strict ? `refusing to evaluate (--strict): fix the ${count} problem${count === 1 ? "" : "s"} in ${file} first` : `${file} has no valid items: nothing to evaluate`);
    return null;
  }
  if (count) {
    say(`warning: skipped ${count} invalid item line${count === 1 ? "" : "s"} in ${file} (${products.length} kept; --strict refuses instead), first ${Math.min(count, errors.length)}:`);
    for (const e of errors) say(`  ${e}`);
  }
  if (!products.length) {
    say(`${file} has no items`);
    return null;
  }
  return products;
}

async function readEvents(file: string, products: Product[], say: (line: string) => void, strict: boolean): Promise<FileEvent[] | null> {
  const reading = createProgress(`reading ${path.basename(file)} (kB)`);
  let shown = 0;
  const result = await readEventsFile(file, {
    maxErrors: strict ? 20 : SHOWN,
    onProgress: (bytes, total) => {
      if (shown === 0) reading.setTotal(Math.ceil(total / 1024));
      const kb = Math.floor(bytes / 1024);
      reading.tick(kb - shown);
      shown = kb;
    },
  });
  reading.stop();
  if (result.errorCount && (strict || !result.events.length)) {
    for (const e of result.errors) say(`${file} line ${e.line}: ${e.message}`);
    if (result.errorCount > result.errors.length) say(`… and ${result.errorCount - result.errors.length} more bad lines in ${file}`);
    say(
      strict
        ? `refusing to evaluate (--strict): fix the ${result.errorCount} bad line${result.errorCount === 1 ? "" : "s"} in ${file} first`
        : `${file} has no valid events: nothing to evaluate`,
    );
    return null;
  }
  if (result.errorCount) {
    say(`warning: skipped ${result.errorCount} invalid event line${result.errorCount === 1 ? "" : "s"} in ${file} (${result.events.length} kept; --strict refuses instead), first ${result.errors.length}:`);
    for (const e of result.errors) say(`  ${file} line ${e.line}: ${e.message}`);
  }
  const known = new Set(products.map((p) => p.id));
  const events = result.events.filter((e) => known.has(e.itemId));
  const unknown = result.events.length - events.length;
  if (unknown) say(`${unknown} events name items that are not in the items file; they are left out`);
  const untimed = events.filter((e) => e.untimed).length;
  if (untimed) say(`${untimed} events have no ts: their line order is their time order, and time windows see them as one moment`);
  if (!events.length) {
    say(`${file} has no events on the items given`);
    return null;
  }
  return events;
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function roundResults(results: Partial<Record<SystemName, SystemResult>>): Record<string, Record<string, number | null>> {
  const out: Record<string, Record<string, number | null>> = {};
  for (const [name, r] of Object.entries(results)) {
    if (!r) continue;
    out[name] = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : round(v, 6)]));
  }
  return out;
}
