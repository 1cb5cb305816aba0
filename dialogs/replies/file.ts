import { existsSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { ValidationError } from "../../core/errors.ts";
import { type ReplyOverrides, validateReplies } from "./validate.ts";

/**
 * Where the shop's replies live: CONCIERGE_REPLIES_FILE when set, else `replies.yaml` in the data
 * directory (where the dashboard saves when no file was named). `configured` says which.
 */
export function repliesPath(file: string | undefined, dataDir: string): { path: string; configured: boolean } {
  return file ? { path: path.resolve(file), configured: true } : { path: path.join(dataDir, "replies.yaml"), configured: false };
}

const isJson = (file: string) => file.toLowerCase().endsWith(".json");

/**
 * Reads and validates a replies file. A named file that is missing is an error (a mistyped path
 * would otherwise silently keep the shipped wording); the data directory's default may be absent.
 */
export async function readRepliesFile(file: string, options: { mustExist: boolean }): Promise<ReplyOverrides> {
  if (!existsSync(file)) {
    if (options.mustExist) throw new ValidationError(`CONCIERGE_REPLIES_FILE: ${file} does not exist`);
    return {};
  }
  const text = await readFile(file, "utf8");
  let data: unknown;
  try {
    data = isJson(file) ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    throw new ValidationError(`replies file ${file} is not valid ${isJson(file) ? "JSON" : "YAML"}: ${why}`);
  }
  try {
    return validateReplies(data);
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(`${file}: ${err.message}`);
    throw err;
  }
}

/** Saves validated replies in the file's own format; written beside and renamed, so a reader never sees half a file. */
export async function writeRepliesFile(file: string, overrides: ReplyOverrides): Promise<void> {
  const body = isJson(file) ? `${JSON.stringify(overrides, null, 2)}\n` : stringifyYaml(overrides, { lineWidth: 0 });
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, body, "utf8");
  await rename(temp, file);
}
