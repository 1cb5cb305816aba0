import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const bin = path.resolve(import.meta.dirname, "../../bin/concierge.js");

// The file is checked before the store opens: a bad one ends start-up within seconds. A service
// that started would never exit by itself, so spawnSync's timeout would show it (signal set).
function start(env: Record<string, string>) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "replies-start-"));
  return spawnSync(process.execPath, [bin, "start"], {
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, CONCIERGE_DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", CONCIERGE_CATALOG: "none", CONCIERGE_KB: "none", ...env },
  });
}

describe("concierge start with a replies file", () => {
  it("refuses a bad file: exit 1 and one line naming the key and the close ones", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "replies-file-"));
    const file = path.join(dir, "replies.yaml");
    writeFileSync(file, "en:\n  handof: Call us on 0123.\n");
    const result = start({ CONCIERGE_REPLIES_FILE: file });
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^concierge: start-up failed: .*replies\.yaml: replies: en\.handof: unknown key; close keys: en\.handoff/);
  }, 120_000);

  it("refuses a placeholder the reply does not know", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "replies-file-"));
    const file = path.join(dir, "replies.json");
    writeFileSync(file, JSON.stringify({ zh: { priceOf: "{title} 只要 {cost}" } }));
    const bad = start({ CONCIERGE_REPLIES_FILE: file });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("zh.priceOf: missing placeholder {price}");
    expect(bad.stderr).toContain("zh.priceOf: unknown placeholder {cost}");
  }, 120_000);

  it("refuses a named file that is missing", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "replies-file-"));
    const missing = start({ CONCIERGE_REPLIES_FILE: path.join(dir, "nope.yaml") });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/CONCIERGE_REPLIES_FILE: .*nope\.yaml does not exist/);
  }, 120_000);

  it("`concierge replies list --json` shows the file's wording in effect beside the shipped one", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "replies-file-"));
    const file = path.join(dir, "replies.yaml");
    writeFileSync(file, "zh:\n  goodbye: 下次见！\n");
    const result = spawnSync(process.execPath, [bin, "replies", "list", "--json"], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, CONCIERGE_DATA_DIR: dir, CONCIERGE_REPLIES_FILE: file, LOG_LEVEL: "silent" },
    });
    expect(result.status).toBe(0);
    const listed = JSON.parse(result.stdout) as { file: string; replies: Record<string, { key: string; text: unknown; default: unknown; overridden: boolean }[]> };
    expect(listed.file).toBe(file);
    expect(listed.replies.zh!.find((r) => r.key === "goodbye")).toEqual({ key: "goodbye", text: "下次见！", default: "再见，欢迎下次光临！", overridden: true });
    expect(listed.replies.en!.find((r) => r.key === "goodbye")!.overridden).toBe(false);
  }, 120_000);
});
