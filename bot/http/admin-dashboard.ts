import express, { type Router } from "express";
import { z } from "zod";
import { NotReadyError, ValidationError } from "../../core/errors.ts";
import { parseInput } from "../../core/validation.ts";
import { loadShopIntents } from "../../intents/shop-intents.ts";
import { groupForReview, readReviewLog } from "../../intents/review/index.ts";
import { OUT_OF_SCOPE } from "../../intents/types.ts";
import type { Store } from "../../store/index.ts";
import { activityReport } from "../admin/activity-report.ts";
import type { ActivityRecorder } from "../admin/activity-recorder.ts";
import { adminAuth } from "./admin-auth.ts";
import { apiRoute, type RouteDoc } from "./api-route.ts";
import { methodNotAllowed } from "./middleware.ts";

export interface AdminDashboardDeps {
  /** CONCIERGE_ADMIN_TOKEN; unset keeps these to loopback clients, as the rest of /api/admin. */
  adminToken?: string;
  /** The store once it is open (503 before). */
  store: () => Store | undefined;
  /** This process's activity counters: flushed before a read, so the page shows the last minute too. */
  recorder?: () => ActivityRecorder | undefined;
  /** Where the review log of unsure and out-of-scope messages is (CONCIERGE_DATA_DIR). */
  dataDir: string;
}

const HOUR = 3_600_000;
const BUCKETS = { hour: HOUR, day: 24 * HOUR } as const;
const DEFAULT_SPAN = { hour: 48, day: 30 } as const;
const MAX_BUCKETS = 1000;

const instant = z.union([
  z.string().regex(/^\d+$/).transform(Number),
  z
    .string()
    .trim()
    .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && Number.isFinite(Date.parse(s)), "must be epoch milliseconds or an ISO 8601 date (2026-01-31 or 2026-01-31T12:00:00Z)")
    .transform((s) => Date.parse(s)),
]);

const activityQuery = z
  .object({
    from: instant.optional(),
    to: instant.optional(),
    bucket: z.enum(["hour", "day"], { error: () => "expected hour or day" }).default("hour"),
  })
  .strict();

const limitQuery = (max: number, fallback: number) =>
  z.object({ limit: z.coerce.number({ error: "expected a whole number" }).int("must be a whole number").min(1, "at least 1").max(max, `at most ${max}`).default(fallback) }).strict();

function ready<T>(get: () => T | undefined): T {
  const value = get();
  if (value === undefined) throw new NotReadyError();
  return value;
}

const normal = (text: string) => text.trim().toLowerCase();

/**
 * What the admin dashboard reads beyond the rest of /api/admin: activity over time (conversations,
 * turns, errors, stage latency), the catalogue's size and import history, and the messages the
 * assistant could not answer (out of scope, or unsure), grouped for the shop to teach.
 */
export function adminDashboardRouter(deps: AdminDashboardDeps): Router {
  const router = express.Router();
  router.use("/api/admin", adminAuth(deps.adminToken));

  const doc = (summary: string, query: z.ZodObject): RouteDoc => ({ summary, tag: "dashboard", security: ["adminToken"], query, responses: { 200: { description: summary } } });
  apiRoute(router, "get", "/api/admin/activity", doc("Activity over time: conversations, turns, errors, stage latency percentiles", activityQuery), async (req, res) => {
    const q = parseInput(activityQuery, req.query, "query");
    const bucketMs = BUCKETS[q.bucket];
    const to = q.to ?? Math.ceil((Date.now() + 1) / HOUR) * HOUR;
    const from = q.from ?? to - DEFAULT_SPAN[q.bucket] * bucketMs;
    if (from >= to) throw new ValidationError("invalid query: from: must be before to");
    const buckets = Math.ceil((to - Math.floor(from / bucketMs) * bucketMs) / bucketMs);
    if (buckets > MAX_BUCKETS) throw new ValidationError(`invalid query: from: the range spans ${buckets} ${q.bucket}s; at most ${MAX_BUCKETS} (use bucket=day or a shorter range)`);
    const store = ready(deps.store);
    await deps.recorder?.()?.flush();
    const tallies = await store.activity.activity({ from: Math.floor(from / bucketMs) * bucketMs, to, bucketMs });
    res.json(activityReport(tallies, { from, to, bucketMs, bucket: q.bucket }));
  });

  apiRoute(router, "get", "/api/admin/catalogue", doc("The catalogue's size and import history", limitQuery(500, 50)), async (req, res) => {
    const { limit } = parseInput(limitQuery(500, 50), req.query, "query");
    const store = ready(deps.store);
    const [products, imports] = await Promise.all([store.catalogue.countProducts(), store.catalogue.importHistory(limit)]);
    res.json({ products, imports: imports.map((i) => ({ ...i, atIso: new Date(i.at).toISOString() })) });
  });

  apiRoute(router, "get", "/api/admin/unanswered", doc("Messages the assistant could not answer (out of scope, or unsure), grouped", limitQuery(100, 10)), async (req, res) => {
    const { limit } = parseInput(limitQuery(100, 10), req.query, "query");
    // Texts the shop already labelled (`concierge nlu add`) are taught: left out, as the CLI does.
    const labelled = new Set(loadShopIntents(deps.dataDir).map((u) => normal(u.text)));
    const items = readReviewLog(deps.dataDir).filter((item) => !labelled.has(normal(item.text)));
    const outOfScope = items.filter((i) => i.intent === OUT_OF_SCOPE);
    const unsure = items.filter((i) => i.intent !== OUT_OF_SCOPE);
    const count = (list: typeof items) => list.reduce((n, i) => n + i.seen, 0);
    res.json({
      outOfScope: { messages: count(outOfScope), groups: groupForReview(outOfScope).slice(0, limit) },
      unsure: { messages: count(unsure), groups: groupForReview(unsure).slice(0, limit) },
    });
  });

  router.all("/api/admin/activity", methodNotAllowed("GET"));
  router.all("/api/admin/catalogue", methodNotAllowed("GET"));
  router.all("/api/admin/unanswered", methodNotAllowed("GET"));
  return router;
}
