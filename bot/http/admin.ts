import express, { type Request, type Router } from "express";
import { z } from "zod";
import { NotReadyError, ValidationError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { parseInput } from "../../core/validation.ts";
import { assignVariant, type Experiments } from "../../recommend/experiments/index.ts";
import type { Segments } from "../../recommend/segments/index.ts";
import { methodNotAllowed } from "./middleware.ts";
import { adminAuth } from "./admin-auth.ts";

export interface AdminDeps {
  /** CONCIERGE_ADMIN_TOKEN (config.adminToken); unset keeps /api/admin to loopback clients. */
  adminToken?: string;
  logger: Logger;
  /** Undefined while the store is loading (answers 503). */
  segments: () => Segments | undefined;
  experiments: () => Experiments | undefined;
}

const segmentIdSchema = z.string().regex(/^\d{1,4}$/, "must be a segment number (0, 1, …)").transform(Number);
const userIdQuerySchema = z.object({ userId: z.string().min(1, "must not be empty").max(200, "at most 200 characters") }).strict();

function ready<T>(get: () => T | undefined): T {
  const value = get();
  if (value === undefined) throw new NotReadyError();
  return value;
}

/** A JSON body, or {} when none was sent; anything but an object is refused naming `what`. */
function bodyObject(req: Request, what: string): Record<string, unknown> {
  if (req.body === undefined) return {};
  if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) throw new ValidationError(`invalid ${what}: expected a JSON object`);
  return req.body as Record<string, unknown>;
}

/**
 * The admin API (segments, experiments) behind adminAuth, and the public experiment endpoints a
 * shop's pages call: POST /api/experiments/:id/events and GET /api/experiments/:id/variant.
 * Mount it with ServerDeps.admin; it expects the service's JSON body parser before it.
 */
export function adminRouter(deps: AdminDeps): Router {
  if (!deps.adminToken) {
    deps.logger.warn("CONCIERGE_ADMIN_TOKEN is not set: the admin API (/api/admin/*) answers loopback clients only; behind a reverse proxy on this machine, set the token");
  }
  const router = express.Router();
  router.use("/api/admin", adminAuth(deps.adminToken));

  // ── segments ──
  router.get("/api/admin/segments", async (_req, res) => {
    const segments = ready(deps.segments);
    res.json({ segmentation: await segments.latest(), running: segments.isRunning });
  });
  router.get("/api/admin/segments/:id/shoppers", async (req, res) => {
    const id = parseInput(segmentIdSchema, req.params.id, "segment id");
    res.json(await ready(deps.segments).shoppers(id, req.query as Record<string, unknown>));
  });
  router.post("/api/admin/segments/run", async (req, res) => {
    const segments = ready(deps.segments);
    res.json({ segmentation: await segments.run(bodyObject(req, "segmentation options")) });
  });
  router.all("/api/admin/segments", methodNotAllowed("GET"));
  router.all("/api/admin/segments/:id/shoppers", methodNotAllowed("GET"));
  router.all("/api/admin/segments/run", methodNotAllowed("POST"));

  // ── experiments ──
  router.post("/api/admin/experiments", async (req, res) => {
    if (req.body === undefined) throw new ValidationError("invalid experiment: expected a JSON body (Content-Type: application/json)");
    res.status(201).json(await ready(deps.experiments).create(req.body));
  });
  router.get("/api/admin/experiments", async (_req, res) => {
    res.json({ experiments: await ready(deps.experiments).list() });
  });
  router.get("/api/admin/experiments/:id", async (req, res) => {
    res.json(await ready(deps.experiments).get(req.params.id as string));
  });
  router.get("/api/admin/experiments/:id/report", async (req, res) => {
    res.json(await ready(deps.experiments).report(req.params.id as string));
  });
  router.post("/api/admin/experiments/:id/stop", async (req, res) => {
    res.json(await ready(deps.experiments).stop(req.params.id as string));
  });
  router.all("/api/admin/experiments", methodNotAllowed("GET, POST"));
  router.all("/api/admin/experiments/:id", methodNotAllowed("GET"));
  router.all("/api/admin/experiments/:id/report", methodNotAllowed("GET"));
  router.all("/api/admin/experiments/:id/stop", methodNotAllowed("POST"));

  // ── public: what the shop's pages report and ask ──
  router.post("/api/experiments/:id/events", async (req, res) => {
    if (req.body === undefined) throw new ValidationError("invalid events: expected a JSON body (Content-Type: application/json) with an event or an array of events");
    res.status(202).json(await ready(deps.experiments).record(req.params.id as string, req.body));
  });
  router.get("/api/experiments/:id/variant", async (req, res) => {
    const { userId } = parseInput(userIdQuerySchema, req.query, "query");
    const experiment = await ready(deps.experiments).get(req.params.id as string);
    if (experiment.status !== "running") {
      // A stopped experiment serves everyone the control, so pages can keep asking after it ends.
      const control = experiment.variants[0]!;
      res.json({ experimentId: experiment.id, variant: control.name, control: true, config: control.config, stopped: true });
      return;
    }
    const variant = assignVariant(experiment, userId);
    res.json({ experimentId: experiment.id, variant: variant.name, control: variant === experiment.variants[0], config: variant.config });
  });
  router.all("/api/experiments/:id/events", methodNotAllowed("POST"));
  router.all("/api/experiments/:id/variant", methodNotAllowed("GET"));
  return router;
}
