import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import express, { type Router } from "express";
import { ConciergeError } from "../../core/errors.ts";
import { apiRoute } from "./api-route.ts";

/** The admin page's own files under /admin/ (ES modules and a stylesheet, no build step). */
const ADMIN_FILES: Record<string, string> = {
  "admin.js": "js",
  "admin-api.js": "js",
  "admin-charts.js": "js",
  "admin-panels.js": "js",
  "admin-replies.js": "js",
  "admin.css": "css",
};

/**
 * chart.js's UMD build, served by the service itself (no CDN: a shop's admin may have no internet).
 * The package exports only its entry points, so the build is found next to the CommonJS one.
 */
export function chartJsPath(): string {
  const main = createRequire(import.meta.url).resolve("chart.js");
  const umd = path.join(path.dirname(main), "chart.umd.min.js");
  if (!existsSync(umd)) throw new Error(`chart.js's UMD build is not at ${umd}; reinstall dependencies (npm ci)`);
  return umd;
}

/**
 * The page runs only its own scripts and talks only to this service: an injected script could read
 * the token from sessionStorage, and a framing page could trick a click on "stop".
 */
const PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** GET /admin: the dashboard page, its modules, and chart.js. The data comes from /api/admin/* (adminAuth). */
export function adminPageRoutes(webDir: string): Router {
  const router = express.Router();
  const send = (file: string, type: string) => (_req: express.Request, res: express.Response) => {
    // Never cached by a shared proxy; the page holds no data until signed in.
    res.type(type).set({ "Cache-Control": "no-cache", "Content-Security-Policy": PAGE_POLICY, "X-Frame-Options": "DENY" }).sendFile(file);
  };
  const page = (summary: string, contentType: string) => ({ summary, tag: "web", responses: { 200: { description: "The file", contentType } } });
  apiRoute(router, "get", ["/admin", "/admin/"], page("The admin dashboard page (its data comes from /api/admin/*)", "text/html"), send(path.join(webDir, "admin.html"), "html"));
  for (const [name, type] of Object.entries(ADMIN_FILES)) {
    apiRoute(router, "get", `/admin/${name}`, page("A dashboard module or stylesheet", type === "css" ? "text/css" : "text/javascript"), send(path.join(webDir, name), type));
  }
  // Resolved on request: a broken install costs the dashboard its charts, never the service its start.
  apiRoute(router, "get", "/admin/chart.umd.min.js", { ...page("chart.js, served locally", "text/javascript"), errors: [503] }, (req, res, next) => {
    let file: string;
    try {
      file = chartJsPath();
    } catch (err) {
      next(new ConciergeError("not_available", (err as Error).message, 503));
      return;
    }
    send(file, "js")(req, res);
  });
  return router;
}
