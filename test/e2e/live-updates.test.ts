import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropTestSchema, localServiceEnv, requireServiceUrl, testSchemaName } from "../services.ts";
import { type ChatClient, connectChat } from "./client.ts";
import { type ServiceProcess, startService } from "./process.ts";

const databaseUrl = requireServiceUrl("CONCIERGE_TEST_DATABASE_URL");
const redisUrl = requireServiceUrl("CONCIERGE_TEST_REDIS_URL");
const root = path.resolve(import.meta.dirname, "../..");

/** `concierge …` as a shop runs it from a shell: a process of its own. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, "bin/concierge.js"), ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

type Sent = Awaited<ReturnType<ChatClient["send"]>>;

/**
 * Asks `question` again and again (as shoppers would keep chatting) until `answered` says the reply
 * is the new one, for up to `withinMs`; every turn meanwhile must be answered, never an error.
 */
async function askUntil(client: ChatClient, question: string, answered: (s: Sent) => boolean, withinMs = 30_000): Promise<{ turns: Sent[]; found: Sent | undefined }> {
  const turns: Sent[] = [];
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    const sent = await client.send(question);
    turns.push(sent);
    if (answered(sent)) return { turns, found: sent };
    await new Promise((r) => setTimeout(r, 300));
  }
  return { turns, found: undefined };
}

const LANTERN = { id: "live-lantern-1", title: "Zephyrine Aurora Lantern", category: "camping", brand: "Glowcraft", price: 42, currency: "EUR", description: "A rechargeable lantern with an aurora light show." };
const ENGRAVING = "# Engraving\n\nWe engrave knives, flasks and lanterns with up to 20 letters, free of charge, within 2 working days.\n";
const hasLantern = (s: Sent) => s.reply.products.some((p) => p.id === LANTERN.id);
const hasEngraving = (s: Sent) => /engrave/i.test(s.reply.text) && (s.reply.sources ?? []).some((src) => /Engraving/.test(src.title));

describe.skipIf(!databaseUrl || !redisUrl)("imports reach running replicas without a restart (PostgreSQL + Redis)", () => {
  const schema = testSchemaName("live");
  const dirs: string[] = [];
  const replicas: ServiceProcess[] = [];
  const clients: ChatClient[] = [];
  let shared: Record<string, string>;

  beforeAll(async () => {
    shared = { DATABASE_URL: databaseUrl!, DATABASE_SCHEMA: schema, REDIS_URL: redisUrl!, CONCIERGE_QUIET: "1" };
    for (let i = 0; i < 2; i++) {
      const dir = await mkdtemp(path.join(tmpdir(), "concierge-live-"));
      dirs.push(dir);
      // One after the other: the first imports the demo catalogue into the shared database.
      replicas.push(await startService({ ...localServiceEnv(dir, shared), LOG_LEVEL: "info" }));
    }
  }, 300_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all(replicas.map((r) => r.stop()));
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    await dropTestSchema(databaseUrl!, schema);
  });

  it("a product imported with `concierge catalog import` is found on both replicas within 30 s, every turn meanwhile answered", async () => {
    const connected = await Promise.all(replicas.map((r) => connectChat(r.port)));
    clients.push(...connected);
    for (const c of connected) expect(hasLantern(await c.send("show me a zephyrine aurora lantern"))).toBe(false);
    const file = path.join(dirs[0]!, "new.jsonl");
    await writeFile(file, `${JSON.stringify(LANTERN)}\n`);
    const imported = await cli(["catalog", "import", file, "--json"], { ...localServiceEnv(dirs[0]!, shared), LOG_LEVEL: "warn" });
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout).added).toBe(1);
    for (const c of connected) {
      const { turns, found } = await askUntil(c, "show me a zephyrine aurora lantern", hasLantern);
      expect(found, "the new product was not found within 30 s").toBeDefined();
      for (const t of turns) {
        expect(t.reply.error).toBeUndefined();
        expect(t.reply.text.length).toBeGreaterThan(0);
      }
    }
  }, 120_000);

  it("a document imported with `concierge kb import` answers on both replicas within 30 s", async () => {
    const connected = await Promise.all(replicas.map((r) => connectChat(r.port)));
    clients.push(...connected);
    for (const c of connected) expect(hasEngraving(await c.send("do you offer engraving?"))).toBe(false);
    const file = path.join(dirs[1]!, "engraving.md");
    await writeFile(file, ENGRAVING);
    const imported = await cli(["kb", "import", file, "--json"], { ...localServiceEnv(dirs[1]!, shared), LOG_LEVEL: "warn" });
    expect(imported.code, imported.stderr).toBe(0);
    for (const c of connected) {
      const { turns, found } = await askUntil(c, "do you offer engraving?", hasEngraving);
      expect(found, "the new document's answer did not come within 30 s").toBeDefined();
      expect(found!.reply.text).toMatch(/20 letters/);
      for (const t of turns) expect(t.reply.error).toBeUndefined();
    }
  }, 120_000);
});

describe.skipIf(!databaseUrl)("without Redis, the store's change marker alone carries an import (PostgreSQL)", () => {
  const schema = testSchemaName("livepoll");
  let dir: string;
  let service: ServiceProcess;
  let client: ChatClient | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-livepoll-"));
    env = localServiceEnv(dir, { DATABASE_URL: databaseUrl!, DATABASE_SCHEMA: schema, CONCIERGE_QUIET: "1", CONCIERGE_LIVE_POLL_MS: "1000", LOG_LEVEL: "info" });
    service = await startService(env);
  }, 300_000);

  afterAll(async () => {
    client?.close();
    await service?.stop();
    await rm(dir, { recursive: true, force: true });
    await dropTestSchema(databaseUrl!, schema);
  });

  it("finds the product imported by the CLI within 30 s", async () => {
    client = await connectChat(service.port);
    expect(hasLantern(await client.send("show me a zephyrine aurora lantern"))).toBe(false);
    const file = path.join(dir, "new.jsonl");
    await writeFile(file, `${JSON.stringify(LANTERN)}\n`);
    const imported = await cli(["catalog", "import", file], { ...env, LOG_LEVEL: "warn" });
    expect(imported.code, imported.stderr).toBe(0);
    const { turns, found } = await askUntil(client, "show me a zephyrine aurora lantern", hasLantern);
    expect(found, "the new product was not found within 30 s").toBeDefined();
    for (const t of turns) expect(t.reply.error).toBeUndefined();
  }, 120_000);
});

describe("the embedded store while the service holds it", () => {
  let dir: string;
  let service: ServiceProcess;
  let client: ChatClient | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-livepglite-"));
    service = await startService({ ...localServiceEnv(dir), CONCIERGE_QUIET: "1", LOG_LEVEL: "info" });
  }, 300_000);

  afterAll(async () => {
    client?.close();
    await service?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("`concierge catalog import` and `kb import` refuse to open it, pointing to the admin endpoints, and the service carries on", async () => {
    const file = path.join(dir, "new.jsonl");
    await writeFile(file, `${JSON.stringify(LANTERN)}\n`);
    const catalogue = await cli(["catalog", "import", file], { ...localServiceEnv(dir), LOG_LEVEL: "warn" });
    expect(catalogue.code).toBe(1);
    expect(catalogue.stderr).toMatch(/store_in_use/);
    expect(catalogue.stderr).toMatch(/POST \/api\/admin\/catalog\/import/);
    const doc = path.join(dir, "engraving.md");
    await writeFile(doc, ENGRAVING);
    const kb = await cli(["kb", "import", doc], { ...localServiceEnv(dir), LOG_LEVEL: "warn" });
    expect(kb.code).toBe(1);
    expect(kb.stderr).toMatch(/POST \/api\/admin\/kb\/import/);
    // The store was not touched: the service still reads and writes it.
    client = await connectChat(service.port);
    const { reply } = await client.send("show me running shoes");
    expect(reply.error).toBeUndefined();
    expect(reply.products.length).toBeGreaterThan(0);
  }, 120_000);
});
