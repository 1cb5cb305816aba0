import { z } from "zod";

/** What Concierge can ask the shop's systems to do. The names are part of the webhook contract. */
export const ACTION_NAMES = ["order_status", "returns", "store_stock", "handoff"] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/**
 * The body Concierge POSTs, exactly these keys (docs/actions.md). `shopper.verified` is true only
 * for an id the shop itself signed (`customer:<id>`); anything else the shop must check from the
 * entities (order number with e-mail or postcode) before it says anything about an order.
 */
export interface ActionRequest {
  action: ActionName;
  intent: string;
  shopper: { id: string; verified: boolean };
  entities: ActionEntities;
  text: string;
  locale: "en" | "zh";
  conversationId: string;
}

/** What the shopper named (only the keys that were found are sent). */
export interface ActionEntities {
  orderNumber?: string;
  email?: string;
  postcode?: string;
  /** The store the shopper asked about, as they named it ("Oxford Street", "静安店"). */
  store?: string;
  /** Catalogue ids of the products the question is about. */
  products?: string[];
  /** handoff only: the conversation's last messages, personal data redacted. */
  transcript?: { role: "user" | "assistant"; text: string }[];
}

/** The shop's answer. Anything else (not JSON, a missing or empty text, a wrong type) is a bad answer. */
export const actionAnswerSchema = z.object({
  text: z.string().trim().min(1, "must be a non-empty string").max(4000, "must be at most 4000 characters"),
  products: z.array(z.string().min(1).max(200)).max(50, "must list at most 50 ids").optional(),
  handoff: z.record(z.string(), z.unknown()).optional(),
});
export type ActionAnswer = z.infer<typeof actionAnswerSchema>;

/** Anything that can carry out an action: the webhook client, or a stand-in in a test. */
export interface Actions {
  call(request: ActionRequest, signal?: AbortSignal): Promise<ActionAnswer>;
}
