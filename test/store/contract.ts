import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../core/errors.ts";
import type { Experiment, ExperimentEvent, FeedbackRecord, Product, ProductRow, Shopper, ShopperEvent, Store, StoredMessage } from "../../store/index.ts";

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
      await store.deleteProducts([...(await store.productHashes()).keys()]);
    }

    describe("products", () => {
      it("upserts, reads back, updates and reports hashes", async () => {
        await clearProducts();
        const shoe = product("shoe-1", { price: 89.9, currency: "EUR", tags: ["running", "trail"], sizes: ["42", "43"], color: "red", stock: 3 });
        const zh = product("tea-1", { title: "绿茶 Green tea", locale: "zh", description: 'quotes " and \\ backslash, {braces}, NULL' });
        await store.upsertProducts([row(shoe), row(zh)]);

        expect(await store.countProducts()).toBe(2);
        expect(await store.getProducts(["tea-1", "missing", "shoe-1"])).toEqual([zh, shoe]);
        expect(await store.allProducts()).toEqual([shoe, zh]);
        expect(await store.productHashes()).toEqual(new Map([["shoe-1", "h-shoe-1"], ["tea-1", "h-tea-1"]]));

        const cheaper = { ...shoe, price: 59 };
        await store.upsertProducts([row(cheaper, "h2")]);
        expect(await store.countProducts()).toBe(2);
        expect(await store.getProducts(["shoe-1"])).toEqual([cheaper]);
        expect((await store.productHashes()).get("shoe-1")).toBe("h2");
      });

      it("keeps the last row when one batch repeats an id, and accepts an empty batch", async () => {
        await clearProducts();
        await store.upsertProducts([row(product("dup", { price: 1 }), "a"), row(product("dup", { price: 2 }), "b")]);
        await store.upsertProducts([]);
        expect(await store.getProducts(["dup"])).toEqual([product("dup", { price: 2 })]);
        expect((await store.productHashes()).get("dup")).toBe("b");
      });

      it("writes batches larger than one statement", async () => {
        await clearProducts();
        // The test stores use a batch size of 100, so this crosses several statement boundaries.
        const many = Array.from({ length: 1234 }, (_, i) => row(product(`bulk-${String(i).padStart(4, "0")}`, { price: i })));
        await store.upsertProducts(many);
        expect(await store.countProducts()).toBe(1234);
        const all = await store.allProducts();
        expect(all[0]).toEqual(many[0].product);
        expect(all[1233]).toEqual(many[1233].product);
      });

      it("deletes products and their vectors, counting only the ones that existed", async () => {
        await clearProducts();
        await store.upsertProducts([row(product("a")), row(product("b")), row(product("c"))]);
        const model = uid("model");
        await store.saveVectors(model, [
          { id: "a", vector: new Float32Array([1, 0]) },
          { id: "c", vector: new Float32Array([0, 1]) },
        ]);
        expect(await store.deleteProducts(["a", "b", "nope"])).toBe(2);
        expect(await store.deleteProducts([])).toBe(0);
        expect([...(await store.productHashes()).keys()]).toEqual(["c"]);
        expect([...(await store.loadVectors(model)).keys()]).toEqual(["c"]);
      });

      it("rejects a product without a title, naming the row and field", async () => {
        const bad = [row(product("ok")), { product: { id: "x" }, hash: "h" }] as ProductRow[];
        await expect(store.upsertProducts(bad)).rejects.toThrow(ValidationError);
        await expect(store.upsertProducts(bad)).rejects.toThrow(/products\[1\]\.product\.title/);
        expect(await store.getProducts(["ok"])).toEqual([]); // nothing of a rejected batch is written
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
        await store.saveVectors(model, [
          { id: "edge", vector: edge },
          { id: "random", vector: random },
          { id: "slice", vector: slice },
        ]);
        await store.saveVectors(other, [{ id: "edge", vector: new Float32Array([9, 9]) }]);

        const loaded = await store.loadVectors(model);
        expect(loaded.size).toBe(3);
        expect(loaded.get("edge")).toEqual(edge);
        expect(Object.is(loaded.get("edge")![1], -0)).toBe(true);
        expect(loaded.get("random")).toEqual(random);
        expect(loaded.get("slice")).toEqual(Float32Array.from(slice));
        expect(loaded.get("edge")).toBeInstanceOf(Float32Array);
        expect((await store.loadVectors(other)).get("edge")).toEqual(new Float32Array([9, 9]));
      });

      it("overwrite, delete by id and delete a whole model", async () => {
        const model = uid("m");
        const many = Array.from({ length: 700 }, (_, i) => ({ id: `v${i}`, vector: Float32Array.from({ length: 384 }, (_, j) => i + j / 1000) }));
        await store.saveVectors(model, many); // ~1 MB: several statements at the test batch size
        await store.saveVectors(model, [{ id: "v1", vector: new Float32Array([7, 7, 7]) }]);
        let loaded = await store.loadVectors(model);
        expect(loaded.size).toBe(700);
        expect(loaded.get("v1")).toEqual(new Float32Array([7, 7, 7]));
        expect(loaded.get("v699")).toEqual(many[699].vector);

        await store.deleteVectors(model, ["v0", "v1"]);
        loaded = await store.loadVectors(model);
        expect(loaded.size).toBe(698);
        expect(loaded.has("v0")).toBe(false);

        await store.deleteVectors(model);
        expect((await store.loadVectors(model)).size).toBe(0);
      });

      it("rejects vectors that are not finite Float32Arrays", async () => {
        await expect(store.saveVectors("m", [{ id: "x", vector: new Float32Array([1, Number.NaN]) }])).rejects.toThrow(/entries\[0\]\.vector.*element 1/);
        await expect(store.saveVectors("m", [{ id: "x", vector: [1, 2] as unknown as Float32Array }])).rejects.toThrow(ValidationError);
        await expect(store.saveVectors("", [])).rejects.toThrow(/model/);
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
        await store.addEvents(events);
        expect(await store.eventsForUser(user)).toEqual([events[0], events[2], events[1]]);
        expect(await store.eventsForUser(user, 2)).toEqual([events[2], events[1]]);
        expect(await store.eventsForUser(uid("nobody"))).toEqual([]);
      });

      it("weights interactions per item since a time, counting only good ratings", async () => {
        // A fresh time window keeps other tests' events (all before 10^12) out of the sums.
        const t = 2_000_000_000_000 + seq * 1_000_000;
        const [a, b, c] = [uid("item"), uid("item"), uid("item")];
        const u = uid("u");
        await store.addEvents([
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
        const since = await store.itemPopularity(weights, t);
        expect(since.get(a)).toBe(7);
        expect(since.get(b)).toBe(2);
        expect(since.has(c)).toBe(false); // only a bad rating since t: scores 0, left out

        const ever = await store.itemPopularity(weights);
        expect(ever.get(c)).toBe(4);
        expect(ever.get(a)).toBe(7);

        const viewsOnly = await store.itemPopularity({ view: 0.5, cart: 0, purchase: 0, favourite: 0, rating: 0 }, t);
        expect(viewsOnly.get(a)).toBe(1);
        expect(viewsOnly.has(b)).toBe(false);

        // A shopper who opted out counts for nothing, not even in anonymous popularity.
        const quiet = uid("quiet");
        await store.addEvents([{ userId: quiet, itemId: a, type: "purchase", ts: t + 7 }]);
        expect((await store.itemPopularity(weights, t)).get(a)).toBe(12);
        await store.upsertShopper({ userId: quiet, preferences: [], personalise: false, createdAt: 1, updatedAt: 1 });
        expect((await store.itemPopularity(weights, t)).get(a)).toBe(7);
        expect((await store.itemPopularity(weights)).get(a)).toBe(7);
      });

      it("writes large batches in one go and rejects bad events by index and field", async () => {
        const user = uid("bulk");
        const many = Array.from({ length: 2500 }, (_, i): ShopperEvent => ({ userId: user, itemId: `i${i % 50}`, type: "view", ts: 5000 + i }));
        await store.addEvents(many);
        expect((await store.eventsForUser(user)).length).toBe(2500);
        expect(await store.eventsForUser(user, 1)).toEqual([many[2499]]);

        const bad = [{ userId: user, itemId: "x", type: "like", ts: 1 }] as unknown as ShopperEvent[];
        await expect(store.addEvents(bad)).rejects.toThrow(/events\[0\]\.type/);
        await expect(store.addEvents([{ userId: user, itemId: "x", type: "view", ts: 1.5 }])).rejects.toThrow(/events\[0\]\.ts/);
        await expect(store.eventsForUser(user, 0)).rejects.toThrow(/limit/);
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
        await store.addEvents(events);
        await store.upsertShopper({ userId: quiet, preferences: [], personalise: false, createdAt: 1, updatedAt: 1 });
        await store.upsertShopper({ userId: a, preferences: [], personalise: true, createdAt: 1, updatedAt: 1 });

        const seen: ShopperEvent[] = [];
        let batches = 0;
        for await (const batch of store.scanEvents(2)) {
          expect(batch.length).toBeGreaterThan(0);
          expect(batch.length).toBeLessThanOrEqual(2);
          batches++;
          seen.push(...batch.filter((e) => mine.has(e.userId)));
        }
        expect(seen).toEqual([events[1], events[3], events[4], events[5], events[0]]);
        const all: ShopperEvent[] = [];
        for await (const batch of store.scanEvents()) all.push(...batch);
        expect(batches).toBe(Math.ceil(all.length / 2));
        // Whole table, in order: the same events as the paged scan, nothing repeated or skipped.
        for (let i = 1; i < all.length; i++) expect(all[i]!.ts).toBeGreaterThanOrEqual(all[i - 1]!.ts);
        expect(all.filter((e) => mine.has(e.userId))).toEqual(seen);
      });

      it("rejects a bad batch size by name", async () => {
        await expect(
          (async () => {
            for await (const _ of store.scanEvents(0)) break;
          })(),
        ).rejects.toThrow(/batchSize/);
      });
    });

    describe("shoppers, profiles, messages", () => {
      it("upserts a shopper, keeping when we first met them", async () => {
        const userId = uid("s");
        expect(await store.getShopper(userId)).toBeNull();
        const s: Shopper = { userId, locale: "zh", preferences: ["trail running", "茶"], personalise: true, createdAt: 100, updatedAt: 100 };
        await store.upsertShopper(s);
        expect(await store.getShopper(userId)).toEqual(s);
        await store.upsertShopper({ userId, preferences: [], personalise: false, createdAt: 999, updatedAt: 200 });
        expect(await store.getShopper(userId)).toEqual({ userId, preferences: [], personalise: false, createdAt: 100, updatedAt: 200 });
        await expect(store.upsertShopper({ ...s, personalise: "yes" } as unknown as Shopper)).rejects.toThrow(/personalise/);
      });

      it("saves and overwrites a profile vector", async () => {
        const userId = uid("p");
        expect(await store.getProfile(userId)).toBeNull();
        const v = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i));
        await store.saveProfile(userId, v);
        expect(await store.getProfile(userId)).toEqual(v);
        await store.saveProfile(userId, new Float32Array([1, 2]));
        expect(await store.getProfile(userId)).toEqual(new Float32Array([1, 2]));
      });

      it("appends messages and returns the newest, oldest first", async () => {
        const userId = uid("m");
        const conv = uid("c");
        const msgs: StoredMessage[] = [
          { conversationId: conv, userId, role: "user", text: "hi, 你好 'quoted'", ts: 10 },
          { conversationId: conv, userId, role: "assistant", text: "Hello!", ts: 11 },
          { conversationId: conv, userId, role: "user", text: "trail shoes", ts: 12 },
        ];
        for (const m of msgs) await store.appendMessage(m);
        expect(await store.messagesForUser(userId)).toEqual(msgs);
        expect(await store.messagesForUser(userId, 2)).toEqual(msgs.slice(1));
        await expect(store.appendMessage({ ...msgs[0], role: "system" } as unknown as StoredMessage)).rejects.toThrow(/role/);
      });

      it("appends a turn's lines in one write, in order even at the same instant, or none of them when one is bad", async () => {
        const userId = uid("mb");
        const conv = uid("c");
        const turn: StoredMessage[] = [
          { conversationId: conv, userId, role: "user", text: "the red one?", ts: 20, sentiment: { label: "neutral", score: 0 }, itemId: "p1" },
          { conversationId: conv, userId, role: "assistant", text: "It is in stock.", ts: 20 },
        ];
        await store.appendMessages(turn);
        expect(await store.messagesForUser(userId)).toEqual(turn);
        await expect(store.appendMessages([turn[1]!, { ...turn[0]!, text: 42 } as unknown as StoredMessage])).rejects.toThrow(/messages\[1\].*text/);
        expect(await store.messagesForUser(userId)).toHaveLength(2);
        await store.appendMessages([]);
      });
    });

    describe("privacy", () => {
      async function seed(userId: string) {
        const shopper: Shopper = { userId, preferences: ["hats"], personalise: true, createdAt: 1, updatedAt: 2 };
        const events: ShopperEvent[] = [
          { userId, itemId: "i1", type: "view", ts: 1 },
          { userId, itemId: "i2", type: "rating", value: 5, ts: 2 },
        ];
        const messages: StoredMessage[] = [
          { conversationId: `conv-${userId}`, userId, role: "user", text: "my size is 42", ts: 3 },
          { conversationId: `conv-${userId}`, userId, role: "assistant", text: "noted", ts: 4 },
        ];
        await store.upsertShopper(shopper);
        await store.addEvents(events);
        for (const m of messages) await store.appendMessage(m);
        await store.saveProfile(userId, new Float32Array([0.5, -0.25]));
        const feedback: FeedbackRecord[] = [{ text: "the hat is lovely", itemId: "i1", userId, rating: 5, sentiment: { label: "positive", score: 0.6 }, ts: 5 }];
        await store.addFeedback(feedback);
        return { shopper, events, messages, feedback };
      }

      it("exports everything kept about a shopper", async () => {
        const userId = uid("x");
        const { shopper, events, messages, feedback } = await seed(userId);
        await seed(uid("neighbour"));
        expect(await store.exportUser(userId)).toEqual({ userId, shopper, events, messages, profile: [0.5, -0.25], feedback });
        expect(await store.exportUser(uid("ghost"))).toEqual({ userId: expect.any(String), shopper: null, events: [], messages: [], profile: null, feedback: [] });
      });

      it("deletes everything about a shopper and nothing about anyone else", async () => {
        const userId = uid("d");
        const neighbour = uid("n");
        await seed(userId);
        const kept = await seed(neighbour);

        expect(await store.deleteUser(userId)).toEqual({ events: 2, messages: 2, shopper: true, profile: true });
        expect(await store.getShopper(userId)).toBeNull();
        expect(await store.getProfile(userId)).toBeNull();
        expect(await store.eventsForUser(userId)).toEqual([]);
        expect(await store.messagesForUser(userId)).toEqual([]);
        expect(await store.exportUser(userId)).toEqual({ userId, shopper: null, events: [], messages: [], profile: null, feedback: [] });
        expect(await store.deleteUser(userId)).toEqual({ events: 0, messages: 0, shopper: false, profile: false });

        expect(await store.exportUser(neighbour)).toEqual({ userId: neighbour, ...kept, profile: [0.5, -0.25] });
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
        await store.appendMessage(m1);
        await store.appendMessage(msg("hello", at(0, 2), { label: "neutral", score: 0 }));
        await store.appendMessage(msg("no sentiment kept", at(0, 3)));
        await store.appendMessage({ ...msg("assistant lines are not counted", at(0, 4), { label: "positive", score: 0.9 }, item), role: "assistant" });
        expect((await store.messagesForUser(user))[0]).toEqual(m1);
        await store.addFeedback([
          { text: "love it", itemId: item, rating: 5, sentiment: { label: "positive", score: 0.75 }, ts: at(1, 5) },
          { text: "broke after a week", itemId: item, rating: 1, sentiment: { label: "negative", score: -0.25 }, ts: at(1, 6) },
          { text: "fine", itemId: other, sentiment: { label: "neutral", score: 0.1 }, ts: at(2) },
        ]);
        await store.addFeedback([]);
        await expect(store.addFeedback([{ text: "", sentiment: { label: "neutral", score: 0 }, ts: 1 }])).rejects.toThrow(/feedback\[0\]\.text/);
        await expect(store.addFeedback([{ text: "x", rating: 9, sentiment: { label: "neutral", score: 0 }, ts: 1 }])).rejects.toThrow(/rating/);

        const range = { from: at(0), to: at(3), bucketMs: DAY, originMs: 0 };
        const one = await store.sentimentTallies({ ...range, itemId: item });
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
        const day1 = await store.sentimentTallies({ from: at(1), to: at(2), bucketMs: DAY, originMs: 0 });
        expect(day1.byItem.filter((t) => t.itemId === item).map((t) => t.label)).toEqual(["negative", "positive"]);
        const day0 = await store.sentimentTallies({ from: at(0), to: at(1), bucketMs: DAY, originMs: 0 });
        const mine = day0.byBucket.filter((t) => t.source === "message");
        expect(mine.reduce((n, t) => n + t.count, 0)).toBeGreaterThanOrEqual(2);
        // Buckets start at origin + k × width, here 6-hour buckets from the day's start.
        const sixHours = await store.sentimentTallies({ ...range, itemId: item, bucketMs: 6 * 3_600_000, originMs: at(0) });
        expect(sixHours.byBucket.map((t) => t.bucket)).toEqual([at(0), at(1), at(1, 6)]);
        await expect(store.sentimentTallies({ bucketMs: 0, originMs: 0 })).rejects.toThrow(/bucketMs/);
      });

      it("deletes a shopper's feedback with their data and keeps feedback without a shopper", async () => {
        const user = uid("f");
        const item = uid("item");
        await store.addFeedback([
          { text: "mine", userId: user, itemId: item, sentiment: { label: "positive", score: 0.5 }, ts: 10 },
          { text: "anonymous", itemId: item, sentiment: { label: "negative", score: -0.5 }, ts: 11 },
        ]);
        expect((await store.exportUser(user)).feedback.map((f) => f.text)).toEqual(["mine"]);
        await store.deleteUser(user);
        expect((await store.exportUser(user)).feedback).toEqual([]);
        const left = await store.sentimentTallies({ itemId: item, bucketMs: DAY, originMs: 0 });
        expect(left.byItem).toEqual([{ source: "feedback", label: "negative", count: 1, scoreSum: -0.5, rated: 0, ratingSum: 0, itemId: item }]);
      });
    });

    describe("blobs", () => {
      it("stores opaque bytes by key and overwrites them", async () => {
        const key = uid("blob");
        expect(await store.getBlob(key)).toBeNull();
        const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
        await store.putBlob(key, bytes);
        const got = await store.getBlob(key);
        expect(Buffer.isBuffer(got)).toBe(true);
        expect(got!.equals(bytes)).toBe(true);

        const big = Buffer.alloc(1_000_000, 0xab);
        big.writeUInt32LE(0xdeadbeef, 500_000);
        await store.putBlob(key, big);
        expect((await store.getBlob(key))!.equals(big)).toBe(true);
      });
    });

    describe("shoppers in bulk", () => {
      it("lists shoppers with events, their events per shopper, and who opted out", async () => {
        const [a, b, quiet] = [uid("bulk-a"), uid("bulk-b"), uid("bulk-q")];
        await store.addEvents([
          { userId: b, itemId: "i2", type: "cart", ts: 20 },
          { userId: a, itemId: "i1", type: "view", ts: 30 },
          { userId: a, itemId: "i3", type: "purchase", ts: 10 },
        ]);
        await store.upsertShopper({ userId: quiet, preferences: [], personalise: false, createdAt: 1, updatedAt: 1 });
        const ids = await store.eventUserIds();
        expect(ids).toEqual(expect.arrayContaining([a, b]));
        expect(ids).toEqual([...ids].sort());
        expect(ids).not.toContain(quiet);

        const events = await store.eventsForUsers([a, b, uid("none"), a]);
        expect([...events.keys()].sort()).toEqual([a, b].sort());
        expect(events.get(a)!.map((e) => e.itemId)).toEqual(["i3", "i1"]); // oldest first
        expect(events.get(b)).toEqual([{ userId: b, itemId: "i2", type: "cart", ts: 20 }]);
        expect((await store.eventsForUsers([])).size).toBe(0);

        // More shoppers than one statement's batch (100 in these stores).
        const many = Array.from({ length: 250 }, (_, i) => uid(`many${i}`));
        await store.addEvents(many.map((userId, i) => ({ userId, itemId: "x", type: "view" as const, ts: i })));
        expect((await store.eventsForUsers(many)).size).toBe(250);

        expect(await store.optedOutUserIds()).toContain(quiet);
        expect(await store.optedOutUserIds()).not.toContain(a);
        await expect(store.eventsForUsers([""])).rejects.toThrow(/userIds\[0\]/);
      });
    });

    describe("segments", () => {
      it("keeps only the latest segmentation and answers each shopper's segment", async () => {
        const [a, b, c] = [uid("seg"), uid("seg"), uid("seg")];
        const first = { id: uid("run"), createdAt: 1000, summary: { k: 2, segments: [{ name: "Frequent Shoes buyers" }, { name: "Lapsed Beauty browsers" }] } };
        await store.saveSegmentation(first, [
          { userId: a, segment: 0 },
          { userId: b, segment: 1 },
          { userId: c, segment: 1 },
        ]);
        expect(await store.latestSegmentation()).toEqual(first);
        expect(await store.segmentOf(b)).toEqual({ runId: first.id, segment: 1 });
        expect(await store.segmentMembers(1)).toEqual([b, c].sort());
        expect(await store.segmentMembers(1, { limit: 1, offset: 1 })).toEqual([[b, c].sort()[1]]);

        const second = { id: uid("run"), createdAt: 2000, summary: { k: 1, 名: "中文 ok" } };
        await store.saveSegmentation(second, [{ userId: c, segment: 0 }]);
        expect(await store.latestSegmentation()).toEqual(second);
        expect(await store.segmentOf(a)).toBeNull();
        expect(await store.segmentOf(c)).toEqual({ runId: second.id, segment: 0 });
        expect(await store.segmentMembers(1)).toEqual([]);

        await store.deleteUser(c);
        expect(await store.segmentOf(c)).toBeNull();
      });

      it("writes memberships larger than one statement and rejects bad input by field", async () => {
        const run = { id: uid("run"), createdAt: 3000, summary: {} };
        const members = Array.from({ length: 1234 }, (_, i) => ({ userId: `m-${String(i).padStart(4, "0")}`, segment: i % 3 }));
        await store.saveSegmentation(run, members);
        expect((await store.segmentMembers(0)).length).toBe(412);
        await expect(store.saveSegmentation(run, [{ userId: "x", segment: -1 }])).rejects.toThrow(/members\[0\]\.segment/);
        await expect(store.saveSegmentation({ ...run, createdAt: -1 }, [])).rejects.toThrow(/createdAt/);
        expect((await store.latestSegmentation())?.id).toBe(run.id); // a rejected save changes nothing
        await expect(store.segmentMembers(0, { limit: 0 })).rejects.toThrow(/limit/);
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
        await store.createExperiment(experiment(x, 5_000_000_000_000));
        await store.createExperiment({ ...experiment(y, 5_000_000_000_001), description: "copy test, 文案" });
        await expect(store.createExperiment(experiment(x))).rejects.toMatchObject({ code: "conflict", status: 409 });
        expect(await store.getExperiment(x)).toEqual(experiment(x, 5_000_000_000_000));
        expect(await store.getExperiment(uid("none"))).toBeNull();
        const listed = (await store.listExperiments()).map((e) => e.id);
        expect(listed.indexOf(y)).toBeLessThan(listed.indexOf(x));

        const stopped = await store.stopExperiment(x, 7000);
        expect(stopped).toEqual({ ...experiment(x, 5_000_000_000_000), status: "stopped", stoppedAt: 7000 });
        expect((await store.stopExperiment(x, 9000))?.stoppedAt).toBe(7000);
        expect(await store.getExperiment(x)).toEqual(stopped);
        expect(await store.stopExperiment(uid("none"), 1)).toBeNull();
        await expect(store.createExperiment({ ...experiment(uid("exp")), variants: [] })).rejects.toThrow(/variants/);
      });

      it("tallies events and distinct shoppers per variant, counting conversions after exposure", async () => {
        const id = uid("exp");
        await store.createExperiment(experiment(id));
        const ev = (userId: string, variant: string, type: ExperimentEvent["type"], ts = 1): ExperimentEvent => ({ experimentId: id, userId, variant, type, ts });
        await store.addExperimentEvents([
          ev("u1", "control", "exposure"),
          ev("u1", "control", "exposure", 2),
          ev("u1", "control", "click"),
          ev("u2", "control", "exposure"),
          ev("u3", "blend", "exposure"),
          ev("u3", "blend", "click"),
          ev("u3", "blend", "click", 3),
          ev("u4", "blend", "purchase"), // never exposed: not a conversion
        ]);
        const tallies = await store.experimentTallies(id);
        expect(tallies).toEqual([
          { variant: "blend", type: "click", events: 2, users: 1, exposedUsers: 1 },
          { variant: "blend", type: "exposure", events: 1, users: 1, exposedUsers: 1 },
          { variant: "blend", type: "purchase", events: 1, users: 1, exposedUsers: 0 },
          { variant: "control", type: "click", events: 1, users: 1, exposedUsers: 1 },
          { variant: "control", type: "exposure", events: 3, users: 2, exposedUsers: 2 },
        ]);
        expect(await store.experimentTallies(uid("none"))).toEqual([]);
        await expect(store.addExperimentEvents([ev("u5", "control", "like" as "click")])).rejects.toThrow(/events\[0\]\.type/);

        await store.deleteUser("u3");
        const after = await store.experimentTallies(id);
        expect(after.filter((t) => t.variant === "blend").map((t) => t.type)).toEqual(["purchase"]);
      });

      it("remembers the items a list showed, moving a re-show forward only", async () => {
        const id = uid("exp");
        await store.createExperiment(experiment(id));
        const [u, other] = [uid("shown"), uid("shown")];
        const bound = { keep: 200, since: 0 };
        await store.recordExposedItems({ experimentId: id, userId: u, variant: "blend", itemIds: ["a", "b", "c", "a"], shownAt: 1000 }, bound);
        await store.recordExposedItems({ experimentId: id, userId: other, variant: "control", itemIds: ["a"], shownAt: 1500 }, bound);
        const keys = (user: string, ...items: string[]) => items.map((itemId) => ({ userId: user, itemId }));
        const byItem = (rows: { itemId: string }[]) => [...rows].sort((x, y) => x.itemId.localeCompare(y.itemId));

        expect(byItem(await store.exposedItems([...keys(u, "a", "b", "z"), ...keys(other, "a"), ...keys(u, "a")], 0))).toEqual([
          { experimentId: id, userId: u, variant: "blend", itemId: "a", shownAt: 1000 },
          { experimentId: id, userId: other, variant: "control", itemId: "a", shownAt: 1500 },
          { experimentId: id, userId: u, variant: "blend", itemId: "b", shownAt: 1000 },
        ]);
        await store.recordExposedItems({ experimentId: id, userId: u, variant: "blend", itemIds: ["b"], shownAt: 5000 }, bound);
        await store.recordExposedItems({ experimentId: id, userId: u, variant: "blend", itemIds: ["b"], shownAt: 3000 }, bound); // late, older: ignored
        expect(await store.exposedItems(keys(u, "a", "b", "c"), 2000)).toEqual([{ experimentId: id, userId: u, variant: "blend", itemId: "b", shownAt: 5000 }]);

        expect(await store.exposedItems([], 0)).toEqual([]);
        await expect(store.exposedItems([{ userId: u, itemId: "" }], 0)).rejects.toThrow(/keys\[0\]\.itemId/);
        await expect(store.recordExposedItems({ experimentId: id, userId: u, variant: "blend", itemIds: ["a"], shownAt: 1 }, { keep: 0, since: 0 })).rejects.toThrow(/keep/);
      });

      it("keeps each shopper's newest shows within the bound, and deletion and the sweep remove them", async () => {
        const id = uid("exp");
        await store.createExperiment(experiment(id));
        const [u, other] = [uid("bound"), uid("bound")];
        const items = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);
        const all = [...items("old", 150), ...items("new", 100)].map((itemId) => ({ userId: u, itemId }));
        await store.recordExposedItems({ experimentId: id, userId: u, variant: "control", itemIds: items("old", 150), shownAt: 10_000 }, { keep: 200, since: 0 });
        await store.recordExposedItems({ experimentId: id, userId: u, variant: "control", itemIds: items("new", 100), shownAt: 11_000 }, { keep: 200, since: 0 });
        // 250 keys: more than one statement's batch in these stores.
        const kept = await store.exposedItems(all, 0);
        expect(kept.length).toBe(200);
        expect(kept.filter((r) => r.itemId.startsWith("new")).length).toBe(100);

        // A show past the window's start drops the shopper's older rows, whatever the count.
        await store.recordExposedItems({ experimentId: id, userId: u, variant: "control", itemIds: ["fresh"], shownAt: 20_000 }, { keep: 200, since: 10_500 });
        const left = await store.exposedItems([...all, { userId: u, itemId: "fresh" }], 0);
        expect(left.length).toBe(101);
        expect(left.some((r) => r.itemId.startsWith("old"))).toBe(false);

        await store.recordExposedItems({ experimentId: id, userId: other, variant: "blend", itemIds: ["x"], shownAt: 11_000 }, { keep: 200, since: 0 });
        await store.deleteUser(u);
        expect(await store.exposedItems([...all, { userId: u, itemId: "fresh" }], 0)).toEqual([]);
        expect((await store.exposedItems([{ userId: other, itemId: "x" }], 0)).length).toBe(1);

        await store.recordExposedItems({ experimentId: id, userId: other, variant: "blend", itemIds: ["y"], shownAt: 30_000 }, { keep: 200, since: 0 });
        expect(await store.pruneExposedItems(20_000)).toBeGreaterThanOrEqual(1);
        expect((await store.exposedItems([{ userId: other, itemId: "x" }, { userId: other, itemId: "y" }], 0)).map((r) => r.itemId)).toEqual(["y"]);
      });
    });

    describe("lifecycle", () => {
      it("keeps data across a restart, and migrating again is a no-op", async () => {
        const key = uid("persist");
        await store.putBlob(key, Buffer.from("kept"));
        await store.upsertProducts([row(product(key))]);
        await store.close();
        await expect(store.getBlob(key)).rejects.toThrow(/init/);

        store = await backend.open();
        expect((await store.getBlob(key))?.toString()).toBe("kept");
        expect(await store.getProducts([key])).toEqual([product(key)]);
      });

      it("describes itself without credentials", () => {
        expect(store.description).toMatch(/^(pglite|postgres):/);
        expect(store.description).not.toMatch(/@/);
      });
    });
  });
}
