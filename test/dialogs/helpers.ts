import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Understander, Understanding } from "../../intents/types.ts";
import type { Ranked, Recommender } from "../../recommend/types.ts";
import { Shoppers } from "../../shoppers/index.ts";
import { createStore } from "../../store/index.ts";
import type { Product, Store } from "../../store/types.ts";

/** Distinctive prices, so any figure in a written reply can be traced to the catalogue. */
export const PRODUCTS: Product[] = [
  { id: "sku-hat", title: "Red wool hat", brand: "Acme", category: "hats", price: 1234.56, currency: "EUR", stock: 7, description: "A warm hat for cold days.", color: "red" },
  { id: "sku-shoe", title: "Blue trail shoe", brand: "Fleet", category: "shoes", price: 987.65, currency: "USD", stock: 0, sizes: ["40", "41"] },
  { id: "sku-tea", title: "Green tea tin", brand: "Leaf", category: "tea", price: 43.21, currency: "USD", stock: 3, image: "/images/tea.svg" },
];

/**
 * The NLU a scripted test needs: the intent (and entities) fixed per message, so a test of the
 * engine's streaming rules does not depend on a trained classifier's guesses.
 */
export function scriptedUnderstander(intents: Record<string, Partial<Understanding> & { intent: string }>): Understander {
  return {
    understand(text) {
      const scripted = intents[text] ?? { intent: "oos" };
      return {
        locale: /[\u4e00-\u9fff]/.test(text) ? "zh" : "en",
        confidence: 0.9,
        ranking: [],
        entities: { categories: [], brands: [], colors: [], sizes: [] },
        sentiment: { label: "neutral", score: 0 },
        ...scripted,
      };
    },
  };
}

/** A catalogue of three products behind the Recommender interface: search returns them in order, mentions by title word. */
export function scriptedRecommender(products: Product[] = PRODUCTS): Recommender & { searches: number } {
  const ranked = (reason: string): Ranked[] => products.map((product, i) => ({ product, score: 1 - i / 10, reason }));
  const rec = {
    searches: 0,
    async search(request: { text: string }) {
      rec.searches++;
      return /nothing/.test(request.text) ? [] : ranked("matches what you asked");
    },
    async recommend() {
      return ranked("popular right now");
    },
    async popular() {
      return ranked("popular right now");
    },
    async findMentioned(text: string, limit = 5) {
      const lower = text.toLowerCase();
      return products.filter((p) => p.title.toLowerCase().split(" ").some((w) => w.length > 3 && lower.includes(w))).slice(0, limit);
    },
    async getProduct(id: string) {
      return products.find((p) => p.id === id) ?? null;
    },
  };
  return rec;
}

/** A real embedded store in a temporary directory. */
export async function tempStore(): Promise<{ store: Store; close(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "concierge-dialogs-"));
  const store = createStore({ dataDir: dir });
  await store.init();
  return {
    store,
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The engine's shopper and transcript dependencies over a store, as the service wires them. */
export function onStore(store: Store): { shoppers: Shoppers; conversations: Store["conversations"] } {
  return { shoppers: new Shoppers({ store: store.shoppers }), conversations: store.conversations };
}
