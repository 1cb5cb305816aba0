import type { z } from "zod";
import { ValidationError } from "./errors.ts";

/** Parses input with a zod schema; the error names each offending field ("text: expected string"). */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what = "input"): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.join(".") : what;
    return `${field}: ${issue.message}`;
  });
  throw new ValidationError(`invalid ${what}: ${problems.join("; ")}`);
}
