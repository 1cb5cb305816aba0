import { describe, expect, it } from "vitest";
import { LlmBusyError } from "../../llm/index.ts";
import { SlotPool } from "../../llm/queue.ts";

describe("SlotPool", () => {
  it("gives a conversation back the slot holding its prompt, else a clean one, else the least recently used", async () => {
    let now = 0;
    const pool = new SlotPool(["a", "b"], { maxWaiting: 4, timeoutMs: 1000, now: () => now });
    const first = await pool.acquire("conv-1");
    now = 10;
    pool.release(first, { key: "conv-1", dirty: true });
    const second = await pool.acquire("conv-2");
    expect(second.value).not.toBe(first.value);
    expect(second.dirty).toBe(false);
    now = 20;
    pool.release(second, { key: "conv-2", dirty: true });
    const again = await pool.acquire("conv-1");
    expect(again.value).toBe(first.value);
    now = 30;
    pool.release(again, { key: "conv-1", dirty: true });
    // Both hold someone's prompt: a new conversation takes the one used longest ago (conv-2's).
    const newcomer = await pool.acquire("conv-3");
    expect(newcomer.value).toBe(second.value);
  });

  it("serves waiters first come, first served, and refuses beyond the queue bound", async () => {
    const pool = new SlotPool(["only"], { maxWaiting: 2, timeoutMs: 1000 });
    const held = await pool.acquire();
    const order: string[] = [];
    const w1 = pool.acquire("x").then((s) => {
      order.push("w1");
      return s;
    });
    const w2 = pool.acquire("y").then((s) => {
      order.push("w2");
      return s;
    });
    await expect(pool.acquire()).rejects.toMatchObject({ reason: "queue_full" });
    expect(pool.stats()).toMatchObject({ busy: 1, waiting: 2 });
    pool.release(held, { dirty: false });
    pool.release(await w1, { dirty: false });
    await w2;
    expect(order).toEqual(["w1", "w2"]);
  });

  it("times a waiter out, and frees its place", async () => {
    const pool = new SlotPool(["only"], { maxWaiting: 1, timeoutMs: 20 });
    await pool.acquire();
    const err = await pool.acquire().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmBusyError);
    expect((err as LlmBusyError).reason).toBe("queue_timeout");
    expect(pool.stats().waiting).toBe(0);
  });

  it("hands idle slots holding tokens out for clearing, and refuses everything once closed", async () => {
    let now = 0;
    const pool = new SlotPool(["a", "b"], { maxWaiting: 2, timeoutMs: 1000, now: () => now });
    const s = await pool.acquire("c1");
    pool.release(s, { key: "c1", dirty: true });
    expect(pool.stats().holding).toBe(1);
    expect(pool.takeIdle(0)).toEqual([]);
    now = 100;
    const idle = pool.takeIdle(50);
    expect(idle.map((x) => x.value)).toEqual([s.value]);
    pool.release(idle[0]!, { dirty: false });
    expect(pool.stats()).toMatchObject({ holding: 0, busy: 0 });
    const a = await pool.acquire();
    await pool.acquire();
    const waiting = pool.acquire();
    pool.close("shutting down");
    await expect(waiting).rejects.toMatchObject({ reason: "closed" });
    await expect(pool.acquire()).rejects.toMatchObject({ reason: "closed" });
    pool.release(a, { dirty: false });
  });
});
