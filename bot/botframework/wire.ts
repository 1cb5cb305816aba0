import { Activity } from "@microsoft/agents-activity";

/**
 * Between the Activity protocol's JSON and the Agents SDK's Activity class. The SDK's own parsing
 * (Activity.fromObject) is a strict zod schema that throws on fields channels send loosely (an
 * empty conversation name, an empty timestamp…), so the route validates what it reads
 * (activity.ts) and the SDK gets the object as validated, in its class.
 */

// Keys that would replace the class's methods or accessors on the instance (or its prototype):
// an activity naming them could only break the turn. channelId is an accessor the SDK means to be set.
const reserved = (key: string) => key === "__proto__" || (key !== "channelId" && key in Activity.prototype);

// Stand-ins for an absent recipient (see toSdkActivity).
const noRecipient = new WeakSet<object>();

/** The validated activity as the SDK's Activity. */
export function toSdkActivity(validated: Record<string, unknown> & { type: string }): Activity {
  const activity = new Activity(validated.type);
  for (const [key, value] of Object.entries(validated)) {
    if (!reserved(key)) (activity as unknown as Record<string, unknown>)[key] = value;
  }
  // The protocol lets an activity omit its recipient; the SDK cannot address a reply without one
  // (replies go "from" it). A stand-in it is, which the replies must not carry (withoutStandIns).
  if (!activity.recipient) {
    activity.recipient = {};
    noRecipient.add(activity.recipient);
  }
  return activity;
}

/** Removes the stand-in recipient from replies as the SDK addressed them: they go from no one in particular, as before. */
export function withoutStandIns(replies: Partial<Activity>[]): void {
  for (const reply of replies) {
    if (reply.from && noRecipient.has(reply.from)) delete reply.from;
  }
}

/**
 * An activity as it goes on the wire. The SDK's class keeps the channel in `_channelId` behind a
 * getter, and names `relatesTo.bot` `agent`; its connector converts both when it posts, and the
 * replies we return in an HTTP response (expectReplies) need the same.
 */
export function toWire(activity: unknown): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(activity)) as Record<string, unknown>;
  if ("_channelId" in plain) {
    if (plain._channelId !== undefined) plain.channelId = (activity as Activity).channelId;
    delete plain._channelId;
  }
  const relatesTo = plain.relatesTo as Record<string, unknown> | undefined;
  if (relatesTo && typeof relatesTo === "object" && "agent" in relatesTo) {
    relatesTo.bot = relatesTo.agent;
    delete relatesTo.agent;
  }
  return plain;
}
