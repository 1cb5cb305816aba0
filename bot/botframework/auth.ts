import { type AuthConfiguration, AuthType, type Request as SdkRequest } from "@microsoft/agents-hosting";
import type { Config } from "../../core/config.ts";
import { ConciergeError, ValidationError } from "../../core/errors.ts";

/** The verified token's claims (aud, iss, serviceurl…); empty for the anonymous endpoint. */
export type Claims = NonNullable<SdkRequest["user"]>;

/**
 * MICROSOFT_APP_* as the Agents SDK's connection settings. The checks are the ones botbuilder's
 * ConfigurationBotFrameworkAuthentication made (its messages, with our variable names), so a
 * configuration that started before starts now and one refused before is refused now.
 * `authorityEndpoint` is for tests only: where the signing keys of a non-Bot-Framework issuer are.
 */
export function authConfiguration(bot: Config["bot"], authorityEndpoint?: string): AuthConfiguration {
  const appId = bot.appId?.trim();
  if (!appId) throw new ValidationError("invalid Bot Framework configuration: MICROSOFT_APP_ID is required");
  const tenantId = bot.tenantId?.trim();
  const password = bot.appPassword?.trim();
  const base = { clientId: appId, ...(authorityEndpoint && { authorityEndpoint }), validateIssuer: true };
  switch (bot.appType) {
    case "UserAssignedMSI":
      if (!tenantId) throw new ValidationError("invalid Bot Framework configuration: MICROSOFT_APP_TENANT_ID is required for MSI in configuration.");
      if (password) throw new ValidationError("invalid Bot Framework configuration: MICROSOFT_APP_PASSWORD must not be set for MSI in configuration.");
      return { ...base, tenantId, authType: AuthType.UserManagedIdentity };
    case "SingleTenant":
      if (!tenantId) throw new ValidationError("invalid Bot Framework configuration: MICROSOFT_APP_TENANT_ID is required for SingleTenant in configuration.");
      if (!password) throw new ValidationError("invalid Bot Framework configuration: MICROSOFT_APP_PASSWORD is required for SingleTenant in configuration.");
      return { ...base, tenantId, clientSecret: password, authType: AuthType.ClientSecret };
    default:
      // Multi-tenant bots get their tokens from the botframework.com tenant (the SDK's default without a tenant id), as with botbuilder.
      return { ...base, clientSecret: password, authType: AuthType.ClientSecret };
  }
}

type Middleware = (req: SdkRequest, res: unknown, next: () => void) => Promise<void>;

// jsonwebtoken's wording when the key lookup itself failed, and jwks-rsa's when the keys were fetched but none matched the token.
const KEY_LOOKUP_FAILED = /^error in secret or public key callback: /;
const NO_MATCHING_KEY = /Unable to find a signing key that matches/;

/**
 * Verifies `authorization` with the SDK's own JWT check (signature against the issuer's published
 * keys, audience = our app id, issuer, tenant), then the token's serviceurl claim against the
 * activity's, as botbuilder did. The SDK answers every failure as a 401 response of its own; we
 * keep its verdict but answer in our error shape, and tell a token we refuse (401) from keys we
 * could not fetch (503: the identity provider is unreachable, the sender is not at fault).
 */
export async function verifyToken(authorize: Middleware, authorization: string, serviceUrl: string): Promise<Claims> {
  const req: SdkRequest = { method: "POST", headers: { authorization } };
  let refusal: unknown;
  let passed = false;
  const res = {
    status: () => res,
    send: (body: unknown) => {
      refusal = (body as Record<string, unknown> | undefined)?.["jwt-auth-error"] ?? body;
    },
  };
  await authorize(req, res, () => {
    passed = true;
  });
  if (!passed || !req.user) {
    const reason = typeof refusal === "string" ? refusal : "unauthorized";
    if (KEY_LOOKUP_FAILED.test(reason) && !NO_MATCHING_KEY.test(reason)) {
      throw new ConciergeError("auth_unavailable", `could not verify the Bot Framework token: ${reason.replace(KEY_LOOKUP_FAILED, "")}`, 503);
    }
    throw new ConciergeError("unauthorized", `Bot Framework authentication failed: ${reason}`, 401);
  }
  const claim = (req.user as Record<string, unknown>).serviceurl;
  if (typeof claim === "string" && claim !== serviceUrl) {
    throw new ConciergeError("unauthorized", "Bot Framework authentication failed: the token's serviceurl claim does not match the activity's serviceUrl", 401);
  }
  return req.user;
}
