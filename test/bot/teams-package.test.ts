import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { crc32, inflateRawSync } from "node:zlib";
import AjvDraft04 from "ajv-draft-04";
import { PNG } from "pngjs";
import { describe, expect, it, vi } from "vitest";
import { teamsPackage } from "../../bot/teams/cli.ts";

const root = path.resolve(import.meta.dirname, "../..");
const bin = path.join(root, "bin/concierge.js");
const APP_ID = "6b3f2a1c-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const HOST = "shop.example.com";

// Microsoft's published schema (test/fixtures/teams/README.md says where it comes from).
const schema = JSON.parse(readFileSync(path.join(root, "test/fixtures/teams/MicrosoftTeams.schema.v1.30.json"), "utf8"));
// A CommonJS module: its class is module.exports, which Node hands an ESM default import.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
// The schema's only format is `uri`, for $schema.
ajv.addFormat("uri", (s: string) => URL.canParse(s));
const validateManifest = ajv.compile(schema);

function run(args: string[], cwd = mkdtempSync(path.join(tmpdir(), "teams-pkg-"))) {
  const result = spawnSync(process.execPath, [bin, "teams", "package", ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { ...result, cwd };
}

/**
 * Reads a ZIP the way an unzipper does — end record, central directory, local headers — and checks
 * each file's CRC-32. Written from the format's specification, not from the writer.
 */
function readZip(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThanOrEqual(0);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString("utf8");
    expect(buf.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + compressed);
    const data = method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    expect(method === 0 || method === 8).toBe(true);
    expect(data.length).toBe(size);
    expect(crc32(data)).toBe(crc);
    files.set(name, data);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

describe("concierge teams package", () => {
  const built = run(["--app-id", APP_ID, "--host", HOST, "--out", "pkg.zip"]);
  const zipPath = path.join(built.cwd, "pkg.zip");

  it("writes a ZIP with manifest.json and the two icons at its root, which unzip reads without error", () => {
    expect(built.stderr).toBe("");
    expect(built.status).toBe(0);
    expect(built.stdout).toContain(zipPath);
    const files = readZip(readFileSync(zipPath));
    expect([...files.keys()].sort()).toEqual(["color.png", "manifest.json", "outline.png"]);
    if (existsSync("/usr/bin/unzip")) {
      const tested = spawnSync("/usr/bin/unzip", ["-t", zipPath], { encoding: "utf8" });
      expect(tested.stdout).toContain("No errors detected");
      expect(tested.status).toBe(0);
    }
  });

  it("writes a manifest valid against Microsoft's published Teams manifest schema", () => {
    const manifest = JSON.parse(readZip(readFileSync(zipPath)).get("manifest.json")!.toString("utf8"));
    const valid = validateManifest(manifest);
    expect(validateManifest.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(manifest.manifestVersion).toBe(schema.properties.manifestVersion.const);
    expect(manifest.$schema).toBe(`https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
  });

  it("the validator is not a rubber stamp: it refuses what the schema forbids", () => {
    const manifest = JSON.parse(readZip(readFileSync(zipPath)).get("manifest.json")!.toString("utf8"));
    expect(validateManifest({ ...manifest, name: { short: "x".repeat(31) } })).toBe(false);
    expect(validateManifest({ ...manifest, id: "not-a-guid" })).toBe(false);
    expect(validateManifest({ ...manifest, bots: [{ ...manifest.bots[0], scopes: ["everywhere"] }] })).toBe(false);
  });

  it("describes one conversational bot with the app id, in personal, team and group chats, and no messaging extension", () => {
    const manifest = JSON.parse(readZip(readFileSync(zipPath)).get("manifest.json")!.toString("utf8"));
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.bots).toHaveLength(1);
    const [bot] = manifest.bots;
    expect(bot.botId).toBe(APP_ID);
    expect([...bot.scopes].sort()).toEqual(["groupChat", "personal", "team"]);
    expect(bot.supportsFiles).toBe(false);
    expect(bot.isNotificationOnly).toBe(false);
    expect(bot.commandLists.length).toBeGreaterThan(0);
    expect(manifest.composeExtensions).toBeUndefined();
    expect(manifest.validDomains).toContain(HOST);
    expect(manifest.icons).toEqual({ color: "color.png", outline: "outline.png" });
    for (const url of Object.values(manifest.developer).filter((v) => typeof v === "string" && v.startsWith("http"))) {
      expect(url).toMatch(/^https:\/\//);
    }
  });

  it("offers commands the shipped intent data teaches as the intent each stands for, so a picked command is understood like typed words", () => {
    const manifest = JSON.parse(readZip(readFileSync(zipPath)).get("manifest.json")!.toString("utf8"));
    const taught = new Map<string, string>();
    for (const line of readFileSync(path.join(root, "intents/data/en.jsonl"), "utf8").split("\n")) {
      if (!line.trim()) continue;
      const { text, intent } = JSON.parse(line);
      taught.set(String(text).toLowerCase(), intent);
    }
    const commands = manifest.bots[0].commandLists.flatMap((l: { commands: { title: string }[] }) => l.commands.map((c) => c.title));
    expect(Object.fromEntries(commands.map((t: string) => [t, taught.get(t.toLowerCase())]))).toEqual({
      "recommend something for me": "recommend",
      help: "capabilities",
      "track my order": "order_status",
      "talk to a human": "human_handoff",
    });
  });

  it("ships a 192×192 colour icon and a 32×32 outline icon that is white on transparent", () => {
    const files = readZip(readFileSync(zipPath));
    const color = PNG.sync.read(files.get("color.png")!);
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = PNG.sync.read(files.get("outline.png")!);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let opaque = 0;
    let transparent = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = outline.data.subarray(i, i + 4);
      if (a === 0) transparent++;
      else expect([r, g, b]).toEqual([255, 255, 255]);
      if (a === 255) opaque++;
    }
    // A drawing, on a background Teams can show through.
    expect(opaque).toBeGreaterThan(50);
    expect(transparent).toBeGreaterThan(32 * 32 * 0.3);
    // The colour icon is a full-colour square: opaque, and not one flat colour.
    const colours = new Set<number>();
    let seeThrough = 0;
    for (let i = 0; i < color.data.length; i += 4) {
      if (color.data[i + 3] !== 255) seeThrough++;
      colours.add(color.data.readUInt32BE(i));
    }
    expect(seeThrough).toBe(0);
    expect(colours.size).toBeGreaterThan(1);
  });

  it("writes concierge-teams.zip in the current folder when --out is left out, the same bytes for the same inputs", () => {
    const again = run(["--app-id", APP_ID, "--host", HOST]);
    expect(again.status).toBe(0);
    expect(readFileSync(path.join(again.cwd, "concierge-teams.zip")).equals(readFileSync(zipPath))).toBe(true);
  });

  it.each([
    [["--app-id", "not-a-guid", "--host", HOST], "--app-id"],
    [["--app-id", APP_ID, "--host", "https://shop.example.com/"], "--host"],
  ])("the command refuses %j with exit 2, naming %s, and writes nothing", (args, flag) => {
    const result = run(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^(error: )?${flag}: `, "m"));
    expect(existsSync(path.join(result.cwd, "concierge-teams.zip"))).toBe(false);
  });

  it.each([
    [["--app-id", `${APP_ID}0`, "--host", HOST], "--app-id"],
    [["--app-id", "{6b3f2a1c-4d5e-4f60-8a7b-9c0d1e2f3a4b}", "--host", HOST], "--app-id"],
    [["--host", HOST], "--app-id"],
    [["--app-id", APP_ID, "--host", "shop.example.com/api/messages"], "--host"],
    [["--app-id", APP_ID, "--host", "shop.example.com:443"], "--host"],
    [["--app-id", APP_ID, "--host", "shop example.com"], "--host"],
    [["--app-id", APP_ID, "--host", "localhost"], "--host"],
    [["--app-id", APP_ID, "--host", "10.0.0.7"], "--host"],
    [["--app-id", APP_ID, "--host", "-shop.example.com"], "--host"],
    [["--app-id", APP_ID], "--host"],
    [["--app-id", APP_ID, "--host"], "--host"],
    [["--app-id", APP_ID, "--host", HOST, "--privacy", "http://shop.example.com/privacy"], "--privacy"],
    [["--app-id", APP_ID, "--host", HOST, "--app-version", "2"], "--app-version"],
    [["--app-id", APP_ID, "--host", HOST, "--colour", "red"], "--colour"],
    [["--app-id", APP_ID, "--host", HOST, "constructor", "x"], "constructor"],
  ])("refuses %j with exit 2, naming %s", async (args, flag) => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const out = path.join(mkdtempSync(path.join(tmpdir(), "teams-pkg-")), "pkg.zip");
    try {
      expect(await teamsPackage([...args, "--out", out])).toBe(2);
      expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toMatch(new RegExp(`^(error: )?${flag}: `, "m"));
      expect(existsSync(out)).toBe(false);
    } finally {
      stderr.mockRestore();
    }
  });
});
