import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type InvokeResponse,
  type TurnContext,
} from "botbuilder";
import type { Config } from "../../core/config.ts";
import { ConciergeError, ValidationError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { type BotAccess, botAccess } from "./access.ts";

/**
 * CloudAdapter with its turn entry point opened up: we validate the Activity, answer errors as
 * JSON and keep the SDK from printing to stderr (its `process()` does all three its own way), while
 * authentication, the connector and `expectReplies` buffering stay the SDK's.
 */
export class ConciergeAdapter extends CloudAdapter {
  /** Authenticates `authHeader` for `activity` and runs `logic`; resolves to what the HTTP response should carry. */
  async run(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    let authenticated = false;
    try {
      return await this.processActivity(authHeader, activity, (context) => {
        authenticated = true;
        return logic(context);
      });
    } catch (err) {
      if (authenticated) throw err;
      const status = (err as { statusCode?: unknown }).statusCode;
      if (status === 401 || status === 403) {
        throw new ConciergeError("unauthorized", `Bot Framework authentication failed: ${(err as Error).message}`, 401, { cause: err });
      }
      // The token could not be checked at all: most often the identity provider's signing keys could not be fetched.
      throw new ConciergeError("auth_unavailable", `could not verify the Bot Framework token: ${(err as Error).message}`, 503, { cause: err });
    }
  }
}

export interface BotAdapter {
  adapter: ConciergeAdapter;
  /** True when no app id is configured: requests are not authenticated (local use, the Emulator). */
  anonymous: boolean;
  /** Who may post and where replies may go (access.ts). */
  access: BotAccess;
}

/**
 * Builds the adapter from MICROSOFT_APP_*: authenticated whenever an app id is set. A password or
 * tenant without an app id is refused rather than silently running without authentication.
 */
export function createBotAdapter(bot: Config["bot"], logger: Logger): BotAdapter {
  if (!bot.appId && (bot.appPassword || bot.tenantId)) {
    throw new ValidationError(
      "invalid configuration: MICROSOFT_APP_ID is required when MICROSOFT_APP_PASSWORD or MICROSOFT_APP_TENANT_ID is set (without it /api/messages would accept unauthenticated requests)",
    );
  }
  let auth: ConfigurationBotFrameworkAuthentication;
  try {
    auth = new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: bot.appId,
      MicrosoftAppPassword: bot.appPassword,
      MicrosoftAppTenantId: bot.tenantId,
      MicrosoftAppType: bot.appType,
    });
  } catch (err) {
    const detail = (err as Error).message.replace(/MicrosoftApp(Id|Password|TenantId|Type)/g, (_, k: string) => `MICROSOFT_APP_${k.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()}`);
    throw new ValidationError(`invalid Bot Framework configuration: ${detail}`, { cause: err });
  }
  const adapter = new ConciergeAdapter(auth);
  const anonymous = !bot.appId;
  const access = botAccess({ appId: bot.appId, anonymous: bot.anonymous ?? false, extraHosts: bot.serviceHosts });
  if (access.mode === "anonymous-loopback") {
    logger.warn("CONCIERGE_BOTFRAMEWORK_ANONYMOUS=1: /api/messages accepts unauthenticated requests from this machine only, and replies only to this machine (for the Agents Playground or the Emulator)");
  } else if (access.mode === "closed") {
    logger.info("MICROSOFT_APP_ID is not set: /api/messages is closed (set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD, or CONCIERGE_BOTFRAMEWORK_ANONYMOUS=1 to test on this machine)");
  } else {
    logger.info({ appType: bot.appType }, "Bot Framework authentication enabled for /api/messages");
  }
  return { adapter, anonymous, access };
}
