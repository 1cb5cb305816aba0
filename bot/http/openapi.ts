import { readFileSync } from "node:fs";
import path from "node:path";
import type { Express, RequestHandler } from "express";
import { z } from "zod";
import { type Method, ROUTE_DOCS, type RouteDoc, type SecurityName } from "./api-route.ts";

/** The body of every error answer (errorHandler). */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().describe("stable, machine-readable: invalid_input, unauthorized, not_found, rate_limited, not_ready, …"),
    message: z.string().describe("for people; names the field at fault on invalid input"),
  }),
});

const SECURITY_SCHEMES: Record<SecurityName, Record<string, unknown>> = {
  adminToken: {
    type: "http",
    scheme: "bearer",
    description: "CONCIERGE_ADMIN_TOKEN. Without it set, /api/admin answers requests from this machine only (loopback address and Host, no proxy headers).",
  },
  shopperToken: {
    type: "http",
    scheme: "bearer",
    description: "A shopper's token: the shop's signed customer token, or the anonymous token the chat handed out.",
  },
  eventsKey: {
    type: "http",
    scheme: "bearer",
    description: "CONCIERGE_EVENTS_KEY, the shop backend's server key: each event then names its shopper in userId.",
  },
  botFramework: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "The Bot Framework channel's JWT (MICROSOFT_APP_ID set); without app credentials the endpoint runs anonymously.",
  },
  metricsToken: {
    type: "http",
    scheme: "bearer",
    description: "CONCIERGE_METRICS_TOKEN. Without it, /metrics answers this machine only; with CONCIERGE_METRICS_PORT it is served on that port instead.",
  },
  twilioSignature: {
    type: "apiKey",
    in: "header",
    name: "X-Twilio-Signature",
    description: "The phone provider's signature over the URL and form body (CONCIERGE_TELEPHONY_AUTH_TOKEN set).",
  },
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input: the message names the field at fault",
  401: "Missing or wrong credentials",
  403: "Not allowed from here or with these credentials",
  404: "Not found",
  409: "Conflicts with the current state",
  413: "Request body too large",
  429: "Rate limited (Retry-After)",
  503: "Not ready yet, or shutting down (Retry-After)",
};

export interface DescribedRoute {
  method: Method;
  /** As express registered it: /api/admin/experiments/:id */
  path: string;
  doc: RouteDoc | undefined;
}

interface StackLayer {
  route?: { path: unknown; methods: Record<string, boolean>; [ROUTE_DOCS]?: Partial<Record<Method, RouteDoc>> };
  handle?: { stack?: StackLayer[] };
  /** Router 2.x: true for middleware mounted at "/" (app.use(router)). */
  slash?: boolean;
}

/**
 * Every method-specific route the app serves, with the doc apiRoute attached (undefined when a route
 * was registered without one). Routers mounted at "/" are walked; a router mounted under a prefix
 * is refused, because its routes' paths would be wrong here.
 */
export function describedRoutes(app: Express): DescribedRoute[] {
  const out: DescribedRoute[] = [];
  const walk = (stack: StackLayer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const docs = layer.route[ROUTE_DOCS] ?? {};
        for (const [method, on] of Object.entries(layer.route.methods)) {
          // "_all" is router.all(): the 405 fallbacks, and catch-alls that are described by method.
          if (!on || method === "_all" || method === "head" || method === "options") continue;
          out.push({ method: method as Method, path: String(layer.route.path), doc: docs[method as Method] });
        }
      } else if (layer.handle?.stack) {
        if (!layer.slash) throw new Error("describedRoutes: a router mounted under a path prefix; mount it at / with full paths");
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack);
  return out;
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  // Transforms and refinements have no JSON Schema form: their input side is described, the check is not.
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

/** Express's /a/:id becomes OpenAPI's /a/{id}. */
export function openApiPath(expressPath: string): string {
  if (/[*?(){}]/.test(expressPath)) throw new Error(`openApiPath: ${expressPath} uses a pattern /openapi.json cannot describe`);
  return expressPath.replace(/:(\w+)/g, "{$1}");
}

function parameters(expressPath: string, doc: RouteDoc): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const pathProps = doc.params ? (jsonSchema(doc.params, "input").properties as Record<string, unknown>) : {};
  for (const [, name] of expressPath.matchAll(/:(\w+)/g)) {
    out.push({ name, in: "path", required: true, schema: pathProps[name!] ?? { type: "string" } });
  }
  if (doc.query) {
    const q = jsonSchema(doc.query, "input");
    const required = new Set((q.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((q.properties as Record<string, Record<string, unknown>>) ?? {})) {
      const { description, ...rest } = schema;
      out.push({ name, in: "query", required: required.has(name), schema: rest, ...(description !== undefined && { description }) });
    }
  }
  return out;
}

function errorStatuses(expressPath: string, doc: RouteDoc): number[] {
  const s = new Set(doc.errors ?? []);
  if (doc.body || doc.query || doc.params || expressPath.includes(":")) s.add(400);
  if (doc.body) s.add(413);
  if (doc.security?.length) {
    s.add(401);
    s.add(403);
  }
  if (expressPath.startsWith("/api/")) {
    s.add(429);
    s.add(503);
  }
  return [...s].sort((a, b) => a - b);
}

function operation(expressPath: string, method: Method, doc: RouteDoc): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(doc.responses)) {
    responses[status] = {
      description: r.description,
      ...(r.schema || r.contentType ? { content: { [r.contentType ?? "application/json"]: r.schema ? { schema: jsonSchema(r.schema, "output") } : {} } } : {}),
    };
  }
  for (const status of errorStatuses(expressPath, doc)) {
    responses[status] ??= { $ref: `#/components/responses/E${status}` };
  }
  responses.default = { $ref: "#/components/responses/Error" };
  const params = parameters(expressPath, doc);
  return {
    operationId: `${method}${openApiPath(expressPath).replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? "").toUpperCase()) || "Root"}`,
    summary: doc.summary,
    ...(doc.description && { description: doc.description }),
    tags: [doc.tag],
    ...(doc.security && { security: doc.security.map((name) => ({ [name]: [] })) }),
    ...(params.length && { parameters: params }),
    ...(doc.body && {
      requestBody: {
        required: doc.body.required ?? true,
        ...(doc.body.description && { description: doc.body.description }),
        content: { [doc.body.contentType ?? "application/json"]: { schema: jsonSchema(doc.body.schema, "input") } },
      },
    }),
    responses,
  };
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../package.json"), "utf8")) as { version?: string };
  return pkg.version ?? "0.0.0";
}

/**
 * The OpenAPI 3.1 description of what this app serves, built from its router stack and the zod
 * schemas the routes validate with. A route registered without apiRoute is left out (a test fails on it).
 */
export function openApiDocument(app: Express): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const ids = new Set<string>();
  for (const { method, path: p, doc } of describedRoutes(app)) {
    if (!doc) continue;
    const key = openApiPath(p);
    const op = operation(p, method, doc);
    // "/admin" and "/admin/" name the same page: operationIds must still differ.
    let id = op.operationId as string;
    for (let n = 2; ids.has(id); n++) id = `${op.operationId}${n}`;
    ids.add(id);
    paths[key] ??= {};
    paths[key][method] = { ...op, operationId: id };
  }
  const errorContent = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };
  const responses: Record<string, unknown> = { Error: { description: "Any error", content: errorContent } };
  for (const [status, description] of Object.entries(ERROR_DESCRIPTIONS)) responses[`E${status}`] = { description, content: errorContent };
  return {
    openapi: "3.1.0",
    info: {
      title: "Concierge",
      version: packageVersion(),
      description:
        "Self-hosted conversational shop assistant. Chat and voice run over socket.io (/chat, /voice namespaces at /socket.io/), outside this HTTP description. Every error answers {error: {code, message}}.",
    },
    paths,
    components: { schemas: { Error: jsonSchema(errorBodySchema, "output") }, responses, securitySchemes: SECURITY_SCHEMES },
  };
}

/** GET /openapi.json: built on first request, when every route is registered, then kept. */
export function openApiHandler(app: Express): RequestHandler {
  let body: string | undefined;
  return (_req, res) => {
    body ??= JSON.stringify(openApiDocument(app));
    res.type("json").set("Cache-Control", "no-cache").send(body);
  };
}
