import { Ajv2020 } from "ajv/dist/2020.js";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminRouter } from "../../bot/http/admin.ts";
import { adminDashboardRouter } from "../../bot/http/admin-dashboard.ts";
import { adminImportsRouter } from "../../bot/http/admin-imports.ts";
import { adminRepliesRouter } from "../../bot/http/admin-replies.ts";
import { VoiceStackLoader } from "../../bot/voice/stack.ts";
import { createLogger } from "../../core/logger.ts";
import { type Harness, postJson, startHarness, testConfig, testIdentity } from "./harness.ts";

// biome-ignore lint/suspicious/noExplicitAny: the document is inspected as plain JSON
type Json = any;

const TOKEN = "openapi-admin-token-0123456789";
const EVENTS_KEY = "openapi-events-key-0123456789";
const env = { CONCIERGE_ADMIN_TOKEN: TOKEN, CONCIERGE_EVENTS_KEY: EVENTS_KEY };
const METHODS = ["get", "post", "put", "patch", "delete"];

/**
 * What express will answer, read straight from the app's router stack (written here, apart from
 * the generator): "GET /api/admin/experiments/{id}" for every method-specific route.
 */
function registeredOperations(app: express.Express): string[] {
  const out: string[] = [];
  const walk = (stack: Json[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          if (METHODS.includes(method)) out.push(`${method.toUpperCase()} ${String(layer.route.path).replace(/:([A-Za-z0-9_]+)/g, "{$1}")}`);
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as Json).router.stack);
  return [...new Set(out)].sort();
}

function documentedOperations(doc: Json): string[] {
  return Object.entries(doc.paths as Record<string, Json>)
    .flatMap(([p, item]) => Object.keys(item).filter((k) => METHODS.includes(k)).map((m) => `${m.toUpperCase()} ${p}`))
    .sort();
}

function resolvePointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref
    .slice(2)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce<Json>((node, key) => (node === undefined ? undefined : node[key]), doc);
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) collectRefs(n, out);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else collectRefs(v, out);
    }
  }
  return out;
}

async function startFull(extra?: express.Router): Promise<Harness> {
  const config = testConfig(env);
  const identity = await testIdentity(config);
  const admin = adminRouter({ adminToken: TOKEN, logger: createLogger("silent"), segments: () => undefined, experiments: () => undefined, identity: () => identity });
  admin.use(adminDashboardRouter({ adminToken: TOKEN, store: () => undefined, dataDir: "/nonexistent" }));
  admin.use(adminRepliesRouter({ adminToken: TOKEN, dataDir: "/nonexistent", logger: createLogger("silent") }));
  if (extra) admin.use(extra);
  const voice = new VoiceStackLoader({ config, logger: createLogger("silent"), products: async () => [] });
  const uploads = adminImportsRouter({ adminToken: TOKEN, jobs: () => undefined });
  return startHarness({ env, identity: () => identity, admin, voice, uploads });
}

describe("/openapi.json", () => {
  let harness: Harness;
  let doc: Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true });

  beforeAll(async () => {
    harness = await startFull();
    const res = await fetch(`${harness.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    doc = await res.json();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it("describes every route the app registers, and no route it does not", () => {
    const registered = registeredOperations(harness.server.app);
    expect(documentedOperations(doc)).toEqual(registered);
    // The contract's endpoints, by name: a walker that found nothing would pass the line above.
    for (const op of [
      "GET /healthz",
      "GET /readyz",
      "GET /metrics",
      "GET /openapi.json",
      "POST /api/events",
      "GET /api/me",
      "DELETE /api/me",
      "POST /api/me/export",
      "GET /api/me/export/{token}",
      "POST /api/messages",
      "POST /api/telephony/twiml",
      "GET /api/admin/segments/{id}/shoppers",
      "POST /api/admin/experiments",
      "POST /api/admin/experiments/{id}/stop",
      "POST /api/admin/copy",
      "GET /api/admin/sentiment",
      "GET /api/admin/replies",
      "PUT /api/admin/replies",
      "POST /api/admin/catalog/import",
      "POST /api/admin/kb/import",
      "GET /api/admin/imports/{jobId}",
      "GET /api/admin/activity",
      "GET /api/admin/unanswered",
      "POST /api/experiments/{id}/events",
      "GET /api/experiments/{id}/variant",
    ]) {
      expect(registered, op).toContain(op);
    }
  });

  it("a route registered without a description is missing from the document, so the comparison above fails", async () => {
    const plain = express.Router();
    plain.get("/api/admin/undescribed", (_req, res) => {
      res.json({});
    });
    const h = await startFull(plain);
    try {
      const d = await (await fetch(`${h.url}/openapi.json`)).json();
      expect(registeredOperations(h.server.app)).toContain("GET /api/admin/undescribed");
      expect(documentedOperations(d)).not.toContain("GET /api/admin/undescribed");
    } finally {
      await h.close();
    }
  });

  it("is a structurally sound OpenAPI 3.1 document", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe("string");
    expect(typeof doc.info.version).toBe("string");
    const ids = new Set<string>();
    for (const [p, item] of Object.entries(doc.paths as Record<string, Json>)) {
      expect(p.startsWith("/"), p).toBe(true);
      const templated = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item as Record<string, Json>)) {
        const where = `${method.toUpperCase()} ${p}`;
        expect(METHODS, where).toContain(method);
        expect(Object.keys(op.responses ?? {}).length, where).toBeGreaterThan(0);
        for (const r of Object.values(op.responses as Record<string, Json>)) expect(r.$ref ?? r.description, where).toBeTruthy();
        expect(ids.has(op.operationId), `${where}: operationId ${op.operationId} is unique`).toBe(false);
        ids.add(op.operationId);
        const pathParams = (op.parameters ?? []).filter((x: Json) => x.in === "path");
        expect(pathParams.map((x: Json) => x.name).sort(), where).toEqual([...templated].sort());
        for (const x of pathParams) expect(x.required, `${where} ${x.name}`).toBe(true);
        for (const s of op.security ?? []) for (const name of Object.keys(s)) expect(doc.components.securitySchemes, where).toHaveProperty(name);
      }
    }
  });

  it("resolves every $ref, and every schema in it is valid JSON Schema 2020-12", () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) expect(resolvePointer(doc, ref), ref).toBeDefined();
    const schemas: Json[] = [];
    const gather = (node: unknown) => {
      if (Array.isArray(node)) node.forEach(gather);
      else if (node && typeof node === "object") {
        for (const [k, v] of Object.entries(node)) {
          if (k === "schema" && v && typeof v === "object" && !("$ref" in v)) schemas.push(v);
          else gather(v);
        }
      }
    };
    gather(doc.paths);
    expect(schemas.length).toBeGreaterThan(20);
    for (const s of schemas) expect(ajv.validateSchema(s), JSON.stringify(s).slice(0, 200)).toBe(true);
  });

  it("names the four ways to authenticate and puts them on the routes that need them", () => {
    const schemes = doc.components.securitySchemes;
    for (const name of ["adminToken", "shopperToken", "eventsKey", "botFramework"]) expect(schemes, name).toHaveProperty(name);
    const security = (p: string, m: string) => (doc.paths[p][m].security ?? []).flatMap((s: Json) => Object.keys(s));
    expect(security("/api/admin/experiments", "post")).toEqual(["adminToken"]);
    expect(security("/api/admin/activity", "get")).toEqual(["adminToken"]);
    expect(security("/api/events", "post").sort()).toEqual(["eventsKey", "shopperToken"]);
    expect(security("/api/me", "delete")).toEqual(["shopperToken"]);
    expect(security("/api/messages", "post")).toEqual(["botFramework"]);
    expect(doc.paths["/healthz"].get.security).toBeUndefined();
  });

  it("its request schemas accept what the endpoint accepts and refuse what it refuses", async () => {
    const eventsBody = ajv.compile(doc.paths["/api/events"].post.requestBody.content["application/json"].schema);
    const good = { userId: "1001", itemId: "sku-1", type: "view" };
    const bad = { userId: "1001", itemId: "sku-1", type: "teleport" };
    const auth = { authorization: `Bearer ${EVENTS_KEY}` };
    expect(eventsBody(good)).toBe(true);
    expect((await postJson(`${harness.url}/api/events`, good, auth)).status).toBe(202);
    expect(eventsBody(bad)).toBe(false);
    expect((await postJson(`${harness.url}/api/events`, bad, auth)).status).toBe(400);
    expect(eventsBody([good, good])).toBe(true);
    expect(eventsBody([])).toBe(false);

    const experiment = ajv.compile(doc.paths["/api/admin/experiments"].post.requestBody.content["application/json"].schema);
    expect(experiment({ name: "Hero copy", variants: [{ name: "A" }, { name: "B" }] })).toBe(true);
    expect(experiment({ name: "Hero copy", variants: [{ name: "A" }] })).toBe(false);
    expect(experiment({ name: "Hero copy", variants: [{ name: "A" }, { name: "B" }], extra: 1 })).toBe(false);

    const activity = doc.paths["/api/admin/activity"].get.parameters;
    expect(activity.map((x: Json) => x.name).sort()).toEqual(["bucket", "from", "to"]);
    expect(activity.find((x: Json) => x.name === "bucket").schema.enum).toEqual(["hour", "day"]);
  });

  it("its response schemas match what the service answers, errors included", async () => {
    const check = (p: string, method: string, status: number, body: unknown) => {
      let r = doc.paths[p][method].responses[String(status)];
      if (r.$ref) r = resolvePointer(doc, r.$ref);
      let schema = r.content["application/json"].schema;
      if (schema.$ref) schema = resolvePointer(doc, schema.$ref);
      const validate = ajv.compile(schema);
      expect(validate(body), `${method} ${p} ${status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    check("/healthz", "get", 200, await (await fetch(`${harness.url}/healthz`)).json());
    check("/readyz", "get", 200, await (await fetch(`${harness.url}/readyz`)).json());
    harness.ready.value = false;
    const loading = await fetch(`${harness.url}/readyz`);
    harness.ready.value = true;
    expect(loading.status).toBe(503);
    check("/readyz", "get", 503, await loading.json());
    const recorded = await postJson(`${harness.url}/api/events`, { userId: "1001", itemId: "sku-1", type: "view" }, { authorization: `Bearer ${EVENTS_KEY}` });
    check("/api/events", "post", 202, recorded.body);
    const refused = await postJson(`${harness.url}/api/events`, { itemId: "sku-1", type: "teleport" }, { authorization: `Bearer ${EVENTS_KEY}` });
    expect(refused.status).toBe(400);
    check("/api/events", "post", 400, refused.body);
    const unauthorized = await fetch(`${harness.url}/api/admin/experiments`);
    expect(unauthorized.status).toBe(401);
    check("/api/admin/experiments", "get", 401, await unauthorized.json());
  });

  it("leaves out /metrics when it is served on a port of its own", async () => {
    const h = await startHarness({ env: { CONCIERGE_METRICS_PORT: "0" } });
    try {
      const d = await (await fetch(`${h.url}/openapi.json`)).json();
      expect(d.paths["/metrics"]).toBeUndefined();
      expect(d.paths["/healthz"]).toBeDefined();
    } finally {
      await h.close();
    }
  });
});
