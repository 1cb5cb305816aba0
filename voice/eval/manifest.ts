import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ValidationError } from "../../core/errors.ts";
import { refusal, type SkippedLine } from "./labelled.ts";

export interface ManifestItem {
  /** Absolute path of the WAV. */
  wav: string;
  text: string;
  intent?: string;
  /** 1-based line in the manifest, for messages. */
  line: number;
}

const lineSchema = z.object({
  wav: z.string().trim().min(1, "must name an audio file (WAV, FLAC, Ogg or MP3)"),
  text: z.string().max(2000, "is longer than 2000 characters"),
  intent: z.string().trim().min(1).optional(),
});

export interface Manifest {
  items: ManifestItem[];
  /** Lines that were not used, with why (a bad line, a missing audio file). */
  skipped: SkippedLine[];
  /** Non-blank lines in the file. */
  total: number;
}

/**
 * A voice evaluation manifest: JSON Lines of {"wav" (relative to the manifest), "text", "intent"?}.
 * Invalid lines (not JSON, a field wrong, the audio file missing) are skipped and reported in
 * `skipped`, naming the line and field; with `strict` any of them refuses the manifest, and with
 * no valid line left it is refused either way.
 */
export async function loadManifest(file: string, options: { maxItems?: number; strict?: boolean } = {}): Promise<Manifest> {
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch (err) {
    throw new ValidationError(`--manifest: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  const dir = path.dirname(path.resolve(file));
  const items: ManifestItem[] = [];
  const skipped: SkippedLine[] = [];
  let total = 0;
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    total++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      skipped.push({ line: i + 1, reason: `not valid JSON (${(err as Error).message})` });
      continue;
    }
    const result = lineSchema.safeParse(parsed);
    if (!result.success) {
      skipped.push({ line: i + 1, reason: result.error.issues.map((x) => `${x.path.join(".") || "line"}: ${x.message}`).join("; ") });
      continue;
    }
    const wav = path.resolve(dir, result.data.wav);
    try {
      if (!(await stat(wav)).isFile()) throw new Error("not a file");
    } catch {
      skipped.push({ line: i + 1, reason: `wav: ${wav} does not exist` });
      continue;
    }
    items.push({ wav, text: result.data.text, intent: result.data.intent, line: i + 1 });
    if (options.maxItems && items.length > options.maxItems) throw new ValidationError(`--manifest: more than ${options.maxItems} items`);
  }
  if (total === 0) throw new ValidationError(`--manifest: ${file} has no items`);
  if (items.length === 0 || (options.strict && skipped.length > 0)) throw refusal("--manifest", file, skipped, total, Boolean(options.strict));
  return { items, skipped, total };
}

/** A manifest's items, refusing it at any invalid line (the benches' reading: their manifests are generated). */
export async function readManifest(file: string, options: { maxItems?: number } = {}): Promise<ManifestItem[]> {
  return (await loadManifest(file, { ...options, strict: true })).items;
}

/** The value at a fraction of the sorted samples (nearest rank); 0 for none. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return 0;
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
}
