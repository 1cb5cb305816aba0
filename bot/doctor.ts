import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, statfsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { createClient } from "redis";
import { type Config, loadConfig, voiceSettingsFromEnv } from "../core/config.ts";
import { modelStatuses } from "../core/models-cli.ts";
import { DEFAULT_HMM } from "../voice/index.ts";

/** One finding: `fail` stops the service or a configured feature from working; `warn` degrades it. */
export interface Check {
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  /** What to do about it, when there is something to do. */
  fix?: string;
}

/** What the checks read from the machine; tests replace single probes. */
export interface DoctorProbes {
  nodeVersion: string;
  hasProgram: (name: string) => boolean;
  exists: (file: string) => boolean;
  freeBytes: (dir: string) => number | undefined;
  writable: (dir: string) => boolean;
  queryPostgres: (url: string) => Promise<void>;
  pingRedis: (url: string) => Promise<void>;
  resolvePackage: (name: string) => boolean;
}

const TIMEOUT_MS = 5000;

export const machineProbes: DoctorProbes = {
  nodeVersion: process.versions.node,
  hasProgram: (name) => {
    try {
      execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  },
  exists: existsSync,
  freeBytes: (dir) => {
    try {
      const stats = statfsSync(dir);
      return stats.bavail * stats.bsize;
    } catch {
      return undefined;
    }
  },
  writable: (dir) => {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  queryPostgres: async (url) => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS, query_timeout: TIMEOUT_MS });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("select 1");
    } finally {
      await client.end().catch(() => undefined);
    }
  },
  pingRedis: async (url) => {
    const client = createClient({ url, socket: { connectTimeout: TIMEOUT_MS, reconnectStrategy: false } });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.ping();
    } finally {
      await client.close().catch(() => undefined);
    }
  },
  resolvePackage: (name) => {
    try {
      createRequire(import.meta.url).resolve(`${name}/package.json`);
      return true;
    } catch {
      return false;
    }
  },
};

const VOICE_PACKAGES = [
  { program: "flite", pkg: "flite", does: "English speech" },
  { program: "espeak-ng", pkg: "espeak-ng", does: "Mandarin speech and spelling out unknown words" },
  { program: "pocketsphinx_batch", pkg: "pocketsphinx", does: "the built-in recogniser" },
  { program: "sox", pkg: "sox libsox-fmt-mp3", does: "reading FLAC, Ogg and MP3 files (concierge stt, voice eval)" },
];
const MIN_FREE_BYTES = 1e9;

function nodeCheck(version: string): Check {
  const major = Number(version.split(".")[0]);
  if (major < 20) return { name: "node", status: "fail", detail: `Node ${version}`, fix: "install Node 22 LTS (Node 20 is the oldest that runs Concierge)" };
  if (major < 22) return { name: "node", status: "warn", detail: `Node ${version} runs Concierge, but Node 20 reached end of life on 2026-04-30`, fix: "move to Node 22 LTS" };
  return { name: "node", status: "ok", detail: `Node ${version}` };
}

function voiceChecks(probes: DoctorProbes, voiceMode: string): Check[] {
  // With voice off nothing needs the packages: a missing one is worth knowing, not a failure.
  const missingStatus = voiceMode === "off" ? "warn" : "fail";
  const offHint = voiceMode === "off" ? "" : " (or CONCIERGE_VOICE=off to run without the kiosk and phone line)";
  const checks: Check[] = VOICE_PACKAGES.map(({ program, pkg, does }) =>
    probes.hasProgram(program)
      ? { name: program, status: "ok", detail: `found (${does})` }
      : { name: program, status: missingStatus, detail: `not found: needed for ${does}`, fix: `sudo apt-get install -y --no-install-recommends ${pkg}${offHint}` },
  );
  checks.push(
    probes.exists(DEFAULT_HMM)
      ? { name: "pocketsphinx model", status: "ok", detail: DEFAULT_HMM }
      : { name: "pocketsphinx model", status: missingStatus, detail: `${DEFAULT_HMM} is missing`, fix: `sudo apt-get install -y --no-install-recommends pocketsphinx-en-us${offHint}` },
  );
  checks.push(
    probes.resolvePackage("@fugood/whisper.node")
      ? { name: "whisper", status: "ok", detail: "@fugood/whisper.node is installed (the recogniser for real customers and for Chinese)" }
      : {
          name: "whisper",
          status: "warn",
          detail: "not installed: the built-in recogniser is for demos and tests, and cannot hear Chinese",
          fix: "npm install (it is an optional dependency; this platform may have no build of it), then npx concierge models pull whisper",
        },
  );
  return checks;
}

async function reach(name: string, what: string, probe: () => Promise<void>, fix: string): Promise<Check> {
  try {
    await probe();
    return { name, status: "ok", detail: `${what} answers` };
  } catch (err) {
    return { name, status: "fail", detail: `${what} cannot be reached: ${(err as Error).message || String(err)}`, fix };
  }
}

/** Every check, in the order a person would fix them. */
export async function runChecks(env: NodeJS.ProcessEnv = process.env, probes: DoctorProbes = machineProbes): Promise<Check[]> {
  const checks: Check[] = [nodeCheck(probes.nodeVersion)];
  let config: Config;
  try {
    config = loadConfig(env);
    checks.push({ name: "configuration", status: "ok", detail: "every environment variable is valid" });
  } catch (err) {
    checks.push({ name: "configuration", status: "fail", detail: (err as Error).message, fix: "correct the variable named (docs/configuration.md)" });
    return checks;
  }
  let voiceMode = "lazy";
  try {
    voiceMode = voiceSettingsFromEnv(env).service;
  } catch (err) {
    checks.push({ name: "voice configuration", status: "fail", detail: (err as Error).message, fix: "correct the variable named (voice/README.md)" });
  }
  checks.push(...voiceChecks(probes, voiceMode));

  const dataDir = config.dataDir;
  if (!probes.writable(dataDir)) {
    checks.push({ name: "data folder", status: "fail", detail: `${dataDir} cannot be written`, fix: "set CONCIERGE_DATA_DIR to a folder this user can write" });
  } else {
    const free = probes.freeBytes(dataDir);
    const gb = free === undefined ? "unknown" : `${(free / 1e9).toFixed(1)} GB free`;
    checks.push(
      free !== undefined && free < MIN_FREE_BYTES
        ? { name: "data folder", status: "warn", detail: `${dataDir}: ${gb}`, fix: "free some disk: indexes, the model cache and the embedded database live here" }
        : { name: "data folder", status: "ok", detail: `${dataDir}: ${gb}` },
    );
  }

  checks.push(
    config.databaseUrl
      ? await reach("database", "PostgreSQL", () => probes.queryPostgres(config.databaseUrl!), "check DATABASE_URL, that PostgreSQL runs and accepts this host")
      : { name: "database", status: "ok", detail: `embedded (PGlite in ${path.join(dataDir, "db")}); set DATABASE_URL for PostgreSQL` },
  );
  checks.push(
    config.redisUrl
      ? await reach("redis", "Redis", () => probes.pingRedis(config.redisUrl!), "check REDIS_URL and that Redis runs; without it each replica runs alone")
      : { name: "redis", status: "ok", detail: "not configured (one replica; set REDIS_URL to run several)" },
  );

  for (const model of await modelStatuses(env)) {
    if (!model.configured) continue;
    checks.push(
      model.present
        ? { name: `model ${model.id}`, status: "ok", detail: `${model.kind}: ${model.dir} (${model.source})` }
        : {
            name: `model ${model.id}`,
            status: "warn",
            detail: `${model.kind}: not present — the built-in tier answers instead`,
            fix: `npx concierge models pull ${model.id} (or copy it into CONCIERGE_MODELS_DIR)`,
          },
    );
  }
  return checks;
}

const MARK = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;

/** `concierge doctor [--json]`: exit 1 when anything fails, so scripts can gate on it. */
export async function doctorCommand(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== "--json");
  if (unknown.length) {
    process.stderr.write(`error: unexpected argument ${unknown[0]}\nusage: concierge doctor [--json]\n`);
    return 2;
  }
  const checks = await runChecks();
  const failed = checks.some((c) => c.status === "fail");
  if (args.includes("--json")) {
    process.stdout.write(`${JSON.stringify({ ok: !failed, checks }, null, 2)}\n`);
  } else {
    for (const c of checks) process.stdout.write(`${MARK[c.status]}  ${c.name}: ${c.detail}${c.fix ? `\n        → ${c.fix}` : ""}\n`);
    process.stdout.write(failed ? "\nSome checks failed: fix them (→) and run `concierge doctor` again.\n" : "\nReady to run `npm start`.\n");
  }
  return failed ? 1 : 0;
}
