import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import { NotReadyError, ValidationError } from "../../core/errors.ts";
import { parseInput } from "../../core/validation.ts";
import { EXPORT_PATH, type Shoppers } from "../../shoppers/index.ts";
import { baseUrlOf, type IdentitySource, proveRequest } from "../identity.ts";
import { apiRoute } from "./api-route.ts";
import { methodNotAllowed } from "./middleware.ts";

export interface MeDeps {
  identity: IdentitySource;
  /** Undefined while the store loads (503). */
  shoppers: () => Shoppers | undefined;
  publicUrl?: string;
}

const confirmSchema = z.object({ confirm: z.literal(true, { error: "must be true: deleting everything cannot be undone" }) });

/** What a browser opening an export link sees: the download happens on the press (the link works once). */
const DOWNLOAD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Your data</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem}button{font:inherit;padding:.6rem 1.2rem}</style></head>
<body><h1>Your data</h1>
<p>Everything the shop assistant keeps about you, as a JSON file. The link works once: keep the file safe.</p>
<p lang="zh">你的全部数据（JSON 文件）。此链接只能使用一次，请妥善保存文件。</p>
<form method="post"><button type="submit">Download my data / 下载我的数据</button></form>
</body></html>
`;

function ready<T>(get: () => T | undefined): T {
  const value = get();
  if (value === undefined) throw new NotReadyError();
  return value;
}

/**
 * The shopper's own data over HTTP, always the shopper the request proves: `GET /api/me/export/:token`
 * downloads an export once (the link is the proof: it was handed to that shopper alone, works once
 * and expires), `POST /api/me/export` makes such a link, `GET /api/me` says who the token proves,
 * `DELETE /api/me` {confirm: true} deletes everything.
 */
export function meRoutes(deps: MeDeps): Router {
  const router = express.Router();

  const download = async (req: Request, res: Response) => {
    const data = await ready(deps.shoppers).redeemExport(String(req.params.token));
    res
      .set("Cache-Control", "no-store")
      .set("Content-Disposition", `attachment; filename="my-data-${data.exportedAt.slice(0, 10)}.json"`)
      .type("json")
      .send(JSON.stringify(data, null, 2));
  };
  const tokenParam = z.object({ token: z.string().describe("the single-use token of the export link") });
  const exportDoc = (summary: string, description: string) => ({
    summary,
    description,
    tag: "shoppers",
    params: tokenParam,
    responses: { 200: { description: "The shopper's data as a JSON file (attachment); or, to a browser asking for HTML, a page with a download button", contentType: "application/json" } },
    errors: [404],
  });
  const readExport = exportDoc("Open an export link", "The link is the proof: handed to that shopper alone, it works once and expires. A browser gets a page whose button POSTs; other clients get the JSON.");
  apiRoute(router, "get", `${EXPORT_PATH}:token`, readExport, async (req, res) => {
    // A browser (or a chat app previewing the link) asks for a page: it gets a button, and the link
    // is spent only when the shopper presses it. Any other client gets the JSON.
    if (req.accepts(["json", "html"]) === "html") {
      res.set("Cache-Control", "no-store").type("html").send(DOWNLOAD_PAGE);
      return;
    }
    await download(req, res);
  });
  apiRoute(router, "post", `${EXPORT_PATH}:token`, exportDoc("Download an export (spends the link)", "What the download page's button sends."), download);
  router.all(`${EXPORT_PATH}:token`, methodNotAllowed("GET, POST"));

  const linkDoc = {
    summary: "Make a single-use link to everything kept about the proven shopper",
    tag: "shoppers",
    security: ["shopperToken" as const],
    responses: { 201: { description: "The link", schema: z.object({ url: z.string(), expiresAt: z.string().describe("ISO 8601") }) } },
  };
  apiRoute(router, "post", "/api/me/export", linkDoc, async (req, res) => {
    const shopper = await proveRequest(req, deps.identity);
    const link = await ready(deps.shoppers).exportLink(shopper.id);
    const base = baseUrlOf(req.headers, deps.publicUrl, req.secure) ?? "";
    res.status(201).set("Cache-Control", "no-store").json({ url: `${base}${EXPORT_PATH}${link.token}`, expiresAt: new Date(link.expiresAt).toISOString() });
  });
  router.all("/api/me/export", methodNotAllowed("POST"));

  const whoDoc = {
    summary: "Who the bearer token proves",
    tag: "shoppers",
    security: ["shopperToken" as const],
    responses: { 200: { description: "The proven shopper", schema: z.object({ kind: z.enum(["customer", "anonymous"]), name: z.string().optional() }) } },
  };
  apiRoute(router, "get", "/api/me", whoDoc, async (req, res) => {
    const shopper = await proveRequest(req, deps.identity);
    res.set("Cache-Control", "no-store").json({ kind: shopper.origin === "customer" ? "customer" : "anonymous", ...(shopper.name && { name: shopper.name }) });
  });
  const deleteDoc = {
    summary: "Delete everything kept about the proven shopper",
    tag: "shoppers",
    security: ["shopperToken" as const],
    body: { schema: confirmSchema },
    responses: { 200: { description: "What was deleted, by kind", schema: z.object({ deleted: z.record(z.string(), z.number().int()).describe("how many records of each kind were deleted") }) } },
  };
  apiRoute(router, "delete", "/api/me", deleteDoc, async (req, res) => {
    const shopper = await proveRequest(req, deps.identity);
    if (req.body === undefined) throw new ValidationError('invalid request: send a JSON body {"confirm": true}');
    parseInput(confirmSchema, req.body, "request");
    res.json({ deleted: await ready(deps.shoppers).delete(shopper.id) });
  });
  router.all("/api/me", methodNotAllowed("GET, DELETE"));
  return router;
}
