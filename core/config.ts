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

/** The headings the documentation groups variables under, in this order. */
export const SETTING_GROUPS = [
  "Service",
  "Storage",
  "Models",
  "Limits",
  "Bot Framework (Teams, Slack)",
  "Access and identity",
  "Shop systems",
  "Privacy",
  "Telephone and kiosk",
  "Metrics",
  "Understanding",
  "Language model",
  "Recommendations",
  "Voice",
  "Logging and tools",
] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

/** What the documentation says about one variable; the default itself comes from its schema. */
export interface SettingDoc {
  group: SettingGroup;
  /** What the variable does (Markdown, one paragraph). */
  doc: string;
  /** For a variable without a literal default: what happens when it is unset. */
  unset?: string;
}

/** Every variable's documentation, keyed by its schema: `npm run config:docs` renders it. */
export const settingDocs = z.registry<SettingDoc>();

function setting<T extends z.ZodType>(group: SettingGroup, doc: string, schema: T, unset?: string): T {
  // A copy of its own: variables share schemas (optionalString…) and the registry is keyed by schema.
  const own = schema.clone() as T;
  settingDocs.add(own as z.ZodType, unset === undefined ? { group, doc } : { group, doc, unset });
  return own;
}

/** The speech engines a voice may name (voice/tts implements them). */
export const TTS_ENGINES = ["flite", "espeak-ng"] as const;
const voiceSpec = z
  .string()
  .regex(new RegExp(`^(${TTS_ENGINES.join("|")}):[A-Za-z0-9][A-Za-z0-9_.+/-]{0,100}$`), `must be "<engine>:<voice>" with engine ${TTS_ENGINES.join(" or ")}, e.g. flite:slt`);
const optionalNumber = <T extends z.ZodType>(schema: T) => z.preprocess(emptyToUndefined, schema);
const httpUrl = (message: string) => z.preprocess(emptyToUndefined, z.string().regex(/^https?:\/\/[^\s/?#]+(\/\S*)?$/, message).optional());
const secret16 = z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional());

/**
 * Every setting of the service, read from the environment in this one place, each variable with its
 * documentation; the names here are the contract. `.env.example` and docs/configuration.md are
 * generated from it (`npm run config:docs`), and a test fails when they drift.
 */
const envSchema = z.object({
  PORT: setting("Service", "the port the service listens on (HTTP, socket.io, `/api/messages`)", z.coerce.number().int().min(0).max(65535).default(3978)),
  HOST: setting("Service", "the address the service listens on", z.string().default("0.0.0.0")),
  CONCIERGE_PUBLIC_URL: setting(
    "Service",
    "how providers reach the service behind a proxy, e.g. `https://shop.example`: the telephone webhook's signed URL and the stream's `wss://` address, and the Bot Framework's base URL",
    z.preprocess(emptyToUndefined, z.string().regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, "must be an http(s) URL without query, e.g. https://shop.example").optional()),
    "each request's host (and `X-Forwarded-Host`/`-Proto`)",
  ),
  SHUTDOWN_DRAIN_MS: setting("Service", "on SIGTERM/SIGINT, how long running turns may take to finish before the process exits", z.coerce.number().int().min(0).max(600_000).default(10_000)),

  CONCIERGE_DATA_DIR: setting("Storage", "embedded database (`db/`), saved indexes (`index/`), model cache (`models/`)", z.string().default("./data")),
  CONCIERGE_CATALOG: setting("Storage", "catalogue imported on first run into an empty store; `none` starts empty", optionalString, "the shipped demo catalogue"),
  CONCIERGE_KB: setting(
    "Storage",
    "documents (a file or folder) imported on first run into an empty knowledge base; `none` starts with none (docs/knowledge.md)",
    optionalString,
    "the shipped demo policies (`knowledge/demo`)",
  ),
  CONCIERGE_REPLIES_FILE: setting(
    "Shop systems",
    "the shop's wording over the shipped fixed replies: a YAML or JSON file per locale, checked at start-up with errors naming the key (docs/replies.md)",
    optionalString,
    "`replies.yaml` in `CONCIERGE_DATA_DIR` when it exists, else the shipped wording",
  ),
  DATABASE_URL: setting("Storage", "`postgres://…`: use PostgreSQL instead of the embedded PGlite (no pgvector needed)", optionalString, "the embedded database in `CONCIERGE_DATA_DIR`"),
  DATABASE_SCHEMA: setting("Storage", "PostgreSQL schema for Concierge's tables (one database can host several shops)", z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case identifier").default("public")),
  REDIS_URL: setting(
    "Storage",
    "`redis://…`: replicas share rate limits and tell each other about shoppers (deletions, consent) and conversations through it; down at start-up or later, each replica carries on alone and rejoins when it returns",
    optionalString,
    "one replica, nothing shared",
  ),
  CONCIERGE_CACHE_DIR: setting(
    "Storage",
    "a folder shared by services with different data dirs (tests, benches, replicas on one volume) where trained built-in models are kept too",
    optionalString,
    "only each data dir's own cache",
  ),

  CONCIERGE_MODELS_DIR: setting("Models", "folder holding downloaded-tier models (`<id>/…` or `<name>/…`)", optionalString, "only the cache in `CONCIERGE_DATA_DIR/models`"),
  CONCIERGE_MODEL_HUB: setting("Models", "where models are fetched from", z.string().default("https://huggingface.co")),
  CONCIERGE_ALLOW_DOWNLOADS: setting("Models", "`1` lets start-up fetch missing models from the hub", bool(false)),
  CONCIERGE_EMBEDDING_MODEL: setting("Models", "downloaded sentence-embedding model (org/name on the hub); `none` keeps the built-in vectors", z.string().default("Xenova/multilingual-e5-small")),

  MAX_MESSAGE_CHARS: setting("Limits", "longest chat message accepted", z.coerce.number().int().positive().default(2000)),
  RATE_LIMIT_BURST: setting("Limits", "chat messages a shopper may send at once, over all their connections and replicas", z.coerce.number().int().positive().default(10)),
  RATE_LIMIT_PER_SECOND: setting("Limits", "chat messages a shopper may send a second after the burst", z.coerce.number().positive().default(1)),
  RATE_LIMIT_PER_IP_PER_MINUTE: setting("Limits", "requests to every `/api` route, chat messages and events per client address a minute; `0` off", z.coerce.number().int().min(0).default(600)),
  MAX_CONNECTIONS_PER_IP: setting("Limits", "open chat, voice and telephone connections per client address (across replicas with `REDIS_URL`); `0` off", z.coerce.number().int().min(0).default(100)),
  RATE_LIMIT_EVENTS_PER_MINUTE: setting("Limits", "shopper events per shopper a minute (HTTP and socket); `0` off", z.coerce.number().int().min(0).default(600)),
  MAX_VOICE_SESSIONS: setting("Limits", "voice sessions (kiosk and phone) at once per replica — the recogniser is the expensive part; `0` off", z.coerce.number().int().min(0).default(16)),
  MAX_TURNS_PER_SECOND: setting("Limits", "turns per second over the whole service (all replicas with `REDIS_URL`), a ceiling for a small machine; `0` off", z.coerce.number().int().min(0).default(0)),
  CONCIERGE_TRUST_PROXY: setting(
    "Limits",
    "`1`: the client address is the last `X-Forwarded-For` hop (set it only behind a proxy that writes that header, or clients choose their own address)",
    bool(false),
  ),

  MICROSOFT_APP_ID: setting("Bot Framework (Teams, Slack)", "the bot's app id; with it every `/api/messages` request must be authenticated", optionalString, "no credentials"),
  MICROSOFT_APP_PASSWORD: setting("Bot Framework (Teams, Slack)", "the app id's client secret", optionalString),
  MICROSOFT_APP_TENANT_ID: setting("Bot Framework (Teams, Slack)", "the tenant of a SingleTenant or UserAssignedMSI app", optionalString),
  MICROSOFT_APP_TYPE: setting("Bot Framework (Teams, Slack)", "`MultiTenant`, `SingleTenant` or `UserAssignedMSI`", z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("MultiTenant")),
  CONCIERGE_BOTFRAMEWORK_ANONYMOUS: setting(
    "Bot Framework (Teams, Slack)",
    "`1` opens `/api/messages` without credentials to this machine only, replying to loopback only (Emulator, Agents Playground); without it and without credentials the endpoint is closed",
    bool(false),
  ),
  CONCIERGE_BOTFRAMEWORK_SERVICE_HOSTS: setting(
    "Bot Framework (Teams, Slack)",
    "comma-separated extra hosts replies may go to (a sovereign cloud's connector); the Bot Framework's own are always allowed",
    optionalString,
  ),

  CONCIERGE_ADMIN_TOKEN: setting(
    "Access and identity",
    "bearer token for `/api/admin/*` and the dashboard (≥ 16 characters)",
    z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional()),
    "the admin API answers loopback clients only, and start-up warns",
  ),
  CONCIERGE_ALLOWED_ORIGINS: setting(
    "Access and identity",
    "the shops' origins that may embed the widget and call `/api` from their pages (comma-separated `scheme://host[:port]`; `*` allows every origin)",
    z.preprocess(emptyToUndefined, z.string().optional().transform((v, ctx) => parseOrigins(v, ctx))),
    "only the service's own origin",
  ),
  CONCIERGE_EVENTS_KEY: setting("Access and identity", "the shop backend's key for `POST /api/events` (≥ 16 characters); events then name their shopper in `userId`", secret16, "only shoppers' own tokens"),
  CONCIERGE_IDENTITY_SECRET: setting(
    "Access and identity",
    "the HS256 secret the shop signs its customers' tokens with (docs/identity.md)",
    optionalString,
    "web and kiosk shoppers are anonymous visitors and customer tokens are refused",
  ),
  CONCIERGE_IDENTITY_PUBLIC_KEY: setting("Access and identity", "instead of (or beside) the secret: an RS256/ES256 public key (PEM text or a `.pem` path)", optionalString),
  CONCIERGE_IDENTITY_JWKS: setting("Access and identity", "instead of (or beside) the secret: a JWKS file of the shop's public keys", optionalString),
  CONCIERGE_IDENTITY_ISSUER: setting("Access and identity", "when set, customer tokens must carry this `iss`", optionalString),
  CONCIERGE_IDENTITY_AUDIENCE: setting("Access and identity", "when set, customer tokens must carry this `aud`", optionalString),

  CONCIERGE_ACTIONS_URL: setting(
    "Shop systems",
    "the shop's webhook (http or https) for order status, returns, stock at a store and hand-offs (docs/actions.md)",
    httpUrl("must be an http(s) URL, e.g. https://shop.example/concierge/actions"),
    "those answers keep the fixed wording",
  ),
  CONCIERGE_ACTIONS_SECRET: setting(
    "Shop systems",
    "required with `CONCIERGE_ACTIONS_URL`, ≥ 16 characters: every request carries `X-Concierge-Signature: sha256=<HMAC-SHA256 of the raw body>` made with it",
    secret16,
  ),
  CONCIERGE_ACTIONS_TIMEOUT_MS: setting(
    "Shop systems",
    "how long one webhook call may take (waiting for a free slot included) before the shopper gets an apology",
    z.coerce.number().int().min(100).max(60_000).default(4000),
  ),
  CONCIERGE_ACTIONS_CONCURRENCY: setting("Shop systems", "webhook calls in flight at once per replica; more wait within the timeout", z.coerce.number().int().min(1).max(256).default(8)),
  CONCIERGE_HANDOFF_URL: setting(
    "Shop systems",
    'a Slack or Microsoft Teams incoming-webhook URL: a hand-off posts the redacted conversation there as `{"text": …}`',
    httpUrl("must be an http(s) URL (a Slack or Teams incoming webhook)"),
    "hand-offs go to the actions webhook only, if there is one; with neither, Concierge points the shopper to the shop's team",
  ),

  CONCIERGE_RETENTION_DAYS: setting(
    "Privacy",
    "events and conversation messages older than this many days are purged (within 10 s of start-up, then hourly, on every replica)",
    optionalNumber(z.coerce.number().positive().max(36500).optional()),
    "kept",
  ),
  CONCIERGE_EXPORT_LINK_MINUTES: setting("Privacy", "how long a data-export link works (it works once)", z.coerce.number().int().min(1).max(1440).default(15)),
  PROFILE_HALF_LIFE_DAYS: setting("Privacy", "how fast old events fade from a shopper's profile (half-life in days)", z.coerce.number().positive().default(30)),

  CONCIERGE_TELEPHONY_AUTH_TOKEN: setting(
    "Telephone and kiosk",
    "the phone provider's auth token (Twilio's account auth token); when set, `/api/telephony/twiml` requires a valid `X-Twilio-Signature` and the media stream a per-call token",
    z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").regex(/^\S+$/, "must not contain spaces (copy the token alone)").optional()),
    "the telephone line is unauthenticated (local testing; every call is a new shopper) and start-up warns",
  ),
  CONCIERGE_TELEPHONY_IDLE_SECONDS: setting("Telephone and kiosk", "a telephone stream that sends no frames (a live line sends 50 a second) is hung up after this long", z.coerce.number().int().min(5).max(3600).default(30)),
  CONCIERGE_VOICE_IDLE_SECONDS: setting("Telephone and kiosk", "a `/voice` session with no audio and no control message is ended after this long (the socket stays)", z.coerce.number().int().min(10).max(86400).default(600)),
  CONCIERGE_KIOSK_IDLE_SECONDS: setting(
    "Telephone and kiosk",
    "a shared kiosk without a signed-in customer moves on to a new anonymous shopper after this long without a turn",
    z.coerce.number().int().min(10).max(86400).default(120),
  ),

  CONCIERGE_METRICS_PORT: setting("Metrics", "serve `/metrics` on this port only (bound to `HOST`), off the public port", optionalNumber(z.coerce.number().int().min(0).max(65535).optional()), "the service's port"),
  CONCIERGE_METRICS_TOKEN: setting(
    "Metrics",
    "`/metrics` on the public port also answers `Authorization: Bearer <token>` (≥ 16 characters)",
    secret16,
    "without port or token `/metrics` answers this machine only",
  ),

  CONCIERGE_NLU_MIN_CONFIDENCE: setting(
    "Understanding",
    "the probability of a right answer the classifier wants before answering an intent; below it the message is out of scope (docs/understanding.md)",
    z.coerce.number().min(0).max(1).optional(),
    "the trained 0.5",
  ),
  CONCIERGE_NLU_REVIEW_BELOW: setting(
    "Understanding",
    "messages understood with less confidence than this (and every out-of-scope one) are kept, redacted, in `CONCIERGE_DATA_DIR/nlu-review.jsonl` for `concierge nlu review`; `0` keeps none",
    z.coerce.number().min(0).max(1).default(0.6),
  ),
  CONCIERGE_LIVE_POLL_MS: setting(
    "Storage",
    "how often (ms) a running service asks the store whether an import (the CLI, the admin API, another replica) changed the catalogue or the knowledge base; with `REDIS_URL` a notice also arrives at once",
    z.coerce.number().int().min(200).max(600_000).default(3_000),
  ),

  CONCIERGE_LLM_MODEL: setting(
    "Language model",
    "local LLM: a registry id (resolved like every model), a path to a `.gguf` file, or `none` for templated replies",
    z.preprocess(emptyToUndefined, z.string().trim().min(1).default("Qwen/Qwen2.5-1.5B-Instruct-GGUF")),
  ),
  CONCIERGE_LLM_GPU: setting("Language model", "`auto` and `cuda` try CUDA and use it only when it reports a device, else the CPU (never building llama.cpp from source); `cpu` skips CUDA", z.enum(["auto", "cuda", "cpu"]).default("auto")),
  CONCIERGE_LLM_THREADS: setting(
    "Language model",
    "CPU threads for generation; `0` picks one fewer than the cores (oversubscribing cores made generation hundreds of times slower)",
    z.coerce.number().int().min(0).max(256).default(0),
  ),
  CONCIERGE_LLM_SEQUENCES: setting("Language model", "conversations generating at once (context sequences of one shared context); more wait in the queue", z.coerce.number().int().min(1).max(64).default(4)),
  CONCIERGE_LLM_CONTEXT_SIZE: setting("Language model", "tokens of context per sequence (prompt + answer), capped at what the model was trained for", z.coerce.number().int().min(256).max(131072).default(4096)),
  CONCIERGE_LLM_QUEUE_MAX: setting("Language model", "requests that may wait for a free sequence; one more gets the templated reply at once", z.coerce.number().int().min(0).max(10000).default(32)),
  CONCIERGE_LLM_QUEUE_TIMEOUT_MS: setting("Language model", "longest wait for a free sequence before the templated reply answers instead", z.coerce.number().int().min(0).max(600000).default(5000)),

  CONCIERGE_REC_WEIGHT_CONTENT: setting("Recommendations", "weight of long-term profile similarity (recommend/README.md)", z.coerce.number().min(0).max(100).default(1)),
  CONCIERGE_REC_WEIGHT_SESSION: setting("Recommendations", "weight of the session's items and the current query", z.coerce.number().min(0).max(100).default(2)),
  CONCIERGE_REC_WEIGHT_COLLABORATIVE: setting("Recommendations", "weight of co-occurrence with the shopper's items", z.coerce.number().min(0).max(100).default(1)),
  CONCIERGE_REC_WEIGHT_POPULARITY: setting("Recommendations", "weight of the popularity prior", z.coerce.number().min(0).max(100).default(0.3)),
  CONCIERGE_REC_WEIGHT_RECENCY: setting("Recommendations", "weight of the freshness prior", z.coerce.number().min(0).max(100).default(0.1)),
  CONCIERGE_REC_WEIGHT_MODEL: setting("Recommendations", "weight of the learned model (EASE)", z.coerce.number().min(0).max(100).default(1)),
  CONCIERGE_REC_EASE_MAX_ITEMS: setting("Recommendations", "items the learned model (EASE) covers, most-touched first; `0` = no model", z.coerce.number().int().min(0).max(20000).default(4000)),
  CONCIERGE_REC_EASE_LAMBDA: setting("Recommendations", "EASE's λ until a stored tuning chooses one", z.coerce.number().positive().max(1e6).default(200)),
  CONCIERGE_REC_TUNE_INTERVAL_HOURS: setting("Recommendations", "re-tune the ranking from the stored events every N hours; `0` = off (`concierge rec tune` by hand)", z.coerce.number().min(0).max(8760).default(0)),
  CONCIERGE_REC_MMR_LAMBDA: setting("Recommendations", "MMR trade-off, 0–1: 1 = relevance order only, lower = more varied lists", z.coerce.number().min(0).max(1).default(0.85)),
  CONCIERGE_REC_BRAND_CAP: setting("Recommendations", "largest share of a list one brand may take while others are available; `1` = off", z.coerce.number().gt(0, "must be greater than 0").max(1).default(0.4)),
  CONCIERGE_REC_SESSION_MINUTES: setting("Recommendations", "events this recent (and the current query) are the session", z.coerce.number().positive().max(1440).default(30)),
  CONCIERGE_REC_NEW_HALF_LIFE_DAYS: setting("Recommendations", "a product this many days old counts half as new (freshness half-life)", z.coerce.number().positive().max(3650).default(14)),
  CONCIERGE_REC_CONTENT_SHRINK: setting("Recommendations", "β of the content trust β / (β + m); `0` = content always fully trusted", z.coerce.number().min(0).max(10000).default(10)),
  CONCIERGE_REC_COOCCURRENCE_MIN_SUPPORT: setting("Recommendations", "shoppers a pair of products needs before it is used (integer ≥ 1)", z.coerce.number().int().min(1).max(1000).default(2)),
  CONCIERGE_REC_COOCCURRENCE_WINDOW: setting("Recommendations", "items per shopper that pair", z.coerce.number().int().min(2).max(10000).default(100)),
  CONCIERGE_REC_POPULARITY_WINDOW_DAYS: setting("Recommendations", 'days of events behind "popular right now"', z.coerce.number().positive().max(3650).default(30)),

  CONCIERGE_VOICE: setting(
    "Voice",
    "when the service loads its voice models: on the first `/voice` or telephone connection (`lazy`), at start-up (`preload`), or never (`off`: no `/voice`, no telephone line)",
    z.preprocess(emptyToUndefined, z.enum(["lazy", "preload", "off"]).default("lazy")),
  ),
  CONCIERGE_STT_MODEL: setting(
    "Voice",
    "whisper registry id (resolved like every model), a ggml `.bin` path, or `builtin`/`none` for pocketsphinx only; whisper missing → built-in",
    z.preprocess(emptyToUndefined, z.string().trim().default("ggerganov/whisper.cpp")),
  ),
  CONCIERGE_STT_GPU: setting(
    "Voice",
    "`auto`/`cuda` use CUDA for whisper when the NVIDIA driver and `@fugood/node-whisper-linux-x64-cuda` are present; `cpu`",
    z.preprocess(emptyToUndefined, z.enum(["auto", "cuda", "cpu"]).default("auto")),
  ),
  CONCIERGE_STT_THREADS: setting("Voice", "threads per whisper transcription; `0` = one fewer than the cores", z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(256).default(0))),
  CONCIERGE_STT_GENERIC_WEIGHT: setting(
    "Voice",
    "share of pocketsphinx's generic English model mixed into the shop's language model; `0` = the shop's sentences only",
    z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(0.9).default(0.3)),
  ),
  CONCIERGE_STT_TIMEOUT_MS: setting("Voice", "longest a transcription may take", z.preprocess(emptyToUndefined, z.coerce.number().int().min(1000).max(600_000).default(20_000))),
  CONCIERGE_VAD_MODEL: setting("Voice", "`silero-vad` (resolved like every model) or `none` for the energy detector", z.preprocess(emptyToUndefined, z.string().trim().default("silero-vad"))),
  CONCIERGE_VOICE_END_OF_TURN_MS: setting(
    "Voice",
    "silence that ends a turn when its words cannot be read (nothing recognised)",
    z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(10_000).default(900)),
  ),
  CONCIERGE_VOICE_COMPLETE_TURN_MS: setting(
    "Voice",
    "silence that ends a turn whose words read as a complete request; set it to the end-of-turn value to turn the shortcut off",
    z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(10_000).default(600)),
  ),
  CONCIERGE_VOICE_OPEN_TURN_MS: setting(
    "Voice",
    'silence allowed after words that leave the sentence open ("under", "and", "um")',
    z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(10_000).default(1600)),
  ),
  CONCIERGE_VOICE_MIN_SPEECH_MS: setting("Voice", "speech needed before a turn (and barge-in) counts", z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(10_000).default(250))),
  CONCIERGE_VOICE_MAX_UTTERANCE_MS: setting("Voice", "an utterance is cut at this length", z.preprocess(emptyToUndefined, z.coerce.number().int().min(1000).max(120_000).default(15_000))),
  CONCIERGE_TTS_EN: setting("Voice", "English voice, `<engine>:<voice>` (engines: flite, espeak-ng)", z.preprocess(emptyToUndefined, voiceSpec.default("flite:slt"))),
  CONCIERGE_TTS_ZH: setting("Voice", "Chinese voice, `<engine>:<voice>`", z.preprocess(emptyToUndefined, voiceSpec.default("espeak-ng:cmn"))),
  CONCIERGE_TTS_RATE_EN: setting("Voice", "English speaking rate, 0.5–2", z.preprocess(emptyToUndefined, z.coerce.number().min(0.5).max(2).default(1))),
  CONCIERGE_TTS_RATE_ZH: setting("Voice", "Chinese speaking rate, 0.5–2", z.preprocess(emptyToUndefined, z.coerce.number().min(0.5).max(2).default(1))),

  LOG_LEVEL: setting("Logging and tools", "pino level (`fatal` … `trace`, `silent`); logs are JSON lines and never carry message text", z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),
  CONCIERGE_QUIET: setting("Logging and tools", "`1` hides progress bars (indexing, training, model loading) on stderr", bool(false)),
  CONCIERGE_DEBUG: setting("Logging and tools", "`1`: a failing `concierge` command prints the error's stack, not just its message", bool(false)),
  CONCIERGE_DIALOG_LOG: setting(
    "Logging and tools",
    "log level of the service `concierge dialog test` runs the conversation tests against",
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("silent"),
  ),
});

export type SettingName = keyof typeof envSchema.shape;
/** The schema of each variable, for the documentation generator and its tests. */
export const settingSchemas: Readonly<Record<SettingName, z.ZodType>> = envSchema.shape;
type Env = z.output<typeof envSchema>;

/**
 * One variable, parsed by its schema, for the few process-wide switches read where no Config is at
 * hand (progress bars, a CLI's error detail, the shared cache); a bad value names the variable.
 */
export function readSetting<K extends SettingName>(name: K, env: NodeJS.ProcessEnv = process.env): Env[K] {
  const parsed = envSchema.shape[name].safeParse(env[name]);
  if (!parsed.success) throw new ValidationError(`invalid configuration: ${name}: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  return parsed.data as Env[K];
}

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

/** The voice settings (CONCIERGE_VOICE, CONCIERGE_STT_*, CONCIERGE_VAD_MODEL, CONCIERGE_VOICE_*_MS, CONCIERGE_TTS_*). */
export interface VoiceSettings {
  /** When the service loads the voice models (CONCIERGE_VOICE). */
  service: "lazy" | "preload" | "off";
  stt: { model: string; gpu: "auto" | "cuda" | "cpu"; threads: number; timeoutMs: number; genericWeight: number };
  vadModel: string;
  segmenter: { endOfTurnSilenceMs: number; completeTurnSilenceMs: number; openTurnSilenceMs: number; minSpeechMs: number; maxUtteranceMs: number };
  tts: Record<"en" | "zh", { engine: (typeof TTS_ENGINES)[number]; voice: string; rate: number }>;
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
  /** CONCIERGE_REPLIES_FILE; unset: `replies.yaml` in the data directory when it exists. */
  repliesFile?: string;
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
  /** Always set by loadConfig; optional like llm (the voice stack then reads the environment). */
  voice?: VoiceSettings;
}

/** A Config as loadConfig builds it: every part set. */
export type LoadedConfig = Config & Required<Pick<Config, "llm" | "recommend" | "voice" | "actions" | "limits">>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LoadedConfig {
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
  return fromEnv(parsed.data);
}

function fromEnv(e: Env): LoadedConfig {
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
    repliesFile: e.CONCIERGE_REPLIES_FILE,
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
    voice: voiceFrom(e),
  };
}

const VOICE_SETTINGS = Object.keys(envSchema.shape).filter((k) => /^CONCIERGE_(VOICE$|STT_|VAD_|TTS_|VOICE_.*_MS$)/.test(k)) as SettingName[];

/**
 * The voice settings alone (the voice CLI, the doctor's separate check, a voice stack built without
 * a loaded config): a bad voice variable does not hide the others' state.
 */
export function voiceSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): VoiceSettings {
  const parsed = envSchema.pick(Object.fromEntries(VOICE_SETTINGS.map((k) => [k, true])) as Record<SettingName, true>).safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ValidationError(`invalid voice configuration: ${problems}`);
  }
  return voiceFrom(parsed.data as Env);
}

function voiceFrom(e: Env): VoiceSettings {
  const voice = (spec: string, rate: number) => {
    const [engine, name] = spec.split(/:(.*)/s) as [(typeof TTS_ENGINES)[number], string];
    return { engine, voice: name, rate };
  };
  return {
    service: e.CONCIERGE_VOICE,
    stt: { model: e.CONCIERGE_STT_MODEL, gpu: e.CONCIERGE_STT_GPU, threads: e.CONCIERGE_STT_THREADS, timeoutMs: e.CONCIERGE_STT_TIMEOUT_MS, genericWeight: e.CONCIERGE_STT_GENERIC_WEIGHT },
    vadModel: e.CONCIERGE_VAD_MODEL,
    segmenter: {
      endOfTurnSilenceMs: e.CONCIERGE_VOICE_END_OF_TURN_MS,
      completeTurnSilenceMs: e.CONCIERGE_VOICE_COMPLETE_TURN_MS,
      openTurnSilenceMs: e.CONCIERGE_VOICE_OPEN_TURN_MS,
      minSpeechMs: e.CONCIERGE_VOICE_MIN_SPEECH_MS,
      maxUtteranceMs: e.CONCIERGE_VOICE_MAX_UTTERANCE_MS,
    },
    tts: { en: voice(e.CONCIERGE_TTS_EN, e.CONCIERGE_TTS_RATE_EN), zh: voice(e.CONCIERGE_TTS_ZH, e.CONCIERGE_TTS_RATE_ZH) },
  };
}

/**
 * Every setting at its default: the one place library code (ranking, EASE, voices) takes its
 * defaults from, so a default is written once, in the schema above.
 */
export const CONFIG_DEFAULTS: LoadedConfig = fromEnv(envSchema.parse({}));
