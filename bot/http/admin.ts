import express, { type Request, type Router } from "express";
import { z } from "zod";
import { NotReadyError, ValidationError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { parseInput } from "../../core/validation.ts";
import { feedbackInputSchema, MAX_FEEDBACK, SentimentReports, sentimentQuerySchema } from "../../intents/feedback/index.ts";
import { CopyService, copyInputSchema } from "../../llm/copy/index.ts";
import type { LanguageModel } from "../../llm/index.ts";
import { assignVariant, createExperimentSchema, EXPERIMENT_ID, type Experiments, experimentEventInputSchema } from "../../recommend/experiments/index.ts";
import { pageSchema, runOptionsSchema, type Segments } from "../../recommend/segments/index.ts";
import { shopNamedShopper } from "../../shoppers/index.ts";
import type { Store } from "../../store/index.ts";
import { type IdentitySource, proveRequest } from "../identity.ts";
import { apiRoute, type RouteDoc } from "./api-route.ts";
import { methodNotAllowed } from "./middleware.ts";
import { adminAuth } from "./admin-auth.ts";

export interface AdminDeps {
  /** CONCIERGE_ADMIN_TOKEN (config.adminToken); unset keeps /api/admin to loopback clients. */
  adminToken?: string;
  logger: Logger;
  /** Undefined while the store is loading (answers 503). */
  segments: () => Segments | undefined;
  experiments: () => Experiments | undefined;
  /** The store once it is open (copy, feedback and sentiment answer 503 before). */
  store?: () => Store | undefined;
  /** The process's language model, shared with the dialogs; undefined → templated copy. */
  languageModel?: () => LanguageModel | undefined;
  /** Proves the shopper behind the public experiment endpoints (Authorization: Bearer). */
  identity: IdentitySource;
}

const segmentIdSchema = z.string().regex(/^\d{1,4}$/, "must be a segment number (0, 1, …)").transform(Number);

const experimentParam = z.object({ id: z.string().regex(EXPERIMENT_ID).describe("the experiment's id") });
const MAX_EXPERIMENT_EVENTS = 1000;

/** An admin route's doc: CONCIERGE_ADMIN_TOKEN, or loopback without it. */
const admin = (doc: Omit<RouteDoc, "tag" | "security">, tag: string): RouteDoc => ({ ...doc, tag, security: ["adminToken"] });

function ready<T>(get: () => T | undefined): T {
  const value = get();
  if (value === undefined) throw new NotReadyError();
  return value;
}

/**
 * The shop names a shopper by the id it knows: a stored id with its origin ("customer:1001",
 * "anon:…"), or its own customer id ("1001"). The admin is the shop, so this is no client claim.
 */
function shopperNamed(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  const id = typeof value === "string" ? shopNamedShopper(value) : undefined;
  if (!id) throw new ValidationError(`invalid ${field}: expected a shopper id (the shop's customer id, or a stored id such as "customer:1001")`);
  return id;
}

/** A JSON body, or {} when none was sent; anything but an object is refused naming `what`. */
function bodyObject(req: Request, what: string): Record<string, unknown> {
  if (req.body === undefined) return {};
  if (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)) throw new ValidationError(`invalid ${what}: expected a JSON object`);
  return req.body as Record<string, unknown>;
}

/**
 * The admin API (segments, experiments, marketing copy, feedback and sentiment) behind adminAuth, and the public experiment endpoints a
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
  const listSegments = admin({ summary: "The latest shopper segmentation, and whether one is running", responses: { 200: { description: "{segmentation (null before the first run), running}" } } }, "segments");
  apiRoute(router, "get", "/api/admin/segments", listSegments, async (_req, res) => {
    const segments = ready(deps.segments);
    res.json({ segmentation: await segments.latest(), running: segments.isRunning });
  });
  const segmentShoppers = admin({ summary: "The shoppers in one segment, a page at a time", params: z.object({ id: segmentIdSchema }), query: pageSchema, responses: { 200: { description: "A page of shoppers" } }, errors: [404] }, "segments");
  apiRoute(router, "get", "/api/admin/segments/:id/shoppers", segmentShoppers, async (req, res) => {
    const id = parseInput(segmentIdSchema, req.params.id, "segment id");
    res.json(await ready(deps.segments).shoppers(id, req.query as Record<string, unknown>));
  });
  const runSegments = admin({ summary: "Segment the shoppers now", body: { schema: runOptionsSchema, required: false }, responses: { 200: { description: "{segmentation}" } }, errors: [409] }, "segments");
  apiRoute(router, "post", "/api/admin/segments/run", runSegments, async (req, res) => {
    const segments = ready(deps.segments);
    res.json({ segmentation: await segments.run(bodyObject(req, "segmentation options")) });
  });
  router.all("/api/admin/segments", methodNotAllowed("GET"));
  router.all("/api/admin/segments/:id/shoppers", methodNotAllowed("GET"));
  router.all("/api/admin/segments/run", methodNotAllowed("POST"));

  // ── experiments ──
  const createDoc = admin({ summary: "Start an A/B experiment (the first variant is the control)", body: { schema: createExperimentSchema }, responses: { 201: { description: "The experiment" } }, errors: [409] }, "experiments");
  apiRoute(router, "post", "/api/admin/experiments", createDoc, async (req, res) => {
    if (req.body === undefined) throw new ValidationError("invalid experiment: expected a JSON body (Content-Type: application/json)");
    res.status(201).json(await ready(deps.experiments).create(req.body));
  });
  apiRoute(router, "get", "/api/admin/experiments", admin({ summary: "All experiments", responses: { 200: { description: "{experiments}" } } }, "experiments"), async (_req, res) => {
    res.json({ experiments: await ready(deps.experiments).list() });
  });
  const oneExperiment = (summary: string) => admin({ summary, params: experimentParam, responses: { 200: { description: summary } }, errors: [404] }, "experiments");
  apiRoute(router, "get", "/api/admin/experiments/:id", oneExperiment("One experiment"), async (req, res) => {
    res.json(await ready(deps.experiments).get(req.params.id as string));
  });
  apiRoute(router, "get", "/api/admin/experiments/:id/report", oneExperiment("The experiment's report: conversions per variant, significance, sample ratio"), async (req, res) => {
    res.json(await ready(deps.experiments).report(req.params.id as string));
  });
  apiRoute(router, "post", "/api/admin/experiments/:id/stop", oneExperiment("Stop the experiment (everyone then gets the control)"), async (req, res) => {
    res.json(await ready(deps.experiments).stop(req.params.id as string));
  });
  router.all("/api/admin/experiments", methodNotAllowed("GET, POST"));
  router.all("/api/admin/experiments/:id", methodNotAllowed("GET"));
  router.all("/api/admin/experiments/:id/report", methodNotAllowed("GET"));
  router.all("/api/admin/experiments/:id/stop", methodNotAllowed("POST"));

  // ── marketing copy, feedback and sentiment ──
  // Built on first use from the store the service opened; they hold no state of their own.
  let copy: { store: Store; service: CopyService } | undefined;
  let reports: { store: Store; service: SentimentReports } | undefined;
  const copyService = () => {
    const store = ready(deps.store ?? (() => undefined));
    if (copy?.store !== store) {
      const service = new CopyService({ store, languageModel: deps.languageModel, createExperiment: (input) => ready(deps.experiments).create(input), logger: deps.logger });
      copy = { store, service };
    }
    return copy.service;
  };
  const sentimentReports = () => {
    const store = ready(deps.store ?? (() => undefined));
    if (reports?.store !== store) reports = { store, service: new SentimentReports({ store, logger: deps.logger }) };
    return reports.service;
  };
  const copyDoc = admin({
    summary: "Write marketing copy for a product, for a shopper or a segment, optionally as an experiment",
    body: { schema: copyInputSchema },
    responses: { 200: { description: "The copy variants" }, 201: { description: "The copy variants and the experiment started with them" } },
    errors: [404],
  }, "copy");
  apiRoute(router, "post", "/api/admin/copy", copyDoc, async (req, res) => {
    if (req.body === undefined) throw new ValidationError("invalid copy request: expected a JSON body (Content-Type: application/json) with productId");
    const controller = new AbortController();
    // A client that hangs up stops the model writing for it.
    res.on("close", () => {
      if (!res.writableEnded) controller.abort(new Error("client closed the request"));
    });
    const body = bodyObject(req, "copy request");
    const shopperId = shopperNamed(body.shopperId, "copy request: shopperId");
    const result = await copyService().write(shopperId ? { ...body, shopperId } : body, { signal: controller.signal });
    res.status(result.experiment ? 201 : 200).json(result);
  });
  const feedbackDoc = admin({ summary: "Record shopper feedback (scored for sentiment)", body: { schema: z.union([feedbackInputSchema, z.array(feedbackInputSchema).min(1).max(MAX_FEEDBACK)]) }, responses: { 201: { description: "What was recorded" } } }, "feedback");
  apiRoute(router, "post", "/api/admin/feedback", feedbackDoc, async (req, res) => {
    if (req.body === undefined) throw new ValidationError("invalid feedback: expected a JSON body (Content-Type: application/json) with an entry or an array of entries");
    const entries = Array.isArray(req.body) ? req.body : [req.body];
    const named = entries.map((e: unknown, i: number) => {
      if (!e || typeof e !== "object" || Array.isArray(e) || (e as { userId?: unknown }).userId === undefined) return e;
      return { ...e, userId: shopperNamed((e as { userId: unknown }).userId, Array.isArray(req.body) ? `feedback[${i}].userId` : "feedback: userId") };
    });
    res.status(201).json(await sentimentReports().record(Array.isArray(req.body) ? named : named[0]));
  });
  apiRoute(router, "get", "/api/admin/sentiment", admin({ summary: "Sentiment over time, overall and per product", query: sentimentQuerySchema, responses: { 200: { description: "The sentiment report" } } }, "feedback"), async (req, res) => {
    res.json(await sentimentReports().report(req.query));
  });
  router.all("/api/admin/copy", methodNotAllowed("POST"));
  router.all("/api/admin/feedback", methodNotAllowed("POST"));
  router.all("/api/admin/sentiment", methodNotAllowed("GET"));

  // ── public: what the shop's pages report and ask, for the shopper their token proves ──
  const eventsDoc: RouteDoc = {
    summary: "Record the proven shopper's exposures and conversions in an experiment",
    tag: "experiments",
    security: ["shopperToken"],
    params: experimentParam,
    body: { schema: z.union([experimentEventInputSchema, z.array(experimentEventInputSchema).min(1).max(MAX_EXPERIMENT_EVENTS)]) },
    responses: { 202: { description: "Recorded" } },
    errors: [404],
  };
  apiRoute(router, "post", "/api/experiments/:id/events", eventsDoc, async (req, res) => {
    const shopper = await proveRequest(req, deps.identity);
    if (req.body === undefined) throw new ValidationError("invalid events: expected a JSON body (Content-Type: application/json) with an event or an array of events");
    res.status(202).json(await ready(deps.experiments).record(req.params.id as string, req.body, shopper.id));
  });
  const variantDoc: RouteDoc = {
    summary: "The variant the proven shopper is assigned (the control once the experiment stopped)",
    tag: "experiments",
    security: ["shopperToken"],
    params: experimentParam,
    responses: {
      200: {
        description: "The assignment",
        schema: z.object({ experimentId: z.string(), variant: z.string(), control: z.boolean(), config: z.object({ ranking: z.string().optional(), copy: z.string().optional() }), stopped: z.literal(true).optional() }),
      },
    },
    errors: [404],
  };
  apiRoute(router, "get", "/api/experiments/:id/variant", variantDoc, async (req, res) => {
    const userId = (await proveRequest(req, deps.identity)).id;
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
