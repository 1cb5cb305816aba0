import { parseArgs } from "node:util";
import { type Config, loadConfig } from "../../core/config.ts";
import { ModelUnavailableError, ValidationError } from "../../core/errors.ts";
import { createProgress, type Progress } from "../../core/progress.ts";
import { parseInput } from "../../core/validation.ts";
import { type Store, storeFor } from "../../store/index.ts";
import { createDownloadedEmbedder, type DownloadedEmbedder } from "../embedders/downloaded.ts";
import { createRecommender } from "../recommender.ts";
import type { Segmentation } from "./segmenter.ts";
import { type RunOptions, runOptionsSchema, Segments } from "./service.ts";

const USAGE = `usage: concierge segments [--k N] [--json] [--max-k N] [--seed N]

Clusters every shopper with events (opted-out shoppers excepted) into segments by k-means on their
profile vector and their recency, frequency and monetary value, names each segment, and saves the
result (replacing the previous one) in the store configured by CONCIERGE_DATA_DIR / DATABASE_URL,
where the admin API and targeting read it.

  --k N       number of segments (default: the k from 2 to --max-k with the best silhouette)
  --max-k N   largest k tried when choosing (default 10)
  --seed N    seed for k-means++ and sampling (default 1; same data and seed, same segments)
  --json      print the segmentation as JSON on stdout (progress stays on stderr)
`;

function integer(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new ValidationError(`${option}: expected a whole number, got "${value}"`);
  return Number(value);
}

/** The embedder id the service would use, so profiles live in the same space as its recommendations. */
async function embedderIdFor(config: Config, store: Store, say: (s: string) => void): Promise<{ id: string | null; close: () => Promise<void> }> {
  let downloaded: DownloadedEmbedder | undefined;
  if (config.embeddingModel.toLowerCase() !== "none") {
    try {
      downloaded = await createDownloadedEmbedder(config);
    } catch (err) {
      if (!(err instanceof ModelUnavailableError)) throw err;
      say(`embedder: built-in (${err.message})`);
    }
  }
  const recommender = createRecommender({ store, embedder: downloaded, dataDir: config.dataDir, halfLifeDays: config.profileHalfLifeDays, progress: true });
  await recommender.load();
  return { id: recommender.embedder?.id ?? null, close: async () => downloaded?.close() };
}

/** `concierge segments [--k N] [--json]` */
export async function segmentsCommand(args: string[]): Promise<number> {
  let values: { k?: string; "max-k"?: string; seed?: string; json?: boolean; help?: boolean };
  let options: RunOptions;
  try {
    values = parseArgs({
      args,
      options: { k: { type: "string" }, "max-k": { type: "string" }, seed: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: false,
      strict: true,
    }).values;
    options = parseInput(runOptionsSchema, { k: integer(values.k, "--k"), maxK: integer(values["max-k"], "--max-k"), seed: integer(values.seed, "--seed") }, "options");
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stderr.write(USAGE);
    return 0;
  }

  const say = (line: string) => process.stderr.write(`${line}\n`);
  const config = loadConfig();
  const store = storeFor(config);
  let close = async () => {};
  try {
    await store.init();
    const embedder = await embedderIdFor(config, store, say);
    close = embedder.close;
    const segments = new Segments({ store, embedderId: () => embedder.id, halfLifeDays: config.profileHalfLifeDays });
    const bars = new Map<string, Progress>();
    const shown = new Map<string, number>();
    const result = await segments.run(options, ({ phase, done, total }) => {
      let bar = bars.get(phase);
      if (!bar) {
        bar = createProgress(phase === "reading" ? "reading shoppers" : "clustering (k-means fits)", total);
        bars.set(phase, bar);
      }
      bar.tick(done - (shown.get(phase) ?? 0));
      shown.set(phase, done);
    });
    for (const bar of bars.values()) bar.stop();
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatSegmentation(result));
    return 0;
  } finally {
    await close().catch(() => {});
    await store.close();
  }
}

export function formatSegmentation(s: Segmentation): string {
  const lines: string[] = [];
  const how =
    s.chosenBy === "silhouette"
      ? `k=${s.k} chosen by silhouette (${s.candidates.map((c) => `k${c.k} ${c.silhouette.toFixed(3)}`).join(", ")})`
      : s.chosenBy === "fixed"
        ? `k=${s.k} as asked${s.silhouette === null ? "" : `, silhouette ${s.silhouette.toFixed(3)}`}`
        : `one segment: too few shoppers to split`;
  lines.push(`segmented ${s.shoppers} shoppers (${s.optedOut} opted out, left out) in ${s.seconds} s; ${how}`);
  lines.push(
    `features: ${s.features.profileColumns} profile components (${(s.features.explainedVariance * 100).toFixed(0)}% of profile variance, embedder ${s.embedderId ?? "none"}) + recency, frequency, monetary`,
  );
  lines.push(`population medians: last seen ${s.population.recencyDays.toFixed(1)} days ago, ${s.population.frequency} active days, spent ${s.population.monetary}`);
  lines.push("");
  for (const seg of s.segments) {
    lines.push(`#${seg.id} ${seg.name} — ${seg.size} shoppers (${(seg.share * 100).toFixed(1)}%)`);
    lines.push(`    categories: ${seg.topCategories.map((c) => `${c.name} ${(c.share * 100).toFixed(0)}%`).join(", ") || "-"}`);
    lines.push(`    brands: ${seg.topBrands.slice(0, 3).map((c) => `${c.name} ${(c.share * 100).toFixed(0)}%`).join(", ") || "-"}`);
    lines.push(
      `    median: last seen ${seg.recencyDays.toFixed(1)} days ago, ${seg.frequency} active days, spent ${seg.monetary}; ${(seg.buyerShare * 100).toFixed(0)}% bought` +
        `; centroid z (R/F/M) ${seg.centroid.recency.toFixed(2)}/${seg.centroid.frequency.toFixed(2)}/${seg.centroid.monetary.toFixed(2)}`,
    );
  }
  lines.push("");
  return lines.join("\n");
}
