import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { createClient } from "redis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { requireToyModel, skipWithoutToyModelOutsideCi, TOY_MODEL } from "../llm/toy-model.ts";
import { localServiceEnv } from "../services.ts";
import { type ChatClient, connectChat } from "./client.ts";
import { canMountTmpfs, canRunPrivatePostgres, mountTmpfs, startPrivatePostgres, startPrivateRedis } from "./private-servers.ts";
import { type LogEntry, runUntilExit, type ServiceProcess, startService } from "./process.ts";

/**
 * The service as deployed — its own process — while what it depends on fails under it: the
 * database restarts, Redis dies and comes back, the orchestrator stops it mid-turn, start-up
 * cannot reach its store. Each asserts what the shopper and the shop would see.
 */

const dirs: string[] = [];
const services: ServiceProcess[] = [];
const clients: ChatClient[] = [];
const cleanups: (() => Promise<void>)[] = [];

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "concierge-faults-"));
  dirs.push(dir);
  return dir;
}

async function service(env: Record<string, string>): Promise<ServiceProcess> {
  const started = await startService(env);
  services.push(started);
  return started;
}

async function chat(port: number, auth: Record<string, unknown> = {}): Promise<ChatClient> {
  const client = await connectChat(port, auth);
  clients.push(client);
  return client;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(services.splice(0).map((s) => s.stop("SIGTERM")));
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/**
 * Of the shoppers whose events were acknowledged (ids starting `prefix`, as the shop named them),
 * those with no event in the store — read with the database's own client, not the service.
 */
async function notStored(acknowledged: string[], prefix: string, query: (sql: string) => Promise<{ rows: unknown[] }>): Promise<string[]> {
  const { rows } = await query(`SELECT user_id FROM events WHERE user_id LIKE '%${prefix}%'`);
  const stored = new Set((rows as { user_id: string }[]).map((r) => r.user_id.slice(r.user_id.indexOf(prefix))));
  return acknowledged.filter((id) => !stored.has(id));
}

const SEARCHES = ["show me running shoes", "headphones under 200", "a warm jacket", "face cream", "a backpack for hiking", "wireless earbuds", "a red dress", "coffee maker"];

describe("start-up", () => {
  it("exits 1 naming the cause when the store cannot be reached, instead of staying up 'loading'", async () => {
    const { code, stderr } = await runUntilExit(localServiceEnv(await dataDir(), { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none", LOG_LEVEL: "info" }));
    expect(code).toBe(1);
    expect(stderr).toMatch(/start-up failed: PostgreSQL at 127\.0\.0\.1:1 could not be opened: .*ECONNREFUSED/);
  }, 120_000);
});

describe("a corrupt model file", () => {
  it("leaves the built-in tier answering, with the reason logged", async () => {
    const dir = await dataDir();
    const model = path.join(dir, "model.gguf");
    // Not a GGUF: what a download cut short or a disk error leaves behind.
    await writeFile(model, randomBytes(64 * 1024));
    const svc = await service(localServiceEnv(dir, { CONCIERGE_LLM_MODEL: model, LOG_LEVEL: "info" }));
    const failed = await svc.waitForLog((l) => l.msg.startsWith("LLM failed to load"), 120_000);
    expect(String(failed.reason)).toMatch(/GGUF/);
    const { reply } = await (await chat(svc.port)).send("show me running shoes under 100");
    expect(reply.error).toBeUndefined();
    expect(reply.text).toMatch(/^Here (is 1 match|are \d+ matches)/);
  }, 180_000);
});

if (!canMountTmpfs) console.warn("[skipped] the real full-disk test needs to mount a tmpfs (root): the store's disk-full errors are tested in test/core/errors.test.ts");
describe.skipIf(!canMountTmpfs)("a full disk under the data folder (a real one: a small tmpfs, which needs root)", () => {
  it("answers 507 storage_full while it is full, keeps what it acknowledged, and takes events again once there is room", async () => {
    const dir = await dataDir();
    const disk = await mountTmpfs(dir, "200m");
    cleanups.push(() => disk.unmount());
    const key = "events-key-for-the-fault-test";
    const env = localServiceEnv(dir, { CONCIERGE_EVENTS_KEY: key, RATE_LIMIT_EVENTS_PER_MINUTE: "0", LOG_LEVEL: "info" });
    const svc = await service(env);
    const acknowledged: string[] = [];
    const answers: { status: number; code?: string }[] = [];
    const post = async (batch: number) => {
      const ids = Array.from({ length: 50 }, (_, i) => `disk-${batch}-${i}`);
      const res = await fetch(`http://127.0.0.1:${svc.port}/api/events`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify(ids.map((userId) => ({ userId, itemId: "sku-000001", type: "view" }))),
      });
      const body = (await res.json()) as { accepted?: number; error?: { code: string } };
      answers.push({ status: res.status, code: body.error?.code });
      if (res.status === 202) acknowledged.push(...ids);
      return res.status;
    };
    for (let batch = 0; batch < 5; batch++) expect(await post(batch)).toBe(202);

    const filler = await disk.fill(256 * 1024);
    let batch = 5;
    while (batch < 400 && (await post(batch++)) !== 507);
    for (let more = 0; more < 5; more++) await post(batch++);
    expect(answers.some((a) => a.status === 507)).toBe(true);
    for (const a of answers) expect([202, 507]).toContain(a.status);
    for (const a of answers.filter((x) => x.status === 507)) expect(a.code).toBe("storage_full");
    // A shopper still gets an answer: only what could not be written is lost, and said so in the log.
    expect((await (await chat(svc.port)).send("show me running shoes")).reply.products.length).toBeGreaterThan(0);

    await rm(filler);
    expect(await post(batch++)).toBe(202);
    expect(await svc.stop()).toBe(0);

    // Read back with PGlite itself, not through the service.
    const db = new PGlite(path.join(dir, "db"));
    try {
      expect(await notStored(acknowledged, "disk-", (sql) => db.query(sql))).toEqual([]);
    } finally {
      await db.close();
    }
  }, 300_000);
});

describe.skipIf(!canRunPrivatePostgres && !process.env.CI)("PostgreSQL restarted under load", () => {
  it("loses no event it acknowledged: while it is down the answer is 503 store_unavailable, and the service reconnects", async () => {
    const db = await startPrivatePostgres();
    cleanups.push(() => db.destroy());
    const key = "events-key-for-the-fault-test";
    const svc = await service(localServiceEnv(await dataDir(), { DATABASE_URL: db.url, CONCIERGE_EVENTS_KEY: key, RATE_LIMIT_EVENTS_PER_MINUTE: "0", LOG_LEVEL: "info" }));
    const acknowledged: string[] = [];
    const refused: { status: number; code?: string }[] = [];
    let sent = 0;
    const post = async () => {
      const userId = `fault-${sent++}`;
      const res = await fetch(`http://127.0.0.1:${svc.port}/api/events`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ userId, itemId: `sku-00000${1 + (sent % 9)}`, type: "view" }),
      });
      const body = (await res.json()) as { accepted?: number; error?: { code: string } };
      if (res.status === 202 && body.accepted === 1) acknowledged.push(userId);
      else refused.push({ status: res.status, code: body.error?.code });
    };
    const deadline = Date.now() + 90_000;
    let phase: "before" | "down" | "after" = "before";
    let outage: Promise<void> | undefined;
    let acknowledgedWhenUp = 0;
    const worker = async () => {
      // Bounded in count and time: ends 50 acknowledgements after the database is back.
      while (Date.now() < deadline && sent < 5_000) {
        await post();
        if (phase === "before" && acknowledged.length >= 50) {
          phase = "down";
          outage = (async () => {
            await db.stop();
            await new Promise((r) => setTimeout(r, 1_500));
            await db.start();
            acknowledgedWhenUp = acknowledged.length;
            phase = "after";
          })();
        }
        if (phase === "after" && acknowledged.length >= acknowledgedWhenUp + 50) return;
        if (phase === "down") await new Promise((r) => setTimeout(r, 20));
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    await outage;
    expect(phase).toBe("after");
    expect(acknowledged.length).toBeGreaterThanOrEqual(acknowledgedWhenUp + 50);

    // The outage happened under load, and the service said so clearly.
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r).toEqual({ status: 503, code: "store_unavailable" });

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      expect(await notStored(acknowledged, "fault-", (sql) => client.query(sql))).toEqual([]);
    } finally {
      await client.end();
    }
    // And it answers a shopper after.
    const shopper = await chat(svc.port);
    const { reply } = await shopper.send("show me running shoes");
    expect(reply.error).toBeUndefined();
    expect(reply.products.length).toBeGreaterThan(0);
  }, 240_000);
});

describe("Redis down at start-up, then killed and restored under load", () => {
  it("starts single-node and joins when Redis comes; keeps answering every message while it is gone, and rejoins when it returns", async () => {
    const redis = await startPrivateRedis({ running: false });
    cleanups.push(() => redis.kill());
    const svc = await service(localServiceEnv(await dataDir(), { REDIS_URL: redis.url, MAX_CONNECTIONS_PER_IP: "50", LOG_LEVEL: "info" }));
    const unreachable = (l: LogEntry) => /Redis is unreachable/.test(l.msg);
    const back = (l: LogEntry) => /Redis is back/.test(l.msg);
    await svc.waitForLog(unreachable, 20_000);
    const shoppers = await Promise.all([chat(svc.port), chat(svc.port), chat(svc.port)]);
    let answered = 0;
    const errors: unknown[] = [];
    const talk = async (rounds: number) => {
      await Promise.all(
        shoppers.map(async (s, i) => {
          for (let n = 0; n < rounds; n++) {
            const { reply } = await s.send(SEARCHES[(i + n + answered) % SEARCHES.length]!);
            if (reply.error) errors.push(reply.error);
            else answered++;
          }
        }),
      );
    };
    await talk(3);
    let mark = svc.logs.length;
    await redis.start();
    await svc.waitForLog(back, 30_000, mark);
    await talk(5);
    await redis.kill();
    // From the last "back": on a loaded machine a transient error may already have said "unreachable" before the kill.
    const lastBack = svc.logs.map((l, i) => (back(l) ? i : -1)).reduce((a, b) => Math.max(a, b), -1);
    await svc.waitForLog(unreachable, 20_000, lastBack + 1);
    await talk(5);
    // A new connection while Redis is gone still gets in (its slot is counted in this process).
    const latecomer = await chat(svc.port);
    expect((await latecomer.send("hello")).reply.error).toBeUndefined();
    mark = svc.logs.length;
    await redis.start();
    await svc.waitForLog(back, 30_000, mark);
    await talk(3);
    expect(errors).toEqual([]);
    expect(answered).toBe(shoppers.length * 16);

    // Rejoined: a conversation moving on is announced to the other replicas through it again.
    const subscriber = createClient({ url: redis.url });
    await subscriber.connect();
    cleanups.push(async () => {
      await subscriber.close();
    });
    const notices: string[] = [];
    await subscriber.pSubscribe("concierge:*", (message) => notices.push(message));
    const { reply } = await shoppers[0]!.send("show me wireless headphones");
    expect(reply.error).toBeUndefined();
    for (let i = 0; i < 100 && !notices.some((n) => n.includes('"conversation"')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(notices.some((n) => n.includes('"conversation"'))).toBe(true);
  }, 240_000);
});

describe.skipIf(skipWithoutToyModelOutsideCi)("SIGTERM in the middle of a turn", () => {
  it("lets the running turn finish and keeps its transcript whole, refuses new work with shutting_down, and exits 0", async () => {
    requireToyModel();
    const dir = await dataDir();
    const env = localServiceEnv(dir, { LOG_LEVEL: "info", SHUTDOWN_DRAIN_MS: "30000" });
    const svc = await service({ ...env, CONCIERGE_LLM_MODEL: TOY_MODEL, CONCIERGE_LLM_THREADS: "1", CONCIERGE_LLM_SEQUENCES: "1", CONCIERGE_LLM_CONTEXT_SIZE: "2048" });
    await svc.waitForLog((l) => l.msg.startsWith("LLM ready"), 120_000);
    const writer = await chat(svc.port);
    const other = await chat(svc.port);
    const asked = "show me running shoes under 100";
    const turn = writer.send(asked);
    // The model is writing the reply when the signal arrives.
    await new Promise<void>((resolve) => writer.socket.once("reply:delta", () => resolve()));
    svc.process.kill("SIGTERM");
    await svc.waitForLog((l) => l.msg.startsWith("shutting down"), 10_000);

    const late = await other.send("hello");
    expect(late.reply.error?.code).toBe("shutting_down");
    await expect(connectChat(svc.port)).rejects.toThrow();
    const { reply, deltas } = await turn;
    expect(reply.error).toBeUndefined();
    expect(reply.text.length).toBeGreaterThan(0);
    expect(deltas.join("")).toBe(reply.text);
    expect(await svc.exited).toBe(0);

    // Started again on the same data: the finished turn is kept whole, the refused one not at all.
    const again = await service(env);
    const link = await fetch(`http://127.0.0.1:${again.port}/api/me/export`, { method: "POST", headers: { authorization: `Bearer ${writer.token}` } });
    const { url } = (await link.json()) as { url: string };
    const exported = (await (await fetch(url, { method: "POST" })).json()) as { messages: { role: string; text: string }[] };
    expect(exported.messages.map((m) => [m.role, m.text])).toEqual([
      ["user", asked],
      ["assistant", reply.text],
    ]);
    const link2 = await fetch(`http://127.0.0.1:${again.port}/api/me/export`, { method: "POST", headers: { authorization: `Bearer ${other.token}` } });
    const exported2 = (await (await fetch(((await link2.json()) as { url: string }).url, { method: "POST" })).json()) as { messages: unknown[] };
    expect(exported2.messages).toEqual([]);
  }, 420_000);
});
