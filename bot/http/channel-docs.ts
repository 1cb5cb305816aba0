import { z } from "zod";
import { activitySchema } from "../botframework/activity.ts";
import type { RouteDoc } from "./api-route.ts";

/** POST /api/messages in /openapi.json: the body is what parseActivity checks before the SDK sees it. */
export const messagesDoc: RouteDoc = {
  summary: "Bot Framework activities (Teams, Slack through Azure Bot Service, Emulator)",
  description: "The Activity protocol. With deliveryMode expectReplies the replies come back in the response body; otherwise they are posted to the activity's serviceUrl.",
  tag: "channels",
  security: ["botFramework"],
  body: { schema: activitySchema },
  responses: { 200: { description: "Handled; with expectReplies, {activities: [...]}" }, 202: { description: "Accepted" } },
};

const twimlForm = z.looseObject({
  CallSid: z.string().optional().describe("the call's id (required when signed)"),
  From: z.string().optional().describe("the caller's number"),
});

/** /api/telephony/twiml in /openapi.json: providers POST a form (or GET); signed when an auth token is set. */
export function twimlDoc(method: "get" | "post", signed: boolean): RouteDoc {
  return {
    summary: "TwiML connecting a phone call to the media stream (the phone number's voice webhook)",
    description: "With CONCIERGE_TELEPHONY_AUTH_TOKEN the request must carry the provider's X-Twilio-Signature; without it the webhook is unsigned.",
    tag: "telephony",
    ...(signed && { security: ["twilioSignature"] }),
    ...(method === "post" && { body: { schema: twimlForm, contentType: "application/x-www-form-urlencoded", required: false } }),
    responses: { 200: { description: "TwiML", contentType: "text/xml" } },
  };
}

export const openApiDoc: RouteDoc = {
  summary: "This description (OpenAPI 3.1), generated from the routes' zod schemas",
  tag: "operations",
  responses: { 200: { description: "The OpenAPI document" } },
};
