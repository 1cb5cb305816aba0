import { existsSync, readFileSync, statSync } from "node:fs";
import { ValidationError } from "../../core/errors.ts";
import { parseUtteranceLine } from "../../intents/cli.ts";
import type { LabelledUtterance } from "../../intents/types.ts";

/** A line that was not used, with why. */
export interface SkippedLine {
  /** 1-based line number. */
  line: number;
  reason: string;
}

export interface LabelledFile {
  items: LabelledUtterance[];
  skipped: SkippedLine[];
}

/** How many skipped lines a warning names before it only counts the rest. */
export const NAMED_PROBLEMS = 3;

/**
 * "skipped 4 invalid lines of 1,203 in train.jsonl: line 3: intent: must not be empty; line 9: not
 * valid JSON (…); line 12: …; and 1 more" — one warning that counts and names the first few.
 */
export function skippedWarning(file: string, skipped: SkippedLine[], total: number): string {
  const named = skipped.slice(0, NAMED_PROBLEMS).map((s) => `line ${s.line}: ${s.reason}`);
  const more = skipped.length > NAMED_PROBLEMS ? `; and ${skipped.length - NAMED_PROBLEMS} more` : "";
  return `skipped ${skipped.length} invalid line${skipped.length === 1 ? "" : "s"} of ${total.toLocaleString("en-US")} in ${file}: ${named.join("; ")}${more}`;
}

/** The refusal when nothing valid is left, or when --strict meets any invalid line. */
export function refusal(option: string, file: string, skipped: SkippedLine[], total: number, strict: boolean): ValidationError {
  const named = skipped.slice(0, NAMED_PROBLEMS).map((s) => `line ${s.line}: ${s.reason}`);
  const more = skipped.length > NAMED_PROBLEMS ? `; and ${skipped.length - NAMED_PROBLEMS} more` : "";
  const why = strict ? `${skipped.length} invalid line${skipped.length === 1 ? "" : "s"} (--strict refuses any)` : `no valid lines (${skipped.length} of ${total} invalid)`;
  return new ValidationError(`${option}: ${file}: ${why}: ${named.join("; ")}${more}`);
}

/**
 * Reads a labelled JSONL file as `concierge nlu test --train` accepts it — any intent names, "oos"
 * for out of scope. Invalid lines are skipped and reported (`skipped`), unless `strict`, which
 * refuses the file at the first invalid line's report; a file with no valid line is refused either
 * way. A missing or unreadable file is always an error.
 */
export function readLabelledFile(file: string, option: string, options: { strict?: boolean } = {}): LabelledFile {
  if (!existsSync(file)) throw new ValidationError(`${option}: file not found: ${file}`);
  if (!statSync(file).isFile()) throw new ValidationError(`${option}: not a file: ${file}`);
  const lines = readFileSync(file, "utf8").split(/\r?\n/);
  const items: LabelledUtterance[] = [];
  const skipped: SkippedLine[] = [];
  let total = 0;
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    total++;
    const read = parseUtteranceLine(line);
    if ("problem" in read) skipped.push({ line: i + 1, reason: read.problem });
    else items.push(read.utterance);
  });
  if (total === 0) throw new ValidationError(`${option}: ${file} has no examples`);
  if (items.length === 0 || (options.strict && skipped.length > 0)) throw refusal(option, file, skipped, total, Boolean(options.strict));
  return { items, skipped };
}
