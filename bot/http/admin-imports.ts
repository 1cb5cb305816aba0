import express, { type Router } from "express";
import { z } from "zod";
import { NotFoundError, NotReadyError, ValidationError } from "../../core/errors.ts";
import { parseInput } from "../../core/validation.ts";
import type { CatalogFormat } from "../../recommend/index.ts";
import { type ImportJobs, isDocumentPath } from "../admin/imports.ts";
import { adminAuth } from "./admin-auth.ts";
import { apiRoute } from "./api-route.ts";

/** Upload limit of both imports (a bigger catalogue goes through `concierge catalog import` on a replica's machine). */
export const IMPORT_BODY_LIMIT = "20mb";

const CATALOGUE_TYPES: Record<string, CatalogFormat | undefined> = {
  "text/csv": "csv",
  "text/tab-separated-values": "tsv",
  "application/x-ndjson": "jsonl",
  "application/jsonl": "jsonl",
  "application/x-jsonlines": "jsonl",
  "text/plain": undefined,
};

const documentSchema = z
  .object({
    path: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(500, "at most 500 characters")
      .refine(isDocumentPath, "must end in .md, .markdown, .html, .htm, .txt or .pdf (the extension says how to read it)"),
    content: z.string().max(10_000_000, "at most 10 MB").optional(),
    contentBase64: z.string().base64("must be base64").optional(),
  })
  .refine((d) => (d.content === undefined) !== (d.contentBase64 === undefined), { message: "give exactly one of content (text) and contentBase64 (a PDF's bytes)" });

const documentsSchema = z.object({ documents: z.array(documentSchema).min(1, "must list at least one document").max(1000, "at most 1000 documents a request") });

const jobIdSchema = z.string().uuid("must be a job id as POST …/import answered it");

/**
 * POST /api/admin/catalog/import (the catalogue file's text as the body: JSONL or CSV/TSV by
 * Content-Type) and POST /api/admin/kb/import (JSON {documents: [{path, content | contentBase64}]})
 * answer 202 {jobId}; GET /api/admin/imports/:jobId answers its progress. Mounted before the
 * service's JSON parser: these bodies are bigger than a chat message, and are read only once
 * the admin is authenticated.
 */
export function adminImportsRouter(deps: { adminToken?: string; jobs: () => ImportJobs | undefined }): Router {
  const router = express.Router();
  const auth = adminAuth(deps.adminToken);
  const jobs = () => {
    const j = deps.jobs();
    if (!j) throw new NotReadyError();
    return j;
  };

  const accepted = { 202: { description: "the import runs in the background: `{jobId}`; follow it at /api/admin/imports/{jobId} (also the Location header)" } };
  apiRoute(
    router,
    "post",
    "/api/admin/catalog/import",
    {
      summary: "Import a catalogue file (JSONL, CSV or TSV by Content-Type); running services pick it up without a restart",
      tag: "admin",
      security: ["adminToken"],
      body: { schema: z.string().describe("the catalogue file's content"), contentType: "text/csv" },
      responses: accepted,
    },
    auth,
    express.text({ type: Object.keys(CATALOGUE_TYPES), limit: IMPORT_BODY_LIMIT }),
    (req, res) => {
      const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (!(type in CATALOGUE_TYPES)) {
        throw new ValidationError(`invalid Content-Type: send the catalogue file as ${Object.keys(CATALOGUE_TYPES).join(", ")} (got ${type || "none"})`);
      }
      const text = parseInput(z.string().min(1, "must not be empty: send the catalogue file's content"), req.body, "body");
      const job = jobs().catalogue(text, CATALOGUE_TYPES[type]);
      res.status(202).location(`/api/admin/imports/${job.jobId}`).json({ jobId: job.jobId });
    },
  );

  apiRoute(
    router,
    "post",
    "/api/admin/kb/import",
    { summary: "Import documents into the knowledge base (Markdown, HTML, text, PDF as base64)", tag: "admin", security: ["adminToken"], body: { schema: documentsSchema }, responses: accepted },
    auth,
    express.json({ limit: IMPORT_BODY_LIMIT }), (req, res) => {
    if (!req.is("application/json")) throw new ValidationError("invalid Content-Type: send application/json {documents: [{path, content | contentBase64}]}");
    const { documents } = parseInput(documentsSchema, req.body, "body");
    const job = jobs().documents(documents);
    res.status(202).location(`/api/admin/imports/${job.jobId}`).json({ jobId: job.jobId });
  });

  apiRoute(
    router,
    "get",
    "/api/admin/imports/:jobId",
    {
      summary: "An import's progress: {state, done, total, added, updated, rejected, errors[]}",
      tag: "admin",
      security: ["adminToken"],
      params: z.object({ jobId: jobIdSchema }),
      responses: { 200: { description: "the job's progress" } },
      errors: [404],
    },
    auth,
    async (req, res) => {
    const id = parseInput(jobIdSchema, req.params.jobId, "jobId");
    const job = await jobs().get(id);
    if (!job) throw new NotFoundError(`no import job ${id} (jobs are kept while the service runs)`);
    res.json(job);
  });
  return router;
}
