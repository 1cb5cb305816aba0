import { writeFileSync } from "node:fs";
import path from "node:path";
import { ValidationError } from "../../core/errors.ts";
import type { PackageOptions } from "./manifest.ts";
import { buildTeamsPackage } from "./package.ts";

const USAGE = `usage: concierge teams package --app-id ID --host HOST [--out concierge-teams.zip]
    [--name NAME] [--developer NAME] [--website URL] [--privacy URL] [--terms URL] [--app-version X.Y.Z]
  --app-id       the Azure Bot's Microsoft App ID (MICROSOFT_APP_ID): the Teams app and its bot share it
  --host         the public host name /api/messages is served at, e.g. shop.example.com
  --out          where to write the package (default concierge-teams.zip)
  --website, --privacy, --terms   the developer's pages (default https://HOST/)
  --app-version  raise it for every update you upload (default 1.0.0)
Upload the ZIP in Teams (Apps → Manage your apps → Upload an app) or the Developer Portal: docs/teams.md
`;

const FLAGS: Record<string, keyof PackageOptions | "out"> = {
  "--app-id": "appId",
  "--host": "host",
  "--out": "out",
  "--name": "name",
  "--developer": "developer",
  "--website": "website",
  "--privacy": "privacy",
  "--terms": "terms",
  "--app-version": "appVersion",
};

function parseArgs(args: string[]): Partial<PackageOptions> & { out: string; help?: boolean } {
  const parsed: Partial<PackageOptions> & { out: string; help?: boolean } = { out: "concierge-teams.zip" };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "-h" || arg === "--help") return { ...parsed, help: true };
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const key = Object.hasOwn(FLAGS, flag) ? FLAGS[flag] : undefined;
    if (!key) throw new ValidationError(`${arg}: unknown ${arg.startsWith("-") ? "option" : "argument"}`);
    const value = inline ?? args[++i];
    if (value === undefined || (inline === undefined && value.startsWith("--"))) throw new ValidationError(`${flag}: needs a value`);
    parsed[key] = value;
  }
  return parsed;
}

/**
 * `concierge teams package`: writes the Teams app package for this service's bot. Exit 0 when
 * written, 2 for a bad or missing flag (the message names it), 1 when the file cannot be written.
 */
export async function teamsPackage(args: string[]): Promise<number> {
  let built: ReturnType<typeof buildTeamsPackage>;
  let out: string;
  try {
    const options = parseArgs(args);
    if (options.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    out = path.resolve(options.out);
    built = buildTeamsPackage(options);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    process.stderr.write(`error: ${err.message}\n${USAGE}`);
    return 2;
  }
  try {
    writeFileSync(out, built.zip);
  } catch (err) {
    process.stderr.write(`error: --out: could not write ${out}: ${(err as Error).message}\n`);
    return 1;
  }
  const m = built.manifest as { manifestVersion: string; id: string; validDomains: string[] };
  process.stdout.write(
    `wrote ${out} (${built.zip.length} bytes): Teams app manifest ${m.manifestVersion}, app and bot id ${m.id}, host ${m.validDomains[0]}\n` +
      "next: upload it in Teams (Apps → Manage your apps → Upload an app) or the Teams Developer Portal; see docs/teams.md\n",
  );
  return 0;
}
