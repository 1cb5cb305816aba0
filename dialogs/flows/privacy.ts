import type { Flow } from "../engine.ts";
import { say, suggest } from "../templates.ts";

/** The shopper's own data: export it, delete it, or stop it being used. */

const exportData: Flow = async (ctx) => {
  const data = await ctx.deps.store.shoppers.exportUser(ctx.turn.userId);
  const prefs = data.shopper?.preferences.length
    ? say(ctx.locale, "preferencesList", { list: data.shopper.preferences.join(", ") })
    : say(ctx.locale, "noPreferences");
  return {
    text: say(ctx.locale, "exported", { events: data.events.length, messages: data.messages.length, prefs, json: JSON.stringify(data) }),
    products: [],
    suggestions: suggest(ctx.locale, "privacy").slice(1),
  };
};

const deleteData: Flow = async (ctx) => {
  const report = await ctx.deps.store.shoppers.deleteUser(ctx.turn.userId);
  // Their events also leave the co-occurrence counts that rank other shoppers' picks.
  await ctx.deps.recommender.forgetShopper?.(ctx.turn.userId);
  ctx.forgetTurn = true;
  return { text: say(ctx.locale, "deleted", { events: report.events, messages: report.messages }), products: [], suggestions: suggest(ctx.locale, "start") };
};

const stopPersonalisation: Flow = async (ctx) => {
  const { store } = ctx.deps;
  const now = Date.now();
  const shopper = await store.shoppers.getShopper(ctx.turn.userId);
  await store.shoppers.upsertShopper({
    userId: ctx.turn.userId,
    locale: shopper?.locale ?? ctx.locale,
    preferences: shopper?.preferences ?? [],
    personalise: false,
    createdAt: shopper?.createdAt ?? now,
    updatedAt: now,
  });
  // From now on nothing of theirs ranks anything: their part of co-occurrence, their cached profile
  // and session query go (their stored events stay, for export, but no longer count anywhere).
  await ctx.deps.recommender.forgetShopper?.(ctx.turn.userId);
  return { text: say(ctx.locale, "stoppedPersonalising"), products: [], suggestions: suggest(ctx.locale, "privacy") };
};

export const privacyFlows = {
  export_data: exportData,
  delete_data: deleteData,
  stop_personalisation: stopPersonalisation,
} satisfies Record<string, Flow>;
