import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPLY_DEFAULTS, REPLY_KEYS } from "../../dialogs/index.ts";

// Read as a shop reads it: the rows of the key table in docs/replies.md, not the generator's output.
const doc = readFileSync(path.resolve(import.meta.dirname, "../../docs/replies.md"), "utf8");
const rows = doc
  .split("\n")
  .map((line) => /^\| `([^`]+)` \| [^|]* \| (.*) \| (.*) \|$/.exec(line))
  .filter((m): m is RegExpExecArray => m !== null && !m[1]!.startsWith("{"));

describe("docs/replies.md", () => {
  it("lists exactly the reply keys the code has, in its order", () => {
    expect(rows.map((m) => m[1])).toEqual([...REPLY_KEYS]);
  });

  it("shows each key's shipped English and Chinese text", () => {
    const shown = (cell: string) => cell.replace(/\\n/g, "\n").replace(/\\\|/g, "|");
    for (const m of rows) {
      const key = m[1]!;
      const en = REPLY_DEFAULTS.en[key]!;
      const zh = REPLY_DEFAULTS.zh[key]!;
      if (typeof en === "string") expect(shown(m[2]!), key).toBe(en);
      else for (const s of en) expect(m[2], key).toContain(s);
      if (typeof zh === "string") expect(shown(m[3]!), key).toBe(zh);
      else for (const s of zh) expect(m[3], key).toContain(s);
    }
  });
});
