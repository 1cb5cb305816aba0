import { createHash } from "node:crypto";
import { redactPii } from "../../core/redact.ts";
import type { Flow, FlowContext } from "../flow.ts";
import { suggest } from "../templates.ts";
import { actionRequest, callWebhook, cardsFor, isVerified } from "./action-common.ts";
import { actionReplies } from "./action-replies.ts";

/** How much of the conversation a colleague is given. */
export const HANDOFF_MESSAGES = 12;

/** A short code the shopper and the colleague both see, derived from the conversation (not the shopper). */
export function handoffReference(conversationId: string): string {
  return createHash("sha256").update(`handoff\n${conversationId}`).digest("hex").slice(0, 8).toUpperCase();
}

// Slack reads <, > and & as markup; Teams renders the text as it is.
const escapeSlack = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The message a Slack or Teams channel gets: who (verified or not), the reference, the redacted conversation. */
export function handoffMessage(ref: string, ctx: FlowContext, transcript: { role: string; text: string }[]): string {
  const lines = transcript.map((m) => `> *${m.role === "user" ? "shopper" : "assistant"}:* ${escapeSlack(m.text).replace(/\n/g, " ")}`);
  const who = isVerified(ctx) ? "a signed-in customer" : "a visitor who is not signed in";
  return [`Concierge hand-off ${ref}: ${who} (${ctx.locale}) asks for a colleague. Personal details are removed.`, ...lines].join("\n");
}

/**
 * The human hand-off: the redacted conversation goes to the shop's webhook (action "handoff") and/or
 * its Slack or Teams channel, and the shopper is told what happens next, or that it could not be
 * passed on. Without either configured, `fallback` (the shop's fixed wording) answers.
 */
export function handoffFlow(fallback: Flow | undefined): Flow {
  return async (ctx) => {
    const { webhook, notify } = ctx.deps.actions ?? {};
    if (!webhook && !notify) return fallback ? fallback(ctx) : { text: "", products: [], suggestions: [] };
    const stored = (await ctx.deps.recentMessages?.(ctx.turn, HANDOFF_MESSAGES - 1).catch(() => [])) ?? [];
    // Stored messages are redacted already; this one is not stored yet.
    const transcript = [...stored, { role: "user" as const, text: redactPii(ctx.turn.text) }];
    const ref = handoffReference(ctx.turn.conversationId);
    const [answer, posted] = await Promise.all([
      webhook ? callWebhook(ctx, actionRequest(ctx, "handoff", ctx.nlu.intent, { transcript }, redactPii(ctx.turn.text))) : Promise.resolve(undefined),
      notify
        ? notify(handoffMessage(ref, ctx, transcript)).then(
            () => true,
            (err: unknown) => {
              ctx.deps.logger?.warn({ message: err instanceof Error ? err.message : String(err) }, "the hand-off could not be posted to the chat channel");
              return false;
            },
          )
        : Promise.resolve(false),
    ]);
    const r = actionReplies(ctx.locale);
    if (answer) return { text: answer.text, products: await cardsFor(ctx, answer.products), suggestions: [] };
    if (posted) return { text: r.handoffSent(ref), products: [], suggestions: [] };
    return { text: r.handoffFailed, products: [], suggestions: suggest(ctx.locale, "start") };
  };
}
