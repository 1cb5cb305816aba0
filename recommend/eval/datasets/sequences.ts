/**
 * Converts a file of interaction sequences — one shopper a line, `userId item item item …` in the
 * order they happened, as the Amazon review subsets prepared for sequential recommendation are
 * shared (e.g. Beauty.txt, Toys_and_Games.txt, Sports_and_Outdoors.txt: McAuley et al.'s Amazon
 * review data, 5-core; research use) — into the files `concierge rec eval` and `rec tune` read:
 *
 *   items.jsonl   {"id":"b-12","title":"Beauty item 12","category":"Beauty"}   (such files carry no titles)
 *   events.jsonl  {"userId":"u1","itemId":"b-12","type":"purchase","ts":…}
 *
 * Such files carry order but no times: each shopper's interactions are spread evenly over the same
 * year, their last one at its end, so time order within a shopper is the file's and every shopper's
 * last interaction falls at the same moment. (A review stands for a purchase.)
 *
 *   npx tsx recommend/eval/datasets/sequences.ts FILE OUT_DIR [--name Beauty] [--prefix b]
 */
import { createReadStream, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : undefined;
};
const name = flag("name") ?? "Shop";
const prefix = flag("prefix") ?? "i";
const [file, out] = args;
if (!file || !out) {
  process.stderr.write("usage: npx tsx recommend/eval/datasets/sequences.ts FILE OUT_DIR [--name NAME] [--prefix P]\n");
  process.exit(2);
}
const END = Date.UTC(2020, 0, 1);
const YEAR = 365 * 86_400_000;
const items = new Set<string>();
const events: string[] = [];
for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY })) {
  const [user, ...seq] = line.trim().split(/\s+/);
  if (!user || !seq.length) continue;
  seq.forEach((item, p) => {
    items.add(item);
    const ts = seq.length === 1 ? END : Math.round(END - YEAR + (p / (seq.length - 1)) * YEAR);
    events.push(JSON.stringify({ userId: `u${user}`, itemId: `${prefix}-${item}`, type: "purchase", ts }));
  });
}
mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, "items.jsonl"),
  `${[...items].map((id) => JSON.stringify({ id: `${prefix}-${id}`, title: `${name} item ${id}`, category: name })).join("\n")}\n`,
);
writeFileSync(path.join(out, "events.jsonl"), `${events.join("\n")}\n`);
process.stderr.write(`wrote ${items.size} items and ${events.length} events to ${out}\n`);
