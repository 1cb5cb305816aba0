import path from "node:path";
import { z } from "zod";
import { ValidationError } from "./errors.ts";

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const bool = (fallback: boolean) =>
  z.preprocess((v) => {
    if (v === undefined || v === "") return fallback;
    if (typeof v === "string") return ["1", "true", "yes", "on"].includes(v.toLowerCase());
    return v;
  }, z.boolean());

/**
 * A list of exact origins as browsers send them in `Origin`. A path, a query or a missing scheme
 * would never match one, so it is refused at start-up rather than silently blocking the shop.
 */
function parseOrigins(value: string | undefined, ctx: z.RefinementCtx): string[] | undefined {
  if (value === undefined) return undefined;
  const origins: string[] = [];
  for (const raw of value.split(",").map((o) => o.trim()).filter(Boolean)) {
    if (raw === "*") {
      origins.push("*");
      continue;
    }
    let origin: string | undefined;
    try {
      const url = new URL(raw);
      const bare = url.pathname === "/" && !url.search && !url.hash && !url.username && !url.password && !/[?#]/.test(raw) && /^https?:\/\/[^/]+\/?$/i.test(raw);
      if ((url.protocol === "http:" || url.protocol === "https:") && bare) origin = url.origin;
    } catch {
      // not a URL at all: reported below
    }
    if (!origin) {
      ctx.addIssue({ code: "custom", message: `${JSON.stringify(raw)} is not an origin; write scheme://host[:port] without a path, e.g. https://shop.example` });
      return undefined;
    }
    origins.push(origin);
  }
  return origins;
}

/**
 * Every setting of the service, read once from the environment. README "Configuration" documents
 * each variable; the names here are the contract.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().default("0.0.0.0"),
  CONCIERGE_DATA_DIR: z.string().default("./data"),
  CONCIERGE_MODELS_DIR: optionalString,
  CONCIERGE_MODEL_HUB: z.string().default("https://huggingface.co"),
  /** Downloaded sentence-embedding model (org/name on the hub); "none" keeps the built-in tier. */
  CONCIERGE_EMBEDDING_MODEL: z.string().default("Xenova/multilingual-e5-small"),
  /** Allow downloading models at start-up when they are not present locally. */
  CONCIERGE_ALLOW_DOWNLOADS: bool(false),
  /** Catalogue loaded on first run when the store has no products; "none" starts empty. */
  CONCIERGE_CATALOG: optionalString,
  /** Documents (a file or folder) imported into an empty knowledge base on first run; "none" starts with none. */
  CONCIERGE_KB: optionalString,
  DATABASE_URL: optionalString,
  /** PostgreSQL schema for Concierge's tables (one database can host several shops). */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case identifier").default("public"),
  REDIS_URL: optionalString,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MAX_MESSAGE_CHARS: z.coerce.number().int().positive().default(2000),
  /** Chat messages a shopper may send at once, then per second, over all their connections. */
  RATE_LIMIT_BURST: z.coerce.number().int().positive().default(10),
  RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(1),
  /** HTTP requests, chat messages and event calls one client address may make a minute (0: no limit). */
  RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Connections (chat, voice, telephone) one client address may hold open at once (0: no limit). */
  MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(0).default(100),
  /** Shopper events one shopper may record a minute (0: no limit). */
  RATE_LIMIT_EVENTS_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Voice sessions (kiosks and calls) one replica runs at once (0: no limit). */
  MAX_VOICE_SESSIONS: z.coerce.number().int().min(0).default(16),
  /** Turns the whole service takes a second, across replicas (0: no limit). */
  MAX_TURNS_PER_SECOND: z.coerce.number().int().min(0).default(0),
  /** Behind a reverse proxy: a client's address is the last X-Forwarded-For hop, not the proxy's. */
  CONCIERGE_TRUST_PROXY: bool(false),
  /** Bot Framework credentials: when an app id is set, every request to /api/messages must be authenticated. */
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  MICROSOFT_APP_TYPE: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("MultiTenant"),
  /** Without credentials /api/messages is closed; 1 opens it to this machine only (the Emulator, the Agents Playground). */
  CONCIERGE_BOTFRAMEWORK_ANONYMOUS: bool(false),
  /** Hosts besides the Bot Framework's own that replies may be posted to (comma-separated). */
  CONCIERGE_BOTFRAMEWORK_SERVICE_HOSTS: optionalString,
  /**
   * Bearer token for /api/admin/* (segments, experiments). Unset: admin requests are accepted from
   * loopback addresses only, and start-up warns.
   */
  CONCIERGE_ADMIN_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  /**
   * The shops' origins that may embed the widget and call /api from their pages (comma-separated,
   * scheme://host[:port]; "*" allows every origin). Unset: only the service's own origin.
   */
  CONCIERGE_ALLOWED_ORIGINS: z.preprocess(emptyToUndefined, z.string().optional().transform((v, ctx) => parseOrigins(v, ctx))),
  CONCIERGE_PUBLIC_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, "must be an http(s) URL without query, e.g. https://shop.example")
      .optional(),
  ),
  /**
   * The phone provider's auth token (Twilio's account auth token): when set, the TwiML webhook must
   * carry a valid X-Twilio-Signature and the media stream a per-call token. Unset: the telephone
   * line is unauthenticated (local testing), every call is its own shopper, and start-up warns.
   */
  CONCIERGE_TELEPHONY_AUTH_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().min(16, "must be at least 16 characters").regex(/^\S+$/, "must not contain spaces (copy the token alone)").optional(),
  ),
  /**
   * How the shop proves who its logged-in customers are: an HS256 secret it signs their tokens with,
   * or (for RS256/ES256) its public key (PEM text or a .pem file) or a JWKS file. Optional issuer and
   * audience the tokens must carry. Unset: every shopper is an anonymous visitor.
   */
  CONCIERGE_IDENTITY_SECRET: optionalString,
  CONCIERGE_IDENTITY_PUBLIC_KEY: optionalString,
  CONCIERGE_IDENTITY_JWKS: optionalString,
  CONCIERGE_IDENTITY_ISSUER: optionalString,
  CONCIERGE_IDENTITY_AUDIENCE: optionalString,
  /**
   * The shop's webhook for order status, returns, stock at a store and hand-offs (docs/actions.md),
   * and the secret its requests are signed with (X-Concierge-Signature). Unset: those answers stay
   * the shop's fixed wording.
   */
  CONCIERGE_ACTIONS_URL: z.preprocess(emptyToUndefined, z.string().regex(/^https?:\/\/[^\s/?#]+(\/\S*)?$/, "must be an http(s) URL, e.g. https://shop.example/concierge/actions").optional()),
  CONCIERGE_ACTIONS_SECRET: z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  /** How long one webhook call may take before the shopper gets an apology. */
  CONCIERGE_ACTIONS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(4000),
  /** Webhook calls in flight at once per replica; more wait their turn within the timeout. */
  CONCIERGE_ACTIONS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** A Slack or Microsoft Teams incoming-webhook URL that hand-offs are posted to (`{"text": …}`). */
  CONCIERGE_HANDOFF_URL: z.preprocess(emptyToUndefined, z.string().regex(/^https?:\/\/[^\s/?#]+(\/\S*)?$/, "must be an http(s) URL (a Slack or Teams incoming webhook)").optional()),
  /** Events and messages older than this many days are purged (hourly); unset keeps them. */
  CONCIERGE_RETENTION_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().positive().max(36500).optional()),
  /** How long a data-export link works. */
  CONCIERGE_EXPORT_LINK_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** A shared kiosk without a signed-in customer starts a new anonymous shopper after this long without a turn. */
  CONCIERGE_KIOSK_IDLE_SECONDS: z.coerce.number().int().min(10).max(86400).default(120),
  /** The shop's backend key for POST /api/events (events naming their shopper in userId); unset: only shoppers' own tokens. */
  CONCIERGE_EVENTS_KEY: z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  /** /metrics on a port of its own (on HOST), instead of the service's port. */
  CONCIERGE_METRICS_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  /** Bearer token for /metrics on the service's port; unset: this machine only. */
  CONCIERGE_METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  /** A /voice session with no audio and no control message for this long is ended (the socket stays). */
  CONCIERGE_VOICE_IDLE_SECONDS: z.coerce.number().int().min(10).max(86400).default(600),
  /** A telephone stream with no audio for this long is hung up. */
  CONCIERGE_TELEPHONY_IDLE_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  /** On SIGTERM/SIGINT, how long turns already running may take to finish before the service closes. */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  CONCIERGE_NLU_REVIEW_BELOW: z.coerce.number().min(0).max(1).default(0.6),
  CONCIERGE_LIVE_POLL_MS: z.coerce.number().int().min(200).max(600_000).default(3_000),
  CONCIERGE_NLU_MIN_CONFIDENCE: z.coerce.number().min(0).max(1).optional(),
  /** Half-life of a shopper event's weight in their profile. */
  PROFILE_HALF_LIFE_DAYS: z.coerce.number().positive().default(30),
  /** Local LLM: a registry id (resolved like every model), a path to a .gguf file, or "none" for templated replies. */
  CONCIERGE_LLM_MODEL: z.preprocess(emptyToUndefined, z.string().trim().min(1).default("Qwen/Qwen2.5-1.5B-Instruct-GGUF")),
  /** "auto" tries CUDA and falls back to the CPU; never builds llama.cpp from source. */
  CONCIERGE_LLM_GPU: z.enum(["auto", "cuda", "cpu"]).default("auto"),
  /** CPU threads for generation; 0 picks one fewer than the cores (oversubscribing cores made generation hundreds of times slower). */
  CONCIERGE_LLM_THREADS: z.coerce.number().int().min(0).max(256).default(0),
  /** Conversations generating at once (context sequences); more wait in the queue. */
  CONCIERGE_LLM_SEQUENCES: z.coerce.number().int().min(1).max(64).default(4),
  /** Tokens of context per sequence (prompt + answer); capped at what the model was trained for. */
  CONCIERGE_LLM_CONTEXT_SIZE: z.coerce.number().int().min(256).max(131072).default(4096),
  /** Requests that may wait for a free sequence; beyond it a request gets the templated reply at once. */
  CONCIERGE_LLM_QUEUE_MAX: z.coerce.number().int().min(0).max(10000).default(32),
  /** How long a request may wait for a free sequence before the templated reply answers instead. */
  CONCIERGE_LLM_QUEUE_TIMEOUT_MS: z.coerce.number().int().min(0).max(600000).default(5000),
  /** Ranking knobs (recommend/README.md, Configuration): signal weights, diversity, windows, co-occurrence. */
  CONCIERGE_REC_WEIGHT_CONTENT: z.coerce.number().min(0).max(100).default(1),
  CONCIERGE_REC_WEIGHT_SESSION: z.coerce.number().min(0).max(100).default(2),
  CONCIERGE_REC_WEIGHT_COLLABORATIVE: z.coerce.number().min(0).max(100).default(1),
  CONCIERGE_REC_WEIGHT_POPULARITY: z.coerce.number().min(0).max(100).default(0.3),
  CONCIERGE_REC_WEIGHT_RECENCY: z.coerce.number().min(0).max(100).default(0.1),
  CONCIERGE_REC_WEIGHT_MODEL: z.coerce.number().min(0).max(100).default(1),
  /** The learned model (EASE): items it covers (0 = no model) and its λ; a stored tuning's λ wins. */
  CONCIERGE_REC_EASE_MAX_ITEMS: z.coerce.number().int().min(0).max(20000).default(4000),
  CONCIERGE_REC_EASE_LAMBDA: z.coerce.number().positive().max(1e6).default(200),
  /** Re-tune the ranking from the stored events every N hours (0 = off; `concierge rec tune` by hand). */
  CONCIERGE_REC_TUNE_INTERVAL_HOURS: z.coerce.number().min(0).max(8760).default(0),
  CONCIERGE_REC_MMR_LAMBDA: z.coerce.number().min(0).max(1).default(0.85),
  CONCIERGE_REC_BRAND_CAP: z.coerce.number().gt(0, "must be greater than 0").max(1).default(0.4),
  CONCIERGE_REC_SESSION_MINUTES: z.coerce.number().positive().max(1440).default(30),
  CONCIERGE_REC_NEW_HALF_LIFE_DAYS: z.coerce.number().positive().max(3650).default(14),
  CONCIERGE_REC_CONTENT_SHRINK: z.coerce.number().min(0).max(10000).default(10),
  CONCIERGE_REC_COOCCURRENCE_MIN_SUPPORT: z.coerce.number().int().min(1).max(1000).default(2),
  CONCIERGE_REC_COOCCURRENCE_WINDOW: z.coerce.number().int().min(2).max(10000).default(100),
  CONCIERGE_REC_POPULARITY_WINDOW_DAYS: z.coerce.number().positive().max(3650).default(30),
});

/** How recommendations are ranked (CONCIERGE_REC_*; the half-life is PROFILE_HALF_LIFE_DAYS). */
export interface RecommendSettings {
  weights: { content: number; session: number; collaborative: number; model: number; popularity: number; recency: number };
  ease: { maxItems: number; lambda: number };
  tuneIntervalHours: number;
  mmrLambda: number;
  brandCap: number;
  sessionMinutes: number;
  newHalfLifeDays: number;
  contentShrink: number;
  cooccurrence: { minSupport: number; window: number };
  popularityWindowDays: number;
}

/** The shop's systems Concierge acts through (CONCIERGE_ACTIONS_*, CONCIERGE_HANDOFF_URL). */
export interface ActionSettings {
  /** Set together: loadConfig refuses a URL without a secret. */
  webhook?: { url: string; secret: string };
  handoffUrl?: string;
  timeoutMs: number;
  concurrency: number;
}

/** The local LLM's settings (CONCIERGE_LLM_*). */
export interface LlmSettings {
  /** Registry id, .gguf path, or "none". */
  model: string;
  gpu: "auto" | "cuda" | "cpu";
  /** 0 = automatic. */
  threads: number;
  sequences: number;
  contextSize: number;
  maxQueue: number;
  queueTimeoutMs: number;
}

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  modelsDir?: string;
  modelHub: string;
  embeddingModel: string;
  allowDownloads: boolean;
  catalogPath?: string;
  /** The knowledge base's first-run documents (the demo's policies when unset); "none" for none. */
  kbPath?: string;
  databaseUrl?: string;
  databaseSchema: string;
  redisUrl?: string;
  logLevel: string;
  maxMessageChars: number;
  messageRate: { capacity: number; refillPerSecond: number };
  /** The limits (bot/limits.ts); optional so hand-built configs take the defaults. */
  limits?: { perIpPerMinute: number; maxConnectionsPerIp: number; eventsPerShopperPerMinute: number; maxVoiceSessions: number; turnsPerSecond: number; trustProxy: boolean };
  bot: {
    appId?: string;
    appPassword?: string;
    tenantId?: string;
    appType: "MultiTenant" | "SingleTenant" | "UserAssignedMSI";
    /** CONCIERGE_BOTFRAMEWORK_ANONYMOUS; optional so hand-built configs stay valid (closed). */
    anonymous?: boolean;
    /** CONCIERGE_BOTFRAMEWORK_SERVICE_HOSTS. */
    serviceHosts?: string[];
  };
  profileHalfLifeDays: number;
  /** CONCIERGE_ADMIN_TOKEN; undefined keeps the admin API to loopback clients. */
  adminToken?: string;
  /** CONCIERGE_ALLOWED_ORIGINS: origins besides the service's own that may use it from a browser ("*": any); undefined or empty: none. */
  allowedOrigins?: string[];
  /** CONCIERGE_PUBLIC_URL: how providers reach this service (behind a proxy); undefined uses each request's host. */
  publicUrl?: string;
  /** CONCIERGE_TELEPHONY_AUTH_TOKEN; undefined leaves the telephone line unauthenticated. */
  telephonyAuthToken?: string;
  /** CONCIERGE_IDENTITY_*: how the shop signs its customers' tokens; empty: anonymous visitors only. */
  identity?: { secret?: string; publicKey?: string; jwksFile?: string; issuer?: string; audience?: string };
  /** CONCIERGE_RETENTION_DAYS, CONCIERGE_EXPORT_LINK_MINUTES. */
  privacy?: { retentionDays?: number; exportLinkMinutes: number };
  /** CONCIERGE_KIOSK_IDLE_SECONDS. */
  kioskIdleSeconds?: number;
  /** CONCIERGE_EVENTS_KEY. */
  eventsKey?: string;
  /** CONCIERGE_VOICE_IDLE_SECONDS, CONCIERGE_TELEPHONY_IDLE_SECONDS. */
  idle?: { voiceSeconds: number; telephoneSeconds: number };
  /** SHUTDOWN_DRAIN_MS. */
  shutdownDrainMs?: number;
  /** CONCIERGE_NLU_REVIEW_BELOW: messages understood with less confidence (and out-of-scope ones) are kept for review; 0 keeps none. */
  nluReviewBelow?: number;
  /** CONCIERGE_LIVE_POLL_MS: how often the store is asked whether an import (CLI, another replica) changed the catalogue or the knowledge base. */
  liveUpdateMs?: number;
  /** CONCIERGE_NLU_MIN_CONFIDENCE: the probability of a right answer wanted before an intent is answered (else out of scope); unset keeps the trained 0.5. */
  nluMinConfidence?: number;
  /** CONCIERGE_METRICS_PORT, CONCIERGE_METRICS_TOKEN. */
  metrics?: { port?: number; token?: string };
  /** CONCIERGE_ACTIONS_* and CONCIERGE_HANDOFF_URL; absent: no webhook, no hand-off target. */
  actions?: ActionSettings;
  /** Always set by loadConfig; optional so hand-built configs (tests) stay valid. */
  llm?: LlmSettings;
  /** Always set by loadConfig; optional like llm. */
  recommend?: RecommendSettings;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema
    .superRefine((e, ctx) => {
      // An unsigned request would let anyone who finds the URL pose as Concierge to the shop's order system.
      if (e.CONCIERGE_ACTIONS_URL && !e.CONCIERGE_ACTIONS_SECRET) ctx.addIssue({ code: "custom", path: ["CONCIERGE_ACTIONS_SECRET"], message: "is required when CONCIERGE_ACTIONS_URL is set (at least 16 characters)" });
    })
    .safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ValidationError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.CONCIERGE_DATA_DIR),
    modelsDir: e.CONCIERGE_MODELS_DIR ? path.resolve(e.CONCIERGE_MODELS_DIR) : undefined,
    modelHub: e.CONCIERGE_MODEL_HUB.replace(/\/+$/, ""),
    embeddingModel: e.CONCIERGE_EMBEDDING_MODEL,
    allowDownloads: e.CONCIERGE_ALLOW_DOWNLOADS,
    catalogPath: e.CONCIERGE_CATALOG,
    kbPath: e.CONCIERGE_KB,
    databaseUrl: e.DATABASE_URL,
    databaseSchema: e.DATABASE_SCHEMA,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    maxMessageChars: e.MAX_MESSAGE_CHARS,
    messageRate: { capacity: e.RATE_LIMIT_BURST, refillPerSecond: e.RATE_LIMIT_PER_SECOND },
    limits: {
      perIpPerMinute: e.RATE_LIMIT_PER_IP_PER_MINUTE,
      maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
      eventsPerShopperPerMinute: e.RATE_LIMIT_EVENTS_PER_MINUTE,
      maxVoiceSessions: e.MAX_VOICE_SESSIONS,
      turnsPerSecond: e.MAX_TURNS_PER_SECOND,
      trustProxy: e.CONCIERGE_TRUST_PROXY,
    },
    bot: {
      appId: e.MICROSOFT_APP_ID,
      appPassword: e.MICROSOFT_APP_PASSWORD,
      tenantId: e.MICROSOFT_APP_TENANT_ID,
      appType: e.MICROSOFT_APP_TYPE,
      anonymous: e.CONCIERGE_BOTFRAMEWORK_ANONYMOUS,
      serviceHosts: e.CONCIERGE_BOTFRAMEWORK_SERVICE_HOSTS?.split(",").map((h) => h.trim()).filter(Boolean),
    },
    profileHalfLifeDays: e.PROFILE_HALF_LIFE_DAYS,
    adminToken: e.CONCIERGE_ADMIN_TOKEN,
    telephonyAuthToken: e.CONCIERGE_TELEPHONY_AUTH_TOKEN,
    allowedOrigins: e.CONCIERGE_ALLOWED_ORIGINS ?? [],
    publicUrl: e.CONCIERGE_PUBLIC_URL?.replace(/\/+$/, ""),
    identity: {
      secret: e.CONCIERGE_IDENTITY_SECRET,
      publicKey: e.CONCIERGE_IDENTITY_PUBLIC_KEY,
      jwksFile: e.CONCIERGE_IDENTITY_JWKS,
      issuer: e.CONCIERGE_IDENTITY_ISSUER,
      audience: e.CONCIERGE_IDENTITY_AUDIENCE,
    },
    privacy: { retentionDays: e.CONCIERGE_RETENTION_DAYS, exportLinkMinutes: e.CONCIERGE_EXPORT_LINK_MINUTES },
    kioskIdleSeconds: e.CONCIERGE_KIOSK_IDLE_SECONDS,
    eventsKey: e.CONCIERGE_EVENTS_KEY,
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    nluReviewBelow: e.CONCIERGE_NLU_REVIEW_BELOW,
    liveUpdateMs: e.CONCIERGE_LIVE_POLL_MS,
    nluMinConfidence: e.CONCIERGE_NLU_MIN_CONFIDENCE,
    idle: { voiceSeconds: e.CONCIERGE_VOICE_IDLE_SECONDS, telephoneSeconds: e.CONCIERGE_TELEPHONY_IDLE_SECONDS },
    metrics: { port: e.CONCIERGE_METRICS_PORT, token: e.CONCIERGE_METRICS_TOKEN },
    actions: {
      webhook: e.CONCIERGE_ACTIONS_URL && e.CONCIERGE_ACTIONS_SECRET ? { url: e.CONCIERGE_ACTIONS_URL, secret: e.CONCIERGE_ACTIONS_SECRET } : undefined,
      handoffUrl: e.CONCIERGE_HANDOFF_URL,
      timeoutMs: e.CONCIERGE_ACTIONS_TIMEOUT_MS,
      concurrency: e.CONCIERGE_ACTIONS_CONCURRENCY,
    },
    llm: {
      model: e.CONCIERGE_LLM_MODEL,
      gpu: e.CONCIERGE_LLM_GPU,
      threads: e.CONCIERGE_LLM_THREADS,
      sequences: e.CONCIERGE_LLM_SEQUENCES,
      contextSize: e.CONCIERGE_LLM_CONTEXT_SIZE,
      maxQueue: e.CONCIERGE_LLM_QUEUE_MAX,
      queueTimeoutMs: e.CONCIERGE_LLM_QUEUE_TIMEOUT_MS,
    },
    recommend: {
      weights: {
        content: e.CONCIERGE_REC_WEIGHT_CONTENT,
        session: e.CONCIERGE_REC_WEIGHT_SESSION,
        collaborative: e.CONCIERGE_REC_WEIGHT_COLLABORATIVE,
        popularity: e.CONCIERGE_REC_WEIGHT_POPULARITY,
        recency: e.CONCIERGE_REC_WEIGHT_RECENCY,
        model: e.CONCIERGE_REC_WEIGHT_MODEL,
      },
      ease: { maxItems: e.CONCIERGE_REC_EASE_MAX_ITEMS, lambda: e.CONCIERGE_REC_EASE_LAMBDA },
      tuneIntervalHours: e.CONCIERGE_REC_TUNE_INTERVAL_HOURS,
      mmrLambda: e.CONCIERGE_REC_MMR_LAMBDA,
      brandCap: e.CONCIERGE_REC_BRAND_CAP,
      sessionMinutes: e.CONCIERGE_REC_SESSION_MINUTES,
      newHalfLifeDays: e.CONCIERGE_REC_NEW_HALF_LIFE_DAYS,
      contentShrink: e.CONCIERGE_REC_CONTENT_SHRINK,
      cooccurrence: { minSupport: e.CONCIERGE_REC_COOCCURRENCE_MIN_SUPPORT, window: e.CONCIERGE_REC_COOCCURRENCE_WINDOW },
      popularityWindowDays: e.CONCIERGE_REC_POPULARITY_WINDOW_DAYS,
    },
  };
}
