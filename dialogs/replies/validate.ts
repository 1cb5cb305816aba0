import { ValidationError } from "../../core/errors.ts";
import type { Locale } from "../../core/turn.ts";
import { placeholdersOf } from "./fragments.ts";
import { DEFAULTS, LOCALES } from "./defaults.ts";

/** A shop's replies: per locale, any subset of the keys; a suggestion set is a list of texts. */
export type ReplyOverrides = Partial<Record<Locale, Record<string, string | string[]>>>;

const MAX_TEXT = 2000;
const MAX_SUGGESTIONS = 8;

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j] as number;
      row[j] = Math.min(here + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length] as number;
}

function closeTo(word: string, known: string[]): string[] {
  const w = word.toLowerCase();
  return known
    .map((k) => ({ k, d: distance(w, k.toLowerCase()), part: k.toLowerCase().includes(w) || w.includes(k.toLowerCase()) }))
    .filter((c) => c.part || c.d <= Math.max(2, Math.floor(c.k.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((c) => c.k);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function checkText(where: string, text: unknown, fallback: string, problems: string[]): text is string {
  const before = problems.length;
  if (typeof text !== "string") problems.push(`${where}: must be a text`);
  else if (!text.trim()) problems.push(`${where}: must not be empty`);
  else if (text.length > MAX_TEXT) problems.push(`${where}: at most ${MAX_TEXT} characters`);
  else {
    const allowed = placeholdersOf(fallback);
    const used = placeholdersOf(text);
    for (const p of allowed) if (!used.has(p)) problems.push(`${where}: missing placeholder {${p}}, which the default uses`);
    const knows = allowed.size ? `this reply knows ${[...allowed].map((a) => `{${a}}`).join(", ")}` : "this reply takes none";
    for (const p of used) if (!allowed.has(p)) problems.push(`${where}: unknown placeholder {${p}} (${knows})`);
  }
  return problems.length === before;
}

/**
 * Checks a replies file's content against the shipped keys; every problem names its key
 * (`en.handof`), so the shop can fix them all in one go. Throws a ValidationError listing them.
 */
export function validateReplies(input: unknown): ReplyOverrides {
  if (input === null || input === undefined) return {};
  if (!isRecord(input)) throw new ValidationError(`replies: expected an object of locales ({en: {key: text}, zh: {...}})`);
  const problems: string[] = [];
  const out: ReplyOverrides = {};
  for (const [locale, entries] of Object.entries(input)) {
    if (!(LOCALES as readonly string[]).includes(locale)) {
      const close = closeTo(locale, [...LOCALES]);
      problems.push(`${locale}: unknown locale (expected ${LOCALES.join(" or ")}${close.length ? `; did you mean ${close.join(", ")}?` : ""})`);
      continue;
    }
    const loc = locale as Locale;
    if (entries === null || entries === undefined) continue;
    if (!isRecord(entries)) {
      problems.push(`${loc}: expected an object of replies ({key: text})`);
      continue;
    }
    const defaults = DEFAULTS[loc];
    const known = Object.keys(defaults);
    const kept: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(entries)) {
      const where = `${loc}.${key}`;
      const fallback = defaults[key];
      if (fallback === undefined) {
        const close = closeTo(key, known);
        problems.push(`${where}: unknown key${close.length ? `; close keys: ${close.map((k) => `${loc}.${k}`).join(", ")}` : ""}`);
        continue;
      }
      if (Array.isArray(fallback)) {
        if (!Array.isArray(value) || value.length === 0 || value.length > MAX_SUGGESTIONS) {
          problems.push(`${where}: expected a list of 1 to ${MAX_SUGGESTIONS} suggestion texts`);
          continue;
        }
        const texts = value.filter((t, i) => checkText(`${where}[${i}]`, t, "", problems)) as string[];
        if (texts.length === value.length) kept[key] = texts;
        continue;
      }
      if (checkText(where, value, fallback, problems)) kept[key] = value;
    }
    out[loc] = kept;
  }
  if (problems.length) throw new ValidationError(`replies: ${problems.join("; ")}`);
  return out;
}

