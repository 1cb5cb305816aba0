import { describe, expect, it } from "vitest";
import { cliErrorLines } from "../../bot/cli.ts";
import { ValidationError } from "../../core/errors.ts";

describe("a failed command prints one clear line", () => {
  it("an unexpected error is its message on one line, without a stack trace", () => {
    const out = cliErrorLines(new RangeError('invalid token "undefined" in language model text\n    while building'));
    expect(out.split("\n").filter(Boolean)).toHaveLength(1);
    expect(out).toMatch(/^error: invalid token "undefined" in language model text while building/);
    expect(out).not.toMatch(/\bat \S+ \(/);
  });

  it("a typed error names its code; CONCIERGE_DEBUG keeps the trace for a bug report", () => {
    expect(cliErrorLines(new ValidationError("--manifest: no valid lines"))).toBe("error (invalid_input): --manifest: no valid lines\n");
    expect(cliErrorLines(new Error("boom"), true)).toMatch(/^error: boom\nError: boom\n\s+at /);
    expect(cliErrorLines("a thrown string")).toMatch(/^error: a thrown string/);
    expect(cliErrorLines(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }))).toMatch(/^error \(store_unavailable\)/);
  });
});
