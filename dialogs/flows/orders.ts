import type { ActionEntities } from "../../actions/index.ts";
import { readBareOrderNumber, readBarePostcode } from "../../intents/entities.ts";
import type { Flow, FlowContext } from "../flow.ts";
import type { PendingAction } from "../state.ts";
import { suggest } from "../templates.ts";
import { actionRequest, callWebhook, cardsFor, isVerified } from "./action-common.ts";
import { actionReplies } from "./action-replies.ts";

const OTHER_REQUESTS = new Set(["human_handoff", "complaint", "export_data", "delete_data", "stop_personalisation", "goodbye"]);

/** How long a question for the order number, e-mail or postcode stays open. */
export const PENDING_ACTION_MS = 10 * 60_000;

type OrderAction = PendingAction["action"];

// "Can I return things?" is a policy question (the shop's wording answers it); "return order 123"
// or "start a return" asks the shop to act.
const RETURN_REQUEST = /\b(?:start|begin|open|make|raise|create|process|arrange|book)\b[^.?!]{0,20}\breturns?\b|\breturns?\b[^.?!]{0,20}\b(?:my|this|an?|the)\s+order\b|\breturn\s+(?:label|request)\b|申请退货|办理退货|我要退货|退货申请|帮我退/i;

/** The order number, e-mail and postcode known so far: from an open question, then this message. */
function gather(ctx: FlowContext, pending: PendingAction | undefined): Pick<PendingAction, "orderNumber" | "email" | "postcode"> {
  const e = ctx.nlu.entities;
  const orderNumber = e.orderNumber ?? (pending && !pending.orderNumber ? readBareOrderNumber(ctx.turn.text) : undefined) ?? pending?.orderNumber;
  // A bare number answering "e-mail or postcode?" is a postcode only once the order number is known.
  const barePostcode = pending?.orderNumber && !e.postcode && !e.orderNumber ? readBarePostcode(ctx.turn.text) : undefined;
  const postcode = e.postcode ?? barePostcode ?? pending?.postcode;
  const email = e.email ?? pending?.email;
  return { ...(orderNumber && { orderNumber }), ...(email && { email }), ...(postcode && { postcode }) };
}

/**
 * Order status or a return through the shop's webhook. A verified shopper's request goes straight
 * to the shop; anyone else is asked for the order number and the e-mail or postcode on it, which
 * are passed for the shop to check (Concierge never decides an order is theirs). Without a
 * webhook, `fallback` (the shop's fixed wording) answers.
 */
export function orderFlow(action: OrderAction, fallback: Flow | undefined): Flow {
  return async (ctx) => {
    const pending = ctx.state.pendingAction?.action === action ? ctx.state.pendingAction : undefined;
    if (!ctx.deps.actions?.webhook || (action === "returns" && !pending && !ctx.nlu.entities.orderNumber && !RETURN_REQUEST.test(ctx.turn.text))) {
      ctx.state.pendingAction = undefined;
      return fallback ? fallback(ctx) : { text: "", products: [], suggestions: [] };
    }
    const details = gather(ctx, pending);
    const intent = pending?.intent ?? ctx.nlu.intent;
    const r = actionReplies(ctx.locale);
    if (!isVerified(ctx) && (!details.orderNumber || (!details.email && !details.postcode))) {
      ctx.state.pendingAction = { action, intent, ...details, at: Date.now() };
      const text = details.orderNumber ? r.askProof(details.orderNumber) : details.email || details.postcode ? r.askOrder : r.askAll;
      return { text, products: [], suggestions: [], answeredAs: intent };
    }
    ctx.state.pendingAction = undefined;
    const entities: ActionEntities = { ...details };
    const answer = await callWebhook(ctx, actionRequest(ctx, action, intent, entities));
    if (!answer) {
      const text = action === "returns" ? r.returnUnavailable(details.orderNumber) : r.orderUnavailable(details.orderNumber);
      return { text, products: [], suggestions: suggest(ctx.locale, "handoff"), answeredAs: intent };
    }
    return { text: answer.text, products: await cardsFor(ctx, answer.products), suggestions: suggest(ctx.locale, "start"), answeredAs: intent };
  };
}

/**
 * The flow that carries on an order question we asked ("what's the order number?"), when this
 * message answers it; otherwise the question is dropped and the message is routed as itself.
 */
export function continuePendingAction(ctx: FlowContext, flows: Partial<Record<string, Flow>>): Flow | undefined {
  const pending = ctx.state.pendingAction;
  if (!pending) return undefined;
  if (Date.now() - pending.at > PENDING_ACTION_MS) {
    ctx.state.pendingAction = undefined;
    return undefined;
  }
  // Asking for a person or about one's data is its own request, whatever details it carries.
  if (OTHER_REQUESTS.has(ctx.nlu.intent)) {
    ctx.state.pendingAction = undefined;
    return undefined;
  }
  const before = JSON.stringify([pending.orderNumber, pending.email, pending.postcode]);
  const now = gather(ctx, pending);
  const answered = JSON.stringify([now.orderNumber, now.email, now.postcode]) !== before;
  if (answered) return flows[pending.action === "returns" ? "returns" : "order_status"];
  // Asking again about an order keeps what was said so far; anything else moves on.
  if (ctx.nlu.intent !== pending.action) ctx.state.pendingAction = undefined;
  return undefined;
}
