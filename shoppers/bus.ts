import { createClient } from "redis";
import type { Logger } from "../core/logger.ts";

/** What one replica tells the others about shoppers, so no replica's memory outlives the data. */
export type ShopperNotice = { type: "forget"; shopperId: string } | { type: "purged" };

/** Delivers every notice to every replica's subscribers, the sender's own included. */
export interface ShopperBus {
  publish(notice: ShopperNotice): Promise<void>;
  subscribe(handler: (notice: ShopperNotice) => void): void;
  close(): Promise<void>;
}

/** One process: the notice reaches this process's subscribers only. */
export class LocalBus implements ShopperBus {
  private readonly handlers: ((notice: ShopperNotice) => void)[] = [];
  async publish(notice: ShopperNotice): Promise<void> {
    for (const h of this.handlers) h(notice);
  }
  subscribe(handler: (notice: ShopperNotice) => void): void {
    this.handlers.push(handler);
  }
  async close(): Promise<void> {}
}

const CHANNEL = "concierge:shoppers";

function isNotice(value: unknown): value is ShopperNotice {
  const v = value as ShopperNotice | null;
  return !!v && typeof v === "object" && (v.type === "purged" || (v.type === "forget" && typeof v.shopperId === "string"));
}

/** Replicas sharing a Redis (REDIS_URL): a notice published by one reaches all, through pub/sub. */
export class RedisBus implements ShopperBus {
  private readonly handlers: ((notice: ShopperNotice) => void)[] = [];

  private constructor(
    private readonly pub: ReturnType<typeof createClient>,
    private readonly sub: ReturnType<typeof createClient>,
    private readonly channel: string,
  ) {}

  /** `namespace` keeps shops sharing one Redis apart (their database schema, say). */
  static async connect(url: string, logger: Logger, namespace = "public"): Promise<RedisBus> {
    const pub = createClient({ url, socket: { connectTimeout: 5000, reconnectStrategy: (retries) => Math.min(retries * 200, 5000) } });
    const sub = pub.duplicate();
    for (const client of [pub, sub]) client.on("error", (err) => logger.warn({ err: err.message }, "redis (shopper notices) connection error"));
    await Promise.all([pub.connect(), sub.connect()]);
    const bus = new RedisBus(pub, sub, `${CHANNEL}:${namespace}`);
    await sub.subscribe(bus.channel, (message) => {
      let notice: unknown;
      try {
        notice = JSON.parse(message);
      } catch {
        return;
      }
      if (isNotice(notice)) for (const h of bus.handlers) h(notice);
    });
    return bus;
  }

  async publish(notice: ShopperNotice): Promise<void> {
    await this.pub.publish(this.channel, JSON.stringify(notice));
  }

  subscribe(handler: (notice: ShopperNotice) => void): void {
    this.handlers.push(handler);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}
