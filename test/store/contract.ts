import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import type { Experiment, ExperimentEvent, FeedbackRecord, Product, ProductRow, Shopper, ShopperEvent, Store, StoredMessage, UserExport } from "../../store/index.ts";
import { abExperiment } from "./fixtures.ts";

/** A store under test and how to make another one on the same data (a restart, a second replica). */
export interface Backend {
  open(): Promise<Store>;
  /** Removes everything the backend created (temp dir, schema). */
  cleanup(): Promise<void>;
}

let seq = 0;
/** Ids unique to one test, so tests sharing a store never see each other's rows. */
const uid = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++seq}`;

const product = (id: string, extra: Partial<Product> = {}): Product => ({ id, title: `Product ${id}`, ...extra });
const row = (p: Product, hash = `h-${p.id}`): ProductRow => ({ product: p, hash });

/** The behaviour every Store backend must have; run once per backend. */
export function storeContract(name: string, makeBackend: () => Promise<Backend>, opts: { skip?: boolean } = {}): void {
  describe.skipIf(opts.skip)(`Store contract: ${name}`, () => {
    let backend: Backend;
    let store: Store;

    beforeAll(async () => {
      backend = await makeBackend();
      store = await backend.open();
    });

    afterAll(async () => {
      await store?.close();
      await backend?.cleanup();
    });

    async function clearProducts(): Promise<void> {
      await store.catalogue.deleteProducts([...(await store.catalogue.productHashes()).keys()]);
    }

    describe("products", () => {
      it("upserts, reads back, updates and reports hashes", async () => {
        await clearProducts();
        const shoe = product("shoe-1", { price: 89.9, currency: "EUR", tags: ["running", "trail"], sizes: ["42", "43"], color: "red", stock: 3 });
        const zh = product("tea-1", { title: "绿茶 Green tea", locale: "zh", description: 'quotes " and \\ backslash, {braces}, NULL' });
        await store.catalogue.upsertProducts([row(shoe), row(zh)]);

        expect(await store.catalogue.countProducts()).toBe(2);
        expect(await store.catalogue.getProducts(["tea-1", "missing", "shoe-1"])).toEqual([zh, shoe]);
        expect(await store.catalogue.allProducts()).toEqual([shoe, zh]);
        expect(await store.catalogue.productHashes()).toEqual(new Map([["shoe-1", "h-shoe-1"], ["tea-1", "h-tea-1"]]));

        const cheaper = { ...shoe, price: 59 };
        await store.catalogue.upsertProducts([row(cheaper, "h2")]);
        expect(await store.catalogue.countProducts()).toBe(2);
        expect(await store.catalogue.getProducts(["shoe-1"])).toEqual([cheaper]);
        expect((await store.catalogue.productHashes()).get("shoe-1")).toBe("h2");
      });

      it("keeps the last row when one batch repeats an id, and accepts an empty batch", async () => {
        await clearProducts();
        await store.catalogue.upsertProducts([row(product("dup", { price: 1 }), "a"), row(product("dup", { price: 2 }), "b")]);
        await store.catalogue.upsertProducts([]);
        expect(await store.catalogue.getProducts(["dup"])).toEqual([product("dup", { price: 2 })]);
        expect((await store.catalogue.productHashes()).get("dup")).toBe("b");
      });

      it("writes batches larger than one statement", async () => {
        await clearProducts();
        // The test stores use a batch size of 100, so this crosses several statement boundaries.
        const many = Array.from({ length: 1234 }, (_, i) => row(product(`bulk-${String(i).padStart(4, "0")}`, { price: i })));
        await store.catalogue.upsertProducts(many);
        expect(await store.catalogue.countProducts()).toBe(1234);
        const all = await store.catalogue.allProducts();
        expect(all[0]).toEqual(many[0].product);
        expect(all[1233]).toEqual(many[1233].product);
      });

      it("deletes products and their vectors, counting only the ones that existed", async () => {
        await clearProducts();
        await store.catalogue.upsertProducts([row(product("a")), row(product("b")), row(product("c"))]);
        const model = uid("model");
        await store.catalogue.saveVectors(model, [
          { id: "a", vector: new Float32Array([1, 0]) },
          { id: "c", vector: new Float32Array([0, 1]) },
        ]);
        expect(await store.catalogue.deleteProducts(["a", "b", "nope"])).toBe(2);
        expect(await store.catalogue.deleteProducts([])).toBe(0);
        expect([...(await store.catalogue.productHashes()).keys()]).toEqual(["c"]);
        expect([...(await store.catalogue.loadVectors(model)).keys()]).toEqual(["c"]);
      });

      it("rejects a product without a title, naming the row and field", async () => {
        const bad = [row(product("ok")), { product: { id: "x" }, hash: "h" }] as ProductRow[];
        await expect(store.catalogue.upsertProducts(bad)).rejects.toThrow(ValidationError);
        await expect(store.catalogue.upsertProducts(bad)).rejects.toThrow(/products\[1\]\.product\.title/);
        expect(await store.catalogue.getProducts(["ok"])).toEqual([]); // nothing of a rejected batch is written
      });
    });

    describe("vectors", () => {
      it("round-trip exactly, per model", async () => {
        const model = uid("m");
        const other = uid("m");
        const edge = new Float32Array([0, -0, 1, -1, 3.4028234663852886e38, -3.4028234663852886e38, 1.1754943508222875e-38, 1e-45, Math.PI, 0.1]);
        const random = Float32Array.from({ length: 384 }, () => Math.random() * 2 - 1);
        // A view into a larger buffer at an offset, as embedders hand out slices of one batch output.
        const backing = new Float32Array(1000).map((_, i) => i / 7);
        const slice = backing.subarray(3, 3 + 384);
        await store.catalogue.saveVectors(model, [
          { id: "edge", vector: edge },
          { id: "random", vector: random },
          { id: "slice", vector: slice },
        ]);
        await store.catalogue.saveVectors(other, [{ id: "edge", vector: new Float32Array([9, 9]) }]);

        const loaded = await store.catalogue.loadVectors(model);
        expect(loaded.size).toBe(3);
        expect(loaded.get("edge")).toEqual(edge);
        expect(Object.is(loaded.get("edge")![1], -0)).toBe(true);
        expect(loaded.get("random")).toEqual(random);
        expect(loaded.get("slice")).toEqual(Float32Array.from(slice));
        expect(loaded.get("edge")).toBeInstanceOf(Float32Array);
        expect((await store.catalogue.loadVectors(other)).get("edge")).toEqual(new Float32Array([9, 9]));
      });

      it("overwrite, delete by id and delete a whole model", async () => {
        const model = uid("m");
        const many = Array.from({ length: 700 }, (_, i) => ({ id: `v${i}`, vector: Float32Array.from({ length: 384 }, (_, j) => i + j / 1000) }));
        await store.catalogue.saveVectors(model, many); // ~1 MB: several statements at the test batch size
        await store.catalogue.saveVectors(model, [{ id: "v1", vector: new Float32Array([7, 7, 7]) }]);
        let loaded = await store.catalogue.loadVectors(model);
        expect(loaded.size).toBe(700);
        expect(loaded.get("v1")).toEqual(new Float32Array([7, 7, 7]));
        expect(loaded.get("v699")).toEqual(many[699].vector);

        await store.catalogue.deleteVectors(model, ["v0", "v1"]);
        loaded = await store.catalogue.loadVectors(model);
        expect(loaded.size).toBe(698);
        expect(loaded.has("v0")).toBe(false);

        await store.catalogue.deleteVectors(model);
        expect((await store.catalogue.loadVectors(model)).size).toBe(0);
      });

      it("rejects vectors that are not finite Float32Arrays", async () => {
        await expect(store.catalogue.saveVectors("m", [{ id: "x", vector: new Float32Array([1, Number.NaN]) }])).rejects.toThrow(/entries\[0\]\.vector.*element 1/);
        await expect(store.catalogue.saveVectors("m", [{ id: "x", vector: [1, 2] as unknown as Float32Array }])).rejects.toThrow(ValidationError);
        await expect(store.catalogue.saveVectors("", [])).rejects.toThrow(/model/);
      });
    });

    describe("events and popularity", () => {
      it("returns a user's events oldest first, the newest `limit` when limited", async () => {
        const user = uid("u");
        const events: ShopperEvent[] = [
          { userId: user, itemId: "i1", type: "view", ts: 1000 },
          { userId: user, itemId: "i2", type: "rating", value: 5, ts: 3000 },
          { userId: user, itemId: "i3", type: "cart", ts: 2000 },
          { userId: uid("other"), itemId: "i1", type: "purchase", ts: 2500 },
        ];
        await store.shoppers.addEvents(events);
        expect(await store.shoppers.eventsForUser(user)).toEqual([events[0], events[2], events[1]]);
        expect(await store.shoppers.eventsForUser(user, 2)).toEqual([events[2], events[1]]);
        expect(await store.shoppers.eventsForUser(uid("nobody"))).toEqual([]);
      });

      it("weights interactions per item since a time, counting only good ratings", async () => {
        // A fresh time window keeps other tests' events (all before 10^12) out of the sums.
        const t = 2_000_000_000_000 + seq * 1_000_000;
        const [a, b, c] = [uid("item"), uid("item"), uid("item")];
        const u = uid("u");
        await store.shoppers.addEvents([
          { userId: u, itemId: a, type: "view", ts: t },
          { userId: u, itemId: a, type: "view", ts: t + 1 },
          { userId: u, itemId: a, type: "purchase", ts: t + 2 },
          { userId: u, itemId: b, type: "rating", value: 4, ts: t + 3 },
          { userId: u, itemId: b, type: "rating", value: 3, ts: t + 4 },
          { userId: u, itemId: b, type: "rating", ts: t + 5 },
          { userId: u, itemId: c, type: "rating", value: 1, ts: t + 6 },
          { userId: u, itemId: c, type: "favourite", ts: t - 10 },
        ]);
        const weights = { view: 1, cart: 3, purchase: 5, favourite: 4, rating: 2 };
        const since = await store.shoppers.itemPopularity(weights, t);
        expect(since.get(a)).toBe(7);
        expect(since.get(b)).toBe(2);
        expect(since.has(c)).toBe(false); // only a bad rating since t: scores 0, left out

        const ever = await store.shoppers.itemPopularity(weights);
        expect(ever.get(c)).toBe(4);
        expect(ever.get(a)).toBe(7);

        const viewsOnly = await store.shoppers.itemPopularity({ view: 0.5, cart: 0, purchase: 0, favourite: 0, rating: 0 }, t);
        expect(viewsOnly.get(a)).toBe(1);
        expect(viewsOnly.has(b)).toBe(false);

        // A shopper who opted out counts for nothing, not even in anonymous popularity.
        const quiet = uid("quiet");
        await store.shoppers.addEvents([{ userId: quiet, itemId: a, type: "purchase", ts: t + 7 }]);
        expect((await store.shoppers.itemPopularity(weights, t)).get(a)).toBe(12);
        await store.shoppers.upsertShopper({ userId: quiet, preferences: [], personalise: false, createdAt: 1, updatedAt: 1 });
        expect((await store.shoppers.itemPopularity(weights, t)).get(a)).toBe(7);
        expect((await store.shoppers.itemPopularity(weights)).get(a)).toBe(7);
      });

      it("writes large batches in one go and rejects bad events by index and field", async () => {
        const user = uid("bulk");
        const many = Array.from({ length: 2500 }, (_, i): ShopperEvent => ({ userId: user, itemId: `i${i % 50}`, type: "view", ts: 5000 + i }));
        await store.shoppers.addEvents(many);
        expect((await store.shoppers.eventsForUser(user)).length).toBe(2500);
        expect(await store.shoppers.eventsForUser(user, 1)).toEqual([many[2499]]);

        const bad = [{ userId: user, itemId: "x", type: "like", ts: 1 }] as unknown as ShopperEvent[];
        await expect(store.shoppers.addEvents(bad)).rejects.toThrow(/events\[0\]\.type/);
        await expect(store.shoppers.addEvents([{ userId: user, itemId: "x", type: "view", ts: 1.5 }])).rejects.toThrow(/events\[0\]\.ts/);
        await expect(store.shoppers.eventsForUser(user, 0)).rejects.toThrow(/limit/);
      });
    });

    describe("scanning all events", () => {
      it("pages through every event oldest first (ties in insertion order), leaving out shoppers who opted out", async () => {
        const [a, b, quiet] = [uid("scan-a"), uid("scan-b"), uid("scan-q")];
        const mine = new Set([a, b, quiet]);
        const events: ShopperEvent[] = [
          { userId: a, itemId: "s1", type: "view", ts: 40 },
          { userId: b, itemId: "s2", type: "cart", ts: 10 },
          { userId: quiet, itemId: "s3", type: "purchase", ts: 15 },
          { userId: a, itemId: "s4", type: "rating", value: 5, ts: 10 },
          { userId: b, itemId: "s5", type: "view", ts: 10 },
          { userId: a, itemId: "s6", type: "purchase", ts: 30 },
        ];
        await store.shoppers.addEvents(events);
        await store.shoppers.upsertShopper({ userId: quiet, preferences: [], personalise: false, createdAt: 1, updatedAt: 1 });
        await store.shoppers.upsertShopper({ userId: a, preferences: [], personalise: true, createdAt: 1, updatedAt: 1 });

        const seen: ShopperEvent[] = [];
        let batches = 0;
        for await (const batch of store.shoppers.scanEvents(2)) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(2);
          batches++;
          seen.push(...batch.filter((e) => mine.has(e.userId)));
        }
        expect(seen).toEqual([events[1], events[3], events[4], events[5], events[0]]);
        const all: ShopperEvent[] = [];
        for await (const batch of store.shoppers.scanEvents()) all.push(...batch);
        expect(batches).toBe(Math.ceil(all.length / 2));
        // Whole table, in order: the same events as the paged scan, nothing repeated or skipped.
        for (let i = 1; i < all.length; i++) expect(all[i]!.ts).toBeGreaterThanOrEqual(all[i - 1]!.ts);
        expect(all.filter((e) => mine.has(e.userId))).toEqual(seen);
      });

      it("rejects a bad batch size by name", async () => {
        await expect(
          (async () => {
            for await (const _ of store.shoppers.scanEvents(0)) break;
          })(),
        ).rejects.toThrow(/batchSize/);
      });
    });

    describe("shoppers, profiles, messages", () => {
      it("upserts a shopper, keeping when we first met them", async () => {
        const userId = uid("s");
        expect(await store.shoppers.getShopper(userId)).toBeNull();
        const s: Shopper = { userId, locale: "zh", preferences: ["trail running", "茶"], personalise: true, createdAt: 100, updatedAt: 100 };
        await store.shoppers.upsertShopper(s);
        expect(await store.shoppers.getShopper(userId)).toEqual(s);
        await store.shoppers.upsertShopper({ userId, preferences: [], personalise: false, createdAt: 999, updatedAt: 200 });
        expect(await store.shoppers.getShopper(userId)).toEqual({ userId, preferences: [], personalise: false, createdAt: 100, updatedAt: 200 });
        await expect(store.shoppers.upsertShopper({ ...s, personalise: "yes" } as unknown as Shopper)).rejects.toThrow(/personalise/);
      });

      it("saves and overwrites a profile vector", async () => {
        const userId = uid("p");
        expect(await store.shoppers.getProfile(userId)).toBeNull();
        const v = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
        await store.shoppers.saveProfile(userId, v);
        expect(await store.shoppers.getProfile(userId)).toEqual(v);
        await store.shoppers.saveProfile(userId, new Float32Array([1, 2]));
        expect(await store.shoppers.getProfile(userId)).toEqual(new Float32Array([1, 2]));
      });

      it("appends messages and returns the newest, oldest first", async () => {
        const userId = uid("m");
        const conv = uid("c");
        const msgs: StoredMessage[] = [
          { conversationId: conv, userId, role: "user", text: "hi, 你好 'quoted'", ts: 10 },
          { conversationId: conv, userId, role: "assistant", text: "Hello!", ts: 11 },
          { conversationId: conv, userId, role: "user", text: "trail shoes", ts: 12 },
        ];
        for (const m of msgs) await store.conversations.appendMessages([m]);
        expect(await store.conversations.messagesForUser(userId)).toEqual(msgs);
        expect(await store.conversations.messagesForUser(userId, 2)).toEqual(msgs.slice(1));
        await expect(store.conversations.appendMessages([{ ...msgs[0], role: "system" } as unknown as StoredMessage])).rejects.toThrow(/role/);
      });

      it("appends a turn's lines in one write, in order even at the same instant, or none of them when one is bad", async () => {
        const userId = uid("mb");
        const conv = uid("c");
        const turn: StoredMessage[] = [
          { conversationId: conv, userId, role: "user", text: "the red one?", ts: 20, sentiment: { label: "neutral", score: 0 }, itemId: "p1" },
          { conversationId: conv, userId, role: "assistant", text: "It is in stock.", ts: 20 },
        ];
        await store.conversations.appendMessages(turn);
        expect(await store.conversations.messagesForUser(userId)).toEqual(turn);
        await expect(store.conversations.appendMessages([turn[1]!, { ...turn[0]!, text: 42 } as unknown as StoredMessage])).rejects.toThrow(/messages\[1\].*text/);
        expect(await store.conversations.messagesForUser(userId)).toHaveLength(2);
        await store.conversations.appendMessages([]);
      });
    });

    describe("privacy", () => {
      /** A row in every part of a shopper's data, for each of `userIds` (one segmentation holds them all). */
      async function seed(...userIds: string[]) {
        const experimentId = uid("exp");
        await store.experiments.createExperiment(abExperiment(experimentId));
        const run = { id: uid("run"), createdAt: 1, summary: {} };
        await store.segments.saveSegmentation(run, userIds.map((userId) => ({ userId, segment: 0 })));
        const out = new Map<string, Omit<UserExport, "userId">>();
        for (const userId of userIds) {
          const shopper: Shopper = { userId, preferences: ["hats"], personalise: true, createdAt: 1, updatedAt: 2 };
          const events: ShopperEvent[] = [
            { userId, itemId: "i1", type: "view", ts: 1 },
            { userId, itemId: "i2", type: "rating", value: 5, ts: 2 },
          ];
          const messages: StoredMessage[] = [
            { conversationId: `conv-${userId}`, userId, role: "user", text: "my size is 42", ts: 3 },
            { conversationId: `conv-${userId}`, userId, role: "assistant", text: "noted", ts: 4 },
          ];
          await store.shoppers.upsertShopper(shopper);
          await store.shoppers.addEvents(events);
          await store.conversations.appendMessages(messages);
          await store.shoppers.saveProfile(userId, new Float32Array([0.5, -0.25]));
          const feedback: FeedbackRecord[] = [{ text: "the hat is lovely", itemId: "i1", userId, rating: 5, sentiment: { label: "positive", score: 0.6 }, ts: 5 }];
          await store.conversations.addFeedback(feedback);
          const experimentEvents: ExperimentEvent[] = [{ experimentId, userId, variant: "a", type: "exposure", ts: 6 }];
          await store.experiments.addExperimentEvents(experimentEvents);
          await store.experiments.recordExposedItems({ experimentId, userId, variant: "a", itemIds: ["i1"], shownAt: 7 }, { keep: 10, since: 0 });
          const expiresAt = Date.now() + 60_000;
          await store.shoppers.saveExportLink({ tokenHash: uid("hash"), userId, createdAt: 8, expiresAt });
          const conversationState = { conversationId: `conv-${userId}`, state: { lastShown: ["i1", "i2"], awaitingPreferences: false }, updatedAt: 9 };
          await store.conversations.saveConversationState({ ...conversationState, userId });
          out.set(userId, {
            shopper,
            events,
            messages,
            profile: [0.5, -0.25],
            feedback,
            segments: [{ runId: run.id, segment: 0 }],
            experimentEvents,
            experimentExposures: [{ experimentId, userId, variant: "a", itemId: "i1", shownAt: 7 }],
            exportLinks: [{ createdAt: 8, expiresAt }],
            conversationStates: [conversationState],
          });
        }
        return out;
      }
      const nothing = {
        shopper: null,
        events: [],
        messages: [],
        profile: null,
        feedback: [],
        segments: [],
        experimentEvents: [],
        experimentExposures: [],
        exportLinks: [],
        conversationStates: [],
      };

      it("exports everything kept about a shopper", async () => {
        const userId = uid("x");
        const seeded = await seed(userId, uid("neighbour"));
        expect(await store.shoppers.exportUser(userId)).toEqual({ userId, ...seeded.get(userId) });
        const ghost = uid("ghost");
        expect(await store.shoppers.exportUser(ghost)).toEqual({ userId: ghost, ...nothing });
      });

      it("deletes everything about a shopper, counted by part, and nothing about anyone else", async () => {
        const userId = uid("d");
        const neighbour = uid("n");
        const seeded = await seed(userId, neighbour);

        expect(await store.shoppers.deleteUser(userId)).toEqual({
          shopper: 1,
          events: 2,
          messages: 2,
          profile: 1,
          feedback: 1,
          segments: 1,
          experimentEvents: 1,
          experimentExposures: 1,
          exportLinks: 1,
          conversationStates: 1,
        });
        expect(await store.shoppers.getShopper(userId)).toBeNull();
        expect(await store.shoppers.getProfile(userId)).toBeNull();
        expect(await store.shoppers.eventsForUser(userId)).toEqual([]);
        expect(await store.conversations.messagesForUser(userId)).toEqual([]);
        expect(await store.shoppers.exportUser(userId)).toEqual({ userId, ...nothing });
        expect(Object.values(await store.shoppers.deleteUser(userId)).every((n) => n === 0)).toBe(true);

        expect(await store.shoppers.exportUser(neighbour)).toEqual({ userId: neighbour, ...seeded.get(neighbour) });
      });

      it("hands an export link out once, to whoever redeems it first", async () => {
        const link = { tokenHash: uid("hash"), userId: uid("owner"), createdAt: 1, expiresAt: Date.now() + 60_000 };
        await store.shoppers.saveExportLink(link);
        const [first, second] = await Promise.all([store.shoppers.takeExportLink(link.tokenHash), store.shoppers.takeExportLink(link.tokenHash)]);
        expect([first, second].filter(Boolean)).toEqual([link]);
        expect(await store.shoppers.takeExportLink(link.tokenHash)).toBeNull();
        expect(await store.shoppers.takeExportLink(uid("never-issued"))).toBeNull();
        await expect(store.shoppers.saveExportLink({ ...link, expiresAt: -1 })).rejects.toThrow(/expiresAt/);
      });

      it("keeps where a conversation stands, the newest write winning, and forgets it with its shopper", async () => {
        const conversationId = uid("conv");
        expect(await store.conversations.getConversationState(conversationId)).toBeNull();
        await store.conversations.saveConversationState({ conversationId, userId: "anon:s1", state: { lastShown: ["a"] }, updatedAt: 1 });
        await store.conversations.saveConversationState({ conversationId, userId: "anon:s1", state: { lastShown: ["b", "c"], pendingDeletion: 5 }, updatedAt: 2 });
        expect(await store.conversations.getConversationState(conversationId)).toEqual({ conversationId, userId: "anon:s1", state: { lastShown: ["b", "c"], pendingDeletion: 5 }, updatedAt: 2 });
        await expect(store.conversations.saveConversationState({ conversationId, userId: "", state: {}, updatedAt: 3 })).rejects.toThrow(/userId/);
        await store.shoppers.deleteUser("anon:s1");
        expect(await store.conversations.getConversationState(conversationId)).toBeNull();
      });

      it("keeps a shopper's newest five export links, and sweeps every expired link when a new one is made", async () => {
        const owner = uid("many-links");
        const stranger = uid("stranger");
        const now = Date.now();
        await store.shoppers.saveExportLink({ tokenHash: uid("old"), userId: stranger, createdAt: now - 120_000, expiresAt: now - 60_000 });
        const hashes = Array.from({ length: 7 }, (_, i) => `${uid("h")}-${i}`);
        for (const [i, tokenHash] of hashes.entries()) await store.shoppers.saveExportLink({ tokenHash, userId: owner, createdAt: now + i, expiresAt: now + 600_000 });
        expect((await store.shoppers.exportUser(owner)).exportLinks.map((l) => l.createdAt)).toEqual([2, 3, 4, 5, 6].map((i) => now + i));
        expect(await store.shoppers.takeExportLink(hashes[0]!)).toBeNull();
        expect(await store.shoppers.takeExportLink(hashes[6]!)).toMatchObject({ userId: owner });
        expect((await store.shoppers.exportUser(stranger)).exportLinks).toEqual([]);
      });

      it("purges events and messages older than the cut-off, and what that leaves empty", async () => {
        const day = 86_400_000;
        const now = Date.now();
        const old = now - 40 * day;
        const recent = now - 5 * day;
        const [gone, mixed, optedOut] = [uid("old"), uid("mixed"), uid("optout")];
        for (const userId of [gone, mixed, optedOut]) {
          await store.shoppers.upsertShopper({ userId, preferences: [], personalise: userId !== optedOut, createdAt: old, updatedAt: old });
          await store.shoppers.addEvents([{ userId, itemId: "p", type: "view", ts: old }]);
          await store.conversations.appendMessages([{ conversationId: `c-${userId}`, userId, role: "user", text: "old words", ts: old }]);
        }
        await store.shoppers.addEvents([{ userId: mixed, itemId: "q", type: "cart", ts: recent }]);
        await store.conversations.appendMessages([{ conversationId: `c-${mixed}`, userId: mixed, role: "user", text: "recent words", ts: recent }]);
        await store.shoppers.saveExportLink({ tokenHash: uid("expired"), userId: mixed, createdAt: old, expiresAt: now - 1000 });

        const report = await store.shoppers.purge(now - 30 * day);
        expect(report.events).toBeGreaterThanOrEqual(3);
        expect(report.messages).toBeGreaterThanOrEqual(3);
        expect(report.exportLinks).toBeGreaterThanOrEqual(1);

        expect((await store.shoppers.eventsForUser(mixed)).map((e) => e.itemId)).toEqual(["q"]);
        expect((await store.conversations.messagesForUser(mixed)).map((m) => m.text)).toEqual(["recent words"]);
        expect(await store.shoppers.eventsForUser(gone)).toEqual([]);
        expect(await store.conversations.messagesForUser(gone)).toEqual([]);
        // A shopper left with nothing is forgotten; one who opted out keeps that choice.
        expect(await store.shoppers.getShopper(gone)).toBeNull();
        expect((await store.shoppers.getShopper(optedOut))?.personalise).toBe(false);
        expect(await store.shoppers.getShopper(mixed)).not.toBeNull();
        expect((await store.shoppers.exportUser(mixed)).exportLinks).toEqual([]);
        await expect(store.shoppers.purge(-5)).rejects.toThrow(/before/);
      });
    });

    describe("sentiment and feedback", () => {
      const DAY = 86_400_000;
      const at = (d: number, h = 0) => 1_700_000_000_000 - (1_700_000_000_000 % DAY) + d * DAY + h * 3_600_000;

      it("keeps a shopper message's sentiment and product, and tallies messages and feedback per product and per bucket", async () => {
        const user = uid("s");
        const item = uid("item");
        const other = uid("item");
        const msg = (text: string, ts: number, sentiment?: StoredMessage["sentiment"], itemId?: string): StoredMessage => ({
          conversationId: `c-${user}`,
          userId: user,
          role: "user",
          text,
          ts,
          ...(sentiment ? { sentiment } : {}),
          ...(itemId ? { itemId } : {}),
        });
        const m1 = msg("this hat is awful", at(0, 1), { label: "negative", score: -0.5 }, item);
        await store.conversations.appendMessages([m1]);
        await store.conversations.appendMessages([msg("hello", at(0, 2), { label: "neutral", score: 0 })]);
        await store.conversations.appendMessages([msg("no sentiment kept", at(0, 3))]);
        await store.conversations.appendMessages([{ ...msg("assistant lines are not counted", at(0, 4), { label: "positive", score: 0.9 }, item), role: "assistant" }]);
        expect((await store.conversations.messagesForUser(user))[0]).toEqual(m1);
        await store.conversations.addFeedback([
          { text: "love it", itemId: item, rating: 5, sentiment: { label: "positive", score: 0.75 }, ts: at(1, 5) },
          { text: "broke after a week", itemId: item, rating: 1, sentiment: { label: "negative", score: -0.25 }, ts: at(1, 6) },
          { text: "fine", itemId: other, sentiment: { label: "neutral", score: 0.1 }, ts: at(2) },
        ]);
        await store.conversations.addFeedback([]);
        await expect(store.conversations.addFeedback([{ text: "", sentiment: { label: "neutral", score: 0 }, ts: 1 }])).rejects.toThrow(/feedback\[0\]\.text/);
        await expect(store.conversations.addFeedback([{ text: "x", rating: 9, sentiment: { label: "neutral", score: 0 }, ts: 1 }])).rejects.toThrow(/rating/);

        const range = { from: at(0), to: at(3), bucketMs: DAY, originMs: 0 };
        const one = await store.conversations.sentimentTallies({ ...range, itemId: item });
        expect(one.byItem).toEqual([
          { source: "feedback", label: "negative", count: 1, scoreSum: -0.25, rated: 1, ratingSum: 1, itemId: item },
          { source: "feedback", label: "positive", count: 1, scoreSum: 0.75, rated: 1, ratingSum: 5, itemId: item },
          { source: "message", label: "negative", count: 1, scoreSum: -0.5, rated: 0, ratingSum: 0, itemId: item },
        ]);
        expect(one.byBucket).toEqual([
          { source: "message", label: "negative", count: 1, scoreSum: -0.5, rated: 0, ratingSum: 0, bucket: at(0) },
          { source: "feedback", label: "negative", count: 1, scoreSum: -0.25, rated: 1, ratingSum: 1, bucket: at(1) },
          { source: "feedback", label: "positive", count: 1, scoreSum: 0.75, rated: 1, ratingSum: 5, bucket: at(1) },
        ]);
        // The range is [from, to): the second day alone, and messages without a product still count over time.
        const day1 = await store.conversations.sentimentTallies({ from: at(1), to: at(2), bucketMs: DAY, originMs: 0 });
        expect(day1.byItem.filter((t) => t.itemId === item).map((t) => t.label)).toEqual(["negative", "positive"]);
        const day0 = await store.conversations.sentimentTallies({ from: at(0), to: at(1), bucketMs: DAY, originMs: 0 });
        const mine = day0.byBucket.filter((t) => t.source === "message");
        expect(mine.reduce((n, t) => n + t.count, 0)).toBeGreaterThanOrEqual(2);
        // Buckets start at origin + k × width, here 6-hour buckets from the day's start.
        const sixHours = await store.conversations.sentimentTallies({ ...range, itemId: item, bucketMs: 6 * 3_600_000, originMs: at(0) });
        expect(sixHours.byBucket.map((t) => t.bucket)).toEqual([at(0), at(1), at(1, 6)]);
        await expect(store.conversations.sentimentTallies({ bucketMs: 0, originMs: 0 })).rejects.toThrow(/bucketMs/);
      });

      it("gives the most negative messages and feedback about each product, at most N each", async () => {
        const user = uid("neg");
        const a = uid("item");
        const b = uid("item");
        const msg = (text: string, score: number, itemId: string, ts: number): StoredMessage => ({
          conversationId: `c-${user}`, userId: user, role: "user", text, ts, sentiment: { label: score < 0 ? "negative" : "positive", score }, itemId,
        });
        await store.conversations.appendMessages([msg("rather bad", -0.3, a, 100), msg("terrible zip", -0.9, a, 101), msg("great", 0.8, a, 102), msg("meh, poor", -0.2, b, 103)]);
        await store.conversations.addFeedback([{ text: "fell apart [email]", itemId: a, sentiment: { label: "negative", score: -0.6 }, ts: 104 }]);
        const examples = await store.conversations.negativeExamples({ itemIds: [a, b], perItem: 2 });
        expect(examples.filter((e) => e.itemId === a)).toEqual([
          { itemId: a, source: "message", text: "terrible zip", score: -0.9, ts: 101 },
          { itemId: a, source: "feedback", text: "fell apart [email]", score: -0.6, ts: 104 },
        ]);
        expect(examples.filter((e) => e.itemId === b).map((e) => e.text)).toEqual(["meh, poor"]);
        expect(await store.conversations.negativeExamples({ itemIds: [], perItem: 2 })).toEqual([]);
        await expect(store.conversations.negativeExamples({ itemIds: [a], perItem: 0 })).rejects.toThrow(/perItem/);
      });

      it("deletes a shopper's feedback with their data and keeps feedback without a shopper", async () => {
        const user = uid("f");
        const item = uid("item");
        await store.conversations.addFeedback([
          { text: "mine", userId: user, itemId: item, sentiment: { label: "positive", score: 0.5 }, ts: 10 },
          { text: "anonymous", itemId: item, sentiment: { label: "negative", score: -0.5 }, ts: 11 },
        ]);
        expect((await store.shoppers.exportUser(user)).feedback.map((f) => f.text)).toEqual(["mine"]);
        await store.shoppers.deleteUser(user);
        expect((await store.shoppers.exportUser(user)).feedback).toEqual([]);
        const left = await store.conversations.sentimentTallies({ itemId: item, bucketMs: DAY, originMs: 0 });
        expect(left.byItem).toEqual([{ source: "feedback", label: "negative", count: 1, scoreSum: -0.5, rated: 0, ratingSum: 0, itemId: item }]);
      });
    });

    describe("blobs", () => {
      it("keeps the first value written with putBlobIfAbsent, even when writers race", async () => {
        const key = uid("once");
        const results = await Promise.all([store.blobs.putBlobIfAbsent(key, Buffer.from("first")), store.blobs.putBlobIfAbsent(key, Buffer.from("second"))]);
        expect(results[0]).toEqual(results[1]);
        expect(await store.blobs.putBlobIfAbsent(key, Buffer.from("third"))).toEqual(results[0]);
        expect(await store.blobs.getBlob(key)).toEqual(results[0]);
      });

      it("stores opaque bytes by key and overwrites them", async () => {
        const key = uid("blob");
        expect(await store.blobs.getBlob(key)).toBeNull();
        const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        await store.blobs.putBlob(key, bytes);
        const got = await store.blobs.getBlob(key);
        expect(Buffer.isBuffer(got)).toBe(true);
        expect(got!.equals(bytes)).toBe(true);

        const big = Buffer.alloc(1_000_000, 0xab);
        big.writeUInt32LE(0xdeadbeef, 500_000);
        await store.blobs.putBlob(key, big);
        expect((await store.blobs.getBlob(key))!.equals(big)).toBe(true);
      });
    });

    describe("shoppers in bulk", () => {
      it("lists shoppers with events, their events per shopper, and who opted out", async () => {
        const [a, b, quiet] = [uid("bulk-a"), uid("bulk-b"), uid("bulk-q")];
        await store.shoppers.addEvents([
          { userId: b, itemId: "i2", type: "cart", ts: 20 },
          { userId: a, itemId: "i1", type: "view", ts: 30 },
          { userId: a, itemId: "i3", type: "purchase", ts: 10 },
        ]);
        await store.shoppers.upsertShopper({ userId: quiet, preferences: [], personalise: false, createdAt: 1, updatedAt: 1 });
        const ids = await store.shoppers.eventUserIds();
        expect(ids).toEqual(expect.arrayContaining([a, b]));
        expect(ids).toEqual([...ids].sort());
        expect(ids).not.toContain(quiet);

        const events = await store.shoppers.eventsForUsers([a, b, uid("none"), a]);
        expect([...events.keys()].sort()).toEqual([a, b].sort());
        expect(events.get(a)!.map((e) => e.itemId)).toEqual(["i3", "i1"]); // oldest first
        expect(events.get(b)).toEqual([{ userId: b, itemId: "i2", type: "cart", ts: 20 }]);
        expect((await store.shoppers.eventsForUsers([])).size).toBe(0);

        // More shoppers than one statement's batch (100 in these stores).
        const many = Array.from({ length: 250 }, (_, i) => uid(`many${i}`));
        await store.shoppers.addEvents(many.map((userId, i) => ({ userId, itemId: "x", type: "view" as const, ts: i })));
        expect((await store.shoppers.eventsForUsers(many)).size).toBe(250);

        expect(await store.shoppers.optedOutUserIds()).toContain(quiet);
        expect(await store.shoppers.optedOutUserIds()).not.toContain(a);
        await expect(store.shoppers.eventsForUsers([""])).rejects.toThrow(/userIds\[0\]/);
      });
    });

    describe("segments", () => {
      it("keeps only the latest segmentation and answers each shopper's segment", async () => {
        const [a, b, c] = [uid("seg"), uid("seg"), uid("seg")];
        const first = { id: uid("run"), createdAt: 1000, summary: { k: 2, segments: [{ name: "Frequent Shoes buyers" }, { name: "Lapsed Beauty browsers" }] } };
        await store.segments.saveSegmentation(first, [
          { userId: a, segment: 0 },
          { userId: b, segment: 1 },
          { userId: c, segment: 1 },
        ]);
        expect(await store.segments.latestSegmentation()).toEqual(first);
        expect(await store.segments.segmentOf(b)).toEqual({ runId: first.id, segment: 1 });
        expect(await store.segments.segmentMembers(1)).toEqual([b, c].sort());
        expect(await store.segments.segmentMembers(1, { limit: 1, offset: 1 })).toEqual([[b, c].sort()[1]]);

        const second = { id: uid("run"), createdAt: 2000, summary: { k: 1, 名: "中文 ok" } };
        await store.segments.saveSegmentation(second, [{ userId: c, segment: 0 }]);
        expect(await store.segments.latestSegmentation()).toEqual(second);
        expect(await store.segments.segmentOf(a)).toBeNull();
        expect(await store.segments.segmentOf(c)).toEqual({ runId: second.id, segment: 0 });
        expect(await store.segments.segmentMembers(1)).toEqual([]);

        await store.shoppers.deleteUser(c);
        expect(await store.segments.segmentOf(c)).toBeNull();
      });

      it("writes memberships larger than one statement and rejects bad input by field", async () => {
        const run = { id: uid("run"), createdAt: 3000, summary: {} };
        const members = Array.from({ length: 1234 }, (_, i) => ({ userId: `m-${String(i).padStart(4, "0")}`, segment: i % 3 }));
        await store.segments.saveSegmentation(run, members);
        expect((await store.segments.segmentMembers(0)).length).toBe(412);
        await expect(store.segments.saveSegmentation(run, [{ userId: "x", segment: -1 }])).rejects.toThrow(/members\[0\]\.segment/);
        await expect(store.segments.saveSegmentation({ ...run, createdAt: -1 }, [])).rejects.toThrow(/createdAt/);
        expect((await store.segments.latestSegmentation())?.id).toBe(run.id); // a rejected save changes nothing
        await expect(store.segments.segmentMembers(0, { limit: 0 })).rejects.toThrow(/limit/);
      });
    });

    describe("experiments", () => {
      const experiment = (id: string, createdAt = 100): Experiment => ({
        id,
        name: `Ranking test ${id}`,
        variants: [
          { name: "control", weight: 1, config: {} },
          { name: "blend", weight: 1, config: { ranking: "blend" } },
        ],
        primaryMetric: "click",
        status: "running",
        createdAt,
        startedAt: createdAt,
      });

      it("creates, refuses a duplicate id, lists newest first and stops once", async () => {
        const [x, y] = [uid("exp"), uid("exp")];
        await store.experiments.createExperiment(experiment(x, 5_000_000_000_000));
        await store.experiments.createExperiment({ ...experiment(y, 5_000_000_000_001), description: "copy test, 文案" });
        await expect(store.experiments.createExperiment(experiment(x))).rejects.toMatchObject({ code: "conflict", status: 409 });
        expect(await store.experiments.getExperiment(x)).toEqual(experiment(x, 5_000_000_000_000));
        expect(await store.experiments.getExperiment(uid("none"))).toBeNull();
        const listed = (await store.experiments.listExperiments()).map((e) => e.id);
        expect(listed.indexOf(y)).toBeLessThan(listed.indexOf(x));

        const stopped = await store.experiments.stopExperiment(x, 7000);
        expect(stopped).toEqual({ ...experiment(x, 5_000_000_000_000), status: "stopped", stoppedAt: 7000 });
        expect((await store.experiments.stopExperiment(x, 9000))?.stoppedAt).toBe(7000);
        expect(await store.experiments.getExperiment(x)).toEqual(stopped);
        expect(await store.experiments.stopExperiment(uid("none"), 1)).toBeNull();
        await expect(store.experiments.createExperiment({ ...experiment(uid("exp")), variants: [] })).rejects.toThrow(/variants/);
      });

      it("tallies events and distinct shoppers per variant, counting conversions after exposure", async () => {
        const id = uid("exp");
        await store.experiments.createExperiment(experiment(id));
        const ev = (userId: string, variant: string, type: ExperimentEvent["type"], ts = 1): ExperimentEvent => ({ experimentId: id, userId, variant, type, ts });
        await store.experiments.addExperimentEvents([
          ev("u1", "control", "exposure"),
          ev("u1", "control", "exposure", 2),
          ev("u1", "control", "click"),
          ev("u2", "control", "exposure"),
          ev("u3", "blend", "exposure"),
          ev("u3", "blend", "click"),
          ev("u3", "blend", "click", 3),
          ev("u4", "blend", "purchase"), // never exposed: not a conversion
        ]);
        const tallies = await store.experiments.experimentTallies(id);
        expect(tallies).toEqual([
          { variant: "blend", type: "click", events: 2, users: 1, exposedUsers: 1 },
          { variant: "blend", type: "exposure", events: 1, users: 1, exposedUsers: 1 },
          { variant: "blend", type: "purchase", events: 1, users: 1, exposedUsers: 0 },
          { variant: "control", type: "click", events: 1, users: 1, exposedUsers: 1 },
          { variant: "control", type: "exposure", events: 3, users: 2, exposedUsers: 2 },
        ]);
        expect(await store.experiments.experimentTallies(uid("none"))).toEqual([]);
        await expect(store.experiments.addExperimentEvents([ev("u5", "control", "like" as "click")])).rejects.toThrow(/events\[0\]\.type/);

        await store.shoppers.deleteUser("u3");
        const after = await store.experiments.experimentTallies(id);
        expect(after.filter((t) => t.variant === "blend").map((t) => t.type)).toEqual(["purchase"]);
      });

      it("remembers the items a list showed, moving a re-show forward only", async () => {
        const id = uid("exp");
        await store.experiments.createExperiment(experiment(id));
        const [u, other] = [uid("shown"), uid("shown")];
        const bound = { keep: 200, since: 0 };
        await store.experiments.recordExposedItems({ experimentId: id, userId: u, variant: "blend", itemIds: ["a", "b", "c", "a"], shownAt: 1000 }, bound);
        await store.experiments.recordExposedItems({ experimentId: id, userId: other, variant: "control", itemIds: ["a"], shownAt: 1500 }, bound);
        const keys = (user: string, ...items: string[]) => items.map((itemId) => ({ userId: user, itemId }));
        const byItem = (rows: { itemId: string }[]) => [...rows].sort((x, y) => x.itemId.localeCompare(y.itemId));

        expect(byItem(await store.experiments.exposedItems([...keys(u, "a", "b", "z"), ...keys(other, "a"), ...keys(u, "a")], 0))).toEqual([
          { experimentId: id, userId: u, variant: "blend", itemId: "a", shownAt: 1000 },
          { experimentId: id, userId: other, variant: "control", itemId: "a", shownAt: 1500 },
          { experimentId: id, userId: u, variant: "blend", itemId: "b", shownAt: 1000 },
        ]);
        await store.experiments.recordExposedItems({ experimentId: id, userId: u, variant: "blend", itemIds: ["b"], shownAt: 5000 }, bound);
        await store.experiments.recordExposedItems({ experimentId: id, userId: u, variant: "blend", itemIds: ["b"], shownAt: 3000 }, bound); // late, older: ignored
        expect(await store.experiments.exposedItems(keys(u, "a", "b", "c"), 2000)).toEqual([{ experimentId: id, userId: u, variant: "blend", itemId: "b", shownAt: 5000 }]);

        expect(await store.experiments.exposedItems([], 0)).toEqual([]);
        await expect(store.experiments.exposedItems([{ userId: u, itemId: "" }], 0)).rejects.toThrow(/keys\[0\]\.itemId/);
        await expect(store.experiments.recordExposedItems({ experimentId: id, userId: u, variant: "blend", itemIds: ["a"], shownAt: 1 }, { keep: 0, since: 0 })).rejects.toThrow(/keep/);
      });

      it("keeps each shopper's newest shows within the bound, and deletion and the sweep remove them", async () => {
        const id = uid("exp");
        await store.experiments.createExperiment(experiment(id));
        const [u, other] = [uid("bound"), uid("bound")];
        const items = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);
        const all = [...items("old", 150), ...items("new", 100)].map((itemId) => ({ userId: u, itemId }));
        await store.experiments.recordExposedItems({ experimentId: id, userId: u, variant: "control", itemIds: items("old", 150), shownAt: 10_000 }, { keep: 200, since: 0 });
        await store.experiments.recordExposedItems({ experimentId: id, userId: u, variant: "control", itemIds: items("new", 100), shownAt: 11_000 }, { keep: 200, since: 0 });
        // 250 keys: more than one statement's batch in these stores.
        const kept = await store.experiments.exposedItems(all, 0);
        expect(kept.length).toBe(200);
        expect(kept.filter((r) => r.itemId.startsWith("new")).length).toBe(100);

        // A show past the window's start drops the shopper's older rows, whatever the count.
        await store.experiments.recordExposedItems({ experimentId: id, userId: u, variant: "control", itemIds: ["fresh"], shownAt: 20_000 }, { keep: 200, since: 10_500 });
        const left = await store.experiments.exposedItems([...all, { userId: u, itemId: "fresh" }], 0);
        expect(left.length).toBe(101);
        expect(left.some((r) => r.itemId.startsWith("old"))).toBe(false);

        await store.experiments.recordExposedItems({ experimentId: id, userId: other, variant: "blend", itemIds: ["x"], shownAt: 11_000 }, { keep: 200, since: 0 });
        await store.shoppers.deleteUser(u);
        expect(await store.experiments.exposedItems([...all, { userId: u, itemId: "fresh" }], 0)).toEqual([]);
        expect((await store.experiments.exposedItems([{ userId: other, itemId: "x" }], 0)).length).toBe(1);

        await store.experiments.recordExposedItems({ experimentId: id, userId: other, variant: "blend", itemIds: ["y"], shownAt: 30_000 }, { keep: 200, since: 0 });
        expect(await store.experiments.pruneExposedItems(20_000)).toBeGreaterThanOrEqual(1);
        expect((await store.experiments.exposedItems([{ userId: other, itemId: "x" }, { userId: other, itemId: "y" }], 0)).map((r) => r.itemId)).toEqual(["y"]);
      });
    });

    describe("activity and catalogue imports", () => {
      const HOUR = 3_600_000;
      const DAY = 24 * HOUR;
      // A day of its own (2003-01-01 UTC), far from the other tests' rows.
      const day0 = Date.UTC(2003, 0, 1);

      it("adds counts per hour across writers (replicas) and reads them back per hour or per day", async () => {
        const c = (hour: number, metric: string, label: string, count: number, sum = 0) => ({ bucket: day0 + hour * HOUR, metric, label, count, sum });
        // Two replicas flushing the same hour add up; one flush repeating a key is summed, not refused.
        await store.activity.addActivity([c(1, "turns", "socket", 3), c(1, "latency", "turn", 3, 0.6), c(1, "turns", "socket", 1)]);
        await store.activity.addActivity([c(1, "turns", "socket", 2), c(2, "errors", "timeout", 1), c(1, "latency", "turn", 1, 0.4)]);
        await store.activity.addActivity([c(25, "turns", "socket", 7)]);
        await store.activity.addActivity([]);

        const hourly = await store.activity.activity({ from: day0, to: day0 + DAY, bucketMs: HOUR });
        expect(hourly.counts).toEqual([
          { bucket: day0 + HOUR, metric: "latency", label: "turn", count: 4, sum: 1 },
          { bucket: day0 + HOUR, metric: "turns", label: "socket", count: 6, sum: 0 },
          { bucket: day0 + 2 * HOUR, metric: "errors", label: "timeout", count: 1, sum: 0 },
        ]);
        const daily = await store.activity.activity({ from: day0, to: day0 + 2 * DAY, bucketMs: DAY });
        expect(daily.counts.filter((r) => r.metric === "turns")).toEqual([
          { bucket: day0, metric: "turns", label: "socket", count: 6, sum: 0 },
          { bucket: day0 + DAY, metric: "turns", label: "socket", count: 7, sum: 0 },
        ]);
        await expect(store.activity.addActivity([c(0.5, "turns", "x", 1)])).rejects.toThrow(/activity\[0\]\.bucket/);
        await expect(store.activity.addActivity([c(0, "turns", "x", -1)])).rejects.toThrow(/activity\[0\]\.count/);
        await expect(store.activity.activity({ from: day0, to: day0 + DAY, bucketMs: 60_000 })).rejects.toThrow(/bucketMs/);
        await expect(store.activity.activity({ from: day0 + DAY, to: day0, bucketMs: HOUR })).rejects.toThrow(/from/);
      });

      it("prunes the hours before a cut-off", async () => {
        const old = Date.UTC(2002, 0, 1);
        await store.activity.addActivity([{ bucket: old, metric: "turns", label: "socket", count: 1, sum: 0 }, { bucket: old + 2 * HOUR, metric: "turns", label: "socket", count: 1, sum: 0 }]);
        expect(await store.activity.pruneActivity(old + HOUR)).toBe(1);
        const left = await store.activity.activity({ from: old, to: old + DAY, bucketMs: HOUR });
        expect(left.counts.map((c) => c.bucket)).toEqual([old + 2 * HOUR]);
        await expect(store.activity.pruneActivity(-1)).rejects.toThrow(/before/);
      });

      it("counts distinct conversations with messages in each bucket", async () => {
        const from = Date.UTC(2003, 1, 1);
        const user = uid("act");
        const line = (conversationId: string, ts: number): StoredMessage => ({ conversationId, userId: user, role: "user", text: "hi", ts });
        await store.conversations.appendMessages([line("ca", from + 10), line("ca", from + 20), line("cb", from + 30), line("ca", from + HOUR + 5)]);
        const { conversations } = await store.activity.activity({ from, to: from + DAY, bucketMs: HOUR });
        expect(conversations).toEqual([
          { bucket: from, count: 2 },
          { bucket: from + HOUR, count: 1 },
        ]);
      });

      it("records catalogue imports and lists them newest first", async () => {
        const base = { source: "catalog.jsonl", added: 10, updated: 2, unchanged: 5, rejected: 1, products: 17, seconds: 0.5 };
        await store.catalogue.recordImport({ ...base, at: 1_000 });
        await store.catalogue.recordImport({ ...base, source: "demo", at: 2_000 });
        const history = await store.catalogue.importHistory(10);
        expect(history.slice(0, 2)).toEqual([
          { ...base, source: "demo", at: 2_000 },
          { ...base, at: 1_000 },
        ]);
        expect(await store.catalogue.importHistory(1)).toHaveLength(1);
        await expect(store.catalogue.recordImport({ ...base, at: 3_000, added: -1 })).rejects.toThrow(/added/);
      });
    });

    describe("lifecycle", () => {
      it("keeps data across a restart, and migrating again is a no-op", async () => {
        const key = uid("persist");
        await store.blobs.putBlob(key, Buffer.from("kept"));
        await store.catalogue.upsertProducts([row(product(key))]);
        await store.close();
        await expect(store.blobs.getBlob(key)).rejects.toThrow(/init/);

        store = await backend.open();
        expect((await store.blobs.getBlob(key))?.toString()).toBe("kept");
        expect(await store.catalogue.getProducts([key])).toEqual([product(key)]);
      });

      it("describes itself without credentials", () => {
        expect(store.description).toMatch(/^(pglite|postgres):/);
        expect(store.description).not.toMatch(/@/);
      });
    });
  });
}
