import type { Flow } from "../flow.ts";
import { fromKnowledge } from "./knowledge.ts";
import { type SuggestionSet, say, suggest, type TemplateKey } from "../templates.ts";

/** Flows answered with a fixed sentence and a few next steps. */
function answer(key: TemplateKey, suggestions: SuggestionSet = "start"): Flow {
  return async (ctx) => ({ text: say(ctx.locale, key), products: [], suggestions: suggest(ctx.locale, suggestions) });
}

const feedback: Flow = async (ctx) => {
  const label = ctx.nlu.sentiment.label;
  const key = label === "positive" ? "feedbackPositive" : label === "negative" ? "feedbackNegative" : "feedbackNeutral";
  return { text: say(ctx.locale, key), products: [], suggestions: suggest(ctx.locale, label === "negative" ? "handoff" : "start") };
};

export const serviceFlows = {
  goodbye: answer("goodbye"),
  thanks: answer("thanks"),
  capabilities: answer("capabilities"),
  order_status: answer("orderStatus", "handoff"),
  // The shop's own documents answer these (knowledge/); a shop without any gets "I don't know" and a person.
  shipping: fromKnowledge(),
  returns: fromKnowledge(),
  opening_hours: fromKnowledge(),
  payment: fromKnowledge(),
  complaint: answer("complaint", "handoff"),
  feedback,
  human_handoff: answer("handoff"),
} satisfies Record<string, Flow>;
