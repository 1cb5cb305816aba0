import type { RequestHandler, Router } from "express";
import type { z } from "zod";

export type Method = "get" | "post" | "put" | "patch" | "delete";

/** The ways a request proves who sends it (components.securitySchemes in /openapi.json). */
export type SecurityName = "adminToken" | "shopperToken" | "eventsKey" | "botFramework" | "metricsToken" | "twilioSignature";

export interface ResponseDoc {
  description: string;
  /** The body's shape (output side of the schema); absent for a body no schema describes. */
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
}

/** What /openapi.json says about one operation; it travels with the route it describes. */
export interface RouteDoc {
  summary: string;
  description?: string;
  tag: string;
  /** Alternatives: any one admits the request. Absent: a public route. */
  security?: SecurityName[];
  /** Path parameters; those it leaves out are documented as required strings. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; contentType?: string; required?: boolean; description?: string };
  /** Success responses by status. Error responses ({error: {code, message}}) are derived, plus `errors`. */
  responses: Record<number, ResponseDoc>;
  /** Error statuses the route answers beyond the derived ones (400 on input, 401/403 with security, 429/503 under /api). */
  errors?: number[];
}

/** Where a route keeps its docs, per method, on the express Route object itself. */
export const ROUTE_DOCS = Symbol.for("concierge.routeDocs");

type DocumentedRoute = { [ROUTE_DOCS]?: Partial<Record<Method, RouteDoc>> };

/**
 * Registers handlers and their description in one step, so /openapi.json (built from the app's
 * router stack) cannot miss or invent a route. Use it instead of router.get/post/delete for every
 * HTTP endpoint; router.all(…, methodNotAllowed(…)) fallbacks stay as they are.
 */
export function apiRoute(router: Pick<Router, "route">, method: Method, path: string | string[], doc: RouteDoc, ...handlers: RequestHandler[]): void {
  for (const p of [path].flat()) {
    const route = router.route(p);
    route[method](...handlers);
    const documented = route as unknown as DocumentedRoute;
    documented[ROUTE_DOCS] = { ...documented[ROUTE_DOCS], [method]: doc };
  }
}
