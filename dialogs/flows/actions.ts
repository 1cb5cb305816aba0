import type { Flow } from "../flow.ts";
import { handoffFlow } from "./handoff.ts";
import { orderFlow } from "./orders.ts";
import { storeStockFlow } from "./stock.ts";

export { continuePendingAction } from "./orders.ts";

/**
 * The flows that act through the shop's systems, each wrapping the flow it replaces: with no
 * webhook (or a question the webhook is not for) that flow answers exactly as before.
 */
export function withActionFlows(flows: Partial<Record<string, Flow>>): Partial<Record<string, Flow>> {
  return {
    ...flows,
    order_status: orderFlow("order_status", flows.order_status),
    returns: orderFlow("returns", flows.returns),
    availability: storeStockFlow(flows.availability),
    human_handoff: handoffFlow(flows.human_handoff),
  };
}
