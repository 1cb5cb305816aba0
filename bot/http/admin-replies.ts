import express, { type Router } from "express";
import { ValidationError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { repliesInEffect, repliesPath, useReplies, validateReplies, writeRepliesFile } from "../../dialogs/index.ts";
import { adminAuth } from "./admin-auth.ts";
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
export function adminRepliesRouter(deps: AdminRepliesDeps): Router {
  const router = express.Router();
  router.use("/api/admin", adminAuth(deps.adminToken));
  const where = () => repliesPath(deps.repliesFile, deps.dataDir);

  router.get("/api/admin/replies", (_req, res) => {
    res.json({ file: where().path, replies: repliesInEffect() });
  });

  router.put("/api/admin/replies", async (req, res) => {
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
