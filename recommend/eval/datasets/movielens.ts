/**
 * Converts MovieLens 100K (GroupLens; https://grouplens.org/datasets/movielens/100k/ — research use
 * only, no redistribution: convert your own copy, never commit the output) into the files
 * `concierge rec eval` reads:
 *
 *   items.jsonl   {"id":"ml-1","title":"Toy Story (1995)","category":"Animation","tags":[…genres],"description":"…"}
 *   events.jsonl  {"userId":"u196","itemId":"ml-242","type":"rating","value":3,"ts":881250949000}
 *
 * A film's category is its rarest genre (the most specific: "Animation" rather than "Comedy" for
 * Toy Story), so --cross-domain holds back a genre; all its genres go into the tags.
 *
 *   npx tsx recommend/eval/datasets/movielens.ts ML_100K_DIR OUT_DIR
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  process.stderr.write("usage: npx tsx recommend/eval/datasets/movielens.ts ML_100K_DIR OUT_DIR\n");
  process.exit(2);
}
// u.item is Latin-1.
const latin1 = (file: string) => new TextDecoder("latin1").decode(readFileSync(path.join(dir, file)));
const genres = latin1("u.genre")
  .split("\n")
  .filter((l) => l.includes("|"))
  .map((l) => l.split("|")[0]!);
const items = latin1("u.item")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => {
    const f = l.split("|");
    const flags = f.slice(5, 5 + genres.length).map((x) => x === "1");
    return { id: `ml-${f[0]}`, title: f[1]!.trim() || `Movie ${f[0]}`, released: f[2]!, genres: genres.filter((_, i) => flags[i]) };
  });
const genreCount = new Map<string, number>();
for (const m of items) for (const g of m.genres) genreCount.set(g, (genreCount.get(g) ?? 0) + 1);
mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, "items.jsonl"),
  items
    .map((m) => {
      const category = [...m.genres].sort((a, b) => (genreCount.get(a) ?? 0) - (genreCount.get(b) ?? 0) || a.localeCompare(b))[0] ?? "unknown";
      const description = `${m.genres.join(", ")} film${m.released ? `, released ${m.released}` : ""}.`;
      return JSON.stringify({ id: m.id, title: m.title, category, tags: m.genres, description });
    })
    .join("\n") + "\n",
);
const events = readFileSync(path.join(dir, "u.data"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => {
    const [user, item, rating, ts] = l.split("\t");
    return JSON.stringify({ userId: `u${user}`, itemId: `ml-${item}`, type: "rating", value: Number(rating), ts: Number(ts) * 1000 });
  });
writeFileSync(path.join(out, "events.jsonl"), events.join("\n") + "\n");
process.stderr.write(`wrote ${items.length} items and ${events.length} events to ${out}\n`);
