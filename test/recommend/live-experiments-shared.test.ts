import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Experiments } from "../../recommend/experiments/index.ts";
import { ATTRIBUTION_MS, LiveExperiments, type RankingExperiments } from "../../recommend/experiments/live.ts";
import { createStore } from "../../store/index.ts";
import type { Experiment, ShopperEvent, Store } from "../../store/types.ts";
import { dropTestSchema, requireServiceUrl, testSchemaName } from "../services.ts";

/** One service replica as far as live experiments go: its own experiments cache and attribution. */
interface Replica {
  experiments: Experiments;
  live: LiveExperiments;
}

const replica = (store: Store): Replica => {
  const experiments = new Experiments({ store });
  return { experiments, live: new LiveExperiments(experiments) };
};

/**
 * Replicas behind a load balancer share only the store: a list shown by one and a view, cart or
 * purchase that reaches another must still meet, within the attribution window and no further.
 */
function sharedAttribution(name: string, open: () => Promise<{ stores: [Store, Store]; cleanup: () => Promise<void> }>, skip = false): void {
  describe.skipIf(skip)(`experiment attribution across replicas: ${name}`, () => {
    let stores: [Store, Store];
    let cleanup: () => Promise<void>;
    let first: Replica;
    let second: Replica;
    let experiment: Experiment;
    let userSeq = 0;
    /** A shopper in the treatment variant, so a credit to the wrong variant could not pass. */
    const shopper = async (): Promise<string> => {
      for (;;) {
        const userId = `shared-${randomBytes(3).toString("hex")}-${++userSeq}`;
        if ((await first.experiments.rankingAssignment(userId))?.variant === "popular") return userId;
      }
    };
    const show = async (userId: string, itemIds: string[], at: number) => first.live.exposed(userId, (await first.experiments.rankingAssignment(userId))!, itemIds, at);
    const tally = async (type: string) => (await stores[0].experiments.experimentTallies(experiment.id)).filter((t) => t.type === type);

    beforeAll(async () => {
      ({ stores, cleanup } = await open());
      first = replica(stores[0]);
      second = replica(stores[1]);
      experiment = await first.experiments.create({
        id: `shared-${randomBytes(4).toString("hex")}`,
        name: "Ranking: default vs popularity",
        variants: [{ name: "control" }, { name: "popular", config: { ranking: "popularity" } }],
      });
    });

    afterAll(async () => {
      for (const s of new Set(stores ?? [])) await s.close();
      await cleanup?.();
    });

    it("credits a conversion that reaches the second replica to the list the first one showed", async () => {
      const user = await shopper();
      const now = Date.now();
      await show(user, ["i1", "i2", "i3"], now);
      await second.live.converted([
        { userId: user, itemId: "i2", type: "view", ts: now + 60_000 },
        { userId: user, itemId: "i2", type: "purchase", ts: now + 120_000 },
        { userId: user, itemId: "i3", type: "favourite", ts: now + 130_000 },
        { userId: user, itemId: "not-shown", type: "cart", ts: now + 180_000 },
      ]);
      expect(await tally("exposure")).toEqual([{ variant: "popular", type: "exposure", events: 1, users: 1, exposedUsers: 1 }]);
      expect(await tally("click")).toEqual([{ variant: "popular", type: "click", events: 1, users: 1, exposedUsers: 1 }]);
      expect(await tally("purchase")).toEqual([{ variant: "popular", type: "purchase", events: 1, users: 1, exposedUsers: 1 }]);
      expect(await tally("cart")).toEqual([]);
    });

    it("credits nothing before the show or more than 24 h after it, whichever replica shows again", async () => {
      const user = await shopper();
      const shownAt = Date.now();
      const before = (await tally("cart"))[0]?.events ?? 0;
      await show(user, ["w1", "w2"], shownAt);
      const cart = (itemId: string, ts: number): ShopperEvent => ({ userId: user, itemId, type: "cart", ts });
      await second.live.converted([cart("w1", shownAt - 1), cart("w1", shownAt + ATTRIBUTION_MS + 1)]);
      expect((await tally("cart"))[0]?.events ?? 0).toBe(before);
      await second.live.converted([cart("w2", shownAt + ATTRIBUTION_MS)]);
      expect((await tally("cart"))[0]!.events).toBe(before + 1);

      // Shown again later by the second replica: the window runs from the newest show.
      await second.live.exposed(user, (await second.experiments.rankingAssignment(user))!, ["w1"], shownAt + ATTRIBUTION_MS);
      await first.live.converted([cart("w1", shownAt + ATTRIBUTION_MS + 1)]);
      expect((await tally("cart"))[0]!.events).toBe(before + 2);
    });

    it("forgets what was shown to a shopper whose data is deleted, on every replica", async () => {
      const user = await shopper();
      const now = Date.now();
      await show(user, ["d1"], now);
      expect(await stores[1].experiments.exposedItems([{ userId: user, itemId: "d1" }], 0)).toHaveLength(1);
      await stores[1].shoppers.deleteUser(user);
      const clicks = (await tally("click"))[0]?.events ?? 0;
      await first.live.converted([{ userId: user, itemId: "d1", type: "view", ts: now + 1000 }]);
      await second.live.converted([{ userId: user, itemId: "d1", type: "view", ts: now + 2000 }]);
      expect((await tally("click"))[0]?.events ?? 0).toBe(clicks);
      expect(await stores[0].experiments.exposedItems([{ userId: user, itemId: "d1" }], 0)).toEqual([]);
    });
  });
}

sharedAttribution("PGlite, one store shared by two services", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "concierge-shared-ab-"));
  const store = createStore({ dataDir });
  await store.init();
  return { stores: [store, store], cleanup: () => rm(dataDir, { recursive: true, force: true }) };
});

const url = requireServiceUrl("CONCIERGE_TEST_DATABASE_URL");
sharedAttribution(
  "PostgreSQL, two stores (two pools) on one schema",
  async () => {
    const schema = testSchemaName("ab");
    const stores = [0, 1].map(() => createStore({ dataDir: "/nonexistent", databaseUrl: url, schema })) as [Store, Store];
    for (const s of stores) await s.init();
    const cleanup = () => dropTestSchema(url!, schema);
    return { stores, cleanup };
  },
  !url,
);

describe("experiment attribution when the store fails", () => {
  it("still serves, logs the exposure, and credits nothing rather than throwing", async () => {
    const logged: unknown[] = [];
    const warnings: string[] = [];
    const assignment = { experimentId: "x", variant: "b", control: false, config: { ranking: "popularity" } };
    const hooks: RankingExperiments = {
      rankingAssignment: async () => assignment,
      logEvents: async (events) => {
        logged.push(...events);
        return events.length;
      },
      recordShown: async () => {
        throw new Error("database down");
      },
      shownItems: async () => {
        throw new Error("database down");
      },
      pruneShown: async () => 0,
    };
    const live = new LiveExperiments(hooks, { warn: (_: unknown, msg: string) => warnings.push(msg) } as never);
    await live.exposed("u", assignment, ["i1"], 1000);
    await live.converted([{ userId: "u", itemId: "i1", type: "view", ts: 2000 }]);
    expect(logged).toEqual([{ experimentId: "x", userId: "u", variant: "b", type: "exposure", ts: 1000 }]);
    expect(warnings).toEqual(["could not remember the items shown for experiment attribution", "could not look up the items shown; conversions not credited"]);
  });
});
