import { type Activity, ActivityTypes } from "@microsoft/agents-activity";
import type { TurnContext } from "@microsoft/agents-hosting";
import type { Request, RequestHandler, Response } from "express";
import type { Config } from "../../core/config.ts";
import { ConciergeError, NotReadyError } from "../../core/errors.ts";
import type { Logger } from "../../core/logger.ts";
import type { DialogEngine } from "../../dialogs/types.ts";
import { reportError } from "../errors.ts";
import { runTurn, toWireReply } from "../turns.ts";
import type { IdentitySource } from "../identity.ts";
import type { Lifecycle } from "../lifecycle.ts";
import { parseActivity, toTurn } from "./activity.ts";
import { type BotAccess, checkBotRequest } from "./access.ts";
import { ChannelUnreachableError, type ConciergeAdapter } from "./adapter.ts";
import { renderReply } from "./render.ts";
import { TeamsStream } from "./teams-stream.ts";

export interface BotRouteOptions {
  adapter: ConciergeAdapter;
  access: BotAccess;
  config: Config;
  engine: () => DialogEngine | undefined;
  isReady: () => boolean;
  /** A channel's account becomes a shopper of origin bf:<channel> (authenticated by the Bot Framework when credentials are set). */
  identity: IdentitySource;
  logger: Logger;
  turnTimeoutMs: number;
  /** Public base URL of this service, for absolute image links in cards; defaults to the request's host. */
  publicUrl?: string;
  lifecycle?: Lifecycle;
  /** Shortest gap between two Teams streaming updates (Teams throttles at about one a second). */
  teamsStreamIntervalMs?: number;
}

/** What a conversationUpdate that adds a shopper is answered with: the engine's own greeting. */
export const WELCOME_TEXT = "hello";

// Channel ids become a metrics label; anything else is folded into "other" to keep the label bounded.
const KNOWN_CHANNELS = new Set(["msteams", "emulator", "slack", "webchat", "directline", "skype", "telegram", "facebook", "line", "kik", "email", "sms", "test"]);

type Notice = "textOnly" | "tooLong" | "failed" | "working";
const notices: Record<"en" | "zh", Record<Notice, (n?: number) => string>> = {
  en: {
    textOnly: () => "I can only read text for now — please type your question.",
    tooLong: (n) => `That message is too long for me: please keep it under ${n} characters.`,
    failed: () => "Sorry, something went wrong on my side. Please try again in a moment.",
    working: () => "Looking through the catalogue…",
  },
  zh: {
    textOnly: () => "目前我只能读懂文字，请输入你的问题。",
    tooLong: (n) => `这条消息太长了，请控制在 ${n} 个字符以内。`,
    failed: () => "抱歉，我这边出了点问题，请稍后再试。",
    working: () => "正在为你查找…",
  },
};
const notice = (activity: Activity, key: Notice, n?: number) => notices[(activity.locale ?? "").toLowerCase().startsWith("zh") ? "zh" : "en"][key](n);

/**
 * POST /api/messages. The Activity is validated here (400 naming the field), readiness checked
 * (503), then the SDK authenticates it and runs the turn; with deliveryMode "expectReplies" the
 * replies come back in the response body, otherwise they go to the channel's serviceUrl.
 */
export function botFrameworkRoute(options: BotRouteOptions): RequestHandler {
  const { adapter, config, logger } = options;

  return async (req: Request, res: Response) => {
    const activity = parseActivity(req.body);
    checkBotRequest(req, activity.serviceUrl, options.access);
    const identity = options.identity();
    if (!options.isReady() || !identity) throw new NotReadyError("the assistant is still loading its models; try again in a moment");
    const shopperOf = (accountId: string) => identity.channelAccount(activity.channelId, accountId).id;
    const channel = `botframework:${KNOWN_CHANNELS.has(activity.channelId) ? activity.channelId : "other"}`;
    const baseUrl = options.publicUrl ?? `${req.protocol}://${req.get("host") ?? "localhost"}`;
    const closed = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) closed.abort(new ConciergeError("disconnected", "the channel closed the request", 499));
    });
    const log = logger.child({ channel, conversationId: activity.conversation.id });

    // The SDK types a reply as its Activity class; it takes a plain object (and makes one of it) all the same.
    const sendTo = async (context: TurnContext, reply: Partial<Activity>) => {
      try {
        return await context.sendActivity(reply as Activity);
      } catch (err) {
        throw new ChannelUnreachableError(activity.serviceUrl, err);
      }
    };
    const send = async (context: TurnContext, reply: Partial<Activity>) => {
      await sendTo(context, reply);
    };

    // Typing first, then the reply: as one final message, or in Teams one-on-one chats streamed as it
    // is written. With expectReplies everything returns in one HTTP response, so there is nothing to stream.
    // context.activity is this same activity, typed by the SDK without what the route has validated.
    const incoming = activity;
    const answer = async (context: TurnContext, text: string, userId: string, recipientId: string) => {
      const streams = incoming.channelId === "msteams" && incoming.conversation.conversationType === "personal" && incoming.deliveryMode !== "expectReplies";
      const stream = streams
        ? new TeamsStream({
            send: (reply) => sendTo(context, reply),
            intervalMs: options.teamsStreamIntervalMs,
            logger: log,
          })
        : undefined;
      if (stream) await stream.open(notice(incoming, "working"));
      else await send(context, { type: ActivityTypes.Typing });
      const finish = (activity: Partial<Activity>) => (stream ? stream.finish(activity) : send(context, activity));
      let reply: Awaited<ReturnType<typeof runTurn>>;
      try {
        const turn = { conversationId: incoming.conversation.id, userId, text, locale: incoming.locale || undefined, medium: "text" as const, baseUrl };
        const sink = stream ? { delta: (d: string) => stream.push(d) } : undefined;
        reply = await runTurn({ engine: options.engine, turn, channel, sink, signal: closed.signal, timeoutMs: options.turnTimeoutMs, logger: log, lifecycle: options.lifecycle });
      } catch (err) {
        if (closed.signal.aborted) {
          stream?.cancel();
          return;
        }
        reportError(err, log, { activity: incoming.type });
        await finish({ type: ActivityTypes.Message, text: notice(incoming, "failed") });
        return;
      }
      await finish(renderReply(toWireReply(reply), { channelId: incoming.channelId, locale: reply.locale ?? incoming.locale, baseUrl, recipientId }));
    };

    const logic = async (context: TurnContext) => {
      if (incoming.type === ActivityTypes.Message) {
        const turn = toTurn(incoming, shopperOf(incoming.from.id));
        if (!turn) return send(context, { type: ActivityTypes.Message, text: notice(incoming, "textOnly") });
        // A channel cannot show an HTTP error to the person typing, so an over-long message is answered in the chat.
        if (turn.text.length > config.maxMessageChars) {
          reportError(new ConciergeError("payload_too_large", `text: at most ${config.maxMessageChars} characters (got ${turn.text.length})`, 413), log);
          return send(context, { type: ActivityTypes.Message, text: notice(incoming, "tooLong", config.maxMessageChars) });
        }
        return answer(context, turn.text, turn.userId, incoming.from.id);
      }
      if (incoming.type === ActivityTypes.ConversationUpdate) {
        const botId = incoming.recipient?.id;
        const joined = (incoming.membersAdded ?? []).find((m) => m.id !== botId);
        if (joined?.id) return answer(context, WELCOME_TEXT, shopperOf(joined.id), joined.id);
      }
      // Typing, reactions, installation updates and the like need no answer.
    };

    const result = await adapter.run(req.headers, activity, logic);
    if (res.headersSent) return;
    res.status(result?.status ?? 200);
    if (result?.body !== undefined) res.json(result.body);
    else res.end();
  };
}
