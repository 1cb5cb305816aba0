import { SETTING_GROUPS, type SettingDoc, type SettingName, settingDocs, settingSchemas } from "./config.ts";

/**
 * `.env.example` and the table in docs/configuration.md, rendered from the configuration schema so
 * they cannot disagree with it (`npm run config:docs` writes them; a test fails when they drift).
 */

export const TABLE_BEGIN = "<!-- config:begin — generated from core/config.ts by `npm run config:docs`; edit the schema, not this table -->";
export const TABLE_END = "<!-- config:end -->";

interface Entry extends SettingDoc {
  name: SettingName;
  /** The value the schema gives when the variable is unset, as one would write it; undefined when none. */
  fallback?: string;
}

export function settingEntries(): Entry[] {
  const entries: Entry[] = [];
  for (const [name, schema] of Object.entries(settingSchemas) as [SettingName, (typeof settingSchemas)[SettingName]][]) {
    const doc = settingDocs.get(schema);
    if (!doc) throw new Error(`${name} has no documentation: declare it with setting(group, doc, schema) in core/config.ts`);
    const parsed = schema.safeParse(undefined);
    if (!parsed.success) throw new Error(`${name} has no valid value when unset`);
    entries.push({ name, ...doc, fallback: asEnvValue(parsed.data) });
  }
  return SETTING_GROUPS.flatMap((group) => entries.filter((e) => e.group === group));
}

function asEnvValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "boolean") return value ? "1" : "0";
  return String(value);
}

export function renderEnvExample(): string {
  const lines = [
    "# Concierge configuration: every environment variable the service reads, with its default.",
    "# Generated from core/config.ts by `npm run config:docs`; edit the schema there, not this file.",
    "# Every variable is optional. Uncomment a line to change it; a bad value stops start-up naming",
    "# the variable. docs/configuration.md explains each one at more length.",
  ];
  let group = "";
  for (const e of settingEntries()) {
    if (e.group !== group) {
      group = e.group;
      lines.push("", `# ===== ${group} =====`);
    }
    const text = `${capitalise(e.doc)}.${e.fallback === undefined && e.unset ? ` Unset: ${e.unset}.` : ""}`;
    lines.push("", ...wrap(text, 98).map((l) => `# ${l}`), `# ${e.name}=${e.fallback ?? ""}`);
  }
  return `${lines.join("\n")}\n`;
}

export function renderConfigTable(): string {
  const out: string[] = [];
  let group = "";
  for (const e of settingEntries()) {
    if (e.group !== group) {
      group = e.group;
      out.push(...(out.length ? [""] : []), `### ${group}`, "", "| variable | default | meaning |", "|---|---|---|");
    }
    const fallback = e.fallback !== undefined ? `\`${e.fallback}\`` : (e.unset ?? "—");
    out.push(`| \`${e.name}\` | ${cell(fallback)} | ${cell(e.doc)} |`);
  }
  return out.join("\n");
}

/** The document with the generated table put between its markers; the text around them is kept. */
export function withConfigTable(markdown: string): string {
  const begin = markdown.indexOf(TABLE_BEGIN);
  const end = markdown.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`docs/configuration.md lacks the markers ${TABLE_BEGIN} … ${TABLE_END}`);
  return `${markdown.slice(0, begin + TABLE_BEGIN.length)}\n${renderConfigTable()}\n${markdown.slice(end)}`;
}

const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");
const capitalise = (text: string) => (/^[a-z]/.test(text) ? text[0]!.toUpperCase() + text.slice(1) : text);

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
