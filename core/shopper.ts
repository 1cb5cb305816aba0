/**
 * What a shopper is and does, as every layer sees it. The shoppers/ module owns these (its index
 * re-exports them and holds all behaviour around them); they are defined down here only because the
 * store, below shoppers/, persists them.
 */

export const EVENT_TYPES = ["view", "cart", "purchase", "favourite", "rating"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface ShopperEvent {
  /** The shopper's id as stored: always one with an origin (shoppers/identity), never one a client named. */
  userId: string;
  itemId: string;
  type: EventType;
  value?: number;
  /** Epoch milliseconds. */
  ts: number;
}

export interface Shopper {
  userId: string;
  locale?: string;
  /** Free-text likes a shopper gave at onboarding ("running, trail shoes"), redacted of personal data. */
  preferences: string[];
  /** False once the shopper asked us to stop personalising. */
  personalise: boolean;
  createdAt: number;
  updatedAt: number;
}
