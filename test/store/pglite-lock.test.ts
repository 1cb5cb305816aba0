import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createStore } from "../../store/index.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "concierge-lock-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A process that runs until killed: its pid stands for another service holding the store. */
function otherProcess() {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  return { pid: child.pid!, stop: () => new Promise((r) => child.once("exit", r).kill()) };
}

it("refuses the embedded store another live process holds, naming the admin import endpoints", async () => {
  const lock = path.join(dir, "held", "db.lock");
  const other = otherProcess();
  try {
    await mkdir(path.dirname(lock), { recursive: true });
    await writeFile(lock, String(other.pid));
    const store = createStore({ dataDir: path.join(dir, "held") });
    await expect(store.init()).rejects.toThrow(/open in another process \(pid \d+.*POST \/api\/admin\/catalog\/import/);
  } finally {
    await other.stop();
  }
});

it("takes over a lock its holder left behind when it died, and releases it on close", async () => {
  const dataDir = path.join(dir, "stale");
  const other = otherProcess();
  const pid = other.pid;
  await other.stop();
  await mkdir(dataDir, { recursive: true });
  await writeFile(path.join(dataDir, "db.lock"), String(pid));
  const store = createStore({ dataDir });
  await store.init();
  expect(existsSync(path.join(dataDir, "db.lock"))).toBe(true);
  await store.close();
  expect(existsSync(path.join(dataDir, "db.lock"))).toBe(false);
}, 60_000);
