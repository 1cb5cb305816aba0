import type { Logger } from "../core/logger.ts";
import { LocalNoticeBus, type NoticeBus, RedisNoticeBus } from "../core/notices.ts";
import type { RedisLink } from "../core/redis.ts";

/** What one replica tells the others about shoppers, so no replica's memory outlives the data. */
export type ShopperNotice = { type: "forget"; shopperId: string } | { type: "purged" };

export type ShopperBus = NoticeBus<ShopperNotice>;

function isShopperNotice(value: unknown): value is ShopperNotice {
  const v = value as ShopperNotice | null;
  return !!v && typeof v === "object" && (v.type === "purged" || (v.type === "forget" && typeof v.shopperId === "string"));
}

/** One process: the notice reaches this process only. */
export class LocalBus extends LocalNoticeBus<ShopperNotice> {}

/** Replicas sharing a Redis: `namespace` keeps shops sharing one Redis apart (their database schema). */
export function redisShopperBus(link: RedisLink, logger: Logger, namespace = "public"): ShopperBus {
  return new RedisNoticeBus(link, `concierge:${namespace}:shoppers`, isShopperNotice, logger);
}

/** The same on a Redis connection of its own (tests, tools); closing the bus closes it. */
export function connectShopperBus(url: string, logger: Logger, namespace = "public"): ShopperBus {
  return RedisNoticeBus.connect(url, `concierge:${namespace}:shoppers`, isShopperNotice, logger);
}
