import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readReviewLog } from "../../intents/review/index.ts";
import { localServiceEnv } from "../services.ts";
import { type ChatClient, connectChat } from "./client.ts";
import { type ServiceProcess, startService } from "./process.ts";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

// Gift wrapping is something shops are asked about and the shipped intent data does not teach; this
// shop files it under shipping. Either way its documents answer it (the demo's gift-wrapping page),
// so what changes is the intent the turn is answered as, which /metrics counts.
const taught = [
  "can you gift wrap my order",
  "is gift wrapping available",
  "could you wrap it as a present",
  "do you offer gift wrap",
  "I would like it gift wrapped",
  "can it be wrapped as a gift",
  "gift wrapping options",
  "do you wrap presents",
  "is there a gift wrap service",
];
const heldOut = "do you gift wrap";

/**
 * The loop that learns from the shop, on the service as deployed: a message it is unsure of is kept
 * for review, the shop labels lines with `concierge nlu add`, and the running service retrains in
 * the background and answers with the new classifier — without a restart and without pausing.
 */
describe("learning from the shop's own labelled lines", () => {
  let dataDir: string;
  let service: ServiceProcess;
  let client: ChatClient;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "concierge-learn-"));
    service = await startService({ ...localServiceEnv(dataDir), LOG_LEVEL: "info", CONCIERGE_QUIET: "1" });
    client = await connectChat(service.port);
  }, 240_000);

  afterAll(async () => {
    client?.close();
    await service?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps what it was unsure of, learns the shop's lines in the background and answers with them", async () => {
    const answeredAsShipping = async () => {
      const text = await (await fetch(`http://127.0.0.1:${service.port}/metrics`)).text();
      return Number(/concierge_turns_total\{channel="socket",intent="shipping"\} (\d+)/.exec(text)?.[1] ?? 0);
    };
    const shipping = await answeredAsShipping();
    const before = (await client.send(heldOut)).reply.text;
    expect(before.length).toBeGreaterThan(0);
    expect(await answeredAsShipping()).toBe(shipping);
    await client.send(taught[0]!);

    // Kept for review: the service writes it after the reply, never before.
    for (let i = 0; i < 50 && !readReviewLog(dataDir).some((item) => item.text === heldOut); i++) await new Promise((r) => setTimeout(r, 100));
    const review = async () => JSON.parse((await run(process.execPath, ["bin/concierge.js", "nlu", "review", "--json"], { cwd: root, env: { ...process.env, CONCIERGE_DATA_DIR: dataDir } })).stdout);
    expect((await review()).groups.some((g: { examples: string[] }) => g.examples.includes(heldOut))).toBe(true);

    const file = path.join(dataDir, "labelled.jsonl");
    writeFileSync(file, taught.map((text) => JSON.stringify({ text, intent: "shipping" })).join("\n"));
    const from = service.logs.length;
    const added = await run(process.execPath, ["bin/concierge.js", "nlu", "add", file, "--json"], { cwd: root, env: { ...process.env, CONCIERGE_DATA_DIR: dataDir } });
    expect(JSON.parse(added.stdout)).toMatchObject({ added: taught.length });

    // While it trains, the service answers as before, at once.
    const during = await client.send("what is your return policy");
    expect(during.reply.text.length).toBeGreaterThan(0);
    // Retraining on all shipped lines takes ~1 CPU-minute quiet; a loaded 2-core machine took over 3.
    const updated = await service.waitForLog((l) => l.msg === "intent classifier updated with the shop's own lines", 420_000, from);
    // Trained here, or found in the store or CONCIERGE_CACHE_DIR when these very lines were learnt before.
    expect(updated).toMatchObject({ shopLines: taught.length });
    expect(service.logs.slice(from).some((l) => l.msg.includes("shipping") && l.level >= 50)).toBe(false);

    const afterShipping = await answeredAsShipping();
    expect((await client.send(heldOut)).reply.text.length).toBeGreaterThan(0);
    expect(await answeredAsShipping()).toBe(afterShipping + 1);
    // What the shop labelled no longer waits for review; what it did not label still does.
    const after = (await review()).groups.flatMap((g: { examples: string[] }) => g.examples);
    expect(after.filter((text: string) => taught.includes(text))).toEqual([]);
    expect(after).toContain(heldOut);
  }, 480_000);
});
