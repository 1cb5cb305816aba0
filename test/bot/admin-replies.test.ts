import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { adminRepliesRouter } from "../../bot/http/admin-replies.ts";
import { createLogger } from "../../core/logger.ts";
import { useReplies } from "../../dialogs/index.ts";
import { say } from "../../dialogs/templates.ts";
import { type Harness, startHarness } from "./harness.ts";

const TOKEN = "replies-api-token-0123456789";

// biome-ignore lint/suspicious/noExplicitAny: tests inspect the parsed JSON field by field
type Json = any;

describe("admin replies API", () => {
  let dir: string;
  let harness: Harness;
  const call = async (method: string, body?: unknown, token: string | null = TOKEN): Promise<{ status: number; body: Json }> => {
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${harness.url}/api/admin/replies`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-admin-replies-"));
    harness = await startHarness({
      env: { CONCIERGE_ADMIN_TOKEN: TOKEN },
      admin: adminRepliesRouter({ adminToken: TOKEN, dataDir: dir, logger: createLogger("silent") }),
    });
  });
  afterEach(() => useReplies({}));
  afterAll(async () => {
    await harness?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers only with the admin token", async () => {
    expect((await call("GET", undefined, null)).status).toBe(401);
    expect((await call("GET", undefined, "wrong-token-wrong-token")).status).toBe(401);
    expect((await call("PUT", { en: { goodbye: "Bye!" } }, null)).status).toBe(401);
    expect(say("en", "goodbye")).toBe("Goodbye, and thanks for stopping by!");
    expect((await call("POST", {})).status).toBe(405);
  });

  it("shows every key per locale with the wording in effect and the shipped one", async () => {
    const { status, body } = await call("GET");
    expect(status).toBe(200);
    expect(body.file).toBe(path.join(dir, "replies.yaml"));
    const handoff = body.replies.en.find((r: Json) => r.key === "handoff");
    expect(handoff).toMatchObject({ overridden: false });
    expect(handoff.text).toBe(handoff.default);
    expect(body.replies.zh.map((r: Json) => r.key)).toEqual(body.replies.en.map((r: Json) => r.key));
    expect(body.replies.en.find((r: Json) => r.key === "suggestions.start").text).toBeInstanceOf(Array);
  });

  it("saves valid edits to the data directory's replies.yaml and applies them at once", async () => {
    const edits = { en: { handoff: "Call Sam on 0123.", "suggestions.handoff": ["Call Sam"] }, zh: { goodbye: "下次见！" } };
    const { status, body } = await call("PUT", edits);
    expect(status).toBe(200);
    expect(body.replies.en.find((r: Json) => r.key === "handoff")).toMatchObject({ text: "Call Sam on 0123.", overridden: true });
    expect(say("en", "handoff")).toBe("Call Sam on 0123.");
    expect(say("zh", "goodbye")).toBe("下次见！");
    expect(parse(readFileSync(path.join(dir, "replies.yaml"), "utf8"))).toEqual(edits);
  });

  it("refuses invalid edits naming the key, and keeps what was in effect", async () => {
    await call("PUT", { en: { goodbye: "See you!" } });
    const bad = await call("PUT", { en: { goodbye: "Bye", priceOf: "{title}!" }, de: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain("en.priceOf: missing placeholder {price}");
    expect(bad.body.error.message).toContain("de: unknown locale");
    expect(say("en", "goodbye")).toBe("See you!");
    expect(parse(readFileSync(path.join(dir, "replies.yaml"), "utf8"))).toEqual({ en: { goodbye: "See you!" } });
    expect((await call("PUT", ["not", "an", "object"])).status).toBe(400);
  });
});
