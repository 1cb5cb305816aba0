import type { CatalogRecommender } from "../../recommend/recommender.ts";
import type { RecommendOptions, SearchRequest } from "../../recommend/types.ts";
import { type ShopperEvent, Shoppers } from "../../shoppers/index.ts";
import type { Store } from "../../store/types.ts";

const wired = new WeakMap<CatalogRecommender, Shoppers>();

/**
 * A recommender with shoppers/ wired to it as the service wires them (bot/main.ts), under the calls
 * the dialog flows make: the profile comes from Shoppers and is handed to the recommender, a search
 * is remembered as the session's intent. One Shoppers per recommender, so its profile cache lives
 * as long as the recommender does.
 */
export function via(rec: CatalogRecommender, store: Store) {
  let shoppers = wired.get(rec);
  if (!shoppers) {
    shoppers = new Shoppers({ store: store.shoppers });
    shoppers.useProfileModel(rec);
    shoppers.useMemory(rec);
    wired.set(rec, shoppers);
  }
  const s = shoppers;
  return {
    shoppers: s,
    recordEvents: (events: ShopperEvent[]) => s.record(events),
    recommend: async (userId: string, options?: RecommendOptions) => rec.recommend(await s.profile(userId), options),
    seedPreferences: (userId: string, text: string) => s.addPreferences(userId, text),
    /** What the search flow does: the shopper's profile leans the results, and the query becomes their session intent. */
    search: async ({ userId, ...request }: Omit<SearchRequest, "profile"> & { userId?: string }) => {
      const profile = userId ? await s.profile(userId) : undefined;
      const results = await rec.search({ ...request, profile });
      if (userId && profile) s.rememberQuery(userId, request.text);
      return results;
    },
    forgetShopper: (userId: string) => rec.forget(userId),
  };
}
