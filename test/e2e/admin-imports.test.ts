import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../bot/main.ts";
import { loadConfig } from "../../core/config.ts";
import { createLogger } from "../../core/logger.ts";
import { localServiceEnv } from "../services.ts";
import { type ChatClient, connectChat } from "./client.ts";

const TOKEN = "admin-token-for-the-import-tests-0123456789";

interface Job {
  state: string;
  done: number;
  total: number;
  added: number;
  updated: number;
  rejected: number;
  errors: string[];
}

/** The admin import endpoints on the embedded store: the way to import while the service holds ./data/db. */
describe("POST /api/admin/catalog/import and /api/admin/kb/import", () => {
  let service: RunningService;
  let dir: string;
  let base: string;
  const clients: ChatClient[] = [];
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "concierge-admin-import-"));
    service = await startService(loadConfig(localServiceEnv(dir, { CONCIERGE_ADMIN_TOKEN: TOKEN })), createLogger("silent"));
    base = `http://127.0.0.1:${service.port}`;
    await service.ready;
  }, 180_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await service?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const waitDone = async (jobId: string): Promise<Job[]> => {
    const seen: Job[] = [];
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${base}/api/admin/imports/${jobId}`, { headers: auth });
      expect(res.status).toBe(200);
      const job = (await res.json()) as Job;
      seen.push(job);
      if (job.state === "done" || job.state === "failed") return seen;
      await new Promise((r) => setTimeout(r, 150));
    }
    throw new Error(`job ${jobId} did not finish: ${JSON.stringify(seen.at(-1))}`);
  };

  it("refuses a request without the admin token", async () => {
    const catalogue = await fetch(`${base}/api/admin/catalog/import`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body: '{"id":"x","title":"X"}\n' });
    expect(catalogue.status).toBe(401);
    const kb = await fetch(`${base}/api/admin/kb/import`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer wrong" }, body: "{}" });
    expect(kb.status).toBe(401);
    const job = await fetch(`${base}/api/admin/imports/00000000-0000-4000-8000-000000000000`);
    expect(job.status).toBe(401);
  });

  it("names the field that is wrong", async () => {
    const post = (url: string, type: string, body: string) => fetch(`${base}${url}`, { method: "POST", headers: { ...auth, "content-type": type }, body });
    const noDocs = await post("/api/admin/kb/import", "application/json", JSON.stringify({ documents: [] }));
    expect(noDocs.status).toBe(400);
    expect(((await noDocs.json()) as { error: { message: string } }).error.message).toMatch(/documents: must list at least one document/);
    const badPath = await post("/api/admin/kb/import", "application/json", JSON.stringify({ documents: [{ path: "notes.docx", content: "hi" }] }));
    expect(((await badPath.json()) as { error: { message: string } }).error.message).toMatch(/documents\.0\.path: must end in \.md/);
    const both = await post("/api/admin/kb/import", "application/json", JSON.stringify({ documents: [{ path: "a.md" }] }));
    expect(((await both.json()) as { error: { message: string } }).error.message).toMatch(/documents\.0: give exactly one of content/);
    const wrongType = await post("/api/admin/catalog/import", "application/xml", "<products/>");
    expect(wrongType.status).toBe(400);
    expect(((await wrongType.json()) as { error: { message: string } }).error.message).toMatch(/Content-Type/);
    const unknownJob = await fetch(`${base}/api/admin/imports/not-a-job`, { headers: auth });
    expect(unknownJob.status).toBe(400);
    expect(((await unknownJob.json()) as { error: { message: string } }).error.message).toMatch(/jobId/);
    const missingJob = await fetch(`${base}/api/admin/imports/00000000-0000-4000-8000-000000000000`, { headers: auth });
    expect(missingJob.status).toBe(404);
  });

  it("imports a CSV catalogue, reports its bad row, and the service finds the new product once done", async () => {
    const before = await connectChat(service.port);
    clients.push(before);
    expect((await before.send("show me the vexmorrow trailwick compass")).reply.products.map((p) => p.id)).not.toContain("adm-1");
    const csv = "id,title,category,brand,price\nadm-1,Vexmorrow Trailwick Compass,camping,Northmark,19.5\n,No Id Here,camping,Northmark,3\n";
    const res = await fetch(`${base}/api/admin/catalog/import`, { method: "POST", headers: { ...auth, "content-type": "text/csv" }, body: csv });
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    const seen = await waitDone(jobId);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ state: "done", added: 1, updated: 0, rejected: 1, total: 2, done: 2 });
    expect(last.errors.join("\n")).toMatch(/line 3/);
    // "done" means this service answers from it now, not after the next poll.
    const client = await connectChat(service.port);
    clients.push(client);
    const { reply } = await client.send("show me the vexmorrow trailwick compass");
    expect(reply.products.map((p) => p.id)).toContain("adm-1");
  });

  it("imports documents (text and a PDF's bytes) and answers from them once done", async () => {
    const body = {
      documents: [
        { path: "policies/engraving.md", content: "# Engraving\n\nWe engrave knives, flasks and lanterns with up to 20 letters, free of charge.\n" },
        { path: "policies/broken.pdf", contentBase64: Buffer.from("not a pdf").toString("base64") },
      ],
    };
    const res = await fetch(`${base}/api/admin/kb/import`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(202);
    const seen = await waitDone(((await res.json()) as { jobId: string }).jobId);
    expect(seen.at(-1)).toMatchObject({ state: "done", total: 2, done: 2, added: 1, rejected: 1 });
    expect(seen.at(-1)!.errors.join("\n")).toMatch(/broken\.pdf: not a PDF/);
    const client = await connectChat(service.port);
    clients.push(client);
    const { reply } = await client.send("do you offer engraving?");
    expect(reply.text).toMatch(/20 letters/);
    expect(reply.sources?.some((s) => /Engraving/.test(s.title))).toBe(true);
  });
});
