import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const bin = path.resolve(import.meta.dirname, "../../bin/concierge.js");

// A service that started would never exit by itself: spawnSync's timeout would kill it (signal set).
function run(args: string[]) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "cli-start-"));
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, CONCIERGE_DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "silent" },
  });
}

describe("concierge start's arguments", () => {
  it("--help prints help and exits 0 instead of starting the service", () => {
    const result = run(["start", "--help"]);
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("usage: concierge start");
    expect(result.stderr).toContain("environment variable");
    expect(result.stdout).not.toContain("listening");
  });

  it("refuses an argument it does not take, naming it, without starting", () => {
    const result = run(["start", "--port", "80"]);
    expect(result.signal).toBeNull();
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("takes no arguments (got: --port 80)");
  });
});
