import express, { type Router } from "express";
import { z } from "zod";
import { ValidationError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { repliesInEffect, repliesPath, useReplies, validateReplies, writeRepliesFile } from "../../dialogs/index.ts";
import { adminAuth } from "./admin-auth.ts";
import { apiRoute } from "./api-route.ts";
import { methodNotAllowed } from "./middleware.ts";

export interface AdminRepliesDeps {
  adminToken?: string;
  /** CONCIERGE_REPLIES_FILE; unset: saved to `replies.yaml` in the data directory, read at the next start. */
  repliesFile?: string;
  dataDir: string;
  logger: Logger;
}

/**
 * The replies in effect, and the shop's edits to them: a PUT replaces the whole set of overrides,
 * is checked by the same validator as start-up, saved, then applied to this process at once.
 */
// For /openapi.json only: the request is checked by validateReplies, which names each bad key.
const overridesDoc = z
  .object({ en: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(), zh: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional() })
  .describe("per locale, reply key → text with its {placeholders} (suggestion sets: a list of texts); keys left out keep the shipped wording");

export function adminRepliesRouter(deps: AdminRepliesDeps): Router {
  const router = express.Router();
  router.use("/api/admin", adminAuth(deps.adminToken));
  const where = () => repliesPath(deps.repliesFile, deps.dataDir);

  apiRoute(router, "get", "/api/admin/replies", { summary: "The fixed replies in effect: per locale, each key's text, default and whether it is overridden", tag: "admin", security: ["adminToken"], responses: { 200: { description: "the replies file's path and the replies" } } }, (_req, res) => {
    res.json({ file: where().path, replies: repliesInEffect() });
  });

  apiRoute(router, "put", "/api/admin/replies", { summary: "Replace the shop's overrides of the fixed replies (validated as at start-up), save them and apply them at once", tag: "admin", security: ["adminToken"], body: { schema: overridesDoc }, responses: { 200: { description: "the replies now in effect" } } }, async (req, res) => {
    const body = req.body as unknown;
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ValidationError("invalid replies: expected a JSON object ({en: {key: text}, zh: {...}})");
    const overrides = validateReplies(body);
    const file = where().path;
    await writeRepliesFile(file, overrides);
    useReplies(overrides);
    deps.logger.info({ file, overridden: Object.fromEntries(Object.entries(overrides).map(([l, k]) => [l, Object.keys(k ?? {}).length])) }, "replies: saved from the admin dashboard and in effect");
    res.json({ file, replies: repliesInEffect() });
  });

  router.all("/api/admin/replies", methodNotAllowed("GET, PUT"));
  return router;
}
