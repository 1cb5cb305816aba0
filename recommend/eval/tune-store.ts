import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Product, ShopperEvent } from "../../store/types.ts";
import type { CooccurrenceOptions } from "../collab/cooccurrence.ts";
import type { RankingConfig } from "../ranking/ranker.ts";
import { timeOrder } from "./split.ts";
import { TUNING_FILE, type Tuning, tune } from "./tune.ts";
import { createWorkbench } from "./workbench.ts";

/**
 * Tunes on a shop's products and events and stores the result in the data folder
 * (`<dataDir>/rec-tuning.json`, written atomically), where the service's recommender reads it at
 * start-up and after each periodic re-tune. Shared by `concierge rec tune` and the service's job.
 */
export async function tuneAndStore(options: {
  products: Product[];
  events: ShopperEvent[];
  dataDir: string;
  base: RankingConfig;
  cooccurrence?: CooccurrenceOptions;
  popularityWindowDays?: number;
  maxItems?: number;
  maxUsers?: number;
  k?: number;
  say?: (line: string) => void;
}): Promise<Tuning> {
  const wb = createWorkbench(options.products, { say: options.say });
  const known = new Set(options.products.map((p) => p.id));
  const events = timeOrder(options.events.filter((e) => known.has(e.itemId)).map((e, line) => ({ ...e, line })));
  const tuning = tune(wb, events, {
    k: options.k ?? 10,
    base: options.base,
    cooccurrence: options.cooccurrence,
    popularityWindowDays: options.popularityWindowDays,
    maxItems: options.maxItems,
    maxUsers: options.maxUsers,
    say: options.say,
  });
  await saveTuning(options.dataDir, tuning);
  return tuning;
}

export function tuningPath(dataDir: string): string {
  return path.join(dataDir, TUNING_FILE);
}

export async function saveTuning(dataDir: string, tuning: Tuning): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const file = tuningPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(tuning, null, 2)}\n`);
  await rename(tmp, file);
}

/** The stored tuning, or null when there is none (or it cannot be read: the configured ranking then serves). */
export async function loadTuning(dataDir: string): Promise<Tuning | null> {
  let text: string;
  try {
    text = await readFile(tuningPath(dataDir), "utf8");
  } catch {
    return null;
  }
  try {
    const t = JSON.parse(text) as Tuning;
    if (t?.version !== 1 || typeof t.weights !== "object") return null;
    for (const v of Object.values(t.weights)) if (typeof v !== "number" || !Number.isFinite(v) || v < 0) return null;
    return t;
  } catch {
    return null;
  }
}
