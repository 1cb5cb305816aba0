import type { z } from "zod";
import { ValidationError } from "../core/errors.ts";

/** "events[3].type" rather than zod's "3.type", so a client can find the field in what it sent. */
export function fieldPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

/**
 * Parses with zod and throws a ValidationError naming every offending field ("invalid message:
 * text: expected string"). Unlike core/validation.ts it keeps array indexes readable and caps the
 * list, so a 1,000-event batch with a bad field in each does not answer with a 100 kB message.
 */
export function parseWire<T extends z.ZodType>(schema: T, input: unknown, what: string, root = ""): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const shown = issues.slice(0, 5).map((issue) => `${fieldPath(root, issue.path) || what}: ${issue.message}`);
  if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more`);
  throw new ValidationError(`invalid ${what}: ${shown.join("; ")}`);
}
