import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

const root = path.resolve(import.meta.dirname, "../..");

/** One line of the service's JSON log. */
export type LogEntry = { level: number; msg: string } & Record<string, unknown>;

/** `concierge start` in a process of its own, as it is deployed, with its log and its exit at hand. */
export interface ServiceProcess {
  port: number;
  process: ChildProcess;
  logs: LogEntry[];
  stderr(): string;
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>;
  /** The first log line from line `from` on that `matches` says is the one, waiting for it up to `timeoutMs`. */
  waitForLog(matches: (entry: LogEntry) => boolean, timeoutMs?: number, from?: number): Promise<LogEntry>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit; SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

function spawnService(env: Record<string, string>, nodeArgs: string[] = []): Omit<ServiceProcess, "port"> {
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, "bin/concierge.js"), "start"], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const logs: LogEntry[] = [];
  const waiters = new Set<() => void>();
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      logs.push(JSON.parse(line) as LogEntry);
      for (const wake of waiters) wake();
    } catch {
      // progress bars and other text
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waitForLog = (matches: (entry: LogEntry) => boolean, timeoutMs = 30_000, from = 0) =>
    new Promise<LogEntry>((resolve, reject) => {
      const look = () => {
        const found = logs.slice(from).find(matches);
        if (!found) return false;
        waiters.delete(look);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(look);
        reject(new Error(`no such log line within ${timeoutMs} ms; the last ones: ${logs.slice(-5).map((l) => l.msg).join(" | ")}`));
      }, timeoutMs);
      if (!look()) waiters.add(look);
    });
  const stop = async (signal: NodeJS.Signals = "SIGTERM", graceMs = 30_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return { process: child, logs, stderr: () => stderr, exited, waitForLog, stop };
}

/** Starts the service; resolves once it listens and, unless `ready` is false, once /readyz says ready. */
/** `nodeArgs` go to node itself, e.g. --cpu-prof for a bench that profiles the service. */
export async function startService(env: Record<string, string>, options: { ready?: boolean; nodeArgs?: string[] } = {}): Promise<ServiceProcess> {
  const service = spawnService({ PORT: "0", ...env }, options.nodeArgs);
  const listening = service.waitForLog((l) => l.msg.startsWith("listening") && typeof l.port === "number", 60_000);
  const exitedFirst = service.exited.then((code) => {
    throw new Error(`the service exited with ${code} before listening: ${service.stderr().slice(-500)}`);
  });
  // Whichever loses the race is settled later, with nobody left to hear it.
  listening.catch(() => undefined);
  exitedFirst.catch(() => undefined);
  const port = (await Promise.race([listening, exitedFirst])).port as number;
  if (options.ready !== false) {
    for (let i = 0; ; i++) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (ready?.status === 200) break;
      if (service.process.exitCode !== null) throw new Error(`the service exited with ${service.process.exitCode} while loading: ${service.stderr().slice(-500)}`);
      if (i >= 300) throw new Error("the service did not become ready within 150 s");
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return { ...service, port };
}

/** Runs the service until it exits by itself (a start-up that fails), up to `timeoutMs`. */
export async function runUntilExit(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; stderr: string; logs: LogEntry[] }> {
  const service = spawnService({ PORT: "0", ...env });
  const timer = setTimeout(() => service.process.kill("SIGKILL"), timeoutMs);
  const code = await service.exited;
  clearTimeout(timer);
  return { code, stderr: service.stderr(), logs: service.logs };
}
