import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { settingSchemas } from "../../core/config.ts";

const root = path.resolve(import.meta.dirname, "../..");
/** Not product code: tests, benchmarks and their own switches, dependencies, the browser's files. */
const SKIP = new Set(["node_modules", "test", "bench", "web", "docs", "deploy", "data", ".git", ".ci"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    if (d.name.startsWith(".") || SKIP.has(d.name)) return [];
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(full);
    return /\.(ts|js|mjs|cjs)$/.test(d.name) ? [full] : [];
  });
}

/** Variables a file reads: `process.env.X`, `env.X`, `env["X"]`, `readSetting("X")`. */
function variablesRead(text: string): string[] {
  const found = text.matchAll(/\benv(?:\?)?\.([A-Z][A-Z0-9_]+)\b|\benv\[\s*["'`]([A-Z][A-Z0-9_]+)["'`]\s*\]|\breadSetting\(\s*["']([A-Z][A-Z0-9_]+)["']/g);
  return [...found].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

describe("every environment variable the product reads is in the schema", () => {
  it("finds reads in the forms the code uses", () => {
    expect(variablesRead('const a = process.env.NEW_THING; f(env["OTHER_ONE"]); readSetting("THIRD")')).toEqual(["NEW_THING", "OTHER_ONE", "THIRD"]);
  });

  it("documents each one (declare it with setting(...) in core/config.ts, then npm run config:docs)", () => {
    const files = sourceFiles(root);
    expect(files.some((f) => f.endsWith(path.join("core", "progress.ts")))).toBe(true);
    const undocumented: string[] = [];
    const seen = new Set<string>();
    for (const file of files) {
      for (const name of variablesRead(readFileSync(file, "utf8"))) {
        seen.add(name);
        if (!(name in settingSchemas)) undocumented.push(`${name} (${path.relative(root, file)})`);
      }
    }
    expect(undocumented).toEqual([]);
    // The scan sees the switches read outside loadConfig, so it is looking at the right code.
    expect([...seen]).toEqual(expect.arrayContaining(["CONCIERGE_QUIET", "CONCIERGE_CACHE_DIR", "LOG_LEVEL"]));
  });
});
