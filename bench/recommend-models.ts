/**
 * Training time and memory of the collaborative models (recommend/collab/implicit.ts) at a given
 * number of events: the Gram matrix of the implicit-feedback matrix, EASE's closed form (the inverse
 * of an items × items matrix) and the item-kNN baseline — on an events file, or on synthetic
 * purchases (shoppers with Zipf-distributed item popularity and taste clusters; a timing load, not
 * a quality benchmark).
 *
 *   npx tsx bench/recommend-models.ts --events 1000000 [--items 20000] [--ease-items 1500,4000] [--lambda 200]
 *   npx tsx bench/recommend-models.ts --file events.jsonl [--ease-items 1500]
 */
import { cpus } from "node:os";
import { fitEase, fitItemKnn, ImplicitData } from "../recommend/collab/implicit.ts";
import { mulberry32 } from "../recommend/demo/prng.ts";
import { readEventsFile } from "../recommend/eval/events-file.ts";
import type { ShopperEvent } from "../store/types.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

function synthetic(count: number, items: number, seed = 7): ShopperEvent[] {
  const rnd = mulberry32(seed);
  const clusters = 50;
  const events: ShopperEvent[] = [];
  const perShopper = 40;
  const shoppers = Math.ceil(count / perShopper);
  // Zipf over items, shifted per taste cluster so clusters prefer different items.
  const pick = (cluster: number) => {
    const r = Math.floor(items * rnd() ** 3);
    return (r + cluster * Math.floor(items / clusters)) % items;
  };
  for (let u = 0; u < shoppers && events.length < count; u++) {
    const cluster = Math.floor(rnd() * clusters);
    for (let n = 0; n < perShopper && events.length < count; n++) events.push({ userId: `u${u}`, itemId: `i${pick(cluster)}`, type: "purchase", ts: u * 1000 + n });
  }
  return events;
}

const file = arg("file");
const count = Number(arg("events") ?? 100_000);
const items = Number(arg("items") ?? 20_000);
const lambda = Number(arg("lambda") ?? 200);
const easeItems = (arg("ease-items") ?? "1500").split(",").map(Number);
console.log(`collaborative models, ${cpus().length} cores, node ${process.version}`);
let t = performance.now();
const events = file ? (await readEventsFile(file)).events : synthetic(count, items);
console.log(`${file ?? "synthetic purchases"}: ${events.length} events, ${new Set(events.map((e) => e.userId)).size} shoppers, ${new Set(events.map((e) => e.itemId)).size} items (read or generated in ${((performance.now() - t) / 1000).toFixed(1)} s)`);
const rss0 = process.memoryUsage().rss;
t = performance.now();
const knn = fitItemKnn(events, { k: 100 });
console.log(`item-kNN (k 100, every item): ${((performance.now() - t) / 1000).toFixed(1)} s, ${knn.size} items, RSS +${mb(process.memoryUsage().rss - rss0)}`);
for (const n of easeItems) {
  t = performance.now();
  const data = ImplicitData.fromEvents(events, { maxItems: n });
  const gram = (performance.now() - t) / 1000;
  const fit = fitEase(data, { lambda });
  console.log(
    `EASE on the ${data.size} most-touched items (λ ${lambda}): Gram ${gram.toFixed(1)} s, inverse + weights ${fit.seconds.toFixed(1)} s; ` +
      `weights ${mb(fit.bytes)}, peak working set ${mb(fit.peakBytes)}; RSS now ${mb(process.memoryUsage().rss)}`,
  );
}
