import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderEnvExample, withConfigTable } from "../../core/config-docs.ts";
import { loadConfig, settingSchemas } from "../../core/config.ts";

const root = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const names = Object.keys(settingSchemas);

/** `# NAME=value` lines of .env.example, read without the generator. */
function exampleLines(text: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const m of text.matchAll(/^# ([A-Z][A-Z0-9_]+)=(.*)$/gm)) lines.set(m[1]!, m[2]!);
  return lines;
}

describe("generated configuration docs", () => {
  it(".env.example is what the schema renders (else: run npm run config:docs)", () => {
    expect(read(".env.example"), "`.env.example` drifted from core/config.ts: run npm run config:docs").toBe(renderEnvExample());
  });

  it("docs/configuration.md's table is what the schema renders (else: run npm run config:docs)", () => {
    const doc = read("docs/configuration.md");
    expect(doc, "docs/configuration.md drifted from core/config.ts: run npm run config:docs").toBe(withConfigTable(doc));
  });

  it("names every variable once in .env.example and in the table", () => {
    const example = exampleLines(read(".env.example"));
    expect([...example.keys()].sort()).toEqual([...names].sort());
    const rows = [...read("docs/configuration.md").matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]);
    expect([...rows].sort()).toEqual([...names].sort());
  });

  it("documents the defaults the service really takes: .env.example uncommented loads as no variables at all", () => {
    const env = Object.fromEntries([...exampleLines(read(".env.example"))].filter(([, v]) => v !== ""));
    expect(Object.keys(env).length).toBeGreaterThan(50);
    expect(loadConfig(env)).toEqual(loadConfig({}));
  });

  it("keeps the hand-written text around the table", () => {
    const doc = "# Title\n\nintro\n\n<!-- config:begin — generated from core/config.ts by `npm run config:docs`; edit the schema, not this table -->\nstale\n<!-- config:end -->\n\nafter\n";
    const out = withConfigTable(doc);
    expect(out.startsWith("# Title\n\nintro\n\n")).toBe(true);
    expect(out.endsWith("<!-- config:end -->\n\nafter\n")).toBe(true);
    expect(out).not.toContain("stale");
    expect(out).toContain("| `CONCIERGE_STT_MODEL` | `ggerganov/whisper.cpp` |");
  });
});
