import express, { type Router } from "express";
import { z } from "zod";
import { NotReadyError, ValidationError } from "../../core/errors.ts";
import { parseInput } from "../../core/validation.ts";
import { EXPORT_PATH, type Shoppers } from "../../shoppers/index.ts";
import { baseUrlOf, type IdentitySource, proveRequest } from "../identity.ts";
import { methodNotAllowed } from "./middleware.ts";

export interface MeDeps {
  identity: IdentitySource;
  /** Undefined while the store loads (503). */
  shoppers: () => Shoppers | undefined;
  publicUrl?: string;
}

const confirmSchema = z.object({ confirm: z.literal(true, { error: "must be true: deleting everything cannot be undone" }) });

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

  router.get(`${EXPORT_PATH}:token`, async (req, res) => {
    const data = await ready(deps.shoppers).redeemExport(String(req.params.token));
    res
      .set("Cache-Control", "no-store")
      .set("Content-Disposition", `attachment; filename="my-data-${data.exportedAt.slice(0, 10)}.json"`)
      .type("json")
      .send(JSON.stringify(data, null, 2));
  });
  router.all(`${EXPORT_PATH}:token`, methodNotAllowed("GET"));

  router.post("/api/me/export", async (req, res) => {
    const shopper = await proveRequest(req, deps.identity);
    const link = await ready(deps.shoppers).exportLink(shopper.id);
    const base = baseUrlOf(req.headers, deps.publicUrl, req.secure) ?? "";
    res.status(201).set("Cache-Control", "no-store").json({ url: `${base}${EXPORT_PATH}${link.token}`, expiresAt: new Date(link.expiresAt).toISOString() });
  });
  router.all("/api/me/export", methodNotAllowed("POST"));

  router.get("/api/me", async (req, res) => {
    const shopper = await proveRequest(req, deps.identity);
    res.set("Cache-Control", "no-store").json({ kind: shopper.origin === "customer" ? "customer" : "anonymous", ...(shopper.name && { name: shopper.name }) });
  });
  router.delete("/api/me", async (req, res) => {
    const shopper = await proveRequest(req, deps.identity);
    if (req.body === undefined) throw new ValidationError('invalid request: send a JSON body {"confirm": true}');
    parseInput(confirmSchema, req.body, "request");
    res.json({ deleted: await ready(deps.shoppers).delete(shopper.id) });
  });
  router.all("/api/me", methodNotAllowed("GET, DELETE"));
  return router;
}
