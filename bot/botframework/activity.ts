import type { Activity, ChannelAccount, ConversationAccount } from "@microsoft/agents-activity";
import { z } from "zod";
import { ValidationError } from "../../core/errors.ts";
import { isSafeText, safeText, UNSAFE_TEXT } from "../../core/text.ts";
import type { Turn } from "../../core/turn.ts";
import { parseWire } from "../validate.ts";
import { toSdkActivity } from "./wire.ts";

const str = (what: string) => safeText({ error: (i) => (i.input === undefined ? `required (${what})` : `expected a string (${what})`) });
// The SDK compares a role as text (agentic accounts); any other value would fail the turn inside it.
const account = z.looseObject({ id: str("the account's id").min(1, "must not be empty"), role: safeText({ error: "expected a string" }).optional() }, { error: (i) => (i.input === undefined ? "required ({id, name?})" : "expected an object {id, name?}") });

/**
 * botbuilder posted replies with the conversation id in an HTTP header (x-ms-conversation-id),
 * where Node refuses control characters and anything past Latin-1, so such ids were refused here.
 * The Agents SDK sends no such header (the id goes, encoded, in the connector's URL only); the rule
 * stays so that what this endpoint accepts did not change with the SDK. Channels' ids are ASCII.
 */
const HEADER_TEXT = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A card's submit button sends the shopper's words as value.text (see messageText): they become the turn's text. */
const cardValue = z.unknown().superRefine((value, ctx) => {
  const text = (value as { text?: unknown } | null | undefined)?.text;
  if (typeof text === "string" && !isSafeText(text)) ctx.addIssue({ code: "custom", message: UNSAFE_TEXT, path: ["text"] });
});

/**
 * A Slack button the shopper pressed: the Azure Bot Slack channel delivers Slack's interaction
 * payload in channelData, the button's value being the words it stands for (see slackActionAt).
 */
const channelDataValue = z.unknown().superRefine((data, ctx) => {
  const action = slackActionAt(data);
  if (typeof action?.value === "string" && !isSafeText(action.value)) ctx.addIssue({ code: "custom", message: UNSAFE_TEXT, path: [action.key, "actions", 0, "value"] });
});

/**
 * What /api/messages needs of an Activity before the SDK sees it. The SDK itself checks only that
 * `type` is a string; anything else missing would fail deep inside it as a 500, so we answer 400
 * naming the field instead.
 */
export const activitySchema = z.looseObject({
  type: str("e.g. \"message\"").min(1, "must not be empty"),
  id: safeText({ error: "expected a string" }).optional(),
  // The SDK splits "channel:subchannel" and refuses an empty channel before the colon.
  channelId: str("e.g. \"emulator\", \"msteams\"").min(1, "must not be empty").regex(/^[^:]/, "must not start with \":\""),
  serviceUrl: str("the channel's URL for replies")
    .refine((u) => /^https?:\/\/[^\s/]+/i.test(u) && URL.canParse(u), "expected an http(s) URL"),
  conversation: z.looseObject({ id: str("the conversation's id").min(1, "must not be empty").max(1024, "must be at most 1024 characters (it goes into the connector's URL)").regex(HEADER_TEXT, "must be printable ASCII or Latin-1 text, as channels' ids are") }, { error: (i) => (i.input === undefined ? "required ({id})" : "expected an object {id}") }),
  from: account,
  recipient: account.optional(),
  // Some channels serialise absent fields as null; only a value of the wrong type is an error.
  text: safeText({ error: "expected a string" }).nullish(),
  value: cardValue.optional(),
  channelData: channelDataValue.optional(),
  locale: safeText({ error: "expected a string such as \"en-US\"" }).max(35, "at most 35 characters").nullish(),
  deliveryMode: z.enum(["normal", "notification", "expectReplies", "ephemeral"], { error: "expected one of normal, notification, expectReplies, ephemeral" }).nullish(),
  // The SDK looks through entities whenever it reads channelId: anything but objects in an array would fail the turn inside it.
  entities: z.array(z.looseObject({}, { error: "expected an object" }), { error: "expected an array of objects" }).nullish(),
  membersAdded: z.array(account, { error: "expected an array of accounts" }).nullish(),
  timestamp: safeText({ error: "expected an ISO 8601 string" }).nullish(),
  localTimestamp: safeText({ error: "expected an ISO 8601 string" }).nullish(),
});

/** An Activity as the route has validated it: what the SDK types as optional, the route can rely on. */
export type ValidActivity = Activity & {
  channelId: string;
  serviceUrl: string;
  conversation: ConversationAccount;
  from: ChannelAccount & { id: string };
};

/** Validates the body of a POST /api/messages; errors name the field ("activity.conversation.id: required"). */
export function parseActivity(body: unknown): ValidActivity {
  if (body === undefined) throw new ValidationError("invalid activity: the request has no JSON body (send it with Content-Type: application/json)");
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new ValidationError("invalid activity: expected a JSON object");
  const parsed: Record<string, unknown> & { type: string } = { ...parseWire(activitySchema, body, "activity", "activity") };
  for (const key of ["text", "locale", "deliveryMode", "entities", "membersAdded", "timestamp", "localTimestamp"] as const) {
    if (parsed[key] === null) delete parsed[key];
  }
  // The SDK reads these as Dates (its own parsing makes the same conversion).
  for (const key of ["timestamp", "localTimestamp"] as const) {
    if (typeof parsed[key] === "string") parsed[key] = new Date(parsed[key]);
  }
  return toSdkActivity(parsed) as ValidActivity;
}

/**
 * A message activity as the channel-neutral Turn, for the shopper `shopperId` (the channel's
 * account, proven by shoppers/ Identity); undefined when it carries no text to act on.
 */
export function toTurn(activity: ValidActivity, shopperId: string): Turn | undefined {
  const text = messageText(activity);
  if (text === undefined) return undefined;
  return { conversationId: activity.conversation.id, userId: shopperId, text, locale: activity.locale || undefined, medium: "text" };
}

/**
 * The first action of a Slack interaction payload: where the Slack channel puts a pressed Block Kit
 * button (channelData.SlackMessage, type "block_actions", as Microsoft's Agents SDK reads it), or
 * where Microsoft documented it for interactive messages (channelData.Payload).
 */
function slackActionAt(channelData: unknown): { value: unknown; key: string } | undefined {
  if (!channelData || typeof channelData !== "object") return undefined;
  for (const key of ["SlackMessage", "Payload", "payload"]) {
    const payload = (channelData as Record<string, unknown>)[key];
    const actions = payload && typeof payload === "object" ? (payload as { actions?: unknown }).actions : undefined;
    const first = Array.isArray(actions) ? actions[0] : undefined;
    if (first && typeof first === "object") return { value: (first as { value?: unknown }).value, key };
  }
  return undefined;
}

/** The bot's own @mention, as the channel marked it in `entities` (Slack: "@concierge", Teams: "<at>Concierge</at>"). */
function withoutBotMention(activity: Activity, text: string): string {
  const botId = activity.recipient?.id;
  if (!botId || !Array.isArray(activity.entities)) return text;
  for (const entity of activity.entities as { type?: unknown; text?: unknown; mentioned?: { id?: unknown } }[]) {
    if (entity?.type === "mention" && entity.mentioned?.id === botId && typeof entity.text === "string" && entity.text) text = text.split(entity.text).join(" ");
  }
  return text;
}

/**
 * The text of a message: `text`, or for a card's submit button (Teams Action.Submit without
 * imBack, some Web Chat cards) a `text` string in `value`, or for a Slack button its value. The bot's
 * @mention is not part of what the shopper asked; Slack escapes &, < and > in what it relays.
 */
export function messageText(activity: Activity): string | undefined {
  let text = typeof activity.text === "string" ? activity.text : undefined;
  if (!text?.trim() && activity.value && typeof activity.value === "object" && typeof (activity.value as { text?: unknown }).text === "string") {
    text = (activity.value as { text: string }).text;
  }
  if (!text?.trim() && activity.channelId === "slack") {
    const pressed = slackActionAt(activity.channelData)?.value;
    if (typeof pressed === "string") text = pressed;
  }
  if (text === undefined) return undefined;
  text = withoutBotMention(activity, text);
  if (activity.channelId === "msteams") text = text.replace(/<at>[^<]*<\/at>/g, "");
  if (activity.channelId === "slack") text = text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  text = text.trim();
  return text === "" ? undefined : text;
}
