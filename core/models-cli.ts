import path from "node:path";
import { loadConfig } from "./config.ts";
import { ConciergeError } from "./errors.ts";
import { configuredModels, downloadModel, findLocalModel, MODEL_REGISTRY, type ModelSpec, modelCacheDir, modelSpecFor } from "./models.ts";

/** Where a command writes and what environment it reads; tests pass their own. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

const PULL_USAGE = `usage: concierge models pull [ID…] [--models-dir DIR]
  Downloads models ahead of time from CONCIERGE_MODEL_HUB. With no ID, the models this
  configuration uses (CONCIERGE_EMBEDDING_MODEL, …). Files land in ./data/models/<ID>
  (CONCIERGE_DATA_DIR), or in DIR/<ID> with --models-dir — copy DIR to an air-gapped machine
  and set CONCIERGE_MODELS_DIR=DIR there.`;

const LIST_USAGE = `usage: concierge models list [--json]
  Every model Concierge knows or is configured to use, its kind, and whether and where it is present.`;

function parseFlags(args: string[], valued: string[], bare: string[]): { positional: string[]; flags: Map<string, string | true> } | string {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-")) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (bare.includes(name)) flags.set(name, true);
    else if (valued.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === "") return `${name} needs a value`;
      flags.set(name, value);
    } else return `unknown option ${name}`;
  }
  return { positional, flags };
}

const size = (bytes: number) => (bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`);

/** `concierge models pull [ID…] [--models-dir DIR]`: exit 0 when every model is present afterwards. */
export async function modelsPull(args: string[], io: CliIo = processIo): Promise<number> {
  const parsed = parseFlags(args, ["--models-dir"], ["-h", "--help"]);
  if (typeof parsed === "string") {
    io.err(`error: ${parsed}\n${PULL_USAGE}`);
    return 2;
  }
  if (parsed.flags.has("-h") || parsed.flags.has("--help")) {
    io.out(PULL_USAGE);
    return 0;
  }
  const config = loadConfig(io.env);
  const target = parsed.flags.get("--models-dir");
  const targetDir = typeof target === "string" ? path.resolve(target) : undefined;

  let specs: ModelSpec[];
  try {
    specs = parsed.positional.length ? parsed.positional.map(modelSpecFor) : configuredModels(config);
  } catch (err) {
    io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  if (!specs.length) {
    io.out("no models to pull: every downloaded model is turned off (CONCIERGE_EMBEDDING_MODEL=none)");
    return 0;
  }

  let failures = 0;
  for (const spec of specs) {
    // With --models-dir the point is a folder to carry elsewhere, so only that folder counts as "present".
    const where = targetDir ? { modelsDir: targetDir, dataDir: config.dataDir } : { modelsDir: config.modelsDir, dataDir: config.dataDir };
    try {
      const { found } = await findLocalModel(spec, where);
      if (found && (!targetDir || found.source === "models-dir")) {
        io.out(`${spec.id}: already present in ${found.dir} (${found.source})`);
        continue;
      }
      const dir = targetDir ? path.join(targetDir, ...spec.id.split("/")) : modelCacheDir(config.dataDir, spec.id);
      let bytes = 0;
      const got = await downloadModel(spec, dir, {
        hub: config.modelHub,
        onProgress: (p) => {
          if (p.totalBytes !== undefined && p.receivedBytes === p.totalBytes) bytes += p.totalBytes;
        },
      });
      io.out(`${spec.id}: downloaded to ${got.dir}${bytes ? ` (${size(bytes)})` : ""}`);
    } catch (err) {
      failures++;
      const message = err instanceof Error ? err.message : String(err);
      io.err(`error: could not pull ${spec.id}: ${message}`);
      if (!(err instanceof ConciergeError)) io.err("(unexpected error; see the cause above)");
    }
  }
  if (failures) io.err(`${failures} of ${specs.length} model(s) could not be pulled from ${config.modelHub}`);
  return failures ? 1 : 0;
}

export interface ModelStatus {
  id: string;
  kind: string;
  role?: string;
  /** Used by this configuration (rather than only known). */
  configured: boolean;
  present: boolean;
  source?: string;
  dir?: string;
  /** Where it looked when absent. */
  searched?: string[];
}

/** Presence of every known or configured model. */
export async function modelStatuses(env: NodeJS.ProcessEnv = process.env): Promise<ModelStatus[]> {
  const config = loadConfig(env);
  const configured = configuredModels(config);
  const specs = [...configured, ...MODEL_REGISTRY.filter((s) => !configured.some((c) => c.id === s.id))];
  const statuses: ModelStatus[] = [];
  for (const spec of specs) {
    const { found, searched } = await findLocalModel(spec, config);
    statuses.push({
      id: spec.id,
      kind: spec.kind,
      role: spec.defaultFor,
      configured: configured.includes(spec),
      present: Boolean(found),
      source: found?.source,
      dir: found?.dir,
      searched: found ? undefined : searched.map((s) => `${s.dir} (${s.problem})`),
    });
  }
  return statuses;
}

/** `concierge models list [--json]`. */
export async function modelsList(args: string[], io: CliIo = processIo): Promise<number> {
  const parsed = parseFlags(args, [], ["--json", "-h", "--help"]);
  if (typeof parsed === "string" || parsed.positional.length) {
    io.err(`error: ${typeof parsed === "string" ? parsed : `unexpected argument ${parsed.positional[0]}`}\n${LIST_USAGE}`);
    return 2;
  }
  if (parsed.flags.has("-h") || parsed.flags.has("--help")) {
    io.out(LIST_USAGE);
    return 0;
  }
  const statuses = await modelStatuses(io.env);
  if (parsed.flags.has("--json")) {
    io.out(JSON.stringify(statuses, null, 2));
    return 0;
  }
  const width = Math.max(5, ...statuses.map((s) => s.id.length));
  io.out(`${"MODEL".padEnd(width)}  ${"KIND".padEnd(18)}  ${"USED".padEnd(4)}  WHERE`);
  for (const s of statuses) {
    const where = s.present ? `${s.dir} (${s.source})` : "missing — `concierge models pull " + s.id + "` or CONCIERGE_MODELS_DIR";
    io.out(`${s.id.padEnd(width)}  ${s.kind.padEnd(18)}  ${(s.configured ? "yes" : "no").padEnd(4)}  ${where}`);
  }
  return 0;
}
