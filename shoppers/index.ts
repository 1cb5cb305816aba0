/**
 * Shoppers: who a shopper is (identity proven, never claimed, with its origin), their consent and
 * stated likes, their events and the profile made of them, and their privacy — export through a
 * one-time link, deletion everywhere at once, retention. Dialogs and channels come here; nothing
 * else reads or writes a shopper's rows.
 */
export type { EventType, Shopper, ShopperEvent } from "../core/shopper.ts";
export { EVENT_TYPES } from "../core/shopper.ts";
export { connectShopperBus, LocalBus, redisShopperBus, type ShopperBus, type ShopperNotice } from "./bus.ts";
export { EXPORT_PATH, ExportLinkError } from "./export-links.ts";
export {
  ANONYMOUS_KID,
  Identity,
  InvalidTokenError,
  MAX_SUBJECT_CHARS,
  ORIGINS,
  type Origin,
  originOf,
  type ProvenShopper,
  type ShopKeys,
  shopNamedShopper,
} from "./identity/index.ts";
export type { ProfileModel, ProfileVectors, ShopperProfile } from "./profiles.ts";
export { startRetention } from "./retention.ts";
export { type ShopperExport, type ShopperMemory, Shoppers, type ShoppersOptions } from "./service.ts";
