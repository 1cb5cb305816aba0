import { ActionError, type ActionAnswer, type ActionEntities, type ActionName, type ActionRequest } from "../../actions/index.ts";
import type { ProductCard } from "../../core/turn.ts";
import { originOf } from "../../shoppers/index.ts";
import type { FlowContext } from "../flow.ts";
import { productCard } from "../format.ts";
import { actionReplies } from "./action-replies.ts";

/** A shopper is verified only when the shop signed their id (`customer:`); a typed claim never is. */
export function isVerified(ctx: FlowContext): boolean {
  return originOf(ctx.turn.userId) === "customer";
}

/** The request for the shop's webhook, in the contract's shape. */
export function actionRequest(ctx: FlowContext, action: ActionName, intent: string, entities: ActionEntities, text = ctx.turn.text): ActionRequest {
  return { action, intent, shopper: { id: ctx.turn.userId, verified: isVerified(ctx) }, entities, text, locale: ctx.locale, conversationId: ctx.turn.conversationId };
}

/**
 * The shop's answer, or undefined when it gave none (timeout, error, bad answer): the caller then
 * apologises and states nothing it was not told.
 */
export async function callWebhook(ctx: FlowContext, request: ActionRequest): Promise<ActionAnswer | undefined> {
  const webhook = ctx.deps.actions?.webhook;
  if (!webhook) return undefined;
  try {
    return await webhook.call(request);
  } catch (err) {
    // No personal data: the reason and the action, never the entities.
    ctx.deps.logger?.warn({ action: request.action, reason: err instanceof ActionError ? err.reason : "unexpected", message: err instanceof Error ? err.message : String(err) }, "the shop's webhook gave no answer");
    return undefined;
  }
}

/** The webhook's product ids as catalogue cards, in its order; ids the catalogue does not know are dropped. */
export async function cardsFor(ctx: FlowContext, ids: string[] | undefined): Promise<ProductCard[]> {
  if (!ids?.length) return [];
  const unique = [...new Set(ids)].slice(0, Math.max(ctx.deps.resultLimit, 1) * 2);
  const products = await Promise.all(unique.map((id) => ctx.deps.recommender.getProduct(id).catch(() => null)));
  const reason = actionReplies(ctx.locale).cardReason;
  return products.filter((p) => p !== null).slice(0, ctx.deps.resultLimit).map((p) => productCard(p, reason));
}
