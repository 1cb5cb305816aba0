import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { loadIntentFile, loadShippedIntents } from "./shipped.ts";
import type { LabelledUtterance } from "./types.ts";

/**
 * The shop's own labelled lines (`concierge nlu add`), kept in its data folder beside the store.
 * They extend the shipped intent data; the same names and the same validation apply.
 */
export function shopIntentFile(dataDir: string): string {
  return path.join(dataDir, "intents.jsonl");
}

/** The shop's own lines; none when the file does not exist yet. */
export function loadShopIntents(dataDir: string): LabelledUtterance[] {
  const file = shopIntentFile(dataDir);
  return existsSync(file) ? loadIntentFile(file) : [];
}

/** What the service's classifier is trained on: the shipped lines, then the shop's own. */
export function loadTrainingIntents(dataDir: string): LabelledUtterance[] {
  return [...loadShippedIntents(), ...loadShopIntents(dataDir)];
}

/** Appends lines that are not there yet (same text and intent); returns how many were new. */
export async function appendShopIntents(dataDir: string, lines: LabelledUtterance[]): Promise<number> {
  const file = shopIntentFile(dataDir);
  const key = (u: LabelledUtterance) => `${u.intent}\u0000${u.text.trim().toLowerCase()}`;
  const known = new Set(loadShopIntents(dataDir).map(key));
  const fresh = lines.filter((u) => {
    const k = key(u);
    if (known.has(k)) return false;
    known.add(k);
    return true;
  });
  if (fresh.length === 0) return 0;
  await mkdir(path.dirname(file), { recursive: true });
  // A file someone edited by hand may not end in a newline; one is added before ours.
  const before = existsSync(file) ? await readFile(file, "utf8") : "";
  const lead = before && !before.endsWith("\n") ? "\n" : "";
  await appendFile(file, lead + fresh.map((u) => JSON.stringify({ text: u.text, intent: u.intent })).join("\n") + "\n");
  return fresh.length;
}
