import { readFileSync } from "node:fs";
import { buildManifest, COLOR_ICON, OUTLINE_ICON, type PackageOptions, parsePackageOptions } from "./manifest.ts";
import { zip } from "./zip.ts";

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url));

/**
 * The Teams app package: a ZIP with manifest.json and the two icons at its root, as Teams' admin
 * centre and Developer Portal take it. Throws a ValidationError naming the flag for bad options.
 */
export function buildTeamsPackage(options: Partial<PackageOptions>): { zip: Buffer; manifest: Record<string, unknown> } {
  const manifest = buildManifest(parsePackageOptions(options));
  const files = [
    { name: "manifest.json", data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: COLOR_ICON, data: asset(COLOR_ICON) },
    { name: OUTLINE_ICON, data: asset(OUTLINE_ICON) },
  ];
  return { zip: zip(files), manifest };
}
