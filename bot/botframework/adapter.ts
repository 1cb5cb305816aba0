import { type Activity, DeliveryModes } from "@microsoft/agents-activity";
import { CloudAdapter, type ConnectorClient, HeaderPropagation, type InvokeResponse, TurnContext } from "@microsoft/agents-hosting";
import type { Config } from "../../core/config.ts";
import { ConciergeError, ValidationError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import { type BotAccess, botAccess } from "./access.ts";
import { authConfiguration, type Claims, verifyToken } from "./auth.ts";
import { toWire, withoutStandIns } from "./wire.ts";

/** A reply the channel's connector (its serviceUrl) did not take, or could not be reached for. */
export class ChannelUnreachableError extends ConciergeError {
  constructor(serviceUrl: string, cause: unknown) {
    super("channel_unreachable", `could not deliver the reply to serviceUrl ${serviceUrl}: ${(cause as Error)?.message ?? cause}`, 502, { cause });
  }
}

/**
 * The Bot Framework connector addresses a conversation in the URL path. botbuilder encoded the id
 * there; the Agents SDK puts it in as it is, so a Teams id ("a:1…", "19:…@thread.v2;messageid=…")
 * or one with "/", "?" or "#" would post somewhere else on the connector.
 */
function encodingConversationIds(client: ConnectorClient): ConnectorClient {
  const reply = client.replyToActivity.bind(client);
  const send = client.sendToConversation.bind(client);
  client.replyToActivity = (conversationId, activityId, body) => reply(encodeURIComponent(conversationId), activityId, body);
  client.sendToConversation = (conversationId, body) => send(encodeURIComponent(conversationId), body);
  return client;
}

/**
 * The Agents SDK's CloudAdapter with its turn entry point opened up. Its `process()` writes the HTTP
 * response itself (and its JWT middleware does too); here the route validates the Activity, answers
 * errors as JSON and keeps the response, while the token check, the connector and the
 * `expectReplies` buffering stay the SDK's.
 */
export class ConciergeAdapter extends CloudAdapter {
  /** True when no app id is configured: turns run without a token (the anonymous loopback endpoint). */
  private readonly unauthenticated: boolean;

  constructor(config: ConstructorParameters<typeof CloudAdapter>[0], unauthenticated: boolean) {
    super(config);
    this.unauthenticated = unauthenticated;
    // The SDK's default answers a failed turn in the chat ("The agent encountered an error or bug")
    // and logs it; without one the error reaches the route, which apologises and reports it itself.
    this.onTurnError = undefined as unknown as CloudAdapter["onTurnError"];
  }

  /** Checks the request's token (nothing without an app id); throws 401 unauthorized or 503 auth_unavailable. */
  authenticate(authorization: string, serviceUrl: string): Promise<Claims> {
    if (this.unauthenticated) return Promise.resolve({});
    return verifyToken((req, res, next) => this.authorizeRequest(req, res as Parameters<CloudAdapter["authorizeRequest"]>[1], next), authorization, serviceUrl);
  }

  /**
   * Authenticates the request for `activity` and runs `logic`; resolves to what the HTTP response
   * should carry (the buffered replies of expectReplies, an invoke's answer). `headers` are the
   * request's, for the correlation id the SDK passes on to the connector.
   */
  async run(headers: Record<string, string | string[] | undefined>, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    const authorization = headers.authorization;
    const claims = await this.authenticate(typeof authorization === "string" ? authorization : "", activity.serviceUrl ?? "");
    const context = new TurnContext(this, activity, claims);
    context.onSendActivities(async (_context, replies, next) => {
      withoutStandIns(replies);
      return next();
    });
    // With expectReplies the replies return in the response: no connector (the SDK would fetch a token for one all the same).
    if (activity.deliveryMode !== DeliveryModes.ExpectReplies) {
      let connector: ConnectorClient;
      try {
        connector = await this.createConnectorClientWithIdentity(claims, activity, new HeaderPropagation(headers));
      } catch (err) {
        // Most often the token for the connector could not be had; botbuilder failed the same way on the first reply.
        throw new ChannelUnreachableError(activity.serviceUrl ?? "", err);
      }
      this.setConnectorClient(context, encodingConversationIds(connector));
    }
    await this.runMiddleware(context, logic);
    const result = this.processTurnResults(context);
    if (result?.body && Array.isArray((result.body as { activities?: unknown }).activities)) {
      return { ...result, body: { activities: (result.body as { activities: unknown[] }).activities.map(toWire) } };
    }
    return result;
  }
}

export interface BotAdapter {
  adapter: ConciergeAdapter;
  /** True when no app id is configured: requests are not authenticated (local use, the Emulator). */
  anonymous: boolean;
  /** Who may post and where replies may go (access.ts). */
  access: BotAccess;
}

// The SDK refuses to start without a client id when NODE_ENV is production; without an app id no
// token is checked or fetched (the connector is called anonymously), so this id is never used.
const NO_APP_ID = "00000000-0000-0000-0000-000000000000";

/**
 * Builds the adapter from MICROSOFT_APP_*: authenticated whenever an app id is set. A password or
 * tenant without an app id is refused rather than silently running without authentication.
 * `authorityEndpoint` is for tests (auth.ts).
 */
export function createBotAdapter(bot: Config["bot"], logger: Logger, options: { authorityEndpoint?: string } = {}): BotAdapter {
  if (!bot.appId && (bot.appPassword || bot.tenantId)) {
    throw new ValidationError(
      "invalid configuration: MICROSOFT_APP_ID is required when MICROSOFT_APP_PASSWORD or MICROSOFT_APP_TENANT_ID is set (without it /api/messages would accept unauthenticated requests)",
    );
  }
  const anonymous = !bot.appId;
  const adapter = new ConciergeAdapter(anonymous ? { clientId: NO_APP_ID } : authConfiguration(bot, options.authorityEndpoint), anonymous);
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
