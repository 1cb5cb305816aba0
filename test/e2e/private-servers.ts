import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmdirSync, statfsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/**
 * A PostgreSQL cluster and a Redis of the test's own, on free loopback ports, so a fault test can
 * stop and restart them without touching the shared servers other tests use.
 */

const run = promisify(execFile);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The newest PostgreSQL server programs the distribution installed (Debian keeps them off PATH). */
function postgresBin(): string | undefined {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], "bin") : undefined;
}

export const canRunPrivatePostgres = postgresBin() !== undefined;

export interface PrivatePostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and removes the cluster. */
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error("no PostgreSQL server programs under /usr/lib/postgresql (apt install postgresql)");
  const dir = await mkdtemp(path.join(tmpdir(), "concierge-pg-"));
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const as = (program: string, args: string[]) => (asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, program), ...args]) : run(path.join(bin, program), args));
  const data = path.join(dir, "data");
  const port = await freePort();
  await as("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = async () => {
    await as("pg_ctl", ["-D", data, "-o", options, "-w", "-l", path.join(dir, "log"), "start"]);
  };
  const stop = async () => {
    await as("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateRedis {
  url: string;
  /** Kills it outright, as a crash would. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

/** A Redis on a port of its own; `running: false` only reserves the port, for a test that starts it later. */
export async function startPrivateRedis(options: { running?: boolean } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "inherit"] });
      child = server;
      const timer = setTimeout(() => reject(new Error("redis-server did not start within 10 s")), 10_000);
      server.once("error", reject);
      server.stdout!.on("data", (chunk: Buffer) => {
        if (chunk.toString().includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  const kill = async () => {
    const server = child;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    await new Promise((resolve) => {
      server.once("exit", resolve);
      server.kill("SIGKILL");
    });
  };
  if (options.running !== false) await start();
  return { url: `redis://127.0.0.1:${port}`, kill, start };
}

/** Whether this process may mount a filesystem (root with the privilege; not in most containers). */
export const canMountTmpfs = (() => {
  if (userInfo().uid !== 0) return false;
  const probe = mkdtempSync(path.join(tmpdir(), "concierge-mount-probe-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe], { stdio: "ignore" });
    execFileSync("umount", [probe], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  } finally {
    rmdirSync(probe);
  }
})();

export interface SmallDisk {
  /** Takes all its free space but `leaveBytes` with one file; resolves with that file's path. */
  fill(leaveBytes: number): Promise<string>;
  unmount(): Promise<void>;
}

/** A tmpfs of `size` mounted on `dir`: a disk the test can fill without filling the machine's. */
export async function mountTmpfs(dir: string, size: string): Promise<SmallDisk> {
  await run("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]);
  return {
    async fill(leaveBytes) {
      const { bavail, bsize } = statfsSync(dir);
      const file = path.join(dir, "filler");
      await run("fallocate", ["-l", String(Math.max(0, bavail * bsize - leaveBytes)), file]);
      return file;
    },
    async unmount() {
      await run("umount", [dir]).catch(() => run("umount", ["-l", dir]));
    },
  };
}
