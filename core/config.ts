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
  DATABASE_URL: optionalString,
  REDIS_URL: optionalString,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MAX_MESSAGE_CHARS: z.coerce.number().int().positive().default(2000),
  /** Bot Framework credentials: when an app id is set, every request to /api/messages must be authenticated. */
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  MICROSOFT_APP_TYPE: z.enum(["MultiTenant", "SingleTenant", "UserAssignedMSI"]).default("MultiTenant"),
  /** Half-life of a shopper event's weight in their profile. */
  PROFILE_HALF_LIFE_DAYS: z.coerce.number().positive().default(30),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  modelsDir?: string;
  modelHub: string;
  embeddingModel: string;
  allowDownloads: boolean;
  catalogPath?: string;
  databaseUrl?: string;
  redisUrl?: string;
  logLevel: string;
  maxMessageChars: number;
  bot: { appId?: string; appPassword?: string; tenantId?: string; appType: "MultiTenant" | "SingleTenant" | "UserAssignedMSI" };
  profileHalfLifeDays: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
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
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    maxMessageChars: e.MAX_MESSAGE_CHARS,
    bot: { appId: e.MICROSOFT_APP_ID, appPassword: e.MICROSOFT_APP_PASSWORD, tenantId: e.MICROSOFT_APP_TENANT_ID, appType: e.MICROSOFT_APP_TYPE },
    profileHalfLifeDays: e.PROFILE_HALF_LIFE_DAYS,
  };
}
