// Store write/read throughput on embedded PGlite (and Postgres when DATABASE_URL is set).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createStore, type ProductRow, type ShopperEvent } from "../store/index.ts";

const N = Number(process.env.N ?? 10_000);
const DIM = 384;
const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-bench-"));
const url = process.env.DATABASE_URL;
const schema = url ? `bench_${Date.now()}` : undefined;
const time = async <T>(label: string, fn: () => Promise<T>) => {
  const t = performance.now();
  const r = await fn();
  const ms = performance.now() - t;
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms`);
  return r;
};
const store = createStore({ dataDir, databaseUrl: url, schema });
await time("open + migrate (first start)", () => store.init());
const cats = ["shoes", "hats", "bags", "tea", "jackets"];
const rows: ProductRow[] = Array.from({ length: N }, (_, i) => ({
  product: { id: `p${i}`, title: `Product ${i} trail running shoe`, description: "A fine product ".repeat(10), category: cats[i % 5], brand: `b${i % 40}`, price: (i % 300) + 0.99, currency: "EUR", tags: ["a", "b", "c"], stock: i % 7, color: "red", sizes: ["40", "41", "42"] },
  hash: `h${i}`,
}));
const vectors = rows.map((r) => ({ id: r.product.id, vector: Float32Array.from({ length: DIM }, () => Math.random() - 0.5) }));
await time(`upsertProducts ${N} (insert)`, () => store.catalogue.upsertProducts(rows));
await time(`upsertProducts ${N} (update, same ids)`, () => store.catalogue.upsertProducts(rows.map((r) => ({ ...r, hash: r.hash + "x" }))));
await time(`saveVectors ${N} x ${DIM}-d (insert)`, () => store.catalogue.saveVectors("bench", vectors));
await time(`saveVectors ${N} x ${DIM}-d (overwrite)`, () => store.catalogue.saveVectors("bench", vectors));
await time(`loadVectors ${N}`, () => store.catalogue.loadVectors("bench"));
await time(`allProducts ${N}`, () => store.catalogue.allProducts());
await time(`productHashes ${N}`, () => store.catalogue.productHashes());
const events: ShopperEvent[] = Array.from({ length: 100_000 }, (_, i) => ({ userId: `u${i % 1000}`, itemId: `p${(i * 7919) % N}`, type: (["view", "cart", "purchase", "favourite", "rating"] as const)[i % 5], value: i % 5 === 4 ? (i % 5) + 1 : undefined, ts: 1_700_000_000_000 + i * 1000 }));
await time("addEvents 100000", () => store.shoppers.addEvents(events));
await time("itemPopularity over 100000 events", () => store.shoppers.itemPopularity({ view: 1, cart: 3, purchase: 5, favourite: 4, rating: 2 }));
await time("eventsForUser (100 events)", () => store.shoppers.eventsForUser("u1"));
await time("close", () => store.close());
const again = createStore({ dataDir, databaseUrl: url, schema });
await time("reopen (existing data)", () => again.init());
if (url) {
  const pg = (await import("pg")).default;
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA "${schema}" CASCADE`);
  await c.end();
}
await again.close();
await rm(dataDir, { recursive: true, force: true });
