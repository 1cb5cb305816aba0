import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../../core/config.ts";
import { ValidationError } from "../../core/errors.ts";
import { parseInput } from "../../core/validation.ts";
import { storeFor, type Experiment } from "../../store/index.ts";
import type { ExperimentReport } from "./report.ts";
import { createExperimentSchema } from "./schemas.ts";
import { isRankingStrategy, STRATEGY_HELP } from "../ranking/strategies.ts";
import { Experiments } from "./service.ts";

const USAGE = `usage: concierge experiments create --name NAME --variant SPEC --variant SPEC … [--id ID] [--metric click|cart|purchase] [--description TEXT] [--json]
       concierge experiments create --file experiment.json [--json]
       concierge experiments list [--json]
       concierge experiments report ID [--json]
       concierge experiments stop ID [--json]

A/B experiments in the store configured by CONCIERGE_DATA_DIR / DATABASE_URL (the service's admin
API at /api/admin/experiments sees the same ones).

  --variant SPEC  NAME[:WEIGHT][:ranking=STRATEGY | :copy=TEXT], e.g. "control", "blend:2:ranking=blend",
                  "warm:copy=Hello again!"; the first variant is the control; weight defaults to 1
  --metric M      the conversion the verdict is about (default click: the CTR)
  --file F        a JSON experiment as POST /api/admin/experiments takes it
  --json          print JSON on stdout

Shoppers are assigned by a hash of (experiment id, shopper id): the same shopper always sees the
same variant, on every replica. Exposures and conversions arrive at POST /api/experiments/ID/events.
`;

/** "blend:2:ranking=blend" → {name: "blend", weight: 2, config: {ranking: "blend"}}; copy text may contain colons. */
export function parseVariantSpec(spec: string): { name: string; weight?: number; config: { ranking?: string; copy?: string } } {
  const parts = spec.split(":");
  const out: { name: string; weight?: number; config: { ranking?: string; copy?: string } } = { name: parts[0]!.trim(), config: {} };
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    if (/^\s*\d+(\.\d+)?\s*$/.test(part) && out.weight === undefined && !out.config.ranking && out.config.copy === undefined) out.weight = Number(part);
    else if (part.startsWith("ranking=")) out.config.ranking = part.slice("ranking=".length);
    else if (part.startsWith("copy=")) {
      out.config.copy = parts.slice(i).join(":").slice("copy=".length);
      break;
    } else throw new ValidationError(`--variant "${spec}": cannot read "${part}"; expected NAME[:WEIGHT][:ranking=STRATEGY | :copy=TEXT]`);
  }
  return out;
}

function specFrom(values: { name?: string; variant?: string[]; id?: string; metric?: string; description?: string; file?: string }): unknown {
  if (values.file) {
    if (values.name || values.variant?.length) throw new ValidationError("--file: give either --file or --name/--variant, not both");
    try {
      return JSON.parse(readFileSync(values.file, "utf8"));
    } catch (err) {
      throw new ValidationError(`--file: cannot read ${values.file} as JSON (${(err as Error).message})`);
    }
  }
  return {
    ...(values.id ? { id: values.id } : {}),
    name: values.name,
    ...(values.description ? { description: values.description } : {}),
    ...(values.metric ? { primaryMetric: values.metric } : {}),
    variants: (values.variant ?? []).map(parseVariantSpec),
  };
}

/** `concierge experiments create|list|report|stop …` */
export async function experimentsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!sub || sub === "-h" || sub === "--help" || sub === "help") {
    process.stderr.write(USAGE);
    return sub ? 0 : 2;
  }
  if (!["create", "list", "report", "stop"].includes(sub)) {
    process.stderr.write(`unknown experiments command: ${sub}\n${USAGE}`);
    return 2;
  }
  let values: { name?: string; variant?: string[]; id?: string; metric?: string; description?: string; file?: string; json?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: {
        name: { type: "string" },
        variant: { type: "string", multiple: true },
        id: { type: "string" },
        metric: { type: "string" },
        description: { type: "string" },
        file: { type: "string" },
        json: { type: "boolean" },
      },
      allowPositionals: true,
      strict: true,
    }));
    const wantsId = sub === "report" || sub === "stop";
    if (wantsId && positionals.length !== 1) throw new Error(`experiments ${sub} takes one experiment id`);
    if (!wantsId && positionals.length) throw new Error(`unexpected argument: ${positionals[0]}`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }

  // A bad spec is refused before the store is opened: quicker, and nothing half-done.
  const spec = sub === "create" ? parseInput(createExperimentSchema, specFrom(values), "experiment") : undefined;
  const config = loadConfig();
  const store = storeFor(config);
  const out = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  try {
    await store.init();
    const experiments = new Experiments({ store, rankingStrategies: isRankingStrategy, strategyHelp: STRATEGY_HELP });
    switch (sub) {
      case "create": {
        const created = await experiments.create(spec);
        out(values.json ? JSON.stringify(created, null, 2) : `created ${describe(created)}`);
        return 0;
      }
      case "list": {
        const all = await experiments.list();
        if (values.json) out(JSON.stringify(all, null, 2));
        else out(all.length ? all.map(describe).join("\n") : "no experiments yet");
        return 0;
      }
      case "report": {
        const report = await experiments.report(positionals[0]!);
        out(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
        return 0;
      }
      default: {
        const stopped = await experiments.stop(positionals[0]!);
        out(values.json ? JSON.stringify(stopped, null, 2) : `stopped ${describe(stopped)}`);
        return 0;
      }
    }
  } finally {
    await store.close();
  }
}

function describe(e: Experiment): string {
  const variants = e.variants
    .map((v) => {
      const config = [v.config.ranking && `ranking=${v.config.ranking}`, v.config.copy && `copy="${v.config.copy.slice(0, 30)}"`].filter(Boolean).join(" ");
      return `${v.name} ×${v.weight}${config ? ` (${config})` : ""}`;
    })
    .join(", ");
  return `${e.id} "${e.name}" [${e.status}] since ${new Date(e.startedAt).toISOString()}: ${variants}; metric ${e.primaryMetric}`;
}

export function formatReport(r: ExperimentReport): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const lines = [`${r.experiment.id} "${r.experiment.name}" [${r.experiment.status}]`, `verdict: ${r.verdict}`, ""];
  lines.push(`${"variant".padEnd(16)} ${"exposed".padStart(8)}  ${["click", "cart", "purchase"].map((m) => `${m} rate [95% CI]`.padEnd(28)).join(" ")}`);
  for (const v of r.variants) {
    const cells = (["click", "cart", "purchase"] as const).map((m) => {
      const x = v.metrics[m];
      return `${x.conversions} ${pct(x.rate)} [${pct(x.ci95.low)}, ${pct(x.ci95.high)}]`.padEnd(28);
    });
    lines.push(`${`${v.name}${v.control ? " (control)" : ""}`.padEnd(16)} ${String(v.exposures).padStart(8)}  ${cells.join(" ")}`);
  }
  lines.push("");
  for (const c of r.comparisons) lines.push(`${c.metric.padEnd(8)} ${c.variant} vs ${c.control}: z=${c.z.toFixed(2)}, p=${c.pValue.toPrecision(3)} — ${c.verdict}`);
  if (r.unexposedConversions) lines.push(`(${r.unexposedConversions} conversions from shoppers never exposed were not counted)`);
  return lines.join("\n");
}
