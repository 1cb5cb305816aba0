import { EXPORT_PATH } from "../../shoppers/index.ts";
import type { Flow } from "../flow.ts";
import { say, suggest } from "../templates.ts";

/**
 * The shopper's own data: export it, delete it, or stop it being used — always the shopper this
 * turn's channel proved (turn.userId), never one the message names.
 */

const exportData: Flow = async (ctx) => {
  // A kiosk or a phone line is heard (and seen) by others: the data goes only to a private screen.
  if (ctx.turn.medium === "speech") return { text: say(ctx.locale, "exportNotHere"), products: [], suggestions: suggest(ctx.locale, "start") };
  const link = await ctx.deps.shoppers.exportLink(ctx.turn.userId);
  const url = `${ctx.turn.baseUrl ?? ""}${EXPORT_PATH}${link.token}`;
  const minutes = Math.max(1, Math.round((link.expiresAt - Date.now()) / 60_000));
  return {
    text: say(ctx.locale, "exportReady", { url, minutes }),
    // The transcript keeps that a link was given, never the link: it would outlive its purpose there.
    transcript: say(ctx.locale, "exportReady", { url: "[export link]", minutes }),
    products: [],
    suggestions: suggest(ctx.locale, "privacy").slice(1),
  };
};

/** Deleting everything is asked about first; the next message answers (engine.ts pendingConfirmation). */
const askToDelete: Flow = async (ctx) => {
  ctx.state.pendingDeletion = Date.now();
  return { text: say(ctx.locale, "deleteConfirm"), products: [], suggestions: suggest(ctx.locale, "confirmDelete") };
};

const deleteConfirmed: Flow = async (ctx) => {
  const report = await ctx.deps.shoppers.delete(ctx.turn.userId);
  ctx.forgetTurn = true;
  return { text: say(ctx.locale, "deleted", { events: report.events, messages: report.messages }), products: [], suggestions: suggest(ctx.locale, "start") };
};

const deleteCancelled: Flow = async (ctx) => ({ text: say(ctx.locale, "deleteCancelled"), products: [], suggestions: suggest(ctx.locale, "start") });

const stopPersonalisation: Flow = async (ctx) => {
  await ctx.deps.shoppers.stopPersonalising(ctx.turn.userId, ctx.locale);
  return { text: say(ctx.locale, "stoppedPersonalising"), products: [], suggestions: suggest(ctx.locale, "privacy") };
};

export const privacyFlows = {
  export_data: exportData,
  delete_data: askToDelete,
  stop_personalisation: stopPersonalisation,
} satisfies Record<string, Flow>;

/** The answers to "delete my data?": not intents of their own, the next message read as yes or no. */
export const deletionAnswers = { yes: deleteConfirmed, no: deleteCancelled } satisfies Record<"yes" | "no", Flow>;
