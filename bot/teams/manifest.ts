import { z } from "zod";
import { ValidationError } from "../../core/errors.ts";

/**
 * The Teams app manifest version written. 1.30 is the newest published schema found: Microsoft's own
 * toolkit package (@microsoft/app-manifest 1.1.2, September 2026) ships it among its copies of
 * developer.microsoft.com/json-schemas/teams (1.29 is the newest on OfficeDev/microsoft-teams-app-schema
 * as mirrored here; 1.30 differs from it only in Outlook add-in settings). Teams accepts every
 * published version, so an older tenant is no reason to write an older one.
 */
export const MANIFEST_VERSION = "1.30";
export const SCHEMA_URL = `https://developer.microsoft.com/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;
/** The widget's accent (web/chat.css --accent), so Teams shows the assistant in the shop's colour. */
export const ACCENT_COLOR = "#2F6FED";
export const COLOR_ICON = "color.png";
export const OUTLINE_ICON = "outline.png";

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
// A public DNS name: labels of letters, digits and inner hyphens, a last label that is not a number.
const DNS_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** What `concierge teams package` needs; each key is named after its command-line flag in errors. */
export interface PackageOptions {
  appId: string;
  host: string;
  /** name.short: what Teams shows under the icon (≤ 30 characters). */
  name?: string;
  /** developer.name (≤ 32 characters). */
  developer?: string;
  /** developer.websiteUrl / privacyUrl / termsOfUseUrl; each defaults to https://HOST/. */
  website?: string;
  privacy?: string;
  terms?: string;
  /** The app's own version; Teams wants a higher one for every update uploaded. */
  appVersion?: string;
}

/** A host name as Teams lists it in validDomains: lower case, punycode, no scheme, port or path. */
function normaliseHost(input: string, ctx: z.RefinementCtx): string {
  const hint = `expected the public host name the service is reached at, such as shop.example.com (got ${JSON.stringify(input)})`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input)) {
    ctx.addIssue({ code: "custom", message: `${hint}: leave out the scheme (https://)` });
    return z.NEVER;
  }
  if (/[/:?#@\s]/.test(input)) {
    ctx.addIssue({ code: "custom", message: `${hint}: a host name only, without port, path or spaces` });
    return z.NEVER;
  }
  let host: string;
  try {
    host = new URL(`https://${input}/`).hostname.replace(/\.$/, "");
  } catch {
    ctx.addIssue({ code: "custom", message: hint });
    return z.NEVER;
  }
  if (!DNS_NAME.test(host)) {
    ctx.addIssue({ code: "custom", message: `${hint}: Teams reaches the bot by a public DNS name, not an IP address or a single-label name like localhost` });
    return z.NEVER;
  }
  return host;
}

const httpsUrl = z
  .string()
  .max(2048, "at most 2048 characters")
  .refine((u) => /^https:\/\/[^\s/]+/i.test(u) && URL.canParse(u), "expected an https:// URL");

const optionsSchema = z.object({
  "app-id": z
    .string({ error: "required: the Azure Bot's Microsoft App ID (MICROSOFT_APP_ID), a GUID" })
    .regex(GUID, { error: (i) => `expected the Azure Bot's Microsoft App ID (MICROSOFT_APP_ID), a GUID such as 5f1c0f4e-8a3b-4c2d-9e6f-0a1b2c3d4e5f (got ${JSON.stringify(i.input)})` }),
  host: z.string({ error: "required: the public host name the service is reached at, such as shop.example.com" }).transform(normaliseHost),
  name: z.string().trim().min(1, "must not be empty").max(30, "at most 30 characters (Teams' name.short)").default("Concierge"),
  developer: z.string().trim().min(1, "must not be empty").max(32, "at most 32 characters (Teams' developer.name)").default("Concierge"),
  website: httpsUrl.optional(),
  privacy: httpsUrl.optional(),
  terms: httpsUrl.optional(),
  "app-version": z.string().regex(SEMVER, "expected a version such as 1.0.0 (three numbers)").default("1.0.0"),
});

/** Checks the options; a ValidationError names the flag at fault ("--app-id: expected …"). */
export function parsePackageOptions(options: Partial<PackageOptions>): Required<PackageOptions> {
  const input = {
    "app-id": options.appId,
    host: options.host,
    name: options.name,
    developer: options.developer,
    website: options.website,
    privacy: options.privacy,
    terms: options.terms,
    "app-version": options.appVersion,
  };
  const result = optionsSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `--${String(issue.path[0] ?? "options")}: ${issue.message}`);
    throw new ValidationError(issues.join("\n"));
  }
  const o = result.data;
  const home = `https://${o.host}/`;
  return {
    appId: o["app-id"],
    host: o.host,
    name: o.name,
    developer: o.developer,
    website: o.website ?? home,
    privacy: o.privacy ?? home,
    terms: o.terms ?? home,
    appVersion: o["app-version"],
  };
}

// Phrases the shipped intent data reads as the named intent, so a command picked from the menu is
// understood like the same words typed (intents/data/en.jsonl).
const COMMANDS = [
  { title: "recommend something for me", description: "Suggestions picked for you from the catalogue" },
  { title: "help", description: "What the assistant can do" },
  { title: "track my order", description: "Where your order is" },
  { title: "talk to a human", description: "Hand the conversation to the shop's staff" },
];

/** manifest.json for a Teams app whose only capability is the bot `appId`, served from `host`. */
export function buildManifest(o: Required<PackageOptions>): Record<string, unknown> {
  return {
    $schema: SCHEMA_URL,
    manifestVersion: MANIFEST_VERSION,
    version: o.appVersion,
    id: o.appId,
    developer: { name: o.developer, websiteUrl: o.website, privacyUrl: o.privacy, termsOfUseUrl: o.terms },
    name: { short: o.name, full: `${o.name} shop assistant` },
    description: {
      short: "Find products, compare them and ask about them in chat.",
      full:
        "Ask for what you need in your own words and the shop assistant recommends products from the shop's catalogue, " +
        "personalised to what you have looked at and bought, answers questions about them, compares them and helps with " +
        "orders, shipping and returns. Works in one-on-one chats, group chats and team channels (mention it there).",
    },
    icons: { color: COLOR_ICON, outline: OUTLINE_ICON },
    accentColor: ACCENT_COLOR,
    bots: [
      {
        botId: o.appId,
        scopes: ["personal", "team", "groupChat"],
        supportsFiles: false,
        isNotificationOnly: false,
        commandLists: [{ scopes: ["personal", "team", "groupChat"], commands: COMMANDS }],
      },
    ],
    validDomains: [o.host],
  };
}
